// Package site is the web front end: the chi router, one handler, view and
// view builder per page type, and the templates.
//
// # The model: render once, serve prepared bytes
//
// A page is the same bytes for everyone who reads it in one language (every
// internal link carries ?lang), so it is rendered once, on its first
// request, and kept: each code page, its JSON and its markdown twin, the
// provider catalogue's pages, the home page, the index and /codes.json,
// in every language, are entries of the page table (pages.go), which
// keeps what readers read within a byte budget and renders again a page
// it let go of. The error pages are rendered by New. Pages become
// prepared.Responses: gzip and brotli variants, ETags, shared header
// values. Compare pages (16,471 pairs per language) are composed on first
// request from the two codes' texts for compare pages (their "sides",
// rendered on first use), the template running only for the frame, and
// kept in a byte-budgeted cache. Only search results and the decoder
// render per request.
//
// Per request: the begin and negotiate middleware work out the request's
// state once (its id, its language, how the language was chosen, whether
// the switcher sent it; see base.go); the handler finds the prepared
// response and hands it to prepared, which picks the encoding, answers 304
// or writes the bytes, and decides caching. Handlers return errors; one
// adapter (errors.go) turns them into pre-rendered localized error pages.
//
// # Where things are
//
// One file per page type holds its handler, its view type and the code
// that builds the view: home.go (/ and /codes), code.go, compare.go
// (compare and combined pages), providers.go (the provider-response
// catalogue), search.go (and /go and /search.json), decode.go, api.go
// (the JSON documents), seo.go (sitemaps, robots.txt, JSON-LD), errors.go
// (error pages, unknown paths), markdown_twin.go (each page's
// text/markdown twin, /codes/421.md), llms.go (/llms.txt), data.go (the
// open dataset, /data). base.go holds what every page shares: the base
// view, the language links, the template set and the request state.
// messages.go names every UI message the code uses and checks them all at
// start-up. middleware.go is the hardening every request passes through;
// export.go writes the whole site as files.
//
// Translation is a method on the view data (Base.T), never a template
// function bound per request: templates are shared by every request and
// every language.
//
// This is the only package that imports chi and html/template.
package site

import (
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/decode"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
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
	// PageCacheBytes is the byte budget of the pages the page table keeps
	// rendered (default PageCacheBytes); CompareCacheBytes that of the
	// cache of compare pages built on demand (default CompareCacheBytes).
	PageCacheBytes, CompareCacheBytes int
	// MaxWork caps the decodes, and separately the searches, computed at
	// once (default GOMAXPROCS-1, at least 1); MaxDecodeBodies caps the
	// decode requests whose bodies are held at once (default 16). See
	// work.go.
	MaxWork, MaxDecodeBodies int
}

// CompareCacheBytes is the default byte budget of the compare page cache:
// about 5,500 compare pages (a cached page keeps its gzip variant, about
// 6 KB as Size counts it). With the page table's budget, the search index
// and ten languages' content, it keeps the live heap at most about 160 MB
// however the site is crawled, under the 200 MiB memory limit main sets.
const CompareCacheBytes = 32 << 20

// Open builds the Server for a site tree: root holds content/, locales/,
// templates/ and static/ (the embedded tree, or the working directory in
// development). It is the one place that loads the languages, then the
// content in those languages, then builds the server; main, the check
// command and the tests all call it. It reads the source language's
// content; translations are read on first use (Warm reads them all).
func Open(root fs.FS, cfg Config) (*Server, error) {
	sub := func(dir string) (fs.FS, error) {
		f, err := fs.Sub(root, dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		return f, nil
	}
	var locales, contentFS, templates, static fs.FS
	for dir, dst := range map[string]*fs.FS{"locales": &locales, "content": &contentFS, "templates": &templates, "static": &static} {
		f, err := sub(dir)
		if err != nil {
			return nil, err
		}
		*dst = f
	}
	set, err := locale.Load(locales)
	if err != nil {
		return nil, err
	}
	var langs []string
	for _, l := range set.Langs() {
		langs = append(langs, l.Code)
	}
	store, err := content.LoadSource(contentFS, langs)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	cfg.Content, cfg.Locales, cfg.Templates, cfg.Static = store, set, templates, static
	return New(cfg)
}

// Server serves the site.
type Server struct {
	cfg       Config
	store     *content.Store
	locales   *locale.Set
	log       *slog.Logger
	templates templateSet
	ui        map[string]map[string]string // plain UI strings by language, then id
	chrome    map[string]chrome            // by language
	ogLocale  map[string]string            // og:locale by language
	linkMarks map[string]langLinks         // by language: the language links for pathMark
	assets    *assets
	decoder   *decode.Decoder
	limits    limits

	// The page table (pages.go): every page, rendered on first use; the
	// table is immutable after New.
	pages        *pageTable
	sides        map[pageKey]*once[template.HTML] // path is the code: its text for compare pages
	errorPages   map[pageKey]*prepared.Response   // path is the status code; rendered at start-up
	sitemapIndex *prepared.Response
	sitemapCodes *once[*prepared.Response]
	robotsTxt    *prepared.Response
	llms         *prepared.Response // /llms.txt

	// data is the open dataset (data.go), built on first use or by Warm.
	data *once[*dataFiles]

	// search is built on the first search: it is not needed to serve pages.
	search func() *searchIndex
	// compares holds compare pages, their JSON and the compare sitemaps,
	// built on first request.
	compares *prepared.Cache
	// perMap is how many pairs a compare sitemap lists (comparePerMap).
	perMap  int
	ids     *requestIDs
	handler http.Handler
}

// Store returns the content the server was built from.
func (s *Server) Store() *content.Store { return s.store }

// Locales returns the server's languages.
func (s *Server) Locales() *locale.Set { return s.locales }

// New builds a Server: it parses the templates, checks every message id
// they and the code use, reads the static files and renders every page
// that can be rendered in advance.
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
	if cfg.PageCacheBytes <= 0 {
		cfg.PageCacheBytes = PageCacheBytes
	}
	if cfg.CompareCacheBytes <= 0 {
		cfg.CompareCacheBytes = CompareCacheBytes
	}
	s := &Server{
		cfg: cfg, store: cfg.Content, locales: cfg.Locales, log: cfg.Logger,
		ids: newRequestIDs(), compares: prepared.NewCache(cfg.CompareCacheBytes),
		decoder: decode.New(cfg.Content.Facts.Providers, cfg.Content), limits: newLimits(cfg),
		perMap: comparePerMap(len(cfg.Locales.Langs())),
	}
	var err error
	if s.templates, err = parseTemplates(cfg.Templates); err != nil {
		return nil, err
	}
	s.ui = map[string]map[string]string{}
	for _, l := range cfg.Locales.Langs() {
		s.ui[l.Code] = cfg.Locales.Translator(l).Plain()
	}
	if err := s.checkMessages(); err != nil {
		return nil, err
	}
	if s.assets, err = loadAssets(cfg.Static); err != nil {
		return nil, err
	}
	if err := s.renderChrome(); err != nil {
		return nil, err
	}
	s.data = lazy(s.buildData)
	if err := s.buildPages(); err != nil {
		return nil, err
	}
	s.sitemapIndex = s.sitemapIndexDoc()
	s.sitemapCodes = lazy(s.codesSitemap)
	s.robotsTxt = s.robots()
	s.llms = s.llmsTxt()
	s.search = sync.OnceValue(func() *searchIndex { return newSearchIndex(s) })
	s.handler = s.routes()
	return s, nil
}

