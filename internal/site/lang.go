package site

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"smtpcodes.dev/internal/locale"
)

// cookieName is the cookie that remembers a language picked in the switcher.
const cookieName = "lang"

// chooseParam marks a link from the language switcher: only such a request
// stores the choice in the cookie. A ?lang link from someone's docs does not.
const chooseParam = "choose"

// reqState is what the middleware learn about a request, shared through a
// single context value so the hot path allocates one: the request id, the
// language and how it was chosen, and whether the switcher sent it.
type reqState struct {
	id      string
	lang    locale.Lang
	source  locale.Source
	langSet bool
	choose  bool
}

type stateKey struct{}

func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// begin is the outermost middleware: it gives the request its state and id.
func (s *Server) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{id: s.ids.next()}
		w.Header()["X-Request-Id"] = []string{st.id}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	})
}

// langFrom returns the request's language and how it was chosen.
func langFrom(ctx context.Context) (locale.Lang, locale.Source) {
	if st := stateFrom(ctx); st != nil {
		return st.lang, st.source
	}
	return locale.Lang{}, locale.FromDefault
}

// negotiate resolves the request's language once. Whether the response
// then varies with the language is for the response to say (see
// response.write): a stylesheet or a redirect does not.
func (s *Server) negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.resolveLang(r, stateFrom(r.Context()), true)
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
	st.lang, st.source = s.locales.Negotiate(query, cookie, r.Header.Get("Accept-Language"))
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

// rememberChoice handles a request from the language switcher: it stores the
// language in the cookie and redirects to the page's canonical URL in that
// language (the fragment survives the redirect in the browser). canonical is
// the page's path, built by the handler from validated parts only.
func (s *Server) rememberChoice(w http.ResponseWriter, r *http.Request, canonical string) bool {
	st := stateFrom(r.Context())
	if st == nil || st.source != locale.FromQuery || !st.choose {
		return false
	}
	l := st.lang
	s.setLangCookie(w, l)
	http.Redirect(w, r, canonical+"?lang="+l.Code, http.StatusSeeOther)
	return true
}

// setLangCookie remembers a language the reader picked in the switcher.
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
	w.Header().Set("Cache-Control", "no-store")
}
