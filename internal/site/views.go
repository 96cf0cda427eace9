package site

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// Base is the view data every page shares.
type Base struct {
	Lang        locale.Lang
	Title       string // <title>
	Description string // <meta name="description">
	Langs       []langLink
	CSS         string
	Crumbs      []crumb // breadcrumb trail after "All codes"; empty on the home page

	tr       locale.Translator
	explicit bool // the language came from ?lang: links keep it
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

type crumb struct {
	Name, URL string
	Current   bool
}

// Trail returns the breadcrumb trail with the last crumb marked as the
// current page.
func (b Base) Trail() []crumb {
	trail := slices.Clone(b.Crumbs)
	if n := len(trail); n > 0 {
		trail[n-1].Current = true
	}
	return trail
}

// T says a UI string in the page's language; kv are template data as
// alternating keys and values.
func (b Base) T(id string, kv ...any) string { return b.tr.T(id, kv...) }

// Link returns an internal link that keeps an explicitly chosen language.
func (b Base) Link(path string) string {
	if !b.explicit {
		return path
	}
	return path + "?lang=" + b.Lang.Code
}

// LangParam is the ?lang value links carry, or "" when the language was
// negotiated rather than chosen in the URL.
func (b Base) LangParam() string {
	if !b.explicit {
		return ""
	}
	return b.Lang.Code
}

// base builds the shared view data. path is the canonical path of the page
// (built from validated parts), used by the language switcher.
func (s *Server) base(r *http.Request, path string) Base {
	l, src := langFrom(r.Context())
	b := Base{Lang: l, tr: s.locales.Translator(l), explicit: src == locale.FromQuery, CSS: "/static/site.css"}
	for _, o := range s.locales.Langs() {
		q := url.Values{"lang": {o.Code}, chooseParam: {"1"}}
		b.Langs = append(b.Langs, langLink{Code: o.Code, Name: o.Name, URL: path + "?" + q.Encode(), Current: o.Code == l.Code})
	}
	return b
}

// codeURL is the path of a code page.
func codeURL(id string) string { return "/codes/" + id }

// compareURL is the path of a comparison, in canonical order.
func compareURL(a, b *content.Code) string {
	if content.Less(b, a) {
		a, b = b, a
	}
	return "/compare/" + a.ID + "-vs-" + b.ID
}

// section is one rendered content section with its localized heading.
type section struct {
	ID       string
	Heading  string
	HTML     template.HTML
	Fallback bool // shown in the source language because the translation lacks it
}

// codeText is what a page shows of one code in the reader's language.
type codeText struct {
	Code      *content.Code
	Title     string
	Summary   string
	Fallback  bool // the text is the English source: mark it lang="en"
	URL       string
	ClassName string
	Next      string
	Sections  []section
}

// headings maps the content sections of a code page to their message ids.
var headings = map[string]string{
	"description":   "heading_description",
	"when":          "heading_when",
	"examples":      "heading_examples",
	"fix":           "heading_fix",
	"fix-sender":    "heading_fix_sender",
	"fix-sending":   "heading_fix_sending",
	"fix-receiving": "heading_fix_receiving",
	"differences":   "heading_differences",
	"which":         "heading_which",
}

func (s *Server) codeText(b Base, c *content.Code) codeText {
	p, fallback := c.Page(b.Lang.Code)
	class := "class_" + strconv.Itoa(c.Class)
	if c.Kind != content.Basic {
		class = "e" + class
	}
	t := codeText{
		Code: c, Title: p.Title, Summary: p.Summary, Fallback: fallback,
		URL:       b.Link(codeURL(c.ID)),
		ClassName: b.T(class),
		Next:      b.T("next_" + strconv.Itoa(c.Class)),
	}
	for _, sec := range p.Sections {
		t.Sections = append(t.Sections, section{ID: sec.ID, Heading: b.T(headings[sec.ID]), HTML: template.HTML(sec.HTML), Fallback: fallback})
	}
	return t
}

// IsBasic reports whether the text is about a basic reply code.
func (t codeText) IsBasic() bool { return t.Code.Kind == content.Basic }

// Section returns the section with the given id, if the page has it.
func (t codeText) Section(id string) *section {
	for i := range t.Sections {
		if t.Sections[i].ID == id {
			return &t.Sections[i]
		}
	}
	return nil
}

// FixAudiences returns the audience-specific parts of "How to fix".
func (t codeText) FixAudiences() []section {
	var out []section
	for _, sec := range t.Sections {
		if strings.HasPrefix(sec.ID, "fix-") {
			out = append(out, sec)
		}
	}
	return out
}

// codeLink is a link to another code, with its title in the reader's language.
type codeLink struct {
	ID, Title, URL string
	Fallback       bool
	CompareURL     string // set where the list offers a comparison
}

func (s *Server) codeLink(b Base, c *content.Code) codeLink {
	p, fallback := c.Page(b.Lang.Code)
	return codeLink{ID: c.ID, Title: p.Title, URL: b.Link(codeURL(c.ID)), Fallback: fallback}
}

type codeView struct {
	Base
	Text     codeText
	H1       string
	Category string // basic codes: the second digit's category

	// Enhanced and provider-only codes.
	Subject        string // the subject's name, e.g. "Security or Policy Status"
	SubjectMeaning string
	SubjectURL     string // the X.Y.0 page that explains the subject
	RegistryName   string // verbatim from the IANA registry
	Deprecated     *codeLink
	Draft          string // the Internet-Draft a draft entry comes from
	ProviderOnly   string // provider-only codes: the label naming the provider
	ProviderDoc    string
	Reuses         []reuseView

	Defs     []defView
	Phases   []string
	AnyPhase bool
	SeenWith []codeLink
	Related  []codeLink
}

// reuseView shows a provider's own meaning beside the registry's.
type reuseView struct {
	Provider string
	Title    string
	Doc      string
	HTML     template.HTML
	Fallback bool
}

// enhancedFacts fills the parts of a code page that only enhanced and
// provider-only codes have.
func (v *codeView) enhancedFacts(b Base, c *content.Code, s *Server) {
	subject := strconv.Itoa(c.Subject())
	v.Subject = b.T("subject_" + subject)
	v.SubjectMeaning = b.T("subject_" + subject + "_meaning")
	if o, ok := s.store.Code(strconv.Itoa(c.Class) + "." + subject + ".0"); ok && o != c {
		v.SubjectURL = b.Link(codeURL(o.ID))
	}
	if e := c.Registry; e != nil {
		v.RegistryName = e.Name
		switch e.Status {
		case "deprecated":
			if id, ok := s.resolveEntry(e.See, c.Class); ok {
				l := s.codeLink(b, id)
				v.Deprecated = &l
			}
		case "draft":
			v.Draft = e.Refs[0]
		}
	}
	if p := c.Provider; p != nil {
		v.ProviderOnly = b.T("provider_only_label", "Provider", p.ProviderName)
		v.ProviderDoc = p.Doc
	}
	for _, r := range c.Reuses {
		p, fallback := r.Page(b.Lang.Code)
		rv := reuseView{Provider: r.Provider.ProviderName, Title: p.Title, Doc: r.Provider.Doc, Fallback: fallback}
		if sec, ok := p.Section("meaning"); ok {
			rv.HTML = template.HTML(sec.HTML)
		}
		v.Reuses = append(v.Reuses, rv)
	}
}

type defView struct {
	Context string
	Ref     string
	Text    string
}

type compareView struct {
	Base
	H1      string
	Summary string
	A, B    codeText
	Sides   []codeText // A and B, for the side-by-side texts
	Rows    []compareRow
	// Note is the written note for the pair, when there is one.
	Differences *section
	Which       *section
	// Generated "when to use which" when there is no note.
	Uses []codeText
}

type comboView struct {
	Base
	H1, Summary     string
	Basic, Enhanced codeText
	Sides           []codeText
	ClassNote       string
	RegistryNote    string
	Rows            []compareRow
}

type compareRow struct {
	Label string
	A, B  string
}

type homeView struct {
	Base
	Groups    []codeGroup // basic codes by class
	Enhanced  []codeGroup // registered enhanced codes by subject
	Providers []codeGroup // provider-only codes
}

type codeGroup struct {
	Name  string
	Codes []codeLink
}

type errorView struct {
	Base
	Status int
	Text   string
}

func (s *Server) errorView(r *http.Request, status int) errorView {
	b := s.base(r, "/")
	b.Title = b.T("error_title_"+strconv.Itoa(status)) + " | " + b.T("site_name")
	return errorView{Base: b, Status: status, Text: b.T("error_text_" + strconv.Itoa(status))}
}

// Heading returns the error's title.
func (v errorView) Heading() string { return v.T("error_title_" + strconv.Itoa(v.Status)) }
