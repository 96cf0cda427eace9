package main

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"smtpcodes.dev/internal/site"
)

// newTestServer builds the handler exactly as main does, from the embedded
// tree. The handler's own tests are in internal/site; these test what main
// adds: the embedded tree, the commands, the http.Server.
func newTestServer(t testing.TB) http.Handler {
	t.Helper()
	h, err := site.Open(files, site.Config{BaseURL: "https://smtp.example"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCheckCommand(t *testing.T) {
	var out strings.Builder
	err := check(os.DirFS("."), &out)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "no problems") || !strings.Contains(out.String(), "ja") {
		t.Errorf("check output:\n%s", out.String())
	}
}

func siteConfigReady(ready func() bool) site.Config {
	return site.Config{BaseURL: "https://smtp.example", Ready: ready}
}

// The cache budgets are sizes an operator types: nonsense is refused
// before anything is built, with the flags named.
func TestCacheFlagsRefuseNonsense(t *testing.T) {
	for _, args := range [][]string{{"-page-cache-mib=0"}, {"-compare-cache-mib=-5"}, {"-page-cache-mib=100000"}} {
		var stderr strings.Builder
		err := run(args, strings.NewReader(""), io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), "-page-cache-mib and -compare-cache-mib must be between 1 and") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
