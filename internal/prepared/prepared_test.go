package prepared

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

const htmlType = "text/html; charset=utf-8"

func TestNegotiateEncoding(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br", "br"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0.5, gzip", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"gzip;q=0", ""},
		{"*", "br"},
		{"*;q=0.5, br;q=0", "gzip"},
		{"identity", ""},
		{"x-gzip", "gzip"},
		{"deflate", ""},
		{"GZIP", "gzip"},
		{"br;q=abc, gzip", "gzip"},
		{"br;q=1.5, gzip;q=0.2", "gzip"},
		{"gzip;q=0.9, br;q=0.9", "br"},
		{" gzip ; q=0.8 , br ; q = 0.7 ", "gzip"},
	} {
		if got := NegotiateEncoding(tt.header); got != tt.want {
			t.Errorf("NegotiateEncoding(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// The fast path answers exactly as http.ServeContent would for the same
// body and validators: status, body, ETag, Content-Length, and 304 for a
// matching If-None-Match.
func TestFastPathMatchesServeContent(t *testing.T) {
	body := []byte(strings.Repeat("<p>SMTP 421 サービス利用不可</p>\n", 200))
	resp := New(http.StatusOK, htmlType, "ja", Page, body)
	for _, tt := range []struct {
		name   string
		method string
		header http.Header
	}{
		{"plain", "GET", nil},
		{"head", "HEAD", nil},
		{"gzip", "GET", http.Header{"Accept-Encoding": {"gzip"}}},
		{"br", "GET", http.Header{"Accept-Encoding": {"gzip, br"}}},
		{"etag match", "GET", http.Header{"If-None-Match": {resp.ETag()}}},
		{"etag list", "GET", http.Header{"If-None-Match": {`"x", ` + resp.ETag()}}},
		{"weak etag", "GET", http.Header{"If-None-Match": {"W/" + resp.ETag()}}},
		{"star", "GET", http.Header{"If-None-Match": {"*"}}},
		{"etag mismatch", "GET", http.Header{"If-None-Match": {`"nope"`}}},
		{"gzip etag match", "GET", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {strings.TrimSuffix(resp.ETag(), `"`) + `.gz"`}}},
		{"identity etag on gzip", "GET", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {resp.ETag()}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/codes/421?lang=ja", nil)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			fast := httptest.NewRecorder()
			resp.Write(fast, r, true)

			// The reference: the same variant and headers through ServeContent.
			enc := NegotiateEncoding(r.Header.Get("Accept-Encoding"))
			variant, etag, err := resp.Variant(enc)
			if err != nil {
				t.Fatal(err)
			}
			ref := httptest.NewRecorder()
			ref.Header().Set("ETag", etag)
			ref.Header().Set("Content-Type", htmlType)
			http.ServeContent(ref, r, "", time.Time{}, bytes.NewReader(variant))

			if fast.Code != ref.Code {
				t.Fatalf("status %d, ServeContent %d", fast.Code, ref.Code)
			}
			if !bytes.Equal(fast.Body.Bytes(), ref.Body.Bytes()) {
				t.Errorf("body differs from ServeContent's (%d vs %d bytes)", fast.Body.Len(), ref.Body.Len())
			}
			for _, h := range []string{"ETag", "Content-Length"} {
				if fast.Header().Get(h) != ref.Header().Get(h) {
					t.Errorf("%s = %q, ServeContent %q", h, fast.Header().Get(h), ref.Header().Get(h))
				}
			}
			if fast.Code == http.StatusOK {
				if got := fast.Header().Get("Content-Encoding"); got != enc {
					t.Errorf("Content-Encoding %q, want %q", got, enc)
				}
				if !strings.Contains(fast.Header().Get("Vary"), "Accept-Encoding") {
					t.Error("no Vary: Accept-Encoding")
				}
			}
		})
	}
}

// Each encoding has its own ETag, and each variant decodes to the body.
func TestVariants(t *testing.T) {
	body := []byte(strings.Repeat("SMTP reply codes ", 500))
	resp := New(http.StatusOK, htmlType, "en", Page, body)
	id, idTag, _ := resp.Variant("")
	gz, gzTag, _ := resp.Variant("gzip")
	br, brTag, _ := resp.Variant("br")
	if idTag == gzTag || gzTag == brTag || idTag == brTag {
		t.Errorf("ETags not distinct: %s %s %s", idTag, gzTag, brTag)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	unbr, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(br)))
	if !bytes.Equal(unz, body) || !bytes.Equal(unbr, body) || !bytes.Equal(id, body) {
		t.Error("a variant does not decode to the body")
	}
	if len(gz) >= len(body)/4 || len(br) >= len(gz) {
		t.Errorf("sizes: identity %d, gzip %d, brotli %d", len(body), len(gz), len(br))
	}
}

