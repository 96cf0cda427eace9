package site

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// This file holds what every page shares: the base view and its language
// links, the template set, and the state of a request (its language, how
// it was chosen, the switcher's choice) with the helpers that answer from
// it.

// Base is the view data every page shares. It depends only on the page
// and its language, never on the request: that is what lets a page be
// rendered once and served to everyone who asks for it in that language.
type Base struct {
	Lang        locale.Lang
	Path        string    // the page's canonical path, without query
	Title       string    // <title>
	Description string    // <meta name="description">
	Links       langLinks // the links to the page in the other languages
	Canonical   string    // absolute URL of the page in its language
	OGLocale    string
	JSONLD      template.JS // schema.org data, already JSON-encoded
	CSS, JS     string      // fingerprinted asset paths
	Icon        string
	Crumbs      []crumb // breadcrumb trail after "All codes"; empty on the home page
	NoIndex     bool    // search results and error pages stay out of search engines
	// Twin is the absolute URL of the page's markdown twin in its
	// language (markdown_twin.go), "" for a page that has none.
	Twin string
	// Translation says how the page's content was translated, with a link
	// to the English original (translation.go); nil for the source
	// language, a page shown in it for want of a translation, and pages
	// made of interface messages only (which /translations accounts for).
	Translation *translationNote
	// UI holds the language's plain UI strings by message id, for the
	// templates: a map index costs less than a method call per string.
	UI map[string]string
	// Chrome is the page frame that depends only on the language.
	Chrome chrome

	tr locale.Translator
}

// chrome is the start of the body up to the language switcher and the end
// of the body from the footer on: the same on every page of a language.
type chrome struct{ Top, Bottom template.HTML }

// langLinks is a page's language links, rendered: its hreflang
// alternates (Head), the og:locale of the other languages (OG), and the
// language switcher (Nav). With ten languages they are a third of a
// compare page's rendering, so they are rendered once per language with
// pathMark for the path, and base puts the path in (see langLinks).
type langLinks struct{ Head, OG, Nav template.HTML }

