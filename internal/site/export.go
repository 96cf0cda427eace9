package site

import (
	"bufio"
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"smtpcodes.dev/internal/prepared"
)

// Static export: the whole site as files, for any static host or CDN, and
// for deploy/nginx.conf, which serves them under the same URLs as the
// server. Layout:
//
//	<lang>/index.html, <lang>/codes.html, <lang>/codes.json
//	<lang>/codes/421.html, <lang>/codes/421.json
//	<lang>/compare/421-vs-556.html, <lang>/compare/421-vs-556.json
//	… and the markdown twin of each page: <lang>/codes/421.md, <lang>/codes.md
//	<lang>/400.html, 404.html, 405.html, 500.html, 503.html
//	<lang>/data.html, data/smtpcodes.json, data/smtpcodes-<version>.json,
//	data/<lang>/<table>.csv (the open dataset)
//	static/…, robots.txt, llms.txt, sitemap.xml, sitemap-*.xml
//	redirects.map   canonical redirects, as an nginx map
//	etags.map       the server's ETag of every file, as an nginx map
//	languages.map, accept-language.map
//	                the languages ?lang=, the cookie and Accept-Language
//	                name, as nginx maps (langmaps.go)
//
// Every file has a .gz sibling, and a .br one unless the server makes it
// on demand (compare pages and their twins, the compare sitemaps: see
// prepared's compression levels). With the default levels they are the
// very bytes the server sends; MaxCompression trades that identity for
// smaller files (gzip 9 and brotli 11 for every file).

// ExportOptions configures Export.
type ExportOptions struct {
	Dir            string
	MaxCompression bool
	Workers        int // default GOMAXPROCS
}

// ExportStats reports what Export wrote.
type ExportStats struct {
	Pages    int // HTML, JSON and markdown documents, counted once per language
	Files    int // including compressed siblings, maps and assets
	Bytes    int64
	Duration time.Duration
}

// PagesPerSecond is the export's throughput.
func (st ExportStats) PagesPerSecond() float64 {
	return float64(st.Pages) / st.Duration.Seconds()
}

type exportJob struct {
	name  string // path under Dir
	page  bool   // counts as a page
	build func() (*prepared.Response, error)
}

// Export writes the site to opt.Dir. It stops at the first error and
// returns it.
func (s *Server) Export(opt ExportOptions) (ExportStats, error) {
	return s.export(opt, nil)
}

