package site

import (
	"encoding/json"
	"html/template"
	"net/http"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// The JSON API: /codes/{code}.json, /compare/{a}-vs-{b}.json and
// /codes.json, in the language the request chooses like any page. The
// field names are a stable contract documented in the README: add fields,
// never rename or remove them.

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
	p, _ := c.Page(l.Code)
	for _, sec := range p.Sections {
		out.Sections = append(out.Sections, apiSection{ID: sec.ID, Heading: v.T(headings[sec.ID]), HTML: sec.HTML, Text: sec.Text})
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

func (s *Server) compareJSON(l locale.Lang, a, b *content.Code) (*response, error) {
	path := compareURL(a, b)
	base := s.base(l, path)
	out := apiCompare{
		Lang: l.Code, URL: s.abs(base, path), URLs: s.urls(path),
		A: apiLink{Code: a.ID, URL: s.abs(base, codeURL(a.ID))},
		B: apiLink{Code: b.ID, URL: s.abs(base, codeURL(b.ID))},
	}
	var rows []compareRow
	if (a.Kind == content.Basic) != (b.Kind == content.Basic) {
		v := s.comboView(l, a, b, nil)
		out.Kind, out.Title, out.Summary, rows = "combined", v.H1, v.Summary, v.Rows
		notes := []string{v.ClassNote}
		if v.RegistryNote != "" {
			notes = append(notes, v.RegistryNote)
		}
		for _, n := range notes {
			out.Notes = append(out.Notes, apiSection{ID: "differences", Heading: base.T("heading_differences"), Text: n, HTML: "<p>" + template.HTMLEscapeString(n) + "</p>"})
		}
		which := base.T("compare_combo_which")
		out.Notes = append(out.Notes, apiSection{ID: "which", Heading: base.T("heading_which"), Text: which, HTML: "<p>" + template.HTMLEscapeString(which) + "</p>"})
	} else {
		v := s.compareView(l, a, b, nil)
		out.Kind, out.Title, out.Summary, rows = "compare", v.H1, v.Summary, v.Rows
		if n, ok := s.store.Note(a.ID, b.ID); ok {
			p, _ := n.Page(l.Code)
			for _, sec := range p.Sections {
				out.Notes = append(out.Notes, apiSection{ID: sec.ID, Heading: base.T(headings[sec.ID]), HTML: sec.HTML, Text: sec.Text})
			}
		} else {
			for _, t := range v.Uses {
				out.Notes = append(out.Notes, apiSection{ID: "which", Heading: base.T("heading_which"), Text: t.Code.ID + ": " + t.Summary, HTML: "<p><strong>" + t.Code.ID + "</strong>: " + template.HTMLEscapeString(t.Summary) + "</p>"})
			}
		}
	}
	for _, r := range rows {
		out.Differences = append(out.Differences, apiRow(r))
	}
	body, err := marshalJSON(out)
	if err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK, jsonType, l.Code, cachePage, body).quick(), nil
}

// setCORS lets any site read the API with GET (it holds only public data
// and no credentials).
func setCORS(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

var errJSONNotFound = httpError{status: http.StatusNotFound, json: true}

// jsonError is the body of an API error.
func jsonError(status int) []byte {
	b, _ := json.Marshal(map[string]any{"error": http.StatusText(status), "status": status})
	return append(b, '\n')
}
