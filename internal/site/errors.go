package site

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// Errors: handlers return an error, and one adapter (handle) turns it into
// the localized page for its status, pre-rendered at start-up in every
// language, or into a JSON error for the API. A failure never sends half a
// page. Unknown paths go to serveShortForm, which redirects the short and
// miscapitalised forms of real pages and answers 404 to the rest.

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

// errorStatuses are the error pages rendered in advance.
var errorStatuses = []int{http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusInternalServerError, http.StatusServiceUnavailable}

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
			prepared.SetCacheControl(w.Header(), prepared.NoStore, false)
			w.WriteHeader(status)
			w.Write(jsonError(status))
			return
		}
		s.serveError(w, r, status)
	}
}

// serveError sends the pre-rendered localized page for an error status.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, status int) {
	st := state(r)
	if !st.langSet {
		// Before the negotiate middleware (a 400 for a broken URL, a
		// panic): the query may be what is broken, so use only the cookie
		// and Accept-Language.
		s.resolveLang(r, st, false)
	}
	resp, ok := s.errorPages[pageKey{strconv.Itoa(status), st.lang.Code}]
	if !ok {
		resp = s.errorPages[pageKey{"500", st.lang.Code}]
	}
	send(w, r, resp)
}

// methodNotAllowed answers a method a route does not take.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) error {
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
}

type errorView struct {
	Base
	Status  int
	Heading string
	Text    string
}

func (s *Server) errorView(l locale.Lang, status int) errorView {
	b := s.base(l, "/")
	b.NoIndex = true
	heading := b.T(errorTitleMsg(status))
	b.Title = heading + " | " + b.T(msgSiteName)
	return errorView{Base: b, Status: status, Heading: heading, Text: b.T(errorTextMsg(status))}
}

// prepareErrors renders the error pages of one language.
func (s *Server) prepareErrors(l locale.Lang) (map[int]*prepared.Response, error) {
	out := map[int]*prepared.Response{}
	for _, status := range errorStatuses {
		body, err := s.templates.execute("error", s.errorView(l, status))
		if err != nil {
			return nil, fmt.Errorf("the %d page in %s: %w", status, l.Code, err)
		}
		out[status] = prepared.New(status, htmlType, l.Code, prepared.NoStore, body)
	}
	return out, nil
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
		s.canonicalRedirect(w, r, "/codes")
		return nil
	case len(segs) == 1:
		if c, _, ok := s.store.Lookup(segs[0]); ok {
			s.canonicalRedirect(w, r, codeURL(c.ID))
			return nil
		}
	case len(segs) == 2 && strings.EqualFold(segs[0], "codes"):
		if c, _, ok := s.store.Lookup(segs[1]); ok {
			s.canonicalRedirect(w, r, codeURL(c.ID))
			return nil
		}
	case len(segs) == 2 && strings.EqualFold(segs[0], "compare"):
		if pr, ok := s.parsePair(strings.ToLower(segs[1])); ok {
			s.canonicalRedirect(w, r, pr.path())
			return nil
		}
	}
	return errNotFound
}
