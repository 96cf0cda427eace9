package site

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// Base is the view data every page shares. It depends only on the page
// and its language, never on the request: that is what lets a page be
// rendered once and served to everyone who asks for it in that language.
type Base struct {
	Lang         locale.Lang
	Path         string // the page's canonical path, without query
	Title        string // <title>
	Description  string // <meta name="description">
	Langs        []langLink
	Alternates   []alternate // <link rel="alternate" hreflang>, x-default last
	Canonical    string      // absolute URL of the page in its language
	OGLocale     string
	OGAlternates []string    // og:locale of the other languages
	JSONLD       template.JS // schema.org data, already JSON-encoded
	CSS, JS      string      // fingerprinted asset paths
	Icon         string
	Crumbs       []crumb // breadcrumb trail after "All codes"; empty on the home page
	NoIndex      bool    // search results and error pages stay out of search engines
	// UI holds the language's plain UI strings by message id, for the
	// templates: a map index costs less than a method call per string.
	UI map[string]string
	// Chrome is the page frame that depends only on the language.
	Chrome chrome

	tr locale.Translator
}

// chrome is the start of the body up to the language switcher and the end
// of the body from the footer on: the same on every page of a language.
type chrome struct{ Top, Bottom template.HTML }

type langLink struct {
	Code, Name, URL string
	Current         bool
}

type alternate struct{ Hreflang, URL string }

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

// Link returns an internal link in the page's language. Every link carries
// ?lang, so a page is the same bytes whether its language came from the URL,
// the cookie or Accept-Language, and a link copied from it keeps the language.
func (b Base) Link(path string) string { return path + "?lang=" + b.Lang.Code }

// H returns the data for a section heading with its permalink.
func (b Base) H(id, text string) heading {
	return heading{ID: id, Text: text, Href: b.Link(b.Path) + "#" + id, Label: b.T("permalink_label", "Section", text)}
}

type heading struct{ ID, Text, Href, Label string }

// base builds the shared view data for the page at path in language l.
func (s *Server) base(l locale.Lang, path string) Base {
	b := Base{
		Lang: l, Path: path, tr: s.locales.Translator(l), UI: s.ui[l.Code], Chrome: s.chrome[l.Code],
		CSS: s.assets.path("site.css"), JS: s.assets.path("site.js"), Icon: s.assets.path("icon.svg"),
		Canonical: s.cfg.BaseURL + path + "?lang=" + l.Code,
	}
	b.OGLocale = b.T("og_locale")
	for _, o := range s.locales.Langs() {
		if o.Code != l.Code {
			b.OGAlternates = append(b.OGAlternates, s.locales.Translator(o).T("og_locale"))
		}
		q := url.Values{"lang": {o.Code}, chooseParam: {"1"}}
		b.Langs = append(b.Langs, langLink{Code: o.Code, Name: o.Name, URL: path + "?" + q.Encode(), Current: o.Code == l.Code})
		b.Alternates = append(b.Alternates, alternate{Hreflang: o.Tag.String(), URL: s.cfg.BaseURL + path + "?lang=" + o.Code})
	}
	b.Alternates = append(b.Alternates, alternate{Hreflang: "x-default", URL: s.cfg.BaseURL + path})
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
	H        heading // the heading with its permalink
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

// codeText returns what a page shows of c, with its sections rendered
// under their localized headings.
func (s *Server) codeText(b Base, c *content.Code) codeText {
	t := s.codeSummary(b, c)
	p, _ := c.Page(b.Lang.Code)
	for _, sec := range p.Sections {
		h := b.T(headings[sec.ID])
		t.Sections = append(t.Sections, section{ID: sec.ID, Heading: h, H: b.H(sec.ID, h), HTML: template.HTML(sec.HTML), Fallback: t.Fallback})
	}
	return t
}

// codeSummary is codeText without the sections: what a compare page's
// frame needs, since the sections come pre-rendered.
func (s *Server) codeSummary(b Base, c *content.Code) codeText {
	p, fallback := c.Page(b.Lang.Code)
	return codeText{
		Code: c, Title: p.Title, Summary: p.Summary, Fallback: fallback,
		URL:       b.Link(codeURL(c.ID)),
		ClassName: className(b, c),
		Next:      b.T("next_" + strconv.Itoa(c.Class)),
	}
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
	Timeline timelineView
	SeenWith []codeLink
	// SeenWithHeading names the list of codes of the other kind; empty
	// when the section is left out (an enhanced code with none).
	SeenWithHeading string
	Related         []codeLink
}

// reuseView shows a provider's own meaning beside the registry's.
type reuseView struct {
	Provider string
	Title    string
	Doc      string
	HTML     template.HTML
	Text     string
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
			rv.HTML, rv.Text = template.HTML(sec.HTML), sec.Text
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
	H1       string
	Summary  string
	Timeline timelineView
	A, B     codeText
	Sides    []template.HTML // A's and B's pre-rendered texts
	Rows     []compareRow
	// Note is the written note for the pair, when there is one.
	Differences *section
	Which       *section
	// Generated "when to use which" when there is no note.
	Uses []codeText
}

type comboView struct {
	Base
	Timeline     timelineView
	H1, Summary  string
	A, B         codeText // the basic code and the enhanced code
	Sides        []template.HTML
	ClassNote    string
	RegistryNote string
	Rows         []compareRow
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

func (s *Server) errorView(l locale.Lang, status int) errorView {
	b := s.base(l, "/")
	b.NoIndex = true
	b.Title = b.T("error_title_"+strconv.Itoa(status)) + " | " + b.T("site_name")
	return errorView{Base: b, Status: status, Text: b.T("error_text_" + strconv.Itoa(status))}
}

// Heading returns the error's title.
func (v errorView) Heading() string { return v.T("error_title_" + strconv.Itoa(v.Status)) }
