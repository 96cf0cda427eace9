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
// read-only slices assigned under canonical keys, from a slice rather than
// a map: ranging over a map costs more than the six assignments.
var securityHeaders = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
}

var hsts = []string{"max-age=63072000; includeSubDomains"}

// setSecurityHeaders sets the headers every response carries.
func (s *Server) setSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h[kv.key] = kv.value
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
	// One allocation: the id is built in a stack buffer, then copied.
	var buf [32]byte
	b := append(append(buf[:0], g.prefix...), '-')
	return string(strconv.AppendUint(b, g.n.Add(1), 36))
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
// requests wait up to throttleWait for a slot; the rest are told to come
// back. It replaces chi's Throttle, which costs every request two selects
// and the context's Done channel (allocated for each request by the first
// call): a request that finds a slot free here does one non-blocking send.
func throttle(limit, backlog int) func(http.Handler) http.Handler {
	return newThrottler(limit, backlog).wrap
}

type throttler struct {
	slots   *workLimit
	waiting atomic.Int64 // requests in the backlog
	backlog int64
}

func newThrottler(limit, backlog int) *throttler {
	return &throttler{slots: newWorkLimit(limit, throttleWait), backlog: int64(backlog)}
}

func (t *throttler) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !t.slots.tryAcquire() {
			ok := t.waiting.Add(1) <= t.backlog
			if ok {
				_, ok = t.slots.acquire(r.Context())
			}
			t.waiting.Add(-1)
			if !ok {
				w.Header()["Retry-After"] = []string{strconv.Itoa(int(throttleWait / time.Second))}
				http.Error(w, "Server capacity exceeded.", http.StatusServiceUnavailable)
				return
			}
		}
		defer t.slots.release()
		next.ServeHTTP(w, r)
	})
}

// throttleWait is how long a request past the in-flight cap waits for a
// slot, and the Retry-After of those that found none.
const throttleWait = 5 * time.Second