func TestCacheControl(t *testing.T) {
	page := New(200, htmlType, "ja", Page, []byte("x"))
	for _, tt := range []struct {
		name        string
		resp        *Response
		langFromURL bool
		cookie      bool
		want        string
	}{
		{"page, ?lang", page, true, false, "public, max-age=3600"},
		{"page, negotiated", page, false, false, "private, max-age=3600"},
		{"page, ?lang, sets a cookie", page, true, true, "no-store"},
		{"asset", New(200, "text/css", "", Immutable, []byte("x")), true, false, "public, max-age=31536000, immutable"},
		{"asset, negotiated", New(200, "text/css", "", Shared, []byte("x")), false, false, "public, max-age=3600"},
		{"error page", New(404, htmlType, "en", NoStore, []byte("x")), true, false, "no-store"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if tt.cookie {
				http.SetCookie(w, &http.Cookie{Name: "lang", Value: "ja"})
			}
			tt.resp.Write(w, httptest.NewRequest("GET", "/", nil), tt.langFromURL)
			if got := w.Header().Get("Cache-Control"); got != tt.want {
				t.Errorf("Cache-Control = %q, want %q", got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		p          Policy
		negotiated bool
		cookie     bool
		want       string
	}{
		{Redirect, false, false, "public, max-age=86400"},
		{Redirect, false, true, "no-store"},
		{NoStore, false, false, "no-store"},
		{Page, true, false, "private, max-age=3600"},
	} {
		h := http.Header{}
		if tt.cookie {
			h.Set("Set-Cookie", "lang=ja")
		}
		SetCacheControl(h, tt.p, tt.negotiated)
		if got := h.Get("Cache-Control"); got != tt.want {
			t.Errorf("SetCacheControl(%d, %v, cookie %v) = %q, want %q", tt.p, tt.negotiated, tt.cookie, got, tt.want)
		}
	}
}

// A compacted response still answers a client that takes no encoding.
func TestCompactIdentity(t *testing.T) {
	body := []byte(strings.Repeat("SMTP 550 ", 300))
	resp := New(200, htmlType, "en", Page, body)
	resp.Compact()
	w := httptest.NewRecorder()
	resp.Write(w, httptest.NewRequest("GET", "/", nil), true)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), body) || w.Header().Get("Content-Encoding") != "" {
		t.Errorf("compacted response: %d, %d bytes, encoding %q", w.Code, w.Body.Len(), w.Header().Get("Content-Encoding"))
	}
}

// The cache keeps to its byte budget, evicting the least recently used,
// and concurrent misses for one key build it once.
func TestPageCache(t *testing.T) {
	c := NewCache(200_000)
	var builds atomic.Int32
	build := func(key string) func() (*Response, error) {
		return func() (*Response, error) {
			builds.Add(1)
			// Random bytes: the cache stores compressed variants, and
			// these do not compress, so each entry costs about 40 KB.
			body := make([]byte, 20_000)
			rand.NewChaCha8([32]byte{byte(len(key)), key[len(key)-1]}).Read(body)
			return New(200, htmlType, "en", Page, body), nil
		}
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Get("/compare/421-vs-556?lang=en", build("a"))
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("50 concurrent misses built the page %d times", n)
	}
	for i := range 40 {
		c.Get(fmt.Sprintf("k%d", i), build(fmt.Sprintf("k%d", i)))
	}
	entries, used := c.Stats()
	if used > 200_000 || entries == 0 || entries >= 41 {
		t.Errorf("cache holds %d entries, %d bytes; budget 200000", entries, used)
	}
	// The most recent entries survive, the oldest went first.
	before := builds.Load()
	c.Get("k39", build("k39"))
	c.Get("/compare/421-vs-556?lang=en", build("a"))
	if builds.Load() != before+1 {
		t.Errorf("recent entry rebuilt or old entry kept: builds %d -> %d", before, builds.Load())
	}
}

// BenchmarkWrite is the hot path of every page already rendered: pick the
// variant, assign the shared header values, write the bytes.
//
//	go test -run '^$' -bench . -benchmem ./internal/prepared/
func BenchmarkWrite(b *testing.B) {
	resp := New(200, htmlType, "ja", Page, []byte(strings.Repeat("<p>SMTP 421</p>\n", 600)))
	resp.Compress()
	r := httptest.NewRequest("GET", "/codes/421?lang=ja", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	w := sink{}
	b.ReportAllocs()
	for b.Loop() {
		clear(w)
		resp.Write(w, r, true)
	}
}

// BenchmarkCacheHit is a hit in the compare-page cache.
func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(1 << 20)
	build := func() (*Response, error) { return New(200, htmlType, "en", Page, []byte("x")), nil }
	c.Get("/compare/421-vs-556?lang=en", build)
	b.ReportAllocs()
	for b.Loop() {
		c.Get("/compare/421-vs-556?lang=en", build)
	}
}

// sink is a ResponseWriter that keeps only the headers, so the benchmark
// measures Write, not a recorder.
type sink http.Header

func (h sink) Header() http.Header       { return http.Header(h) }
func (sink) Write(b []byte) (int, error) { return len(b), nil }
func (sink) WriteHeader(int)             {}

// Compression is a function of the input and the level alone: a pooled
// encoder that last compressed a large body compresses a small one into
// the bytes a fresh encoder makes, so the export's files and the server's
// responses agree whatever order they were made in.
func TestCompressionDoesNotDependOnHistory(t *testing.T) {
	var large bytes.Buffer
	for i := 0; large.Len() < 2<<20; i++ {
		fmt.Fprintf(&large, "<url><loc>https://smtp.example/compare/%d-vs-%d?lang=ja</loc></url>\n", i, i*7%1000)
	}
	small := []byte(strings.Repeat("550 5.1.1 The email account that you tried to reach does not exist. ", 40))
	for _, level := range []int{BrotliLevel} {
		fresh := func(b []byte) []byte {
			var buf bytes.Buffer
			w := brotli.NewWriterLevel(&buf, level)
			w.Write(b)
			w.Close()
			return buf.Bytes()
		}
		for _, b := range [][]byte{large.Bytes(), small, large.Bytes(), small} {
			if got, want := Brotli(b, level), fresh(b); !bytes.Equal(got, want) {
				t.Errorf("brotli %d of %d bytes: %d bytes, a fresh encoder makes %d", level, len(b), len(got), len(want))
			}
		}
	}
	for _, level := range []int{GzipLevel, OnDemandGzipLevel} {
		first := Gzip(small, level)
		Gzip(large.Bytes(), level)
		if again := Gzip(small, level); !bytes.Equal(first, again) {
			t.Errorf("gzip %d: %d bytes after a large body, %d before", level, len(again), len(first))
		}
	}
}

// A response made on demand has no brotli variant: a client that accepts
// brotli and gzip gets gzip, one that accepts only brotli the identity.
func TestOnDemandHasNoBrotli(t *testing.T) {
	resp := New(http.StatusOK, htmlType, "en", Page, []byte(strings.Repeat("421 4.7.0 Try again later ", 200))).OnDemand()
	if resp.HasBrotli() {
		t.Fatal("an on-demand response has a brotli variant")
	}
	if _, _, err := resp.Variant("br"); err == nil {
		t.Error("Variant(br) of an on-demand response: no error")
	}
	for header, want := range map[string]string{"gzip, deflate, br, zstd": "gzip", "br": "", "br;q=1, gzip;q=0.5": "gzip", "": ""} {
		r := httptest.NewRequest("GET", "/compare/421-vs-450?lang=en", nil)
		r.Header.Set("Accept-Encoding", header)
		w := httptest.NewRecorder()
		resp.Write(w, r, true)
		if got := w.Header().Get("Content-Encoding"); got != want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", header, got, want)
		}
	}
}
