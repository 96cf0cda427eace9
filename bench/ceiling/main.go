// Command ceiling measures what a Go HTTP stack costs on its own: it
// serves pages of a static export (see `smtpcodes export`) from memory,
// gzip only, with the headers the real server sends, and does nothing
// else: no router, no middleware, no language negotiation, no conditional
// requests.
//
// bench/load.sh runs it (CEILING=1) next to the real server and nginx, once
// on net/http and once on fasthttp, to separate the cost of the site's own
// request path from the cost of the HTTP stack underneath it.
//
//	ceiling -stack nethttp  -addr 127.0.0.1:18082 -dir EXPORT -list URLS
//	ceiling -stack fasthttp -addr 127.0.0.1:18083 -dir EXPORT -list URLS
//
// It is its own module so that fasthttp, which the site does not use, stays
// out of the site's go.mod.
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/valyala/fasthttp"
)

// page is one gzipped response with its per-page headers.
type page struct {
	body []byte
	lang string
	etag string
}

// fixed are the headers every page response carries, as the real server
// sends them; with Content-Language, ETag, Content-Length and X-Request-Id
// per response, they are exactly the site's headers.
var fixed = [][2]string{
	{"Cache-Control", "public, max-age=3600"},
	{"Content-Encoding", "gzip"},
	{"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
	{"Content-Type", "text/html; charset=utf-8"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{"Vary", "Accept-Encoding"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
}

// requestIDs numbers the responses as the site does (X-Request-Id: a
// random prefix and a counter in base 36), so the ceiling makes the same
// per-request header value.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func (g *requestIDs) next() string { return g.prefix + "-" + strconv.FormatUint(g.n.Add(1), 36) }

func newRequestIDs() *requestIDs {
	b := make([]byte, 4)
	rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b)}
}

func main() {
	stack := flag.String("stack", "nethttp", "HTTP stack: nethttp, chi (net/http behind a chi router) or fasthttp")
	addr := flag.String("addr", "127.0.0.1:18082", "listen address")
	dir := flag.String("dir", "", "static export directory")
	list := flag.String("list", "", "file of URLs to serve, one per line (/codes/421?lang=en)")
	flag.Parse()
	pages, err := load(*dir, *list)
	if err != nil {
		log.Fatal(err)
	}
	switch *stack {
	case "nethttp":
		log.Fatal(netHTTPServer(*addr, netHTTPHandler(pages, newRequestIDs())).ListenAndServe())
	case "chi":
		log.Fatal(netHTTPServer(*addr, chiHandler(netHTTPHandler(pages, newRequestIDs()))).ListenAndServe())
	case "fasthttp":
		log.Fatal(fasthttp.ListenAndServe(*addr, fastHTTPHandler(pages, newRequestIDs())))
	default:
		log.Fatalf("unknown -stack %q", *stack)
	}
}

// load reads the gzipped file and the ETag of every listed URL.
func load(dir, list string) (map[string]*page, error) {
	etags, err := readETags(filepath.Join(dir, "etags.map"))
	if err != nil {
		return nil, err
	}
	f, err := os.Open(list)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pages := map[string]*page{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		url := sc.Text()
		path, lang, ok := strings.Cut(url, "?lang=")
		if !ok {
			return nil, fmt.Errorf("%s: %q has no ?lang=", list, url)
		}
		name := "/" + lang + path + ".html"
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)+".gz"))
		if err != nil {
			return nil, err
		}
		pages[url] = &page{body: body, lang: lang, etag: `"` + etags[name] + `.gz"`}
	}
	return pages, sc.Err()
}

// readETags reads the export's etags.map: "/en/codes/421.html HASH;" lines.
func readETags(name string) (map[string]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	etags := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSuffix(line, ";"), " "); ok && !strings.HasPrefix(k, "#") {
			etags[k] = v
		}
	}
	return etags, nil
}

// netHTTPServer is configured as the site's server is (newHTTPServer in the
// repository's main.go): with these timeouts net/http sets a read and a write
// deadline on the connection for every request, work the site cannot
// skip and the ceiling must then do too.
func netHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

func netHTTPHandler(pages map[string]*page, ids *requestIDs) http.Handler {
	// Header values are made once, as the real server does.
	type prepared struct {
		body               []byte
		lang, etag, length []string
	}
	ready := map[string]prepared{}
	for url, p := range pages {
		ready[url] = prepared{p.body, []string{p.lang}, []string{p.etag}, []string{strconv.Itoa(len(p.body))}}
	}
	fixedValues := make([][]string, len(fixed))
	for i, kv := range fixed {
		fixedValues[i] = []string{kv[1]}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := ready[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for i, kv := range fixed {
			h[kv[0]] = fixedValues[i]
		}
		h["Content-Language"] = p.lang
		h["Etag"] = p.etag
		h["Content-Length"] = p.length
		h["X-Request-Id"] = []string{ids.next()}
		w.Write(p.body)
	})
}

// chiHandler routes the site's two page patterns through a chi router to
// the bare handler: the cost of the router the site is built on, alone.
func chiHandler(h http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Get("/codes/{code}", h.ServeHTTP)
	r.Get("/compare/{pair}", h.ServeHTTP)
	return r
}

func fastHTTPHandler(pages map[string]*page, ids *requestIDs) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		p, ok := pages[string(ctx.RequestURI())]
		if !ok {
			ctx.NotFound()
			return
		}
		for _, kv := range fixed {
			ctx.Response.Header.Set(kv[0], kv[1])
		}
		ctx.Response.Header.Set("Content-Language", p.lang)
		ctx.Response.Header.Set("Etag", p.etag)
		ctx.Response.Header.Set("X-Request-Id", ids.next())
		ctx.SetBody(p.body)
	}
}
