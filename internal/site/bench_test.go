package site

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Benchmarks of the three costs that matter:
//
//	go test -run '^$' -bench . -benchmem ./internal/site/

// BenchmarkRenderCodePage renders one code page from its view: the work
// done once per page and language at start-up.
func BenchmarkRenderCodePage(b *testing.B) {
	s := newTestServer(b, Config{})
	l, _ := s.locales.Lookup("ja")
	c, _ := s.store.Code("550")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.templates.execute("code", s.codeView(l, c)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeComparePage builds a compare page from the two codes'
// pre-rendered texts: the work of a compare page's first request.
func BenchmarkComposeComparePage(b *testing.B) {
	s := newTestServer(b, Config{})
	l, _ := s.locales.Lookup("ja")
	p, _ := s.parsePair("421-vs-556")
	b.ReportAllocs()
	for b.Loop() {
		r, err := s.renderCompare(l, p)
		if err != nil {
			b.Fatal(err)
		}
		r.Compress()
	}
}

// BenchmarkServeCachedPage serves a page that is already rendered and
// compressed, through the whole middleware chain: the steady state.
func BenchmarkServeCachedPage(b *testing.B) {
	for _, target := range []string{"/codes/421?lang=ja", "/compare/421-vs-556?lang=en"} {
		b.Run(target, func(b *testing.B) {
			s := newTestServer(b, Config{})
			s.Warm()
			r := httptest.NewRequest("GET", target, nil)
			r.Header.Set("Accept-Encoding", "gzip, br")
			s.ServeHTTP(httptest.NewRecorder(), r) // builds the compare page once
			benchServe(b, s, r)
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the server, not a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// Page weight: a code page must arrive in under 14 KB compressed (one TCP
// initial window), the stylesheet in under 10 KB.
func TestPageWeight(t *testing.T) {
	s := newTestServer(t, Config{})
	s.Warm()
	largest, largestID := 0, ""
	for d, l := range s.pages.all {
		if !strings.HasPrefix(d.path, "/codes/") || strings.HasSuffix(d.path, ".json") {
			continue
		}
		r, _, err := s.pages.get(d.path, l)
		if err != nil {
			t.Fatal(err)
		}
		gz, _, _ := r.Variant("gzip")
		if len(gz) > largest {
			largest, largestID = len(gz), d.path+"?lang="+l.Code
		}
	}
	if largest >= 14<<10 {
		t.Errorf("largest code page %s is %d bytes gzipped, over 14 KB", largestID, largest)
	}
	t.Logf("largest code page: %s, %d bytes gzipped", largestID, largest)
	css, _, _ := s.assets.byName["site.css"].Variant("gzip")
	if len(css) >= 10<<10 {
		t.Errorf("site.css is %d bytes gzipped, over 10 KB", len(css))
	}
}

// BenchmarkSearch answers a search through the whole handler: the linear
// scan over one language's pages, the snippets and the results page.
func BenchmarkSearch(b *testing.B) {
	s := newTestServer(b, Config{NoAccessLog: true})
	s.Warm()
	for _, target := range []string{"/search?lang=en&q=mailbox+full", "/search?lang=en&q=zzqqxx", "/search?lang=ja&q=%E5%AE%B9%E9%87%8F"} {
		b.Run(target, func(b *testing.B) {
			r := httptest.NewRequest("GET", target, nil)
			s.ServeHTTP(httptest.NewRecorder(), r) // builds the index once
			benchServe(b, s, r)
		})
	}
}

// benchServe serves r in a loop through a writer that keeps nothing, and
// fails unless the answer was 200.
func benchServe(b *testing.B, h http.Handler, r *http.Request) {
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
	if w.status != http.StatusOK {
		b.Fatalf("status %d", w.status)
	}
}
