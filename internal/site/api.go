package site

import (
	"encoding/json"
	"net/http"
	"strings"

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
	return s.servePage(w, r, "/codes.json")
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
	// Examples are the example replies of the page, each with where it
	// comes from; Claims what its statements about software rest on;
	// Responses the catalogued families with a line carrying the code.
	Examples  []apiExample      `json:"examples"`
	Claims    []apiClaim        `json:"claims"`
	Responses []apiResponseLink `json:"responses"`
}

type apiExample struct {
	Reply        string `json:"reply"`
	Source       string `json:"source,omitempty"`
	SourceTitle  string `json:"source_title,omitempty"`
	Response     string `json:"response,omitempty"` // "provider/line-id"
	ResponseURL  string `json:"response_url,omitempty"`
	Illustrative bool   `json:"illustrative"`
}

type apiClaim struct {
	About   string `json:"about"`
	Source  string `json:"source"`
	Title   string `json:"title"`
	Checked string `json:"checked"`
}

type apiResponseLink struct {
	Provider string `json:"provider"`
	Family   string `json:"family"`
	Title    string `json:"title"`
	URL      string `json:"url"`
}

type apiDef struct {
	Doc     string `json:"doc"`
	Section string `json:"section,omitempty"`
	Context string `json:"context,omitempty"`
	Text    string `json:"text,omitempty"`
	// Example: the document gives no reply text; Text is example wording.
	Example bool `json:"example,omitempty"`
	Sic     bool `json:"sic,omitempty"`
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
		out.Definitions = append(out.Definitions, apiDef{Doc: d.Doc, Section: d.Section, Context: d.Context, Text: d.Text, Example: d.Example, Sic: d.Sic})
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
	out.Examples, out.Claims, out.Responses = []apiExample{}, []apiClaim{}, []apiResponseLink{}
	if p, _ := c.Page(l.Code); p != nil {
		if sec, ok := p.Section("examples"); ok {
			for i, reply := range sec.Code {
				ex := apiExample{Reply: strings.TrimRight(reply, "\n"), Illustrative: true}
				if i < len(c.Examples) {
					e := c.Examples[i]
					ex.Illustrative = e.Illustrative
					ex.Source, ex.SourceTitle = e.Source, e.Title
					if e.Line != nil {
						ex.Response = e.Line.Response.Provider.ID + "/" + e.Line.ID
						ex.ResponseURL = s.abs(v.Base, responseURL(e.Line.Response)) + "#" + lineAnchor(e.Line)
						ex.Source, ex.SourceTitle = e.Line.Source.URL, e.Line.Source.Title
					}
				}
				out.Examples = append(out.Examples, ex)
			}
		}
	}
	for _, cl := range v.Claims {
		out.Claims = append(out.Claims, apiClaim{About: cl.About, Source: cl.URL, Title: cl.Title, Checked: cl.Checked})
	}
	for _, r := range s.store.ResponsesWith(c.ID) {
		p, _ := r.Page(l.Code)
		out.Responses = append(out.Responses, apiResponseLink{Provider: r.Provider.ID, Family: r.ID, Title: p.Title, URL: s.abs(v.Base, responseURL(r))})
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

// The provider-response catalogue: /providers.json lists every line,
// /providers/{provider}/{id}.json one family.

type apiLine struct {
	ID        string            `json:"id"`
	Provider  string            `json:"provider"`
	Family    string            `json:"family"`
	Reply     string            `json:"reply"` // verbatim, variable parts normalised
	Basic     string            `json:"basic"`
	Enhanced  string            `json:"enhanced,omitempty"`
	Token     string            `json:"token,omitempty"`
	Phase     string            `json:"phase,omitempty"`
	Seen      string            `json:"seen,omitempty"`
	SourceURL string            `json:"source_url"`
	Source    string            `json:"source_title"`
	Retrieved string            `json:"retrieved"`
	License   string            `json:"license"`
	URL       string            `json:"url"` // the line on its family's page, in the request's language
	URLs      map[string]string `json:"urls"`
}

type apiLines struct {
	Lang  string    `json:"lang"`
	Lines []apiLine `json:"lines"`
}

type apiResponse struct {
	Provider     string            `json:"provider"`
	ProviderName string            `json:"provider_name"`
	Family       string            `json:"family"`
	Lang         string            `json:"lang"`
	Translated   bool              `json:"translated"`
	Title        string            `json:"title"`
	Summary      string            `json:"summary"`
	WhoActs      string            `json:"who_acts"`
	Registry     string            `json:"registry"` // "same", "differs", "unregistered", "none"
	Codes        []string          `json:"codes"`
	URL          string            `json:"url"`
	URLs         map[string]string `json:"urls"`
	Lines        []apiLine         `json:"lines"`
	Sections     []apiSection      `json:"sections"`
}

// apiResponse is the JSON of a family page, built from its view.
func (s *Server) apiResponse(v responseView) apiResponse {
	r := v.resp
	path := responseURL(r)
	out := apiResponse{
		Provider: r.Provider.ID, ProviderName: r.Provider.Name, Family: r.ID, Lang: v.Lang.Code,
		Translated: !v.Fallback, Title: v.H1, Summary: v.Summary, WhoActs: string(r.Who), Registry: r.Registry,
		Codes: r.Codes(), URL: s.abs(v.Base, path), URLs: s.urls(path), Sections: []apiSection{},
	}
	for _, ln := range r.Lines {
		urls := s.urls(path)
		for k := range urls {
			urls[k] += "#" + lineAnchor(ln)
		}
		out.Lines = append(out.Lines, apiLine{
			ID: ln.ID, Provider: r.Provider.ID, Family: r.ID, Reply: ln.Reply, Basic: ln.Basic, Enhanced: ln.Enhanced,
			Token: ln.Token, Phase: string(ln.Phase), Seen: ln.Seen,
			SourceURL: ln.Source.URL, Source: ln.Source.Title, Retrieved: ln.Source.Retrieved, License: ln.Source.License,
			URL: s.abs(v.Base, path) + "#" + lineAnchor(ln), URLs: urls,
		})
	}
	for _, sec := range v.Sections {
		out.Sections = append(out.Sections, apiSection{ID: sec.ID, Heading: sec.Heading, HTML: string(sec.HTML), Text: sec.Text})
	}
	return out
}
