package site

import (
	"bufio"
	"bytes"
	"errors"
	"hash/crc32"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exportSample keeps, in n languages, about one code page and one provider
// or catalogue page in 5n/2, one comparison in 100n, the second compare
// sitemap and every other file: a full export is over 500,000 files with
// ten languages, and the sample stays the size it had with two (about one
// page in 5 and one comparison in 200) as languages are added. Every kind
// of page is in the sample.
func exportSample(n int) func(name string) bool {
	pages, compares := uint32(max(5*n/2, 5)), uint32(max(100*n, 200))
	return func(name string) bool {
		sum := crc32.ChecksumIEEE([]byte(name))
		switch {
		case strings.HasPrefix(name, "sitemap-compare-"):
			return name == "sitemap-compare-2.xml"
		case strings.Contains(name, "/compare/"):
			return sum%compares == 0
		case strings.Contains(name, "/codes/"), strings.Contains(name, "/providers/"):
			return sum%pages == 0
		}
		return true
	}
}

// The export is what the server sends: every exported file, and its .gz
// and .br siblings, are the bytes the server answers for the file's URL
// with that encoding, and etags.map holds the server's ETags.
func TestExportMatchesServer(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, Config{BaseURL: "https://smtp.example"})
	dir := t.TempDir()
	stats, err := s.export(ExportOptions{Dir: dir}, exportSample(len(s.locales.Langs())))
	if err != nil {
		t.Fatal(err)
	}
	etags := readMap(t, filepath.Join(dir, "etags.map"))

	var files, bases, pages, codes, compares, sitemaps, twins int
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		name := filepath.ToSlash(strings.TrimPrefix(path, dir))
		if strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".map") {
			return nil
		}
		bases++
		target, status := exportedURL(name)
		if target == "" {
			return nil // 400, 500 and 503 pages: no URL reliably produces them
		}
		if status == http.StatusOK && (strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".md")) && !strings.HasPrefix(name, "/static/") {
			pages++
		}
		if strings.HasSuffix(name, ".md") {
			twins++
		}
		switch {
		case strings.Contains(name, "/compare/"):
			compares++
		case strings.Contains(name, "/codes/"):
			codes++
		case strings.HasPrefix(name, "/sitemap-compare-"):
			sitemaps++
		}
		for _, enc := range []struct{ accept, suffix string }{{"", ""}, {"gzip", ".gz"}, {"br", ".br"}} {
			want, err := os.ReadFile(path + enc.suffix)
			wantEncoding := enc.accept
			if enc.suffix == ".br" && errors.Is(err, fs.ErrNotExist) {
				// Made on demand, without a brotli variant: a client that
				// accepts only brotli gets the identity body.
				want, err = os.ReadFile(path)
				wantEncoding = ""
			}
			if err != nil {
				t.Error(err)
				continue
			}
			method := http.MethodGet
			if status == http.StatusMethodNotAllowed {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, target, nil)
			if enc.accept != "" {
				req.Header.Set("Accept-Encoding", enc.accept)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != status {
				t.Errorf("%s %s: status %d, want %d", method, target, rec.Code, status)
				continue
			}
			if !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("%s %s (Accept-Encoding %q): body differs from %s%s (%d and %d bytes)",
					method, target, enc.accept, name, enc.suffix, rec.Body.Len(), len(want))
			}
			if got := rec.Header().Get("Content-Encoding"); status == http.StatusOK && got != wantEncoding {
				t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", target, enc.accept, got, wantEncoding)
			}
			if status == http.StatusOK && enc.accept == "" {
				if got, want := rec.Header().Get("Etag"), `"`+etags[name]+`"`; got != want {
					t.Errorf("%s: ETag %s, etags.map has %s", target, got, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != stats.Files || pages != stats.Pages {
		t.Errorf("export reported %d files and %d pages; the directory has %d and %d", stats.Files, stats.Pages, files, pages)
	}
	if compares == 0 || codes == 0 || sitemaps == 0 || twins == 0 {
		t.Errorf("the sample has %d code pages, %d comparisons, %d compare sitemaps and %d markdown twins", codes, compares, sitemaps, twins)
	}
	// Every exported file but the maps has one line in etags.map.
	if len(etags) != bases {
		t.Errorf("etags.map has %d entries for %d files", len(etags), bases)
	}
}

// Every line of redirects.map is a redirect the server makes.
func TestExportRedirects(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, Config{BaseURL: "https://smtp.example"})
	dir := t.TempDir()
	if _, err := s.export(ExportOptions{Dir: dir}, func(string) bool { return false }); err != nil {
		t.Fatal(err)
	}
	redirects := readMap(t, filepath.Join(dir, "redirects.map"))
	if len(redirects) < 1000 {
		t.Fatalf("redirects.map has %d entries", len(redirects))
	}
	n := 0
	for from, to := range redirects {
		if n++; n%25 != 0 && !strings.HasPrefix(from, "/4") {
			continue // a sample, with every short form of a 4xx code
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, from, nil))
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != to {
			t.Errorf("GET %s: %d to %q; redirects.map says 301 to %q", from, rec.Code, rec.Header().Get("Location"), to)
		}
	}
}

// exportedURL is the URL the server answers with the exported file name
// ("/en/codes/421.html"), and the status it answers with; "" for files no
// request reliably produces.
func exportedURL(name string) (string, int) {
	if strings.HasPrefix(name, "/static/") || strings.HasPrefix(name, "/data/") || !strings.Contains(name[1:], "/") {
		return name, http.StatusOK // assets, the dataset, robots.txt, sitemaps
	}
	lang, path, _ := strings.Cut(name[1:], "/")
	path = "/" + path
	switch path {
	case "/index.html":
		return "/?lang=" + lang, http.StatusOK
	case "/404.html":
		return "/no-such-page?lang=" + lang, http.StatusNotFound
	case "/405.html":
		return "/codes/421?lang=" + lang, http.StatusMethodNotAllowed
	case "/400.html", "/500.html", "/503.html":
		return "", 0
	}
	return strings.TrimSuffix(path, ".html") + "?lang=" + lang, http.StatusOK
}

// readMap reads an nginx map body written by the export: "key value;" lines.
func readMap(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSuffix(line, ";"), " ")
		if !ok {
			t.Fatalf("%s: malformed line %q", name, line)
		}
		m[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}
