package site

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/unicode/norm"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// servePrepared answers with a response prepared in advance. The request
// path runs no template, markdown or compression: it picks the response
// for the page and language and writes it.
func (s *Server) servePrepared(w http.ResponseWriter, r *http.Request, path string, resp *response) {
	if s.rememberChoice(w, r, path) {
		return
	}
	_, src := langFrom(r.Context())
	resp.write(w, r, src == locale.FromQuery)
}

func (s *Server) serveHome(w http.ResponseWriter, r *http.Request) error {
	l, _ := langFrom(r.Context())
	s.servePrepared(w, r, "/", s.pre.page("/", l.Code))
	return nil
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) error {
	l, _ := langFrom(r.Context())
	s.servePrepared(w, r, "/codes", s.pre.page("/codes", l.Code))
	return nil
}

func (s *Server) serveAllJSON(w http.ResponseWriter, r *http.Request) error {
	l, _ := langFrom(r.Context())
	setCORS(w)
	s.servePrepared(w, r, "/codes.json", s.pre.page("/codes.json", l.Code))
	return nil
}

// serveCode serves /codes/421, /codes/5.7.26 and their .json forms.
func (s *Server) serveCode(w http.ResponseWriter, r *http.Request) error {
	raw := chi.URLParam(r, "code")
	raw, asJSON := strings.CutSuffix(raw, ".json")
	c, ok := s.store.Code(raw)
	if !ok {
		if canon, ok := s.canonicalCode(raw); ok {
			redirect(w, r, codeURL(canon.ID)+jsonSuffix(asJSON))
			return nil
		}
		if asJSON {
			return errJSONNotFound
		}
		return errNotFound
	}
	l, _ := langFrom(r.Context())
	path := codeURL(c.ID) + jsonSuffix(asJSON)
	if asJSON {
		setCORS(w)
	}
	s.servePrepared(w, r, path, s.pre.page(path, l.Code))
	return nil
}

func jsonSuffix(asJSON bool) string {
	if asJSON {
		return ".json"
	}
	return ""
}

// parsePair splits "421-vs-556" into its two codes. exact is false when a
// code was spelled in a non-canonical way (leading zeros).
func (s *Server) parsePair(pair string) (a, b *content.Code, exact, ok bool) {
	x, y, found := strings.Cut(pair, "-vs-")
	if !found {
		return nil, nil, false, false
	}
	a, okA := s.store.Code(x)
	b, okB := s.store.Code(y)
	exact = okA && okB
	if !okA {
		a, okA = s.canonicalCode(x)
	}
	if !okB {
		b, okB = s.canonicalCode(y)
	}
	return a, b, exact, okA && okB
}

// canonicalCode finds the code a non-canonical spelling unambiguously means:
// "05.1.1" and "5.01.1" are 5.1.1. Only digits and dots in the shape of a
// code qualify, each part at most three digits after its leading zeros.
func (s *Server) canonicalCode(raw string) (*content.Code, bool) {
	if len(raw) > 24 {
		return nil, false
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 1 && len(parts) != 3 {
		return nil, false
	}
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return nil, false
		}
		p = strings.TrimLeft(p, "0")
		if p == "" {
			p = "0"
		}
		if len(p) > 3 {
			return nil, false
		}
		parts[i] = p
	}
	return s.store.Code(strings.Join(parts, "."))
}

// redirect sends a permanent redirect to path, keeping the request's query
// string. path is built from validated parts; the query follows a "?" and
// so cannot change where the redirect leads.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	if q := r.URL.RawQuery; q != "" && utf8.ValidString(q) {
		path += "?" + q
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, path, http.StatusMovedPermanently)
}

