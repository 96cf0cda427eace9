package site

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// The real site tree, as main embeds it.
var siteRoot = os.DirFS("../..")

// newTestServer builds a Server from the real tree, as main does.
func newTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := Open(siteRoot, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sharedServer is one Server for the tests that only read from it (a
// Server is immutable and safe for concurrent use): building one per test
// would cost most of the test time under -race.
var sharedServer = sync.OnceValues(func() (*Server, error) {
	return Open(siteRoot, Config{BaseURL: "https://smtp.example"})
})

// testHandler is the shared server, as main serves it.
func testHandler(t testing.TB) http.Handler {
	t.Helper()
	s, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t testing.TB, h http.Handler, method, target string, header http.Header) response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	return response{w.Code, w.Result().Header, string(body)}
}

func TestHTTP(t *testing.T) {
	h := testHandler(t)
	ja := http.Header{"Accept-Language": {"ja,en-US;q=0.8"}}
	tests := []struct {
		name         string
		method       string
		target       string
		header       http.Header
		wantStatus   int
		wantLocation string
		wantLang     string // Content-Language and <html lang>
		wantVary     bool   // Vary: Accept-Language, Cookie
		want         []string
		absent       []string
	}{
		{name: "home", target: "/", wantStatus: 200, wantLang: "en", wantVary: true,
			want: []string{"<h1>SMTP reply codes: meanings and fixes</h1>", `href="/codes/421?lang=en"`, `href="/codes/556?lang=en"`, "4xx Transient Negative", "5xx Permanent Negative", "2xx Positive Completion", `action="/compare"`, `name="a"`, `name="b"`}},
		{name: "home ja", target: "/?lang=ja", wantStatus: 200, wantLang: "ja",
			want: []string{"SMTP 応答コード", `href="/codes/421?lang=ja"`, `<input type="hidden" name="lang" value="ja">`, "4xx 一時的な否定応答"}},
		{name: "code en", target: "/codes/421", wantStatus: 200, wantLang: "en", wantVary: true,
			want:   []string{"SMTP 421 Service Not Available", `<h2 id="description">Description <a class="permalink"`, `<h2 id="when">When you see this code <a class="permalink"`, `<h2 id="fix">How to fix <a class="permalink"`, "RFC 5321 §4.2.3", `<h2 id="phases">`, "Connection greeting", `<h2 id="related">`, `href="/compare/421-vs-450?lang=en"`, "4xx Transient Negative"},
			absent: []string{`href="/compare/421-vs-450?lang=ja"`}},
		{name: "code ja by query", target: "/codes/421?lang=ja", wantStatus: 200, wantLang: "ja",
			want:   []string{`<h2 id="description">説明 <a class="permalink"`, `<h2 id="when">このコードが表示される場合 <a class="permalink"`, `<h2 id="fix">解決方法 <a class="permalink"`, "サービス利用不可", `href="/compare/421-vs-450?lang=ja"`, "4xx 一時的な否定応答", "接続時の挨拶"},
			absent: []string{`<h2 id="description">Description <a class="permalink"`, "This page has not been translated"}},
		{name: "code ja by header", target: "/codes/421", header: ja, wantStatus: 200, wantLang: "ja", wantVary: true,
			want: []string{"解決方法", `href="/compare/421-vs-450?lang=ja"`}},
		{name: "code ja by cookie", target: "/codes/550", header: http.Header{"Cookie": {"lang=ja"}}, wantStatus: 200, wantLang: "ja", wantVary: true, want: []string{"解決方法"}},
		{name: "query beats cookie", target: "/codes/550?lang=en", header: http.Header{"Cookie": {"lang=ja"}, "Accept-Language": {"ja"}}, wantStatus: 200, wantLang: "en", want: []string{"How to fix"}},
		{name: "lang jp mistake", target: "/codes/421?lang=jp", wantStatus: 200, wantLang: "ja", want: []string{"解決方法"}},
		{name: "lang ja_JP", target: "/codes/421?lang=ja_JP", wantStatus: 200, wantLang: "ja", want: []string{"解決方法"}},
		{name: "lang garbage not echoed", target: "/codes/421?lang=%3Cscript%3Ealert(1)%3C/script%3E", wantStatus: 200, wantLang: "en", wantVary: true, absent: []string{"<script>alert", "alert(1)"}},
		{name: "enhanced code page", target: "/codes/5.1.1", wantStatus: 200, wantLang: "en", wantVary: true, want: []string{"RFC 3463", `href="/codes/550?lang=en"`}},
		{name: "404 unknown code", target: "/codes/999", wantStatus: 404, wantLang: "en", wantVary: true, want: []string{"Page not found"}},
		{name: "404 short code", target: "/codes/42", header: ja, wantStatus: 404, wantLang: "ja", wantVary: true, want: []string{"ページが見つかりません"}},
		{name: "404 word", target: "/codes/abc?lang=ja", wantStatus: 404, wantLang: "ja", want: []string{"ページが見つかりません"}, absent: []string{"abc"}},
		{name: "404 unknown path", target: "/no/such/page", wantStatus: 404, wantLang: "en", wantVary: true, want: []string{"Page not found"}},
		{name: "405 post", method: "POST", target: "/codes/421?lang=ja", wantStatus: 405, wantLang: "ja", want: []string{"許可されていないメソッド"}},
		{name: "compare", target: "/compare/421-vs-556", wantStatus: 200, wantLang: "en", wantVary: true,
			want: []string{"<h1>SMTP 421 Service Not Available vs 556 Domain Does Not Accept Mail</h1>", "421 (Service Not Available) is a 4xx Transient Negative response, while 556 (Domain Does Not Accept Mail) is a 5xx Permanent Negative response.", `<h2 id="differences">Key differences <a class="permalink"`, `<h2 id="which">When to use which <a class="permalink"`, "RFC 7504 §4", "RCPT TO"}},
		{name: "compare ja", target: "/compare/421-vs-556?lang=ja", wantStatus: 200, wantLang: "ja",
			want: []string{`<h2 id="differences">主な違い <a class="permalink"`, `<h2 id="which">どちらをいつ使うか <a class="permalink"`, "421（サービス利用不可）は 4xx 一時的な否定応答"}},
		{name: "compare with note", target: "/compare/450-vs-550", wantStatus: 200, wantLang: "en", wantVary: true, want: []string{`<h2 id="which">`, "550"}},
		{name: "compare same class", target: "/compare/450-vs-451", wantStatus: 200, wantLang: "en", wantVary: true, want: []string{"Both 450 (", "are 4xx Transient Negative responses"}, absent: []string{"when when"}},
		{name: "compare reversed", target: "/compare/556-vs-421?lang=ja", wantStatus: 301, wantLocation: "/compare/421-vs-556?lang=ja"},
		{name: "compare same code", target: "/compare/421-vs-421", wantStatus: 301, wantLocation: "/codes/421"},
		{name: "compare unknown", target: "/compare/421-vs-999", wantStatus: 404, wantLang: "en", wantVary: true, want: []string{"Page not found"}},
		{name: "compare malformed", target: "/compare/421", wantStatus: 404, wantLang: "en", wantVary: true},
		{name: "compare form", target: "/compare?a=556&b=421", wantStatus: 301, wantLocation: "/compare/421-vs-556"},
		{name: "compare form ja", target: "/compare?a=556&b=421&lang=ja", wantStatus: 301, wantLocation: "/compare/421-vs-556?lang=ja"},
		{name: "compare form full-width", target: "/compare?a=%EF%BC%94%EF%BC%92%EF%BC%91&b=+550+", wantStatus: 301, wantLocation: "/compare/421-vs-550"},
		{name: "compare form same", target: "/compare?a=421&b=421", wantStatus: 301, wantLocation: "/codes/421"},
		{name: "compare form unknown", target: "/compare?a=421&b=nope", wantStatus: 404, wantLang: "en", wantVary: true, absent: []string{"nope"}},
		{name: "static css", target: "/static/site.css", wantStatus: 200, want: []string{"prefers-color-scheme"}},
		{name: "static dir not listed", target: "/static/", wantStatus: 404, wantLang: "en", wantVary: true},
		{name: "static traversal", target: "/static/../main.go", wantStatus: 404, wantLang: "en", wantVary: true},
		{name: "switcher remembers", target: "/codes/421?lang=ja&choose=1", wantStatus: 303, wantLocation: "/codes/421?lang=ja"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			res := do(t, h, method, tt.target, tt.header)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, tt.wantStatus)
			}
			if got := res.header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			if tt.wantLang != "" {
				if got := res.header.Get("Content-Language"); got != tt.wantLang {
					t.Errorf("Content-Language = %q, want %q", got, tt.wantLang)
				}
				if want := `<html lang="` + tt.wantLang + `">`; !strings.Contains(res.body, want) {
					t.Errorf("body lacks %s", want)
				}
			}
			// Only a page in a negotiated language varies with it: not a
			// page chosen by ?lang, a redirect or a stylesheet.
			vary := strings.Contains(strings.Join(res.header.Values("Vary"), ","), "Accept-Language, Cookie")
			if vary != tt.wantVary {
				t.Errorf("Vary = %q, want Accept-Language, Cookie: %v", res.header.Values("Vary"), tt.wantVary)
			}
			checkBody(t, res.body, tt.want, tt.absent)
		})
	}
}