// export writes the files keep accepts (all when keep is nil) and both
// maps in full; tests export a sample of the comparisons with it.
func (s *Server) export(opt ExportOptions, keep func(name string) bool) (ExportStats, error) {
	start := time.Now()
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	var st ExportStats
	var pages, files, bytes atomic.Int64
	var etags sync.Map // file name -> quoted ETag
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(opt.Workers)
	for j := range s.exportJobs() {
		if ctx.Err() != nil {
			break // a file failed: write no more
		}
		if keep != nil && !keep(j.name) {
			continue
		}
		g.Go(func() error {
			n, nb, err := s.exportOne(opt, j, &etags)
			if err != nil {
				return err
			}
			files.Add(int64(n))
			bytes.Add(nb)
			if j.page {
				pages.Add(1)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return st, err
	}
	if err := s.writeRedirects(filepath.Join(opt.Dir, "redirects.map")); err != nil {
		return st, err
	}
	if err := writeETags(filepath.Join(opt.Dir, "etags.map"), &etags); err != nil {
		return st, err
	}
	if err := s.writeLanguageMaps(opt.Dir); err != nil {
		return st, err
	}
	st.Pages, st.Files, st.Bytes = int(pages.Load()), int(files.Load())+4, bytes.Load()
	st.Duration = time.Since(start)
	return st, nil
}

// exportJobs lists every file of the site.
func (s *Server) exportJobs() iter.Seq[exportJob] {
	return func(yield func(exportJob) bool) {
		ready := func(r *prepared.Response) func() (*prepared.Response, error) {
			return func() (*prepared.Response, error) { return r, nil }
		}
		for name, r := range s.assets.byName {
			if !yield(exportJob{name: "static/" + name, build: ready(r)}) {
				return
			}
		}
		for _, j := range []exportJob{
			{name: "robots.txt", build: ready(s.robotsTxt)},
			{name: "llms.txt", build: ready(s.llms)},
			{name: "sitemap.xml", build: ready(s.sitemapIndex)},
			{name: "sitemap-codes.xml", build: s.sitemapCodes.get},
		} {
			if !yield(j) {
				return
			}
		}
		for n := 1; (n-1)*s.perMap < s.pairs(); n++ {
			if !yield(exportJob{name: "sitemap-compare-" + strconv.Itoa(n) + ".xml", build: func() (*prepared.Response, error) { return s.compareSitemap(n) }}) {
				return
			}
		}
		jobs, err := s.dataExportJobs()
		if err != nil {
			jobs = []exportJob{{name: "data", build: func() (*prepared.Response, error) { return nil, err }}}
		}
		for _, j := range jobs {
			if !yield(j) {
				return
			}
		}
		for d, l := range s.pages.all {
			// A fresh rendering, not the kept one: the export needs the
			// identity body, and keeping every page would hold them all.
			if !yield(exportJob{name: l.Code + exportPath(d.path), page: true, build: func() (*prepared.Response, error) { return d.render(l) }}) {
				return
			}
		}
		for key, r := range s.errorPages {
			if !yield(exportJob{name: key.lang + "/" + key.path + ".html", build: ready(r)}) {
				return
			}
		}
		codes := s.store.Codes()
		for _, l := range s.locales.Langs() {
			for i, a := range codes {
				for _, b := range codes[i+1:] {
					p := pair{a: a, b: b, exact: true}
					path := p.path()
					if !yield(exportJob{name: l.Code + path + ".html", page: true, build: func() (*prepared.Response, error) { return s.renderCompare(l, p) }}) {
						return
					}
					if !yield(exportJob{name: l.Code + path + ".json", page: true, build: func() (*prepared.Response, error) { return s.compareJSON(l, p) }}) {
						return
					}
					if !yield(exportJob{name: l.Code + twinPath(path), page: true, build: func() (*prepared.Response, error) { return s.compareTwin(l, p) }}) {
						return
					}
				}
			}
		}
	}
}

// exportPath maps a page path to its file: "/" is index.html, a path
// without an extension gets .html.
func exportPath(path string) string {
	switch {
	case path == "/":
		return "/index.html"
	case strings.HasSuffix(path, ".json"), strings.HasSuffix(path, ".md"):
		return path
	}
	return path + ".html"
}

// exportOne writes one response and its compressed siblings.
func (s *Server) exportOne(opt ExportOptions, j exportJob, etags *sync.Map) (files int, bytes int64, err error) {
	r, err := j.build()
	if err != nil {
		return 0, 0, fmt.Errorf("export %s: %w", j.name, err)
	}
	body, _, err := r.Variant("")
	if err != nil {
		return 0, 0, fmt.Errorf("export %s: %w", j.name, err)
	}
	base := filepath.Join(opt.Dir, filepath.FromSlash(j.name))
	type file struct {
		name string
		data []byte
	}
	out := []file{{base, body}}
	switch {
	case opt.MaxCompression:
		out = append(out, file{base + ".gz", prepared.Gzip(body, prepared.MaxGzipLevel)}, file{base + ".br", prepared.Brotli(body, prepared.MaxBrotliLevel)})
	default:
		// The server's own variants: a response made on demand has no
		// brotli one, and nginx then serves the .gz, as the server does.
		gz, _, _ := r.Variant("gzip")
		out = append(out, file{base + ".gz", gz})
		if r.HasBrotli() {
			br, _, _ := r.Variant("br")
			out = append(out, file{base + ".br", br})
		}
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return 0, 0, fmt.Errorf("export: %w", err)
	}
	for _, f := range out {
		if err := os.WriteFile(f.name, f.data, 0o644); err != nil {
			return 0, 0, fmt.Errorf("export: %w", err)
		}
		bytes += int64(len(f.data))
	}
	etags.Store("/"+j.name, strings.Trim(r.ETag(), `"`))
	return len(out), bytes, nil
}

// writeRedirects writes the canonical redirects the server computes, for
// nginx: the short forms /421 and /5.7.26, comparisons in the wrong order
// and a code compared with itself.
func (s *Server) writeRedirects(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# Generated by `smtpcodes export`: canonical redirects, as an nginx map body.")
	codes := s.store.Codes()
	for _, c := range codes {
		fmt.Fprintf(w, "/%s %s;\n", c.ID, codeURL(c.ID))
	}
	for _, r := range s.store.Responses() {
		for _, old := range s.store.RenamedFrom(r) {
			fmt.Fprintf(w, "/providers/%s/%s %s;\n", r.Provider.ID, old, responseURL(r))
		}
	}
	for i, a := range codes {
		fmt.Fprintf(w, "/compare/%s-vs-%s %s;\n", a.ID, a.ID, codeURL(a.ID))
		for _, b := range codes[i+1:] {
			fmt.Fprintf(w, "/compare/%s-vs-%s %s;\n", b.ID, a.ID, compareURL(a, b))
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeETags writes the server's ETag of every exported file, keyed by the
// file's path, so nginx can send the same validators as the server.
func writeETags(name string, etags *sync.Map) error {
	var lines []string
	etags.Range(func(k, v any) bool {
		lines = append(lines, fmt.Sprintf("%s %s;", k, v))
		return true
	})
	sort.Strings(lines)
	body := "# Generated by `smtpcodes export`: the server's ETag of each file (identity encoding).\n" + strings.Join(lines, "\n") + "\n"
	return os.WriteFile(name, []byte(body), 0o644)
}
