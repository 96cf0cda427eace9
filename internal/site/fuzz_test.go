package site

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"smtpcodes.dev/internal/content"
)

// The code and pair parsers read the URL path; whatever it holds they must
// answer with a page of the site or nothing, and never panic.
func FuzzCanonicalCode(f *testing.F) {
	s := newTestServer(f, Config{})
	for _, seed := range []string{"421", "0421", "5.01.1", "05.1.1", "5.1", "5.1.1.1", "9.1.1", "-5.1.1", "5..1", "", "4.21e2", "５.１.１", strings.Repeat("0", 40) + "5.1.1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, exact, ok := s.store.Lookup(raw)
		if !ok {
			return
		}
		if got, ok := s.store.Code(c.ID); !ok || got != c {
			t.Fatalf("Lookup(%q) = %s, not a page", raw, c.ID)
		}
		if exact != (raw == c.ID) {
			t.Fatalf("Lookup(%q) = %s, exact %v", raw, c.ID, exact)
		}
		if !exact && strings.Trim(raw, "0123456789.") != "" {
			t.Fatalf("Lookup(%q) accepted a non-numeric spelling", raw)
		}
	})
}

func FuzzParsePair(f *testing.F) {
	s := newTestServer(f, Config{})
	for _, seed := range []string{"421-vs-556", "556-vs-421", "421-vs-421", "550-vs-5.1.1", "5.1.1-vs-550", "421-vs-", "-vs-", "421-vs-556-vs-550", "0421-vs-05.1.1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, ok := s.parsePair(raw)
		if !ok {
			return
		}
		if p.a == nil || p.b == nil {
			t.Fatalf("parsePair(%q) ok with a nil code", raw)
		}
		if p.exact && raw != p.a.ID+"-vs-"+p.b.ID {
			t.Fatalf("parsePair(%q) exact but the pair is %s-vs-%s", raw, p.a.ID, p.b.ID)
		}
		if content.Less(p.b, p.a) {
			t.Fatalf("parsePair(%q) = %s-vs-%s, not in canonical order", raw, p.a.ID, p.b.ID)
		}
	})
}

// normalizeCode reads the comparison form's fields.
func FuzzNormalizeCode(f *testing.F) {
	for _, seed := range []string{"421", " 421 ", "４２１", "5．7．26", strings.Repeat("9", 40), "\x00", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := normalizeCode(v)
		if len(v) > 32 && got != "" {
			t.Fatalf("normalizeCode accepted %d bytes", len(v))
		}
	})
}

// cleanQuery guards every handler from broken query strings.
func FuzzCleanQuery(f *testing.F) {
	for _, seed := range []string{"lang=ja", "a=%ff", "%zz", "a=%00", "a=1&a=2", "lang=ja&choose=1", ";;&&=="} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if cleanQuery(raw) && strings.Contains(raw, "%00") {
			t.Fatalf("cleanQuery(%q) accepted an encoded NUL", raw)
		}
	})
}

// Whatever a request carries in its path, query, Accept-Language and
// cookie, the server answers without a 5xx, in a supported language, and
// without echoing markup from the request.
func FuzzHandler(f *testing.F) {
	h := testHandler(f)
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
