package site

import (
	"encoding/json"
	"net/http"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/markdown"
	"smtpcodes.dev/internal/prepared"
)

// The JSON API: /codes/{code}.json, /compare/{a}-vs-{b}.json and
// /codes.json, in the language the request chooses like any page. The
// field names are a stable contract documented in the README: add fields,
// never rename or remove them. A code's JSON is built from the same view
// as its page, at start-up; a comparison's on first request, from the
// same view as its page.

// serveAllJSON serves /codes.json: every code, for offline use.
func (s *Server) serveAllJSON(w http.ResponseWriter, r *http.Request) error {
	setCORS(w)
	s.sendPage(w, r, "/codes.json", s.pages[pageKey{"/codes.json", state(r).lang.Code}])
	return nil
}

type apiCode struct {
	Code         string            `json:"code"`
	Kind         string            `json:"kind"` // "basic", "enhanced" or "provider"
	Class        int               `json:"class"`
	ClassName    string            `json:"class_name"`
	Lang         string            `json:"lang"`
	Translated   bool              `json:"translated"` // false: the text is the English original
	Title        string            `json:"title"`
	Summary      string            `json:"summary"`
	URL          string            `json:"url"`
	URLs         map[string]string `json:"urls"` // by language
	StandardText string            `json:"standard_text,omitempty"`
	Definitions  []apiDef          `json:"definitions"`
	Registry     *apiRegistry      `json:"registry,omitempty"`
	Provider     *apiProvider      `json:"provider,omitempty"`
	Providers    []apiReuse        `json:"provider_meanings,omitempty"`
	Phases       []string          `json:"phases"`
	Related      []apiLink         `json:"related"`
	SeenWith     []apiLink         `json:"seen_with"`
	Sections     []apiSection      `json:"sections"`
}

type apiDef struct {
	Doc     string `json:"doc"`
	Section string `json:"section,omitempty"`
	Context string `json:"context,omitempty"`
	Text    string `json:"text,omitempty"`
}

type apiRegistry struct {
	Entry  string `json:"entry"` // "X.7.26"
	Name   string `json:"name"`
	Basic  string `json:"associated_basic_codes"`
	Status string `json:"status,omitempty"` // "deprecated" or "draft"
	See    string `json:"see,omitempty"`
}

type apiProvider struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
}

type apiReuse struct {
	Provider string `json:"provider"`
	Title    string `json:"title"`
	HTML     string `json:"html"`
	Text     string `json:"text"`
	Doc      string `json:"doc"`
}

type apiLink struct {
	Code       string `json:"code"`
	URL        string `json:"url"`
	CompareURL string `json:"compare_url,omitempty"`
}

