// Command smtpcodes serves the SMTP reply code reference.
//
//	go run .                 serve the site on :8080 from the embedded files
//	go run . -dev            serve content/, locales/, templates/ and static/ from disk
//	go run . check           validate all content and print a coverage report
//
// main owns the embedded file tree, the flags and the http.Server; the site
// itself is built by internal/site from the content and locale packages.
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
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/site"
)

// files is the whole site: everything the binary needs to serve.
//
//go:embed content locales templates static
var files embed.FS

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "smtpcodes:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("smtpcodes", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", defaultAddr(), "listen address (default :8080, or :$PORT)")
	baseURL := fl.String("base-url", os.Getenv("BASE_URL"), "absolute URL of the site, for absolute links (default http://localhost<addr>)")
	dev := fl.Bool("dev", false, "serve content, locales, templates and static files from the working directory instead of the binary")
	secure := fl.Bool("https", os.Getenv("HTTPS") == "1", "the site is served over HTTPS (env HTTPS=1): cookies get Secure")
	if err := fl.Parse(args); err != nil {
		return err
	}
	root := fs.FS(files)
	if *dev {
		root = os.DirFS(".")
	}
	switch fl.Arg(0) {
	case "":
	case "check":
		return check(root, stdout)
	default:
		return fmt.Errorf("unknown command %q (want check, or no command to serve)", fl.Arg(0))
	}
	if *baseURL == "" {
		*baseURL = "http://" + *addr
		if strings.HasPrefix(*addr, ":") {
			*baseURL = "http://localhost" + *addr
		}
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	handler, err := build(root, site.Config{BaseURL: *baseURL, Secure: *secure, Logger: logger})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:    *addr,
		Handler: handler,
		// A client must send its headers within 5 s and its whole request
		// within 10 s (pages are GETs without bodies), and may keep an idle
		// connection for a minute: slow clients cannot hold connections open.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("serving", "addr", *addr, "base_url", *baseURL, "dev", *dev)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func defaultAddr() string {
	if p := os.Getenv("PORT"); p != "" {
		return ":" + p
	}
	return ":8080"
}

// build loads content and locales from root and returns the site's handler.
// Tests call it with the embedded tree, exactly as main does.
func build(root fs.FS, cfg site.Config) (*site.Server, error) {
	sub := func(dir string) fs.FS {
		f, err := fs.Sub(root, dir)
		if err != nil {
			panic(err) // fs.Sub fails only for an invalid literal dir name
		}
		return f
	}
	locales, err := locale.Load(sub("locales"))
	if err != nil {
		return nil, err
	}
	var langs []string
	for _, l := range locales.Langs() {
		langs = append(langs, l.Code)
	}
	store, err := content.Load(sub("content"), langs)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	cfg.Content, cfg.Locales = store, locales
	cfg.Templates, cfg.Static = sub("templates"), sub("static")
	return site.New(cfg)
}