// Warm reads the translations of every language in the background, once
// the server is ready, so that the first reader of a language does not
// wait for them. A translation that fails its checks is logged and its
// pages show the source text (go run . check rejects it before it lands).
func (s *Server) Warm() {
	for _, l := range s.locales.Langs()[1:] {
		if err := s.store.LoadLanguage(l.Code); err != nil {
			s.log.Error("translations left out", "lang", l.Code, "err", err)
		}
	}
	for _, r := range s.errorPages {
		r.Compress()
	}
	for _, r := range s.assets.byName {
		r.Compress()
	}
	s.sitemapIndex.Compress()
	s.robotsTxt.Compress()
	s.llms.Compress()
	// The largest documents, the code sitemap and the dataset's files,
	// are made here rather than by the first reader. They keep only their
	// compressed variants: with ten languages about 30 MB less resident,
	// for the rare client that takes no encoding.
	if _, err := s.sitemapCodes.get(); err != nil {
		s.log.Error("sitemap", "err", err)
	}
	if _, err := s.data.get(); err != nil {
		s.log.Error("dataset", "err", err)
	}
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
	r.MethodNotAllowed(s.handle(s.methodNotAllowed))
	r.Get("/", s.handle(s.serveHome))
	r.Get("/codes", s.handle(s.serveIndex))
	r.Get("/codes.json", s.handle(s.serveAllJSON))
	r.Get("/codes.md", s.handle(s.serveIndexTwin))
	r.Get("/codes/{code}", s.handle(s.serveCode))
	r.Get("/translations", s.handle(func(w http.ResponseWriter, r *http.Request) error { return s.servePage(w, r, translationsURL()) }))
	r.Get("/translations.json", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		setCORS(w)
		return s.servePage(w, r, translationsURL()+".json")
	}))
	r.Get("/data", s.handle(func(w http.ResponseWriter, r *http.Request) error { return s.servePage(w, r, dataURL()) }))
	r.Get("/data/*", s.handle(s.serveDataFile))
	r.Get("/providers", s.handle(s.serveProviders))
	r.Get("/providers.json", s.handle(s.serveProvidersJSON))
	r.Get("/providers/{provider}", s.handle(s.serveProviderPath))
	r.Get("/providers/{provider}/{id}", s.handle(s.serveProviderPath))
	r.Get("/compare", s.handle(s.serveCompareForm))
	r.Get("/compare/{pair}", s.handle(s.serveCompare))
	r.Get("/go", s.handle(s.serveGo))
	r.Get("/search", s.handle(s.serveSearch))
	r.Get("/search.json", s.handle(s.serveSearchJSON))
	r.Get("/decode", s.handle(s.serveDecode))
	r.Post("/decode", s.handle(s.serveDecode))
	r.Post("/api/decode", s.handle(s.serveDecodeAPI))
	r.Options("/api/decode", serveDecodePreflight)
	r.Get("/sitemap.xml", s.handle(s.serveSitemap))
	r.Get("/sitemap-{name}.xml", s.handle(s.serveSitemap))
	r.Get("/robots.txt", func(w http.ResponseWriter, r *http.Request) { send(w, r, s.robotsTxt) })
	r.Get("/llms.txt", func(w http.ResponseWriter, r *http.Request) { send(w, r, s.llms) })
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
