package content

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// The recorded version must be the content's: changing any content file
// without recording the new version fails the check, and recording it
// (what `go run . stamp` writes) makes it pass again.
func TestVersionCheck(t *testing.T) {
	fsys := fstest.MapFS{
		"facts/basic.toml": {Data: []byte("# facts\n")},
		"codes/421.md":     {Data: []byte("+++\ncode = \"421\"\n+++\n")},
		"README.md":        {Data: []byte("# the format\n")},
	}
	v, err := ReadVersion(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Check(); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("no %s: Check() = %v, want a missing version", VersionFile, err)
	}
	fsys[VersionFile] = &fstest.MapFile{Data: VersionFileBody(v.Hash, "2026-12-02")}
	if v, err = ReadVersion(fsys); err != nil || v.Check() != nil || !v.Current() || v.Date != "2026-12-02" {
		t.Fatalf("recorded: %+v, %v, Check() = %v", v, err, v.Check())
	}
	recorded := v.Hash

	// Documentation is not content.
	fsys["README.md"] = &fstest.MapFile{Data: []byte("# the format, reworded\n")}
	if v, _ = ReadVersion(fsys); v.Hash != recorded || v.Check() != nil {
		t.Errorf("a README change moved the version: %s -> %s (%v)", recorded, v.Hash, v.Check())
	}

	for _, tc := range []struct {
		name   string
		change func()
	}{
		{"edited file", func() {
			fsys["codes/421.md"] = &fstest.MapFile{Data: []byte("+++\ncode = \"421\"\ntitle = \"x\"\n+++\n")}
		}},
		{"new file", func() { fsys["codes/450.md"] = &fstest.MapFile{Data: []byte("+++\n+++\n")} }},
		// The same bytes moved from one file to another are another tree.
		{"renamed file", func() { fsys["codes/422.md"] = fsys["codes/421.md"]; delete(fsys, "codes/421.md") }},
	} {
		name := tc.name
		tc.change()
		v, err := ReadVersion(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if v.Hash == recorded || v.Current() {
			t.Errorf("%s: version %s still %s", name, v.Hash, recorded)
		}
		if err := v.Check(); err == nil || !strings.Contains(err.Error(), "go run . stamp") || !strings.Contains(err.Error(), v.Hash) {
			t.Errorf("%s: Check() = %v, want it to name the new version and the stamp command", name, err)
		}
		recorded = v.Hash
		fsys[VersionFile] = &fstest.MapFile{Data: VersionFileBody(v.Hash, "2026-12-03")}
		if v, _ := ReadVersion(fsys); v.Check() != nil {
			t.Errorf("%s: stamped again, Check() = %v", name, v.Check())
		}
	}

	fsys[VersionFile] = &fstest.MapFile{Data: []byte("version = \"abc\"\ndate = \"December\"\n")}
	if _, err := ReadVersion(fsys); err == nil {
		t.Error("a date that is not YYYY-MM-DD was accepted")
	}
	fsys[VersionFile] = &fstest.MapFile{Data: []byte("version = \"abc\"\ndate = \"2026-12-02\"\nauthor = \"me\"\n")}
	if _, err := ReadVersion(fsys); err == nil {
		t.Error("an unknown key was accepted")
	}
}

// The shipped content records its version: whoever changes the content
// runs `go run . stamp`.
func TestContentVersionRecorded(t *testing.T) {
	v, err := ReadVersion(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Check(); err != nil {
		t.Error(err)
	}
}
