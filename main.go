// Command smtpcodes serves the SMTP reply code reference.
//
//	go run .                 serve the site on :8080 from the embedded files
//	go run . -dev            serve content/, locales/, templates/ and static/ from disk
//	go run . check           validate all content and print a coverage report
//	go run . mcp             a Model Context Protocol server on stdin/stdout
//	go run . explain 421     explain codes, or a bounce read from stdin (explain -)
//	go run . stamp           record the content's dataset version and today's date
//
// main owns the embedded file tree, the flags and the http.Server; the site
// itself is built by site.Open from that tree, the same way for serving,
// for the check, export, mcp and explain commands, and for the tests. The
// mcp and explain commands ask the built site through internal/reference
// rather than serving it.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"smtpcodes.dev/internal/site"
)

// files is the whole site: everything the binary needs to serve.
//
//go:embed content locales templates static
var files embed.FS

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		var code exitCode
		if errors.As(err, &code) {
			os.Exit(int(code)) // the command has said why
		}
		fmt.Fprintln(os.Stderr, "smtpcodes:", err)
		os.Exit(1)
	}
}

// exitCode is an exit status a command chose, having already written
// why to stderr.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("smtpcodes", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", defaultAddr(), "listen address (default :8080, or :$PORT)")
	baseURL := fl.String("base-url", os.Getenv("BASE_URL"), "absolute URL of the site, for absolute links (default http://localhost<addr>)")
	dev := fl.Bool("dev", false, "serve content, locales, templates and static files from the working directory instead of the binary")
	secure := fl.Bool("https", os.Getenv("HTTPS") == "1", "the site is served over HTTPS (env HTTPS=1): Secure cookies and Strict-Transport-Security")
	logFormat := fl.String("log-format", envOr("LOG_FORMAT", "text"), "log format: text or json (env LOG_FORMAT)")
	drain := fl.Duration("drain", 5*time.Second, "on SIGTERM, how long /readyz answers 503 before the listener closes")
	accessLog := fl.Bool("access-log", os.Getenv("ACCESS_LOG") != "0", "log one line per request (env ACCESS_LOG=0 turns it off)")
	pageCache := fl.Int("page-cache-mib", site.PageCacheBytes>>20, "MiB of rendered pages kept (code, provider and JSON pages, twins); raise GOMEMLIMIT with it")
	compareCache := fl.Int("compare-cache-mib", site.CompareCacheBytes>>20, "MiB of compare pages kept; raise GOMEMLIMIT with it")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *pageCache < 1 || *compareCache < 1 || *pageCache > 1<<14 || *compareCache > 1<<14 {
		return fmt.Errorf("-page-cache-mib and -compare-cache-mib must be between 1 and %d", 1<<14)
	}
	root := fs.FS(files)
	if *dev {
		root = os.DirFS(".")
	}
	switch fl.Arg(0) {
	case "":
	case "check":
		return check(root, stdout)
	case "export":
		return export(root, fl.Args()[1:], *baseURL, stdout, stderr)
	case "mcp":
		return serveMCP(root, fl.Args()[1:], orDefaultBaseURL(*baseURL, *addr), stdin, stdout)
	case "explain":
		return explain(root, fl.Args()[1:], orDefaultBaseURL(*baseURL, *addr), stdin, stdout, stderr, isTerminal(stdout) && os.Getenv("NO_COLOR") == "")
	case "stamp":
		return stamp(".", fl.Args()[1:], time.Now(), stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q (want check, export DIR, mcp, explain CODE..., stamp, or no command to serve)", fl.Arg(0))
	}
	*baseURL = orDefaultBaseURL(*baseURL, *addr)
	logger, err := newLogger(*logFormat, stderr)
	if err != nil {
		return err
	}
	// A soft memory limit keeps the heap, and so the resident memory,
	// under 256 MB: the live heap is about 90 MB under load and at most
	// about 160 MB however the site is crawled (the page table and the
	// compare cache keep within their budgets), and without a limit the
	// garbage collector lets the heap grow to twice that before it runs.
	// GOMEMLIMIT in the environment overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(200 << 20)
	}
	var ready atomic.Bool
	// Start-up parses the source content and allocates a lot of
	// short-lived garbage; collecting less often while it runs gets the
	// server ready sooner (the steady state allocates little).
	gc := debug.SetGCPercent(400)
	handler, err := site.Open(root, site.Config{
		BaseURL: *baseURL, Secure: *secure, Logger: logger, Ready: ready.Load, NoAccessLog: !*accessLog,
		PageCacheBytes: *pageCache << 20, CompareCacheBytes: *compareCache << 20,
	})
	debug.SetGCPercent(gc)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Info("serving", "addr", ln.Addr().String(), "base_url", *baseURL, "dev", *dev)
	// Read the translations in the background once the server is
	// ready: the first reader of a language then finds them read.
	go handler.Warm()
	return serve(ctx, ln, newHTTPServer(handler, logger), &ready, *drain, logger)
}

