package site

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// contentSecurityPolicy allows only the site's own files: no inline script
// or style, no eval, no framing, forms post only to the site itself.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders are set on every response. The values are shared,
// read-only slices assigned under canonical keys: no per-request work.
var securityHeaders = map[string][]string{
	"Content-Security-Policy":    {contentSecurityPolicy},
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"strict-origin-when-cross-origin"},
	"X-Frame-Options":            {"DENY"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

var hsts = []string{"max-age=63072000; includeSubDomains"}

// setSecurityHeaders sets the headers every response carries.
func (s *Server) setSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaders {
			h[k] = v
		}
		if s.cfg.Secure {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}

// RequestIDs generates request ids: a random per-process prefix and a
// counter. Incoming X-Request-Id headers are not trusted: a client could
// use them to forge or flood log lines.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	b := make([]byte, 4)
	rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b)}
}

func (g *requestIDs) next() string {
	return g.prefix + "-" + strconv.FormatUint(g.n.Add(1), 36)
}

// maxLoggedPath bounds the path written to the log: enough to recognise a
// request, not enough to fill the disk from one.
const maxLoggedPath = 256

// accessLog writes one structured line per request: method, route
// pattern, path, status, bytes, duration, language and how it was chosen,
// and the request id (also sent as X-Request-Id). Never bodies or cookies.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := state(r)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			route = rc.RoutePattern()
		}
		path := r.URL.EscapedPath()
		if len(path) > maxLoggedPath {
			path = path[:maxLoggedPath] + "…"
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		lang, source := "", ""
		if st.langSet {
			lang, source = st.lang.Code, st.source.String()
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", st.id),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.String("path", path),
			slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
			slog.String("lang", lang),
			slog.String("lang_source", source),
		)
	})
}

// recoverPanics turns a panic in a handler into the localized 500 page and
// a log line with the stack; the server goes on serving.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the handler asked net/http to abort the response
			}
			s.log.ErrorContext(r.Context(), "panic", "path", r.URL.EscapedPath(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.serveError(w, r, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// validInput answers 400 for a request whose path or query is not valid
// UTF-8, carries a NUL byte, or has malformed percent-encoding in the
// query: no page has such an address, and nothing downstream should have
// to think about it.
func (s *Server) validInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) || !cleanQuery(r.URL.RawQuery) {
			s.serveError(w, r, http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// cleanQuery accepts what url.ParseQuery accepts (no ";" separators, valid
// percent-encoding) whose keys and values decode to clean text, without
// building the map.
func cleanQuery(raw string) bool {
	if strings.ContainsRune(raw, ';') {
		return false
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, value, _ := strings.Cut(pair, "=")
		for _, part := range [2]string{key, value} {
			text, err := url.QueryUnescape(part)
			if err != nil || !cleanText(text) {
				return false
			}
		}
	}
	return true
}

// throttle caps the requests in flight. Past the cap, up to backlog
// requests wait briefly for a slot; the rest are told to come back.
func throttle(limit, backlog int) func(http.Handler) http.Handler {
	return middleware.ThrottleWithOpts(middleware.ThrottleOpts{
		Limit:          limit,
		BacklogLimit:   backlog,
		BacklogTimeout: 5 * time.Second,
		StatusCode:     http.StatusServiceUnavailable,
		RetryAfterFn:   func(bool) time.Duration { return 5 * time.Second },
	})
}