// linkData is what the language links are rendered from.
type linkData struct {
	Langs        []langLink
	Alternates   []alternate // <link rel="alternate" hreflang>, x-default last
	OGAlternates []string    // og:locale of the other languages
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

type alternate struct{ Hreflang, URL string }

type crumb struct {
	Name, URL string
	Current   bool
}

// Trail returns the breadcrumb trail with the last crumb marked as the
// current page.
func (b Base) Trail() []crumb {
	trail := slices.Clone(b.Crumbs)
	if n := len(trail); n > 0 {
		trail[n-1].Current = true
	}
	return trail
}

// T says a UI string in the page's language; kv are template data as
// alternating keys and values.
func (b Base) T(id string, kv ...any) string { return b.tr.T(id, kv...) }

// N says a UI string with plural forms for the count n.
func (b Base) N(id string, n int, kv ...any) string { return b.tr.Count(id, n, kv...) }

// Link returns an internal link in the page's language. Every link carries
// ?lang, so a page is the same bytes whether its language came from the URL,
// the cookie or Accept-Language, and a link copied from it keeps the language.
func (b Base) Link(path string) string { return path + "?lang=" + b.Lang.Code }

// H returns the data for a section heading with its permalink.
func (b Base) H(id, text string) heading {
	return heading{ID: id, Text: text, Href: b.Link(b.Path) + "#" + id, Label: b.T(msgPermalinkLabel, "Section", text)}
}

type heading struct{ ID, Text, Href, Label string }

// base builds the shared view data for the page at path in language l.
func (s *Server) base(l locale.Lang, path string) Base {
	b := Base{
		Lang: l, Path: path, tr: s.locales.Translator(l), UI: s.ui[l.Code], Chrome: s.chrome[l.Code],
		CSS: s.assets.path("site.css"), JS: s.assets.path("site.js"), Icon: s.assets.path("icon.svg"),
		Canonical: s.cfg.BaseURL + path + "?lang=" + l.Code, OGLocale: s.ogLocale[l.Code],
		Links: s.langLinks(l, path),
	}
	if hasTwin(path) {
		b.Twin = s.cfg.BaseURL + twinPath(path) + "?lang=" + l.Code
	}
	return b
}

// linkData lists the language links of the page at path in language l.
func (s *Server) linkData(l locale.Lang, path string) linkData {
	var d linkData
	for _, o := range s.locales.Langs() {
		if o.Code != l.Code {
			d.OGAlternates = append(d.OGAlternates, s.ogLocale[o.Code])
		}
		q := url.Values{"lang": {o.Code}, chooseParam: {"1"}}
		d.Langs = append(d.Langs, langLink{Code: o.Code, Name: o.Name, URL: path + "?" + q.Encode(), Current: o.Code == l.Code})
		d.Alternates = append(d.Alternates, alternate{Hreflang: o.Tag.String(), URL: s.cfg.BaseURL + path + "?lang=" + o.Code})
	}
	d.Alternates = append(d.Alternates, alternate{Hreflang: "x-default", URL: s.xDefault(path)})
	return d
}

// pathMark stands for the page's path in the language links rendered once
// per language (renderChrome).
const pathMark = "/_path_"

// langLinks returns the rendered language links of the page at path in
// language l: the language's links rendered for pathMark, with the path
// put in. That gives the bytes the templates would for a path that
// html/template writes as it is in a URL attribute (ASCII letters, digits
// and "/._-": every page of the site; TestLangLinksAsRendered); any other
// path is rendered.
func (s *Server) langLinks(l locale.Lang, path string) langLinks {
	ls, ok := s.linkMarks[l.Code]
	if !ok || !plainPath(path) {
		return s.mustLinks(s.linkData(l, path))
	}
	return langLinks{
		Head: template.HTML(strings.ReplaceAll(string(ls.Head), pathMark, path)),
		OG:   ls.OG,
		Nav:  template.HTML(strings.ReplaceAll(string(ls.Nav), pathMark, path)),
	}
}

// plainPath reports whether html/template writes path unchanged in a URL
// attribute, and path cannot be confused with pathMark.
func plainPath(path string) bool {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return !strings.Contains(path, "_path_")
}

// renderLinks renders language links.
func (s *Server) renderLinks(d linkData) (langLinks, error) {
	var ls langLinks
	for _, f := range []struct {
		name string
		out  *template.HTML
	}{{"lang-head", &ls.Head}, {"lang-og", &ls.OG}, {"lang-nav", &ls.Nav}} {
		h, err := s.templates.fragment("error", f.name, d)
		if err != nil {
			return langLinks{}, fmt.Errorf("language links: %w", err)
		}
		*f.out = h
	}
	return ls, nil
}

// mustLinks renders language links while a page is built. renderChrome
// rendered the same templates with the same types at start-up, and writing
// to a buffer cannot fail, so an error here is a bug.
func (s *Server) mustLinks(d linkData) langLinks {
	ls, err := s.renderLinks(d)
	if err != nil {
		panic(err)
	}
	return ls
}

// xDefault is the URL of a page for readers of no language the site
// has: the default language's, the same URL as its hreflang alternate. Not
// the bare path, which negotiates: Lighthouse fails a page whose URL is in
// its hreflang set while its canonical is another member (the bare path
// would be both x-default and canonicalised to ?lang=…), and a bare URL
// is no promise of a language.
func (s *Server) xDefault(path string) string {
	return s.cfg.BaseURL + path + "?lang=" + s.locales.Default().Code
}

// renderChrome renders the parts of the page frame that depend only on the
// language, once per language.
func (s *Server) renderChrome() error {
	s.chrome = map[string]chrome{}
	s.ogLocale = map[string]string{}
	for _, l := range s.locales.Langs() {
		s.ogLocale[l.Code] = s.locales.Translator(l).T(msgOGLocale)
	}
	s.linkMarks = map[string]langLinks{}
	n := len(s.locales.Langs())
	for _, l := range s.locales.Langs() {
		ls, err := s.renderLinks(s.linkData(l, pathMark))
		if err != nil {
			return err
		}
		// The links with the mark are kept only when the mark is where the
		// path goes and nowhere else (a base URL could hold it).
		if strings.Count(string(ls.Head), pathMark) == n+1 && strings.Count(string(ls.Nav), pathMark) == n-1 && !strings.Contains(string(ls.OG), pathMark) {
			s.linkMarks[l.Code] = ls
		}
	}
	for _, l := range s.locales.Langs() {
		b := s.base(l, "/")
		top, err := s.templates.fragment("error", "chrome-top", b)
		if err != nil {
			return err
		}
		bottom, err := s.templates.fragment("error", "chrome-bottom", b)
		if err != nil {
			return err
		}
		s.chrome[l.Code] = chrome{top, bottom}
	}
	return nil
}

// The template set: one template per page type, each parsed together with
// base.html, once, at start-up.
type templateSet map[string]*template.Template

// pageNames are the page templates, templates/<name>.html.
var pageNames = []string{"home", "index", "code", "compare", "combo", "search", "decode", "error", "providers", "provider", "response", "translations", "data"}

func parseTemplates(fsys fs.FS) (templateSet, error) {
	set := templateSet{}
	for _, name := range pageNames {
		t, err := template.ParseFS(fsys, "base.html", name+".html")
		if err != nil {
			return nil, fmt.Errorf("templates/%s.html: %w", name, err)
		}
		// A missing map key (a .UI id that is not a plain message) is an
		// error, not "<no value>"; checkMessages finds it first.
		set[name] = t.Option("missingkey=error")
	}
	return set, nil
}

// execute renders a page with its layout ("base").
func (ts templateSet) execute(page string, view any) ([]byte, error) {
	var buf bytes.Buffer
	if err := ts[page].ExecuteTemplate(&buf, "base", view); err != nil {
		return nil, fmt.Errorf("templates/%s.html: %w", page, err)
	}
	return buf.Bytes(), nil
}

// fragment renders one named template of a page's set, to be embedded in
// other pages: the chrome, a code's side of a compare page. Output of
// html/template is safe HTML, so this, with the markdown renderer, is
// where the site asserts that HTML is trusted.
func (ts templateSet) fragment(page, name string, view any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := ts[page].ExecuteTemplate(&buf, name, view); err != nil {
		return "", fmt.Errorf("templates/%s.html: %s: %w", page, name, err)
	}
	return template.HTML(buf.String()), nil
}

// cookieName is the cookie that remembers a language picked in the switcher.
const cookieName = "lang"

// chooseParam marks a link from the language switcher: only such a request
// stores the choice in the cookie. A ?lang link from someone's docs does not.
const chooseParam = "choose"

// reqState is what the middleware learn about a request, worked out once
// and shared through a single context value: the request id, the language
// and how it was chosen, and whether the switcher sent the request.
//
// The state is the request's context itself: it wraps the context the
// request came with and answers Value(stateKey{}) with itself, which saves
// the separate context value every request would otherwise allocate.
type reqState struct {
	context.Context // the request's context as begin received it
	id              string
	idHeader        [1]string // the X-Request-Id header's value: part of the state, not an allocation of its own
	lang            locale.Lang
	source          locale.Source
	langSet         bool // the language has been negotiated
	choose          bool // the URL carries choose=1 (a link from the switcher)
}

// langFromURL reports whether the URL chose the language (?lang=): then
// the response is the same for everyone; otherwise a response in a
// language varies with the cookie and Accept-Language.
func (st *reqState) langFromURL() bool { return st.source == locale.FromQuery }

// langQuery is the query that keeps the request's language on a redirect
// to another page: "lang=ja" when the URL chose it, else "".
func (st *reqState) langQuery() string {
	if st.langFromURL() {
		return "lang=" + st.lang.Code
	}
	return ""
}

type stateKey struct{}

// Value implements context.Context: the state under stateKey, everything
// else from the context the request came with.
func (st *reqState) Value(key any) any {
	if _, ok := key.(stateKey); ok {
		return st
	}
	return st.Context.Value(key)
}

// state returns the request's state. Every request has one (begin is the
// outermost middleware); a handler called without it, as in a unit test,
// gets the default language.
func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{Context: r.Context()}
}

