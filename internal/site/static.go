package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"

	"smtpcodes.dev/internal/prepared"
)

// assets are the files of static/, read once. Each is served under its
// plain name (short cache, for old links) and under a fingerprinted name
// such as site.3f2a1c9b.css that changes with its content and can be cached
// for a year: pages always link the fingerprinted name.
type assets struct {
	byName      map[string]*prepared.Response // "site.css" and "site.3f2a1c9b.css"
	fingerprint map[string]string             // "site.css" -> "/static/site.3f2a1c9b.css"
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{byName: map[string]*prepared.Response{}, fingerprint: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			return fmt.Errorf("static/%s: unknown file type", name)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		printed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byName[name] = prepared.New(http.StatusOK, ctype, "", prepared.Shared, body)
		a.byName[printed] = prepared.New(http.StatusOK, ctype, "", prepared.Immutable, body)
		a.fingerprint[name] = "/static/" + printed
		return nil
	})
	return a, err
}

// path returns the fingerprinted URL path of a static file.
func (a *assets) path(name string) string { return a.fingerprint[name] }

// serveStatic serves files from memory. Anything else under /static/ —
// directories, traversal attempts, unknown names — is a plain 404.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	resp, ok := s.assets.byName[chi.URLParam(r, "*")]
	if !ok {
		s.serveError(w, r, http.StatusNotFound)
		return
	}
	send(w, r, resp)
}
