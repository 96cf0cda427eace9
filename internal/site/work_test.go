package site

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A decode whose body is still arriving holds the only body slot: the
// next decode is told to come back (503, Retry-After, the localized page)
// within the wait, code pages are served meanwhile, and once the slow
// upload ends the decoder answers again.
func TestDecodeBodySlotsAnswerBusy(t *testing.T) {
	s := newTestServer(t, Config{BaseURL: "https://smtp.example", MaxDecodeBodies: 1})
	srv := httptest.NewServer(s)
	defer srv.Close()

	slow, feed := io.Pipe()
	slowDone := make(chan int)
	go func() {
		res, err := http.Post(srv.URL+"/decode?lang=en", "application/x-www-form-urlencoded", slow)
		if err != nil {
			slowDone <- 0
			return
		}
		res.Body.Close()
		slowDone <- res.StatusCode
	}()
	io.WriteString(feed, "text=550+5.1.1+")
	waitFor(t, func() bool { return len(s.limits.decodeBodies.slots) == 1 })

	start := time.Now()
	res := post(t, srv.URL+"/decode?lang=ja", url.Values{"text": {"421 4.7.0 try later"}})
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") != "2" {
		t.Fatalf("second decode: %d, Retry-After %q; want 503 and 2", res.status, res.header.Get("Retry-After"))
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("the busy answer took %v", waited)
	}
	if !strings.Contains(res.body, "ただいま混み合っています") || !strings.Contains(res.body, `lang="ja"`) {
		t.Errorf("503 page is not the Japanese busy page:\n%.400s", res.body)
	}
	if page := get(t, srv.URL+"/codes/421?lang=en"); page.status != http.StatusOK {
		t.Errorf("code page during a decode: %d", page.status)
	}

	io.WriteString(feed, "unknown+user")
	feed.Close()
	if st := <-slowDone; st != http.StatusOK {
		t.Errorf("slow decode: %d", st)
	}
	if res := post(t, srv.URL+"/decode?lang=en", url.Values{"text": {"550 5.1.1 unknown user"}}); res.status != http.StatusOK || !strings.Contains(res.body, "5.1.1") {
		t.Errorf("decode after the flood: %d", res.status)
	}
}

// With every CPU slot taken, the JSON API (decode and search) answers a
// JSON 503 and search a localized 503 page, all with Retry-After; an empty search form, which
// costs nothing, is still served.
func TestDecodeAndSearchCPUSlotsAnswerBusy(t *testing.T) {
	s := newTestServer(t, Config{BaseURL: "https://smtp.example", MaxWork: 1})
	for _, l := range []*workLimit{s.limits.decodeCPU, s.limits.search} {
		release, ok := l.acquire(context.Background())
		if !ok {
			t.Fatal("no free slot in an idle server")
		}
		defer release()
	}
	req := httptest.NewRequest("POST", "/api/decode", strings.NewReader("550 5.1.1 unknown user"))
	req.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "2" ||
		!strings.Contains(rec.Body.String(), `"status":503`) {
		t.Errorf("/api/decode when busy: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	res := do(t, s, "GET", "/search?q=greylisting&lang=en", nil)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") != "2" || !strings.Contains(res.body, "Busy right now") {
		t.Errorf("/search when busy: %d %q", res.status, res.header.Get("Retry-After"))
	}
	if res := do(t, s, "GET", "/search?lang=en", nil); res.status != http.StatusOK {
		t.Errorf("empty search form when busy: %d", res.status)
	}
	res = do(t, s, "GET", "/search.json?q=greylisting&lang=en", nil)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") != "2" || !strings.Contains(res.body, `"status":503`) {
		t.Errorf("/search.json when busy: %d %q %s", res.status, res.header.Get("Retry-After"), res.body)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 10 s")
}

func post(t *testing.T, target string, form url.Values) response {
	t.Helper()
	res, err := http.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(t, res)
}

func get(t *testing.T, target string) response {
	t.Helper()
	res, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(t, res)
}

func readResponse(t *testing.T, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}
