package site

import (
	"context"
	"net/http"
	"time"

	"smtpcodes.dev/internal/locale"
)

// cookieName is the cookie that remembers a language picked in the switcher.
const cookieName = "lang"

// chooseParam marks a link from the language switcher: only such a request
// stores the choice in the cookie. A ?lang link from someone's docs does not.
const chooseParam = "choose"

type langKey struct{}

type langChoice struct {
	lang   locale.Lang
	source locale.Source
}

func withLang(ctx context.Context, c langChoice) context.Context {
	return context.WithValue(ctx, langKey{}, c)
}

// langFrom returns the request's language and how it was chosen.
func langFrom(ctx context.Context) (locale.Lang, locale.Source) {
	c, _ := ctx.Value(langKey{}).(langChoice)
	return c.lang, c.source
}

// negotiate resolves the request's language once and stores it in the
// context. A response whose language did not come from the URL depends on
// the cookie and Accept-Language, and says so in Vary.
func (s *Server) negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.requestLang(r, true)
		if c.source != locale.FromQuery {
			w.Header().Add("Vary", "Accept-Language, Cookie")
		}
		next.ServeHTTP(w, r.WithContext(withLang(r.Context(), c)))
	})
}

// requestLang negotiates the request's language, from its ?lang value only
// when useQuery is set, and notes it for the access log.
func (s *Server) requestLang(r *http.Request, useQuery bool) langChoice {
	var query, cookie string
	if useQuery {
		query = r.URL.Query().Get("lang")
	}
	if c, err := r.Cookie(cookieName); err == nil {
		cookie = c.Value
	}
	l, src := s.locales.Negotiate(query, cookie, r.Header.Get("Accept-Language"))
	if rl := logFrom(r.Context()); rl != nil {
		rl.lang, rl.langSource = l.Code, src.String()
	}
	return langChoice{l, src}
}

// rememberChoice handles a request from the language switcher: it stores the
// language in the cookie and redirects to the page's canonical URL in that
// language (the fragment survives the redirect in the browser). canonical is
// the page's path, built by the handler from validated parts only.
func (s *Server) rememberChoice(w http.ResponseWriter, r *http.Request, canonical string) bool {
	l, src := langFrom(r.Context())
	if src != locale.FromQuery || !r.URL.Query().Has(chooseParam) {
		return false
	}
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