// begin is the outermost middleware: it gives the request its state and id.
func (s *Server) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{Context: r.Context(), id: s.ids.next(), lang: s.locales.Default()}
		st.idHeader[0] = st.id
		w.Header()["X-Request-Id"] = st.idHeader[:]
		next.ServeHTTP(w, r.WithContext(st))
	})
}

// negotiate resolves the request's language once. Whether the response
// then varies with the language is for the response to say (see
// prepared.Response.Write): a stylesheet or a redirect does not.
func (s *Server) negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.resolveLang(r, state(r), true)
		next.ServeHTTP(w, r)
	})
}

// resolveLang negotiates the request's language into st, from its ?lang
// value only when useQuery is set (not when the query is what is broken).
func (s *Server) resolveLang(r *http.Request, st *reqState, useQuery bool) {
	var query, cookie string
	if useQuery {
		query, st.choose = queryParams(r.URL.RawQuery)
	}
	if c, err := r.Cookie(cookieName); err == nil {
		cookie = c.Value
	}
	st.lang, st.source = s.locales.Negotiate(query, cookie, prepared.HeaderValue(r.Header, "Accept-Language"))
	st.langSet = true
}

// queryParams reads the two parameters every request may carry, lang (its
// first value) and choose, without building a url.Values map.
func queryParams(raw string) (lang string, choose bool) {
	langSeen := false
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, value, _ := strings.Cut(pair, "=")
		switch key {
		case "lang":
			if !langSeen {
				lang, _ = url.QueryUnescape(value)
				langSeen = true
			}
		case chooseParam:
			choose = true
		}
	}
	return lang, choose
}