func TestLanguageSwitcher(t *testing.T) {
	h := testHandler(t)
	page := do(t, h, "GET", "/codes/421", nil)
	if !strings.Contains(page.body, `href="/codes/421?choose=1&amp;lang=ja" hreflang="ja" lang="ja">日本語</a>`) {
		t.Error("the English page has no switcher link to the same page in Japanese")
	}
	res := do(t, h, "GET", "/codes/421?lang=ja&choose=1", nil)
	c := res.header.Get("Set-Cookie")
	if !strings.HasPrefix(c, "lang=ja;") || !strings.Contains(c, "Path=/") {
		t.Errorf("switcher Set-Cookie = %q, want lang=ja for the whole site", c)
	}
	// A link from someone's docs chooses the language for that page only.
	if c := do(t, h, "GET", "/codes/421?lang=ja", nil).header.Get("Set-Cookie"); c != "" {
		t.Errorf("a plain ?lang link set a cookie: %q", c)
	}
}

func TestHead(t *testing.T) {
	h := testHandler(t)
	for _, target := range []string{"/", "/codes/421?lang=ja", "/compare/421-vs-556", "/codes/999", "/static/site.css"} {
		get := do(t, h, "GET", target, nil)
		head := do(t, h, "HEAD", target, nil)
		if head.status != get.status || head.body != "" {
			t.Errorf("HEAD %s = %d with %d bytes, want %d and no body", target, head.status, len(head.body), get.status)
		}
		if head.header.Get("Content-Type") != get.header.Get("Content-Type") {
			t.Errorf("HEAD %s Content-Type = %q, GET has %q", target, head.header.Get("Content-Type"), get.header.Get("Content-Type"))
		}
	}
}

