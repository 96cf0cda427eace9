package site

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

func TestNegotiateEncoding(t *testing.T) {
	tests := map[string]string{
		"":                              "",
		"gzip":                          "gzip",
		"br":                            "br",
		"gzip, deflate, br":             "br",
		"gzip, deflate, br, zstd":       "br",
		"br;q=0.5, gzip":                "gzip",
		"br;q=0, gzip;q=0":              "",
		"gzip;q=0":                      "",
		"*":                             "br",
		"*;q=0.5, br;q=0":               "gzip",
		"identity":                      "",
		"x-gzip":                        "gzip",
		"deflate":                       "",
		"GZIP":                          "gzip",
		"br;q=abc, gzip":                "gzip",
		"br;q=1.5, gzip;q=0.2":          "gzip",
		"gzip;q=0.9, br;q=0.9":          "br",
		" gzip ; q=0.8 , br ; q = 0.7 ": "gzip",
	}
	for header, want := range tests {
		if got := negotiateEncoding(header); got != want {
			t.Errorf("negotiateEncoding(%q) = %q, want %q", header, got, want)
		}
	}
}

// The fast path answers exactly as http.ServeContent would for the same
// body and validators: status, body, ETag, Content-Length, and 304 for a
// matching If-None-Match.
func TestFastPathMatchesServeContent(t *testing.T) {
	body := []byte(strings.Repeat("<p>SMTP 421 サービス利用不可</p>\n", 200))
	resp := newResponse(http.StatusOK, htmlType, "ja", cachePage, body)
	for _, tt := range []struct {
		name   string
		method string
		header http.Header
	}{
		{"plain", "GET", nil},
		{"head", "HEAD", nil},
		{"gzip", "GET", http.Header{"Accept-Encoding": {"gzip"}}},
		{"br", "GET", http.Header{"Accept-Encoding": {"gzip, br"}}},
		{"etag match", "GET", http.Header{"If-None-Match": {resp.etag}}},
		{"etag list", "GET", http.Header{"If-None-Match": {`"x", ` + resp.etag}}},
		{"weak etag", "GET", http.Header{"If-None-Match": {"W/" + resp.etag}}},
		{"star", "GET", http.Header{"If-None-Match": {"*"}}},
		{"etag mismatch", "GET", http.Header{"If-None-Match": {`"nope"`}}},
		{"gzip etag match", "GET", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {strings.TrimSuffix(resp.etag, `"`) + `.gz"`}}},
		{"identity etag on gzip", "GET", http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {resp.etag}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/codes/421?lang=ja", nil)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			fast := httptest.NewRecorder()
			resp.write(fast, r, true)

			// The reference: the same variant and headers through ServeContent.
			enc := negotiateEncoding(r.Header.Get("Accept-Encoding"))
			variant, etag := resp.variant(enc)
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
	resp := newResponse(http.StatusOK, htmlType, "en", cachePage, body)
	id, idTag := resp.variant("")
	gz, gzTag := resp.variant("gzip")
	br, brTag := resp.variant("br")
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
	page := newResponse(200, htmlType, "ja", cachePage, []byte("x"))
	for _, tt := range []struct {
		resp     *response
		explicit bool
		want     string
	}{
		{page, true, "public, max-age=3600"},
		{page, false, "private, max-age=3600"},
		{newResponse(200, "text/css", "", cacheImmutable, []byte("x")), true, "public, max-age=31536000, immutable"},
		{newResponse(404, htmlType, "en", cacheNone, []byte("x")), true, "no-store"},
	} {
		if got := tt.resp.cacheControl(tt.explicit); got != tt.want {
			t.Errorf("cacheControl(%v) = %q, want %q", tt.explicit, got, tt.want)
		}
	}
}

// The cache keeps to its byte budget, evicting the least recently used,
// and concurrent misses for one key build it once.
func TestPageCache(t *testing.T) {
	c := newPageCache(200_000)
	var builds atomic.Int32
	build := func(key string) func() (*response, error) {
		return func() (*response, error) {
			builds.Add(1)
			// Random bytes: the cache stores compressed variants, and
			// these do not compress, so each entry costs about 40 KB.
			body := make([]byte, 20_000)
			rand.NewChaCha8([32]byte{byte(len(key)), key[len(key)-1]}).Read(body)
			return newResponse(200, htmlType, "en", cachePage, body), nil
		}
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.get("/compare/421-vs-556?lang=en", build("a"))
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("50 concurrent misses built the page %d times", n)
	}
	for i := range 40 {
		c.get(fmt.Sprintf("k%d", i), build(fmt.Sprintf("k%d", i)))
	}
	entries, used := c.stats()
	if used > 200_000 || entries == 0 || entries >= 41 {
		t.Errorf("cache holds %d entries, %d bytes; budget 200000", entries, used)
	}
	// The most recent entries survive, the oldest went first.
	before := builds.Load()
	c.get("k39", build("k39"))
	c.get("/compare/421-vs-556?lang=en", build("a"))
	if builds.Load() != before+1 {
		t.Errorf("recent entry rebuilt or old entry kept: builds %d -> %d", before, builds.Load())
	}
}
