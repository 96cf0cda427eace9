package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smtpcodes.dev/internal/content"
)

// stamp records the content's version once, keeps a current record and
// its date, and records a new version when the content changes.
func TestStampCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "content", "codes", "421.md")
	if err := os.MkdirAll(filepath.Dir(page), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "content", "facts"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(text string) {
		if err := os.WriteFile(page, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	version := func() content.Version {
		v, err := content.ReadVersion(os.DirFS(filepath.Join(dir, "content")))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	day := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	write("+++\ncode = \"421\"\n+++\n")
	var out strings.Builder
	if err := stamp(dir, nil, day, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	v := version()
	if !v.Current() || v.Date != "2026-12-02" || !strings.Contains(out.String(), "recorded dataset version "+v.Hash) {
		t.Fatalf("after stamp: %+v, %q", v, out.String())
	}
	out.Reset()
	if err := stamp(dir, nil, day.AddDate(0, 0, 5), &out, io.Discard); err != nil || version().Date != "2026-12-02" || !strings.Contains(out.String(), "is current") {
		t.Errorf("stamping a current record: %v, %+v, %q", err, version(), out.String())
	}
	write("+++\ncode = \"421\"\ntitle = \"Service Not Available\"\n+++\n")
	if version().Check() == nil {
		t.Fatal("an edited page passes the check")
	}
	if err := stamp(dir, []string{"-date", "2026-12-09"}, day, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if v2 := version(); !v2.Current() || v2.Hash == v.Hash || v2.Date != "2026-12-09" {
		t.Errorf("after the edit and stamp: %+v (before %+v)", v2, v)
	}
	for _, args := range [][]string{{"-date", "9 December"}, {"extra"}} {
		if err := stamp(dir, args, day, io.Discard, io.Discard); err == nil {
			t.Errorf("stamp %v: no error", args)
		}
	}
}
