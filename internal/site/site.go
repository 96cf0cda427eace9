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
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

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
}

// Server serves the site.
type Server struct {
	cfg     Config
	store   *content.Store
	locales *locale.Set
	log     *slog.Logger
	pages   map[string]*template.Template // by page name: "home", "code", "compare", "error"
	errors  map[string][]byte             // pre-rendered 500 page by language code
	ids     *requestIDs
	handler http.Handler
}

// pageNames are the page templates; each is parsed together with base.html.
var pageNames = []string{"home", "code", "compare", "combo", "error"}

// New builds a Server.
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
	s := &Server{cfg: cfg, store: cfg.Content, locales: cfg.Locales, log: cfg.Logger, pages: map[string]*template.Template{}, ids: newRequestIDs()}
	for _, name := range pageNames {
		t, err := template.ParseFS(cfg.Templates, "base.html", name+".html")
		if err != nil {
			return nil, fmt.Errorf("templates/%s.html: %w", name, err)
		}
		s.pages[name] = t
	}
	s.errors = map[string][]byte{}
	for _, l := range cfg.Locales.Langs() {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r = r.WithContext(withLang(r.Context(), langChoice{l, locale.FromQuery}))
		v := s.errorView(r, http.StatusInternalServerError)
		var buf bytes.Buffer
		if err := s.pages["error"].ExecuteTemplate(&buf, "base", v); err != nil {
			return nil, fmt.Errorf("templates/error.html: pre-rendering the 500 page in %s: %w", l.Code, err)
		}
		s.errors[l.Code] = buf.Bytes()
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	// Outermost first: every response is logged and carries the security
	// headers, whatever happens further in.
	r.Use(s.accessLog, s.recoverPanics, s.securityHeaders, throttle(s.cfg.MaxInFlight, s.cfg.Backlog), s.validInput, middleware.GetHead, s.negotiate)
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", "GET, HEAD")
		return httpError{status: http.StatusMethodNotAllowed}
	}))
	r.Get("/", s.handle(s.serveHome))
	r.Get("/codes/{code}", s.handle(s.serveCode))
	r.Get("/compare", s.handle(s.serveCompareForm))
	r.Get("/compare/{pair}", s.handle(s.serveCompare))
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

// httpError is an error that maps to an HTTP status and its localized page.
type httpError struct {
	status int
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
		s.serveError(w, r, status)
	}
}

// serveError sends the localized page for an error status.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, status int) {
	if _, ok := r.Context().Value(langKey{}).(langChoice); !ok {
		// Outside the negotiate middleware (a 400 for a broken URL, a
		// panic): the query may be what is broken, so use only the cookie
		// and Accept-Language.
		r = r.WithContext(withLang(r.Context(), s.requestLang(r, false)))
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "error", s.errorView(r, status))
}

// render executes a page template into a buffer and writes it with the
// page's language headers. If rendering fails the client gets the
// pre-rendered 500 page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, view any) {
	l, _ := langFrom(r.Context())
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "base", view); err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "page", page, "path", r.URL.Path, "err", err)
		status, buf = http.StatusInternalServerError, *bytes.NewBuffer(s.errors[l.Code])
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", l.Code)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// serveStatic serves files from the static tree. Directories are not
// listed: they are 404s like any other missing file.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "*")
	notFound := func(w http.ResponseWriter, r *http.Request) { s.serveError(w, r, http.StatusNotFound) }
	if !fs.ValidPath(name) || name == "." {
		notFound(w, r)
		return
	}
	f, err := s.cfg.Static.Open(name)
	if err != nil {
		notFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		notFound(w, r)
		return
	}
	rs, ok := f.(interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	})
	if !ok {
		notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, name, info.ModTime(), rs)
}