// serveCompare serves /compare/421-vs-556 and its .json form. The page is
// composed on first request from the two codes' pre-rendered texts and
// kept in the byte-budgeted cache, under its canonical key only.
func (s *Server) serveCompare(w http.ResponseWriter, r *http.Request) error {
	pair, asJSON := strings.CutSuffix(chi.URLParam(r, "pair"), ".json")
	a, b, exact, ok := s.parsePair(pair)
	if !ok {
		if asJSON {
			return errJSONNotFound
		}
		return errNotFound
	}
	if a == b {
		redirect(w, r, codeURL(a.ID)+jsonSuffix(asJSON))
		return nil
	}
	if !exact || content.Less(b, a) {
		redirect(w, r, compareURL(a, b)+jsonSuffix(asJSON))
		return nil
	}
	l, _ := langFrom(r.Context())
	path := compareURL(a, b) + jsonSuffix(asJSON)
	resp, err := s.compares.get(path+"?lang="+l.Code, func() (*response, error) {
		if asJSON {
			return s.compareJSON(l, a, b)
		}
		return s.renderCompare(l, a, b)
	})
	if err != nil {
		return err
	}
	if asJSON {
		setCORS(w)
	}
	s.servePrepared(w, r, path, resp)
	return nil
}

// serveCompareForm answers the home page's comparison form
// (/compare?a=556&b=421) with a redirect to the canonical comparison.
func (s *Server) serveCompareForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a, okA := s.store.Code(normalizeCode(q.Get("a")))
	b, okB := s.store.Code(normalizeCode(q.Get("b")))
	if !okA || !okB {
		return errNotFound
	}
	path := compareURL(a, b)
	if a == b {
		path = codeURL(a.ID)
	}
	if l, src := langFrom(r.Context()); src == locale.FromQuery {
		path += "?lang=" + l.Code
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.Redirect(w, r, path, http.StatusMovedPermanently)
	return nil
}

// serveGo answers the "go to code" box: a code lands on its page, anything
// else is searched for.
func (s *Server) serveGo(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("code")
	c, ok := s.store.Code(normalizeCode(q))
	if !ok {
		c, ok = s.canonicalCode(normalizeCode(q))
	}
	if !ok {
		return s.serveSearchQuery(w, r, q)
	}
	path := codeURL(c.ID)
	if l, src := langFrom(r.Context()); src == locale.FromQuery {
		path += "?lang=" + l.Code
	}
	http.Redirect(w, r, path, http.StatusFound)
	return nil
}

// normalizeCode cleans what a reader typed into a code box: surrounding
// space, full-width digits and dots (NFKC), an "SMTP" prefix.
func normalizeCode(v string) string {
	if len(v) > 32 {
		return ""
	}
	v = strings.TrimSpace(norm.NFKC.String(v))
	if len(v) > 4 && strings.EqualFold(v[:4], "smtp") {
		v = strings.TrimSpace(v[4:])
	}
	return v
}

// serveShortForm handles paths that are not routes: the short and
// miscapitalised forms of real pages get a 301 to the canonical page
// (/421, /codes/421/, /Codes/421, /compare/421-vs-556/); everything else is
// a 404. The redirect target is rebuilt from the validated code, never
// copied from the request.
func (s *Server) serveShortForm(w http.ResponseWriter, r *http.Request) error {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if p == "" || strings.HasPrefix(r.URL.Path, "//") {
		return errNotFound
	}
	segs := strings.Split(p[1:], "/")
	switch {
	case len(segs) == 1 && strings.EqualFold(segs[0], "codes"):
		redirect(w, r, "/codes")
		return nil
	case len(segs) == 1:
		if c, ok := s.lookupLoose(segs[0]); ok {
			redirect(w, r, codeURL(c.ID))
			return nil
		}
	case len(segs) == 2 && strings.EqualFold(segs[0], "codes"):
		if c, ok := s.lookupLoose(segs[1]); ok {
			redirect(w, r, codeURL(c.ID))
			return nil
		}
	case len(segs) == 2 && strings.EqualFold(segs[0], "compare"):
		if a, b, _, ok := s.parsePair(strings.ToLower(segs[1])); ok {
			if a == b {
				redirect(w, r, codeURL(a.ID))
			} else {
				redirect(w, r, compareURL(a, b))
			}
			return nil
		}
	}
	return errNotFound
}

func (s *Server) lookupLoose(v string) (*content.Code, bool) {
	if c, ok := s.store.Code(v); ok {
		return c, true
	}
	return s.canonicalCode(v)
}