type apiSection struct {
	ID      string `json:"id"`
	Heading string `json:"heading"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
}

type apiCompare struct {
	Kind        string            `json:"kind"` // "compare", or "combined" for a basic and an enhanced code
	Lang        string            `json:"lang"`
	Title       string            `json:"title"`
	Summary     string            `json:"summary"`
	URL         string            `json:"url"`
	URLs        map[string]string `json:"urls"`
	A           apiLink           `json:"a"`
	B           apiLink           `json:"b"`
	Differences []apiRow          `json:"differences"`
	Notes       []apiSection      `json:"notes"` // written notes ("differences", "which"), or the generated advice
}

type apiRow struct {
	Label string `json:"label"`
	A     string `json:"a"`
	B     string `json:"b"`
}

type apiAll struct {
	Lang  string    `json:"lang"`
	Codes []apiCode `json:"codes"`
}

var kindNames = map[content.Kind]string{content.Basic: "basic", content.Enhanced: "enhanced", content.ProviderOnly: "provider"}

func (s *Server) abs(b Base, path string) string { return s.cfg.BaseURL + b.Link(path) }

func (s *Server) urls(path string) map[string]string {
	m := map[string]string{}
	for _, l := range s.locales.Langs() {
		m[l.Code] = s.cfg.BaseURL + path + "?lang=" + l.Code
	}
	return m
}

// apiCode is the JSON form of a code page, built from its view.
func (s *Server) apiCode(v codeView) apiCode {
	t, c, l := v.Text, v.Text.Code, v.Lang
	out := apiCode{
		Code: c.ID, Kind: kindNames[c.Kind], Class: c.Class, ClassName: t.ClassName,
		Lang: l.Code, Translated: !t.Fallback, Title: t.Title, Summary: t.Summary,
		URL: s.abs(v.Base, codeURL(c.ID)), URLs: s.urls(codeURL(c.ID)),
		Definitions: []apiDef{}, Phases: []string{}, Related: []apiLink{}, SeenWith: []apiLink{}, Sections: []apiSection{},
	}
	if st := standardText(c); st != "—" && c.Kind == content.Basic {
		out.StandardText = st
	}
	for _, d := range c.Defs {
		out.Definitions = append(out.Definitions, apiDef{Doc: d.Doc, Section: d.Section, Context: d.Context, Text: d.Text})
	}
	if e := c.Registry; e != nil {
		for _, r := range c.Refs {
			out.Definitions = append(out.Definitions, apiDef{Doc: r.Doc, Section: r.Section})
		}
		out.Registry = &apiRegistry{Entry: e.Code, Name: e.Name, Basic: e.Basic, Status: e.Status, See: e.See}
	}
	if p := c.Provider; p != nil {
		out.Provider = &apiProvider{Name: p.ProviderName, Doc: p.Doc}
	}
	for _, r := range v.Reuses {
		out.Providers = append(out.Providers, apiReuse{Provider: r.Provider, Title: r.Title, HTML: string(r.HTML), Text: r.Text, Doc: r.Doc})
	}
	for _, p := range c.Phases {
		out.Phases = append(out.Phases, string(p))
	}
	for _, id := range c.Related {
		o, _ := s.store.Code(id)
		out.Related = append(out.Related, apiLink{Code: id, URL: s.abs(v.Base, codeURL(id)), CompareURL: s.abs(v.Base, compareURL(c, o))})
	}
	for _, id := range c.SeenWith {
		o, _ := s.store.Code(id)
		out.SeenWith = append(out.SeenWith, apiLink{Code: id, URL: s.abs(v.Base, codeURL(id)), CompareURL: s.abs(v.Base, compareURL(c, o))})
	}
	for _, sec := range t.Sections {
		out.Sections = append(out.Sections, apiSection{ID: sec.ID, Heading: sec.Heading, HTML: string(sec.HTML), Text: sec.Text})
	}
	return out
}

// marshalJSON encodes compactly: clients parse it, and people can
// pretty-print it (jq .).
func marshalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (s *Server) compareJSON(l locale.Lang, p pair) (*prepared.Response, error) {
	path := p.path()
	base := s.base(l, path)
	out := apiCompare{
		Lang: l.Code, URL: s.abs(base, path), URLs: s.urls(path),
		A: apiLink{Code: p.a.ID, URL: s.abs(base, codeURL(p.a.ID))},
		B: apiLink{Code: p.b.ID, URL: s.abs(base, codeURL(p.b.ID))},
	}
	var rows []compareRow
	var notes []section
	if p.combined() {
		v := s.comboView(l, p)
		out.Kind, out.Title, out.Summary, rows = "combined", v.H1, v.Summary, v.Rows
		notes = append(v.Notes, v.Which)
	} else {
		v := s.compareView(l, p)
		out.Kind, out.Title, out.Summary, rows = "compare", v.H1, v.Summary, v.Rows
		for _, sec := range []*section{v.Differences, v.Which} {
			if sec != nil {
				notes = append(notes, *sec)
			}
		}
		for _, t := range v.Uses {
			text := t.Code.ID + ": " + t.Summary
			notes = append(notes, section{ID: "which", Heading: base.T(headingMsg("which")), Text: text, HTML: markdown.Paragraph(text)})
		}
	}
	for _, n := range notes {
		out.Notes = append(out.Notes, apiSection{ID: n.ID, Heading: n.Heading, HTML: string(n.HTML), Text: n.Text})
	}
	for _, r := range rows {
		out.Differences = append(out.Differences, apiRow(r))
	}
	body, err := marshalJSON(out)
	if err != nil {
		return nil, err
	}
	return prepared.New(http.StatusOK, jsonType, l.Code, prepared.Page, body).OnDemand(), nil
}

var errJSONNotFound = httpError{status: http.StatusNotFound, json: true}

// jsonError is the body of an API error.
func jsonError(status int) []byte {
	b, _ := json.Marshal(map[string]any{"error": http.StatusText(status), "status": status})
	return append(b, '\n')
}
