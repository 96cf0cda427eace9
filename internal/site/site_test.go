package site

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A panic in a handler becomes the localized 500 page and a log line with
// the stack, and the server keeps serving.
func TestPanicRecovered(t *testing.T) {
	var logs bytes.Buffer
	s := newTestServer(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	h := s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}))
	r := httptest.NewRequest("GET", "/codes/421", nil)
	r.Header.Set("Accept-Language", "ja")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "エラーが発生しました") {
		t.Errorf("panic answered %d: %.200s", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), `"panic":"boom"`) || !strings.Contains(logs.String(), "site_test.go") {
		t.Errorf("log lacks the panic and its stack: %s", logs.String())
	}
	// The real handler still serves afterwards.
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/codes/421", nil))
	if w.Code != 200 {
		t.Errorf("after a panic, /codes/421 = %d", w.Code)
	}
}

// Past the in-flight cap the server answers 503 with Retry-After instead of
// queueing without bound.
func TestThrottle(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	h := throttle(1, 0)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	}))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	<-started
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	close(release)
	wg.Wait()
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
		t.Errorf("over capacity: %d, Retry-After %q; want 503 and 5", w.Code, w.Header().Get("Retry-After"))
	}
}

// A request past the in-flight cap waits in the backlog and is served when
// a slot frees; one past the backlog is told to come back at once.
func TestThrottleBacklogWaits(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	th := newThrottler(1, 1)
	h := th.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	codes := make(chan int, 2)
	serve := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		codes <- w.Code
	}
	go serve()
	<-started // the first holds the only slot
	go serve()
	// The second waits in the backlog; once it is there, a third finds the
	// backlog full.
	for th.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("past the backlog: %d, want 503", w.Code)
	}
	close(release)
	for range 2 {
		if c := <-codes; c != http.StatusNoContent {
			t.Errorf("a request in the cap or the backlog got %d, want 204", c)
		}
	}
}

// The access log has what an operator needs and nothing private.
func TestAccessLog(t *testing.T) {
	var logs bytes.Buffer
	s := newTestServer(t, Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	r := httptest.NewRequest("GET", "/codes/421", strings.NewReader("secret-body"))
	r.Header.Set("Cookie", "lang=ja; session=secret-cookie")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	line := logs.String()
	for _, want := range []string{`"method":"GET"`, `"route":"/codes/{code}"`, `"status":200`, `"lang":"ja"`, `"lang_source":"cookie"`, `"duration":`, `"bytes":`, `"id":"` + w.Header().Get("X-Request-Id") + `"`} {
		if !strings.Contains(line, want) {
			t.Errorf("log lacks %s: %s", want, line)
		}
	}
	for _, secret := range []string{"secret-cookie", "secret-body"} {
		if strings.Contains(line, secret) {
			t.Errorf("log contains %s", secret)
		}
	}
}

func TestReadyz(t *testing.T) {
	ready := false
	s := newTestServer(t, Config{Ready: func() bool { return ready }})
	for _, tt := range []struct {
		ready bool
		want  int
	}{{false, 503}, {true, 200}} {
		ready = tt.ready
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		if w.Code != tt.want {
			t.Errorf("ready=%v: /readyz = %d, want %d", tt.ready, w.Code, tt.want)
		}
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/livez", nil))
	if w.Code != 200 {
		t.Errorf("/livez = %d", w.Code)
	}
}

// The real net/http server rejects what cannot be a request at all, before
// our handler runs; check that it does so cleanly for the shapes scanners send.
func TestRawRequests(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t, Config{}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, raw := range []string{
		"GET /codes/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /codes/421 HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 1<<20) + "\r\n\r\n",
		"GET //evil.example/%2e%2e HTTP/1.1\r\nHost: evil.example\r\n\r\n",
		"GET /codes/\xff HTTP/1.1\r\nHost: x\r\n\r\n",
		"BREW /codes/421 HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		status, body := rawRequest(t, addr, raw)
		if status >= 500 || status == 0 {
			t.Errorf("%.40q: status %d", raw, status)
		}
		if strings.Contains(body, "evil.example") || strings.Contains(body, "%zz") {
			t.Errorf("%.40q: body reflects the request: %.200s", raw, body)
		}
	}
}

func rawRequest(t *testing.T, addr, raw string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, raw)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
