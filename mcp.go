package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"smtpcodes.dev/internal/mcpserver"
	"smtpcodes.dev/internal/reference"
	"smtpcodes.dev/internal/site"
)

// openReference builds the site as serving does, without a listener, and
// a reference client of it: the mcp and explain commands answer from the
// same pages the server serves. Nothing is logged: stdout may be a
// protocol stream.
func openReference(root fs.FS, baseURL string) (*reference.Client, error) {
	// The work limits keep decodes and searches from starving page
	// readers; here there are none, only the one client's calls, which
	// an MCP client may make concurrently.
	srv, err := site.Open(root, site.Config{BaseURL: baseURL, NoAccessLog: true, MaxWork: max(runtime.GOMAXPROCS(0), 4)})
	if err != nil {
		return nil, err
	}
	return reference.New(srv, srv.Locales()), nil
}

// serveMCP runs the MCP server on stdin and stdout until the client
// closes the stream or the process is interrupted.
func serveMCP(root fs.FS, args []string, baseURL string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 {
		return errors.New("usage: smtpcodes [-base-url URL] mcp (no arguments: it speaks MCP on stdin and stdout)")
	}
	ref, err := openReference(root, baseURL)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	t := &mcp.IOTransport{Reader: io.NopCloser(stdin), Writer: nopWriteCloser{stdout}}
	err = mcpserver.New(ref, version()).Run(ctx, t)
	if errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// version is the module version the binary was built from, or its VCS
// revision, for the MCP handshake.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return s.Value[:12]
		}
	}
	return "devel"
}
