package site

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// nginx and the module deploy/nginx.conf loads, from Debian's packages.
const (
	nginxBin          = "/usr/sbin/nginx"
	nginxBrotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
)

// deploy/nginx.conf serving an export answers what the server answers:
// the same status, body, language, encoding, validators, redirects and
// security headers, for the language chosen by ?lang=, the cookie or
// Accept-Language. With CI or NGINX_TESTS set, nginx is required.
func TestNginxServesExportLikeServer(t *testing.T) {
	t.Parallel()
	requireNginx(t)
	s := newTestServer(t, Config{BaseURL: "https://smtp.example"})
	pair := func(a, b string) string {
		ca, _ := s.store.Code(a)
		cb, _ := s.store.Code(b)
		return compareURL(ca, cb)
	}
	compares := []string{pair("421", "556"), pair("550", "5.1.1")}
	dir := t.TempDir()
	// English and Japanese (the languages the cases ask for) and the files
	// of no language: every language is exported the same way, and
	// TestExportMatchesServer samples them all.
	_, err := s.export(ExportOptions{Dir: dir}, func(name string) bool {
		if lang, _, ok := strings.Cut(name, "/"); ok && lang != "en" && lang != "ja" {
			if _, isLang := s.locales.Lookup(lang); isLang {
				return false
			}
		}
		switch {
		case strings.Contains(name, "/providers/"):
			return strings.Contains(name, "/providers/gmail.")
		case strings.Contains(name, "/compare/"):
			return slices.ContainsFunc(compares, func(p string) bool { return strings.Contains(name, p+".") })
		case strings.Contains(name, "/codes/"):
			return strings.Contains(name, "/codes/421.") || strings.Contains(name, "/codes/5.7.26.")
		case strings.HasPrefix(name, "sitemap-compare-"):
			return false
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	base := startNginx(t, dir)
	v, err := s.store.Version()
	if err != nil {
		t.Fatal(err)
	}

	css := ""
	for name := range s.assets.byName {
		if strings.HasPrefix(name, "site.") && strings.Count(name, ".") == 2 {
			css = "/static/" + name
		}
	}
	tests := []struct {
		path   string
		header http.Header
	}{
		{"/codes/421?lang=ja", http.Header{"Accept-Encoding": {"br"}}},
		{"/codes/421?lang=ja-JP", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/codes/421?lang=en", nil},
		{"/codes/421", http.Header{"Accept-Language": {"ja,en;q=0.5"}, "Accept-Encoding": {"gzip, br"}}},
		{"/codes/421", http.Header{"Cookie": {"lang=ja"}}},
		{"/codes/421", http.Header{"Cookie": {"lang=ja_JP"}}},
		{"/codes/421", http.Header{"Accept-Language": {"ja-JP,ja;q=0.9,en;q=0.8"}}},
		{"/codes/421?lang=jp", nil},
		{"/codes/421", nil},
		{"/codes/5.7.26?lang=en", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/codes/421.json?lang=ja", nil},
		{pair("421", "556") + "?lang=ja", http.Header{"Accept-Encoding": {"br"}}},
		{pair("550", "5.1.1") + "?lang=en", nil},
		{"/?lang=ja", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/codes?lang=en", nil},
		{"/codes.json?lang=en", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/robots.txt", nil},
		// Markdown twins and llms.txt.
		{"/codes/421.md?lang=ja", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/codes/5.7.26.md", http.Header{"Accept-Language": {"ja"}}},
		{pair("421", "556") + ".md?lang=en", http.Header{"Accept-Encoding": {"br"}}},
		{"/codes.md?lang=ja", nil},
		{"/translations?lang=ja", nil},
		{"/translations.json?lang=en", nil},
		{"/providers/gmail.md?lang=en", nil},
		{"/codes/999.md?lang=ja", nil},
		{"/llms.txt", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/sitemap.xml", http.Header{"Accept-Encoding": {"gzip"}}},
		{css, http.Header{"Accept-Encoding": {"br"}}},
		{"/data?lang=ja", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/data", http.Header{"Accept-Language": {"ja"}}},
		{"/data/smtpcodes.json", http.Header{"Accept-Encoding": {"br"}}},
		{dataVersionedPath(v.Hash), nil},
		{"/data/ja/responses.csv", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/data/en/codes.csv", nil},
		{"/data/?lang=ja", nil},
		// Canonical redirects keep the query.
		{"/421?lang=ja", nil},
		{"/5.7.26", nil},
		{"/compare/556-vs-421?lang=ja", nil},
		{"/compare/421-vs-421?lang=en", nil},
		{"/Codes/421/?lang=ja", nil},
		// Localized 404 pages.
		{"/codes/999?lang=ja", http.Header{"Accept-Encoding": {"gzip"}}},
		{"/no/such/page", http.Header{"Accept-Language": {"ja"}}},
	}
	compared := []string{"Content-Type", "Content-Encoding", "Content-Language", "Cache-Control", "Etag",
		"Location", "Access-Control-Allow-Origin", "Content-Security-Policy", "X-Content-Type-Options",
		"Referrer-Policy", "X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy"}
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s %v", tt.path, tt.header)
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		req.Header = tt.header.Clone()
		if req.Header == nil {
			req.Header = http.Header{}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		want := rec.Result()

		nreq, err := http.NewRequest(http.MethodGet, base+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		nreq.Header = req.Header.Clone()
		got, err := client.Do(nreq)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.StatusCode != want.StatusCode {
			t.Errorf("%s: nginx answers %d, the server %d", name, got.StatusCode, want.StatusCode)
			continue
		}
		redirected := want.StatusCode == http.StatusMovedPermanently
		for _, h := range compared {
			if redirected && (h == "Content-Type" || h == "Content-Language") {
				continue // of the short body that comes with a redirect
			}
			if g, w := got.Header.Get(h), want.Header.Get(h); g != w {
				t.Errorf("%s: nginx sends %s %q, the server %q", name, h, g, w)
			}
		}
		if g, w := varyTokens(got.Header), varyTokens(want.Header); !slices.Equal(g, w) {
			t.Errorf("%s: nginx varies on %v, the server on %v", name, g, w)
		}
		if !redirected && !bytes.Equal(body, rec.Body.Bytes()) {
			t.Errorf("%s: nginx sends a different body (%d bytes, the server %d)", name, len(body), rec.Body.Len())
		}
	}
}

// varyTokens is the set of field names in a response's Vary headers.
func varyTokens(h http.Header) []string {
	var tokens []string
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.Contains(tokens, f) {
				tokens = append(tokens, f)
			}
		}
	}
	slices.Sort(tokens)
	return tokens
}

// requireNginx skips the test when nginx is missing, or fails it when CI or
// NGINX_TESTS asks for the nginx tests.
func requireNginx(t *testing.T) {
	t.Helper()
	for _, f := range []string{nginxBin, nginxBrotliModule} {
		if _, err := os.Stat(f); err != nil {
			msg := fmt.Sprintf("%s is missing (apt-get install nginx libnginx-mod-http-brotli-static)", f)
			if os.Getenv("CI") != "" || os.Getenv("NGINX_TESTS") != "" {
				t.Fatalf("%s; the nginx tests are required because CI or NGINX_TESTS is set", msg)
			}
			t.Skip(msg)
		}
	}
}

// startNginx runs deploy/nginx.conf on the export in dir, on a free
// loopback port, until the test ends, and returns its base URL.
func startNginx(t *testing.T, dir string) string {
	t.Helper()
	// nginx's workers may run as another user: they need to read the
	// export, and t.TempDir makes its directory and the parent private.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	conf := t.TempDir()
	names, err := filepath.Glob("../../deploy/*.conf")
	if err != nil || len(names) == 0 {
		t.Fatalf("no deploy/*.conf: %v", err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.NewReplacer(
			"/srv/smtpcodes", dir,
			"127.0.0.1:8081", addr,
			"/tmp/smtpcodes-nginx.pid", filepath.Join(conf, "nginx.pid"),
			"error_log stderr warn;", "error_log stderr warn;\ndaemon off;",
		).Replace(string(data))
		if err := os.WriteFile(filepath.Join(conf, filepath.Base(name)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stderr bytes.Buffer
	cmd := exec.Command(nginxBin, "-c", filepath.Join(conf, "nginx.conf"), "-p", conf, "-e", "stderr")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// done is closed when nginx exits (exitErr says how): both the wait
	// below and the cleanup read it, and nginx may exit before either.
	done := make(chan struct{})
	var exitErr error
	go func() { exitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		<-done
		if t.Failed() {
			t.Logf("nginx said:\n%s", stderr.String())
		}
	})
	base := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-done:
			t.Fatalf("nginx exited: %v\n%s", exitErr, stderr.String())
		default:
		}
		if resp, err := http.Get(base + "/robots.txt"); err == nil {
			resp.Body.Close()
			return base
		}
	}
	t.Fatalf("nginx did not answer on %s:\n%s", addr, stderr.String())
	return ""
}
