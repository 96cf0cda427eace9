package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"smtpcodes.dev/internal/content"
)

// stamp records the content's version and a date in content/facts/dataset.toml
// (see internal/content/version.go): run it after changing the content, as
// `go run . check` asks. It reads and writes the content/ directory under
// dir (the working directory), never the embedded copy, and leaves a
// current record (and its date) alone.
func stamp(dir string, args []string, now time.Time, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("stamp", flag.ContinueOnError)
	fl.SetOutput(stderr)
	date := fl.String("date", now.UTC().Format(time.DateOnly), "the date to record, YYYY-MM-DD")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 0 {
		return errors.New("usage: smtpcodes stamp [-date YYYY-MM-DD]")
	}
	if _, err := time.Parse(time.DateOnly, *date); err != nil {
		return fmt.Errorf("stamp: -date %q is not YYYY-MM-DD", *date)
	}
	root := filepath.Join(dir, "content")
	v, err := content.ReadVersion(os.DirFS(root))
	if err != nil {
		return err
	}
	if v.Current() {
		fmt.Fprintf(stdout, "dataset version %s of %s is current\n", v.Hash, v.Date)
		return nil
	}
	name := filepath.Join(root, filepath.FromSlash(content.VersionFile))
	if err := os.WriteFile(name, content.VersionFileBody(v.Hash, *date), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded dataset version %s of %s in %s\n", v.Hash, *date, name)
	return nil
}