// send writes a prepared response as the request's state says: with the
// Vary and caching of a language chosen by the URL or negotiated.
func send(w http.ResponseWriter, r *http.Request, resp *prepared.Response) {
	resp.Write(w, r, state(r).langFromURL())
}

// sendPage writes a page, unless the language switcher sent the request:
// then the choice is stored in the cookie and the reader is redirected to
// the page's canonical URL in that language (the fragment survives the
// redirect in the browser). canonical is the page's path, built by the
// handler from validated parts only.
func (s *Server) sendPage(w http.ResponseWriter, r *http.Request, canonical string, resp *prepared.Response) {
	st := state(r)
	if st.choose && st.langFromURL() {
		s.setLangCookie(w, st.lang)
		// A new string: canonical itself must not escape, so that the
		// usual request builds it on the stack.
		s.redirect(w, r, canonical+"?"+st.langQuery(), http.StatusSeeOther)
		return
	}
	send(w, r, resp)
}

// rememberChoice stores a language picked in the switcher, for the pages
// that stay where they are rather than redirect (search results, the
// decoder, which would lose the reader's text).
func (s *Server) rememberChoice(w http.ResponseWriter, r *http.Request) {
	if st := state(r); st.choose && st.langFromURL() {
		s.setLangCookie(w, st.lang)
	}
}

// setLangCookie remembers a language the reader picked in the switcher. A
// response that sets it is never cached (prepared.SetCacheControl).
func (s *Server) setLangCookie(w http.ResponseWriter, l locale.Lang) {
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName,
		Value:    l.Code,
		Path:     "/",
		MaxAge:   int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true,
		Secure:   s.cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	})
}

// redirect sends the reader to target, a path on this site with its
// query. Targets are built from validated parts, and a query follows a
// "?", so no redirect can leave the site. A permanent redirect to a
// canonical URL may be cached for a day; the others are not cached.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, target string, status int) {
	policy := prepared.NoStore
	if status == http.StatusMovedPermanently {
		policy = prepared.Redirect
	}
	prepared.SetCacheControl(w.Header(), policy, false)
	http.Redirect(w, r, target, status)
}

// withQuery appends an encoded query ("" for none) to a path. A query that
// is not valid UTF-8 is dropped.
func withQuery(path, query string) string {
	if query == "" || !utf8.ValidString(query) {
		return path
	}
	return path + "?" + query
}

// canonicalRedirect answers a non-canonical spelling of a page with a
// permanent redirect to its canonical path, keeping the whole query.
func (s *Server) canonicalRedirect(w http.ResponseWriter, r *http.Request, path string) {
	s.redirect(w, r, withQuery(path, r.URL.RawQuery), http.StatusMovedPermanently)
}

// setCORS lets any site read the API (it holds only public data and
// takes no credentials).
func setCORS(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// plain writes a short text answer for machines (health checks).
func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	prepared.SetCacheControl(w.Header(), prepared.NoStore, false)
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json; charset=utf-8"
	xmlType  = "application/xml; charset=utf-8"
)

// sendRendered renders a page that depends on the request (search results,
// the decoder's findings) and writes it. If rendering fails, the reader
// gets the 500 page instead of half a page.
func (s *Server) sendRendered(w http.ResponseWriter, r *http.Request, page string, view any, status int, p prepared.Policy) {
	body, err := s.templates.execute(page, view)
	if err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "page", page, "err", err)
		s.serveError(w, r, http.StatusInternalServerError)
		return
	}
	send(w, r, prepared.New(status, htmlType, state(r).lang.Code, p, body).OnDemand())
}