// Every page in every language renders the same bytes in parallel as one by one.
func TestConcurrentRendering(t *testing.T) {
	h := testHandler(t)
	var targets []string
	for _, id := range []string{"421", "450", "451", "550", "554", "556", "5.7.26", "2.1.5"} {
		for _, lang := range []string{"en", "ja"} {
			targets = append(targets, "/codes/"+id+"?lang="+lang, "/compare/421-vs-"+id+"?lang="+lang)
		}
	}
	targets = append(targets, "/?lang=en", "/?lang=ja")
	want := map[string]string{}
	for _, target := range targets {
		want[target] = do(t, h, "GET", target, nil).body
	}
	var wg sync.WaitGroup
	for range 4 {
		for _, target := range targets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got := do(t, h, "GET", target, nil).body; got != want[target] {
					t.Errorf("%s rendered differently in parallel", target)
				}
			}()
		}
	}
	wg.Wait()
}

// A page without a translation shows the English text marked lang="en",
// with a notice in the reader's language, and never a 404.
func TestFallbackToEnglish(t *testing.T) {
	root := fstest.MapFS{}
	for _, dir := range []string{"locales", "templates", "static", "content/facts"} {
		copyDir(t, root, dir)
	}
	for _, name := range []string{"codes/421.md", "codes/421.ja.md", "codes/450.md", "codes/451.md", "codes/554.md"} {
		copyFile(t, root, "content/"+name)
	}
	h, err := Open(root, Config{})
	if err != nil {
		t.Fatal(err)
	}
	res := do(t, h, "GET", "/codes/450?lang=ja", nil)
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	for _, want := range []string{"このページはまだ日本語に翻訳されていません", `<h2 id="description">説明 <a class="permalink"`, `<div class="prose" lang="en">`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("fallback page lacks %q", want)
		}
	}
	if res := do(t, h, "GET", "/codes/421?lang=ja", nil); strings.Contains(res.body, "翻訳されていません") || strings.Contains(res.body, `lang="en">`) && strings.Contains(res.body, `class="prose" lang="en"`) {
		t.Error("a translated page is marked as a fallback")
	}
}

func copyDir(t *testing.T, dst fstest.MapFS, dir string) {
	t.Helper()
	err := fs.WalkDir(siteRoot, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		copyFile(t, dst, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, dst fstest.MapFS, name string) {
	t.Helper()
	data, err := fs.ReadFile(siteRoot, name)
	if err != nil {
		t.Fatal(err)
	}
	dst[path.Clean(name)] = &fstest.MapFile{Data: data}
}

// checkBody reports every wanted string the body lacks and every absent one
// it contains.
func checkBody(t *testing.T, body string, want, absent []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %q", s)
		}
	}
	for _, s := range absent {
		if strings.Contains(body, s) {
			t.Errorf("body contains %q", s)
		}
	}
}
