// Package site is the web front end: the chi router, the handlers, the typed
// view data and the templates.
//
// A Server is built once from a Config: the content store, the language set
// and the template and static file trees. New parses one template set per
// page type and pre-renders the error pages, so a broken template stops the
// start rather than a request. Per request, a middleware resolves the
// language once (see lang.go); a handler parses its path values, looks the
// code up in the immutable store, builds a typed view (codeView,
// compareView, …) and renders it into a buffer. Handlers return errors; one
// adapter, handle, turns them into localized error pages, so a failure never
// sends half a page.
//
// Translation is a method on the view data (Base.T), never a template
// function bound per request: templates are shared by every request and
// every language.
//
// This is the only package that imports chi and html/template.
package site

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// Config is everything a Server needs.
type Config struct {
	Content   *content.Store
	Locales   *locale.Set
	Templates fs.FS // the templates/ tree
	Static    fs.FS // the static/ tree
	// BaseURL is the absolute URL the site is served at, without a trailing
	// slash, e.g. "https://smtp.example". Used for absolute links only.
	BaseURL string
	// Secure marks the site as served over HTTPS: cookies get Secure and
	// responses carry Strict-Transport-Security.
	Secure bool
	Logger *slog.Logger
	// Ready reports whether the process accepts new work; /readyz answers
	// 503 when it does not (during shutdown). Nil means always ready.
	Ready func() bool
	// MaxInFlight caps the requests served at once (default 512); up to
	// Backlog more (default 2048) wait up to 5 s, the rest get 503.
	MaxInFlight, Backlog int
	// NoAccessLog turns the per-request log line off (errors are still
	// logged).
	NoAccessLog bool
	// CompareCacheBytes is the byte budget of the cache of compare pages
	// built on demand (default CompareCacheBytes).
	CompareCacheBytes int
}

// Server serves the site.
type Server struct {
	cfg     Config
	store   *content.Store
	locales *locale.Set
	log     *slog.Logger
	pages   map[string]*template.Template // by page name: "home", "code", …
	ui      map[string]map[string]string  // plain UI strings by language, then id
	chrome  map[string]chrome             // by language
	assets  *assets
	pre     *prepared
	// search is built on the first search: it is not needed to serve pages.
	search func() *searchIndex
	// compares holds compare pages, their JSON and the compare sitemaps,
	// built on first request.
	compares     *pageCache
	sitemapIndex *response
	sitemapCodes *response
	robotsTxt    *response
	ids          *requestIDs
	handler      http.Handler
}

// pageNames are the page templates; each is parsed together with base.html.
var pageNames = []string{"home", "index", "code", "compare", "combo", "search", "decode", "error"}

// CompareCacheBytes is the default byte budget of the compare page cache:
// about 5,000 compare pages (a cached page keeps its gzip and brotli
// variants, about 5.5 KB each). With everything rendered at start-up that
// keeps the live heap near 120 MB.
const CompareCacheBytes = 56 << 20

// New builds a Server: it parses the templates, reads the static files and
// renders every page that can be rendered in advance.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 512
	}
	if cfg.Backlog <= 0 {
		cfg.Backlog = 2048
	}
	if cfg.CompareCacheBytes <= 0 {
		cfg.CompareCacheBytes = CompareCacheBytes
	}
	s := &Server{
		cfg: cfg, store: cfg.Content, locales: cfg.Locales, log: cfg.Logger,
		pages: map[string]*template.Template{}, ids: newRequestIDs(),
		compares: newPageCache(cfg.CompareCacheBytes),
	}
	for _, name := range pageNames {
		t, err := template.ParseFS(cfg.Templates, "base.html", name+".html")
		if err != nil {
			return nil, fmt.Errorf("templates/%s.html: %w", name, err)
		}
		// A mistyped .UI.message_id fails the start instead of printing "<no value>".
		s.pages[name] = t.Option("missingkey=error")
	}
	s.ui = map[string]map[string]string{}
	for _, l := range cfg.Locales.Langs() {
		s.ui[l.Code] = cfg.Locales.Translator(l).Plain()
	}
	var err error
	if s.assets, err = loadAssets(cfg.Static); err != nil {
		return nil, err
	}
	s.chrome = map[string]chrome{}
	for _, l := range cfg.Locales.Langs() {
		b := s.base(l, "/")
		top, err := s.execute("error", b, "chrome-top")
		if err != nil {
			return nil, fmt.Errorf("templates/base.html: %w", err)
		}
		bottom, err := s.execute("error", b, "chrome-bottom")
		if err != nil {
			return nil, fmt.Errorf("templates/base.html: %w", err)
		}
		s.chrome[l.Code] = chrome{template.HTML(top), template.HTML(bottom)}
	}
	if s.pre, err = s.prepare(); err != nil {
		return nil, err
	}
	s.sitemapIndex, s.sitemapCodes = s.sitemaps()
	s.robotsTxt = s.robots()
	s.search = sync.OnceValue(func() *searchIndex { return newSearchIndex(s) })
	s.handler = s.routes()
	return s, nil
}