// Server limits. Pages are small GETs, so the limits can be tight: a
// client has 5 s to send its headers and 10 s for the whole request (the
// decoder's form posts are at most 64 KiB), a response may take 30 s to
// write, an idle keep-alive connection is closed after a minute, and
// headers are capped at 16 KiB. A slow client (slowloris) is cut off by
// the header timeout and costs only a parked goroutine meanwhile.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 16 << 10
	// shutdownTimeout bounds how long in-flight requests may take to
	// finish once the listener is closed.
	shutdownTimeout = 20 * time.Second
)

func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// serve runs srv on ln until ctx is done, then shuts down gracefully:
// /readyz turns 503 at once so load balancers stop sending traffic, after
// drain the listener closes, and in-flight requests get shutdownTimeout to
// finish. It returns nil after a clean shutdown.
func serve(ctx context.Context, ln net.Listener, srv *http.Server, ready *atomic.Bool, drain time.Duration, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready.Store(true)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	ready.Store(false)
	logger.Info("shutting down", "drain", drain)
	time.Sleep(drain)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", format)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// export writes the whole site to a directory (see internal/site/export.go).
func export(root fs.FS, args []string, baseURL string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("export", flag.ContinueOnError)
	fl.SetOutput(stderr)
	maxLevel := fl.Bool("max", false, "compress at maximum levels (smaller files, but .gz/.br no longer byte-identical to the server's)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return errors.New("usage: smtpcodes [-base-url URL] export [-max] DIR")
	}
	if baseURL == "" {
		return errors.New("export needs -base-url (or BASE_URL): the absolute URL the export will be served at")
	}
	// A batch job that allocates a page after another: collect garbage
	// less often.
	debug.SetGCPercent(400)
	srv, err := site.Open(root, site.Config{BaseURL: baseURL})
	if err != nil {
		return err
	}
	st, err := srv.Export(site.ExportOptions{Dir: fl.Arg(0), MaxCompression: *maxLevel})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d pages (%d files, %.1f MB) to %s in %v: %.0f pages/s\n",
		st.Pages, st.Files, float64(st.Bytes)/1e6, fl.Arg(0), st.Duration.Round(time.Millisecond), st.PagesPerSecond())
	return nil
}

// orDefaultBaseURL is the base URL of absolute links: the one given, or
// the server's own address (http://localhost:8080). The mcp and explain
// commands cite pages with the same default as the server, so a link they
// give works against `go run .` on the same machine.
func orDefaultBaseURL(baseURL, addr string) string {
	if baseURL != "" {
		return baseURL
	}
	if strings.HasPrefix(addr, ":") {
		return "http://localhost" + addr
	}
	return "http://" + addr
}

func defaultAddr() string {
	if p := os.Getenv("PORT"); p != "" {
		return ":" + p
	}
	return ":8080"
}
