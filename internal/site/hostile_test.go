package site

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Requests scanners and broken clients send. Each must get a sensible
// status, never a 5xx, and the body must not contain the raw input.
func TestHostileRequests(t *testing.T) {
	h := testHandler(t)
	long := strings.Repeat("a", 8000)
	tests := []struct {
		name       string
		method     string
		target     string // as sent on the wire (percent-encoded where needed)
		header     http.Header
		wantStatus int
		reflect    []string // must not appear in the body
	}{
		{"overlong path", "GET", "/codes/" + long, nil, 404, []string{long[:100]}},
		{"overlong query", "GET", "/codes/421?x=" + long, nil, 200, []string{long[:100]}},
		{"overlong lang", "GET", "/codes/421?lang=" + long, nil, 200, []string{long[:100]}},
		{"invalid utf-8 path", "GET", "/codes/%ff%fe", nil, 400, []string{"\xff"}},
		{"invalid utf-8 query", "GET", "/codes/421?lang=%ff", nil, 400, []string{"\xff"}},
		{"invalid utf-8 query key", "GET", "/?%c3%28=1", nil, 400, nil},
		{"overlong utf-8 encoding", "GET", "/codes/%c0%ae%c0%ae/", nil, 400, nil},
		{"bad percent in query", "GET", "/codes/421?lang=%zz", nil, 400, []string{"%zz"}},
		{"dot dot", "GET", "/static/../main.go", nil, 404, []string{"package main"}},
		{"encoded dot dot", "GET", "/static/%2e%2e/main.go", nil, 404, []string{"package main"}},
		{"encoded slash traversal", "GET", "/static/..%2fmain.go", nil, 404, []string{"package main"}},
		{"double encoded traversal", "GET", "/static/%252e%252e/main.go", nil, 404, []string{"package main"}},
		{"backslash traversal", "GET", "/static/..%5cmain.go", nil, 404, []string{"package main"}},
		{"static dir", "GET", "/static/", nil, 404, []string{`href="css"`, "<pre>"}},
		{"static etc passwd", "GET", "/static/../../../../etc/passwd", nil, 404, []string{"root:"}},
		{"null byte path", "GET", "/codes/421%00", nil, 400, nil},
		{"null byte query", "GET", "/codes/421?lang=ja%00", nil, 400, nil},
		{"null byte static", "GET", "/static/css%00.png", nil, 400, nil},
		{"script in lang", "GET", "/codes/421?lang=%3Cscript%3Ealert(1)%3C/script%3E", nil, 200, []string{"<script>alert", "alert(1)"}},
		{"script in lang 404", "GET", "/codes/999?lang=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E", nil, 404, []string{"onerror", "<img"}},
		{"script in path", "GET", "/codes/%3Cscript%3Ealert(1)%3C%2Fscript%3E", nil, 404, []string{"<script>alert", "alert(1)"}},
		{"script in compare", "GET", "/compare/421-vs-%3Cscript%3E", nil, 404, []string{"<script>"}},
		{"script in compare form", "GET", "/compare?a=%3Cscript%3E&b=421", nil, 404, []string{"<script>"}},
		{"html in unknown path", "GET", "/%3Csvg%20onload=alert(1)%3E", nil, 404, []string{"<svg", "onload"}},
		{"huge accept-language", "GET", "/codes/421", http.Header{"Accept-Language": {strings.Repeat("ja-JP,", 2000)}}, 200, nil},
		{"malformed accept-language", "GET", "/codes/421", http.Header{"Accept-Language": {";;;q=2,=,ja;q=abc,*;q=-1"}}, 200, nil},
		{"script accept-language", "GET", "/codes/421", http.Header{"Accept-Language": {"<script>alert(1)</script>"}}, 200, []string{"<script>alert"}},
		{"garbage cookie", "GET", "/codes/421", http.Header{"Cookie": {"lang=%%%<script>; ; ;=;;"}}, 200, []string{"<script>"}},
		{"overlong cookie", "GET", "/codes/421", http.Header{"Cookie": {"lang=" + long}}, 200, []string{long[:100]}},
		{"binary cookie", "GET", "/codes/421", http.Header{"Cookie": {"lang=\x01\x02\x7f"}}, 200, nil},
		{"duplicate lang", "GET", "/codes/421?lang=ja&lang=en", nil, 200, nil},
		{"duplicate compare params", "GET", "/compare?a=421&a=%3Cb%3E&b=556&b=550", nil, 301, []string{"<b>"}},
		{"protocol-relative path", "GET", "//evil.example/", nil, 404, []string{"evil.example"}},
		{"protocol-relative codes", "GET", "//evil.example/codes/421", nil, 404, []string{"evil.example"}},
		{"backslash path", "GET", "/%5Cevil.example", nil, 404, []string{"evil.example"}},
		{"redirect with evil query", "GET", "/compare/556-vs-421?next=//evil.example", nil, 301, nil},
		{"compare form evil lang", "GET", "/compare?a=556&b=421&lang=//evil.example", nil, 301, nil},
		{"switcher evil", "GET", "/codes/421?lang=ja&choose=1&redirect=https://evil.example", nil, 303, nil},
		{"post", "POST", "/codes/421", nil, 405, nil},
		{"put", "PUT", "/", nil, 405, nil},
		{"delete", "DELETE", "/compare/421-vs-556", nil, 405, nil},
		{"options", "OPTIONS", "/codes/421", nil, 405, nil},
		{"trace", "TRACE", "/", nil, 405, nil},
		{"unknown method", "BREW", "/codes/421", nil, 405, nil},
		{"leading zeros", "GET", "/codes/000421", nil, 301, nil},
		{"leading zeros four digits", "GET", "/codes/04210", nil, 404, nil},
		{"negative code", "GET", "/codes/-421", nil, 404, nil},
		{"huge number", "GET", "/codes/99999999999999999999999999999999", nil, 404, nil},
		{"huge enhanced", "GET", "/codes/5.7.99999999999999999999", nil, 404, nil},
		{"float code", "GET", "/codes/421.0", nil, 404, nil},
		{"exponent code", "GET", "/codes/4.21e2", nil, 404, nil},
		{"hex code", "GET", "/codes/0x1a5", nil, 404, nil},
		{"full-width digits path", "GET", "/codes/%EF%BC%94%EF%BC%92%EF%BC%91", nil, 404, []string{"４２１"}},
		{"arabic-indic digits", "GET", "/codes/%D9%A4%D9%A2%D9%A1", nil, 404, nil},
		{"superscript digits", "GET", "/codes/%C2%B2%C2%B2%C2%B9", nil, 404, nil},
		{"unicode dots", "GET", "/codes/5%E3%80%827%E3%80%8226", nil, 404, nil},
		{"compare self-pair huge", "GET", "/compare/" + strings.Repeat("421-vs-", 500) + "421", nil, 404, nil},
		{"compare empty sides", "GET", "/compare/-vs-", nil, 404, nil},
		{"compare form missing", "GET", "/compare", nil, 404, nil},
		{"semicolon path", "GET", "/codes/421;jsessionid=x", nil, 404, []string{"jsessionid"}},
		{"wp-admin scan", "GET", "/wp-admin/setup-config.php", nil, 404, []string{"wp-admin"}},
		{"env scan", "GET", "/.env", nil, 404, nil},
		{"git scan", "GET", "/.git/config", nil, 404, nil},
		{"crlf in query", "GET", "/compare/556-vs-421?x=%0d%0aSet-Cookie:%20a=b", nil, 301, nil},
	}
	if len(tests) < 50 {
		t.Fatalf("only %d hostile cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://smtp.example"+tt.target, nil)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			body := w.Body.String()
			for _, s := range tt.reflect {
				if strings.Contains(body, s) {
					t.Errorf("body reflects %q", s)
				}
			}
			checkSafeResponse(t, w.Result().Header)
		})
	}
}

// checkSafeResponse asserts the headers every response must carry, and that
// no redirect can leave the
func checkSafeResponse(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	for _, name := range []string{"X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"} {
		if h.Get(name) == "" {
			t.Errorf("%s missing", name)
		}
	}
	if loc := h.Get("Location"); loc != "" {
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) || strings.ContainsAny(loc, "\r\n") {
			t.Errorf("Location = %q leaves the site or is malformed", loc)
		}
	}
	if c := h.Get("Set-Cookie"); strings.Contains(c, "evil") || strings.Contains(c, "a=b") {
		t.Errorf("Set-Cookie = %q", c)
	}
}

func TestHSTSWhenSecure(t *testing.T) {
	h, err := Open(siteRoot, Config{BaseURL: "https://smtp.example", Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if got := w.Header().Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q", got)
	}
	w = httptest.NewRecorder()
	testHandler(t).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if got := w.Header().Get("Strict-Transport-Security"); got != "" {
		t.Errorf("plain HTTP site sends Strict-Transport-Security %q", got)
	}
}