// Compress prepares the gzip and brotli variants of every response rendered
// at start-up. main runs it in the background once the server is ready, so
// start-up stays fast and no request waits for compression; a request that
// comes first compresses its own response, once.
func (s *Server) Compress() {
	for _, r := range s.pre.pages {
		r.compress()
	}
	for _, r := range s.pre.errors {
		r.compress()
	}
	for _, r := range s.assets.byName {
		r.compress()
	}
	s.sitemapIndex.compress()
	s.sitemapCodes.compress()
	s.robotsTxt.compress()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	// Outermost first: every response is logged and carries the security
	// headers, whatever happens further in.
	r.Use(s.begin)
	if !s.cfg.NoAccessLog {
		r.Use(s.accessLog)
	}
	r.Use(s.recoverPanics, s.setSecurityHeaders, throttle(s.cfg.MaxInFlight, s.cfg.Backlog), s.validInput, middleware.GetHead, s.negotiate)
	r.NotFound(s.handle(s.serveShortForm))
	r.MethodNotAllowed(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Path {
		case "/decode":
			w.Header().Set("Allow", "GET, HEAD, POST")
		case "/api/decode":
			w.Header().Set("Allow", "POST, OPTIONS")
			return httpError{status: http.StatusMethodNotAllowed, json: true}
		default:
			w.Header().Set("Allow", "GET, HEAD")
		}
		return httpError{status: http.StatusMethodNotAllowed}
	}))
	r.Get("/", s.handle(s.serveHome))
	r.Get("/codes", s.handle(s.serveIndex))
	r.Get("/codes.json", s.handle(s.serveAllJSON))
	r.Get("/codes/{code}", s.handle(s.serveCode))
	r.Get("/compare", s.handle(s.serveCompareForm))
	r.Get("/compare/{pair}", s.handle(s.serveCompare))
	r.Get("/go", s.handle(s.serveGo))
	r.Get("/search", s.handle(s.serveSearch))
	r.Get("/decode", s.handle(s.serveDecode))
	r.Post("/decode", s.handle(s.serveDecode))
	r.Post("/api/decode", s.handle(s.serveDecodeAPI))
	r.Options("/api/decode", func(w http.ResponseWriter, r *http.Request) {
		// CORS preflight for JSON posts from other sites.
		setCORS(w)
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	})
	r.Get("/sitemap.xml", s.handle(s.serveSitemap))
	r.Get("/sitemap-{name}.xml", s.handle(s.serveSitemap))
	r.Get("/robots.txt", func(w http.ResponseWriter, r *http.Request) { s.robotsTxt.write(w, r, true) })
	r.Get("/static/*", s.serveStatic)
	r.Get("/livez", func(w http.ResponseWriter, r *http.Request) { plain(w, http.StatusOK, "ok") })
	r.Get("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Ready != nil && !s.cfg.Ready() {
			plain(w, http.StatusServiceUnavailable, "shutting down")
			return
		}
		plain(w, http.StatusOK, "ready")
	})
	return r
}

// plain writes a short text answer for machines (health checks).
func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// httpError is an error that maps to an HTTP status and its localized
// page (or, for the JSON API, a JSON body).
type httpError struct {
	status int
	json   bool
	err    error
}

func (e httpError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%d: %v", e.status, e.err)
	}
	return http.StatusText(e.status)
}

var errNotFound = httpError{status: http.StatusNotFound}

// handle adapts a handler that returns an error: the error becomes the
// localized page for its status (500 for anything that is not an httpError).
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status := http.StatusInternalServerError
		var he httpError
		if errors.As(err, &he) {
			status = he.status
		}
		if status == http.StatusInternalServerError {
			s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.EscapedPath(), "err", err)
		}
		if he.json {
			setCORS(w)
			w.Header().Set("Content-Type", jsonType)
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(status)
			w.Write(jsonError(status))
			return
		}
		s.serveError(w, r, status)
	}
}

// serveError sends the pre-rendered localized page for an error status.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, status int) {
	st := stateFrom(r.Context())
	if st == nil {
		st = &reqState{}
	}
	if !st.langSet {
		// Before the negotiate middleware (a 400 for a broken URL, a
		// panic): the query may be what is broken, so use only the cookie
		// and Accept-Language.
		s.resolveLang(r, st, false)
	}
	l, src := st.lang, st.source
	resp, ok := s.pre.errors[pageKey{strconv.Itoa(status), l.Code}]
	if !ok {
		resp = s.pre.errors[pageKey{"500", l.Code}]
	}
	resp.write(w, r, src == locale.FromQuery)
}

// renderDynamic renders a page that depends on the request (search
// results) into a buffer and writes it. If rendering fails the client gets
// the pre-rendered 500 page instead of half a page.
func (s *Server) renderDynamic(w http.ResponseWriter, r *http.Request, page string, view any) {
	l, src := langFrom(r.Context())
	body, err := s.execute(page, view)
	if err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "page", page, "err", err)
		s.serveError(w, r, http.StatusInternalServerError)
		return
	}
	resp := newResponse(http.StatusOK, htmlType, l.Code, cachePage, body).quick()
	resp.write(w, r, src == locale.FromQuery)
}
