package site

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/dataset"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// The open dataset: /data (a page in every language) and the files it
// offers, which package dataset builds from the store:
//
//	/data/smtpcodes.json             every record in every language: the latest
//	/data/smtpcodes-<version>.json   the same bytes under their version, to cite
//	/data/<lang>/<table>.csv         one table in one language
//
// The files are the same for every reader (the language is in the path),
// so they are Shared responses. They need every language's translations,
// so they are built once, on first use or by Warm in the background, and
// kept with their compressed variants.

const csvType = "text/csv; charset=utf-8"

func dataURL() string { return "/data" }

// dataFiles is the built dataset.
type dataFiles struct {
	version content.Version
	byPath  map[string]*prepared.Response
	counts  map[string]int // records per CSV table name
}

// dataJSONPath is the stable name of the JSON file; versioned is its name
// under the version.
func dataJSONPath() string              { return "/data/smtpcodes.json" }
func dataVersionedPath(v string) string { return "/data/smtpcodes-" + v + ".json" }
func dataCSVPath(lang, table string) string {
	return "/data/" + lang + "/" + table
}

// dataLinks makes the dataset's addresses: absolute page URLs in a
// language.
type dataLinks struct{ base string }

func (d dataLinks) Code(id, lang string) string { return d.base + codeURL(id) + "?lang=" + lang }
func (d dataLinks) Response(r *content.Response, lang string) string {
	return d.base + responseURL(r) + "?lang=" + lang
}
func (d dataLinks) Line(l *content.Line, lang string) string {
	return d.Response(l.Response, lang) + "#" + lineAnchor(l)
}

// buildData renders every file of the dataset.
func (s *Server) buildData() (*dataFiles, error) {
	v, err := s.store.Version()
	if err != nil {
		return nil, err
	}
	if err := v.Check(); err != nil {
		// The server still serves the data, under the hash of what it
		// holds and without a date; check and the tests fail on it.
		s.log.Warn("dataset version not recorded", "err", err)
	}
	var langs []string
	for _, l := range s.locales.Langs() {
		langs = append(langs, l.Code)
	}
	d := dataset.Build(s.store, langs, v, dataLinks{base: s.cfg.BaseURL})
	f := &dataFiles{version: v, byPath: map[string]*prepared.Response{}, counts: map[string]int{
		"codes.csv": len(d.Codes), "registry.csv": len(d.Registry), "provider-codes.csv": len(d.ProviderCodes), "responses.csv": len(d.Responses),
	}}
	body, err := d.JSON()
	if err != nil {
		return nil, fmt.Errorf("dataset JSON: %w", err)
	}
	resp := prepared.New(http.StatusOK, jsonType, "", prepared.Shared, body)
	resp.Compact()
	f.byPath[dataJSONPath()] = resp
	f.byPath[dataVersionedPath(v.Hash)] = resp
	for _, l := range langs {
		for _, t := range dataset.Tables() {
			body, err := d.CSV(t, l)
			if err != nil {
				return nil, fmt.Errorf("dataset %s in %s: %w", t.Name, l, err)
			}
			resp := prepared.New(http.StatusOK, csvType, l, prepared.Shared, body)
			resp.Compact()
			f.byPath[dataCSVPath(l, t.Name)] = resp
		}
	}
	return f, nil
}

// serveDataFile answers /data/… with a file of the dataset, and /data/
// with a redirect to the page.
func (s *Server) serveDataFile(w http.ResponseWriter, r *http.Request) error {
	if chi.URLParam(r, "*") == "" {
		s.canonicalRedirect(w, r, dataURL()) // /data/ is the page
		return nil
	}
	f, err := s.data.get()
	if err != nil {
		return err
	}
	resp, ok := f.byPath["/data/"+chi.URLParam(r, "*")]
	if !ok {
		return errNotFound
	}
	setCORS(w)
	// A CSV file's language is its path's, whatever the request's:
	// public, and no Vary on the cookie or Accept-Language.
	resp.Write(w, r, true)
	return nil
}

// dataView is the /data page.
type dataView struct {
	Base
	Intro       string
	Version     string
	Date        string // "" when the recorded version is not current
	JSON        string // the versioned file
	JSONLatest  string
	Tables      []dataTable
	Languages   []locale.Lang
	License     string
	LicenseCode string
}

type dataTable struct {
	Name, Title string
	Records     int
	Files       []dataLink // one per language
}

type dataLink struct{ Lang, Name, URL string }

func (s *Server) dataView(l locale.Lang) (dataView, error) {
	f, err := s.data.get()
	if err != nil {
		return dataView{}, err
	}
	b := s.base(l, dataURL())
	b.Title = b.T(msgDataTitle) + " | " + b.T(msgSiteName)
	b.Description = b.T(msgDataIntro)
	b.Crumbs = []crumb{{Name: b.T(msgDataTitle), URL: b.Link(dataURL())}}
	v := dataView{
		Base: b, Intro: b.T(msgDataIntro), Version: f.version.Hash,
		JSON: dataVersionedPath(f.version.Hash), JSONLatest: dataJSONPath(),
		Languages: s.locales.Langs(), License: dataset.LicenseURL, LicenseCode: dataset.LicenseLegalcode,
	}
	if f.version.Current() {
		v.Date = f.version.Date
	}
	for _, t := range dataset.Tables() {
		dt := dataTable{Name: t.Name, Title: b.T(dataTableMsg(t.Name)), Records: f.counts[t.Name]}
		for _, o := range s.locales.Langs() {
			dt.Files = append(dt.Files, dataLink{Lang: o.Code, Name: o.Name, URL: dataCSVPath(o.Code, t.Name)})
		}
		v.Tables = append(v.Tables, dt)
	}
	return v, nil
}

// dataTableMsg (a family of messages.go) names the message that titles a CSV table: "data_table_" and
// the file name without .csv, hyphens as underscores.
func dataTableMsg(name string) string {
	return "data_table_" + strings.ReplaceAll(strings.TrimSuffix(name, ".csv"), "-", "_")
}

// addDataPage enters /data into the page table.
func (s *Server) addDataPage() {
	s.pages.add(dataURL(), htmlType, func(l locale.Lang) ([]byte, error) {
		v, err := s.dataView(l)
		if err != nil {
			return nil, err
		}
		return s.templates.execute("data", v)
	})
}

// dataExportJobs lists the dataset's files for the export.
func (s *Server) dataExportJobs() ([]exportJob, error) {
	f, err := s.data.get()
	if err != nil {
		return nil, err
	}
	var jobs []exportJob
	for path, r := range f.byPath {
		jobs = append(jobs, exportJob{name: strings.TrimPrefix(path, "/"), page: strings.HasSuffix(path, ".json"), build: func() (*prepared.Response, error) { return r, nil }})
	}
	return jobs, nil
}
