package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Whatever a request carries in its path, query, Accept-Language and
// cookie, the server answers without a 5xx, in a supported language, and
// without echoing markup from the request.
func FuzzHandler(f *testing.F) {
	h := newTestServer(f)
	f.Add("/codes/421", "lang=ja", "ja", "lang=ja")
	f.Add("/compare/556-vs-421", "lang=jp&choose=1", "fr;q=0.5", "")
	f.Add("/compare", "a=%EF%BC%94%EF%BC%92%EF%BC%91&b=5.1.1", "", "lang=%%%")
	f.Add("/codes/<script>", "lang=<script>", "<script>", "lang=<script>")
	f.Add("/static/../main.go", "", "*", "")
	f.Add("/codes/5.01.1", "x=%ff", "", "")
	f.Fuzz(func(t *testing.T, path, query, accept, cookie string) {
		u := &url.URL{Path: "/" + strings.TrimLeft(path, "/"), RawQuery: query}
		r, err := http.NewRequest("GET", "http://smtp.example"+u.RequestURI(), nil)
		if err != nil {
			return // not a request a client could send
		}
		r.Header.Set("Accept-Language", accept)
		r.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s: status %d", r.URL, w.Code)
		}
		if w.Code < 300 || w.Code >= 400 {
			if l := w.Header().Get("Content-Language"); l != "en" && l != "ja" {
				t.Fatalf("%s: Content-Language %q", r.URL, l)
			}
		}
		body := w.Body.String()
		for _, in := range []string{path, query, accept, cookie} {
			if len(in) > 3 && strings.Contains(in, "<") && strings.Contains(body, in) {
				t.Fatalf("%s: body reflects %q", r.URL, in)
			}
		}
	})
}
