package content

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"time"
)

// The version of the content, for the open dataset: a hash of the content
// tree, and the date recorded beside it in facts/dataset.toml. The binary
// has no git history to date a release by, so the date is written down by
// whoever changes the content (`go run . stamp`), and `check` and the tests
// fail when the recorded hash is not the tree's: content cannot change
// without its dataset getting a new version and date. Deriving both from
// the files alone keeps every build and every export byte-identical.

// VersionFile is where the version and date are recorded.
const VersionFile = "facts/dataset.toml"

// Version is the content's version.
type Version struct {
	Hash     string // of the content tree as it is: the dataset's version
	Recorded string // the hash VersionFile records ("" when it is missing)
	Date     string // the date VersionFile records, YYYY-MM-DD
}

// Current reports whether VersionFile records this tree.
func (v Version) Current() bool { return v.Recorded == v.Hash && v.Date != "" }

// Check says what is wrong when the recorded version is not current.
func (v Version) Check() error {
	switch {
	case v.Recorded == "":
		return fmt.Errorf("missing: run `go run . stamp` to record version %s", v.Hash)
	case v.Recorded != v.Hash:
		return fmt.Errorf("records version %s of %s, but the content is now %s: run `go run . stamp` to record the new version and today's date", v.Recorded, v.Date, v.Hash)
	}
	return nil
}

// TreeHash hashes every file of the content tree (path and bytes, in
// lexical order) but VersionFile itself and the README.md files, which
// document the format and are not content. It is 12 hex digits of SHA-256,
// as the translations' source hashes are.
func TreeHash(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || name == VersionFile || path.Base(name) == "README.md" {
			return nil
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		// Name and length first, so that no two trees hash alike by
		// moving bytes from one file to the next.
		h.Write([]byte(name + "\x00" + strconv.Itoa(len(buf)) + "\x00"))
		h.Write(buf)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("content hash: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// ReadVersion hashes the tree and reads VersionFile, which may be missing
// (Check then says so); a file that is there must be well formed.
func ReadVersion(fsys fs.FS) (Version, error) {
	hash, err := TreeHash(fsys)
	if err != nil {
		return Version{}, err
	}
	v := Version{Hash: hash}
	var rec struct {
		Version string `toml:"version"`
		Date    string `toml:"date"`
	}
	switch err := decodeStrict(fsys, VersionFile, &rec); {
	case errors.Is(err, fs.ErrNotExist):
		return v, nil
	case err != nil:
		return Version{}, err
	}
	if _, err := time.Parse(time.DateOnly, rec.Date); err != nil || rec.Version == "" {
		return Version{}, fmt.Errorf("%s: want version = \"<hash>\" and date = \"YYYY-MM-DD\"", VersionFile)
	}
	v.Recorded, v.Date = rec.Version, rec.Date
	return v, nil
}

// VersionFileBody is what `go run . stamp` writes to VersionFile.
func VersionFileBody(hash, date string) []byte {
	return fmt.Appendf(nil, `# The version of the open dataset (/data): a hash of every content file
# but this one and the README files, and the date it was recorded. Written
# by `+"`go run . stamp`"+`; `+"`go run . check`"+` and the tests fail when the
# content no longer hashes to this version.
version = %q
date = %q
`, hash, date)
}

// Version returns the content's version (computed once: it reads every
// file of the tree).
func (s *Store) Version() (Version, error) { return s.version() }
