package site

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/smtp"
)

// The code page: /codes/421 and /codes/5.7.26 (and their JSON, api.go).
// Every code page of every language is rendered at start-up (prepareCode);
// a request only picks the prepared response.

// serveCode serves /codes/421, /codes/5.7.26 and their .json and .md
// forms. A code spelled with leading zeros redirects to its canonical page.
func (s *Server) serveCode(w http.ResponseWriter, r *http.Request) error {
	raw, suffix := cutFormat(chi.URLParam(r, "code"))
	c, exact, ok := s.store.Lookup(raw)
	if !ok {
		return notFoundAs(suffix)
	}
	if !exact {
		s.canonicalRedirect(w, r, codeURL(c.ID)+suffix)
		return nil
	}
	if suffix != "" {
		setCORS(w)
	}
	return s.servePage(w, r, codeURL(c.ID)+suffix)
}

// codeURL is the path of a code page.
func codeURL(id string) string { return "/codes/" + id }

// cutFormat splits the last segment of a page path into its name and the
// suffix of the form asked for: ".json", ".md" (the markdown twin) or ""
// (the HTML page).
func cutFormat(raw string) (name, suffix string) {
	for _, suffix := range []string{".json", ".md"} {
		if name, ok := strings.CutSuffix(raw, suffix); ok {
			return name, suffix
		}
	}
	return raw, ""
}

// notFoundAs is the 404 of a form: the API's JSON error for .json, the
// localized HTML page for the others. A twin's 404 is the HTML page, as a
// static host answers it (deploy/nginx.conf): a reader or tool that
// follows a broken link gets the page that says so in its language.
func notFoundAs(suffix string) error {
	if suffix == ".json" {
		return errJSONNotFound
	}
	return errNotFound
}

type codeView struct {
	Base
	Text         codeText
	H1           string
	Category     string // basic codes: the second digit's category
	ClassMeaning string

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
	// Responses are the catalogued replies that carry this code, by
	// provider; Differing the families whose provider gives this
	// registered number another meaning.
	Responses []providerResponses
	Differing []responseLink
	// Claims list what the page's statements about real software rest on.
	Claims   []claimView
	SeenWith []codeLink
	// SeenWithHeading names the list of codes of the other kind; empty
	// when the section is left out (an enhanced code with none).
	SeenWithHeading string
	Related         []codeLink
}

func (s *Server) codeView(l locale.Lang, c *content.Code) codeView {
	b := s.base(l, codeURL(c.ID))
	t := s.codeText(b, c)
	v := codeView{Base: b, Text: t, H1: b.T(msgCodeH1, "Code", c.ID, "Title", t.Title), ClassMeaning: b.T(classMeaningMsg(c))}
	v.Translation = noteFor(b, pageText(l.Code, c))
	v.Title = b.T(msgCodeTitle, "Code", c.ID, "Title", t.Title)
	v.Description = t.Summary
	v.Crumbs = []crumb{{Name: c.ID, URL: b.Link(codeURL(c.ID))}}
	if c.Kind != content.Basic {
		if subject, ok := s.store.Code(strconv.Itoa(c.Class) + "." + strconv.Itoa(c.Subject()) + ".0"); ok && subject != c {
			v.Crumbs = append([]crumb{{Name: s.subjectName(b, c.Subject()), URL: b.Link(codeURL(subject.ID))}}, v.Crumbs...)
		}
	}
	if c.Kind == content.Basic {
		v.Category = b.T(categoryMsg(c.ID))
	} else {
		v.enhancedFacts(b, c, s)
	}
	for _, d := range c.Defs {
		v.Defs = append(v.Defs, defView{Context: b.T(contextMsg(d.Context)), Ref: d.Ref.String(), Text: d.Text, Example: d.Example, Sic: d.Sic})
	}
	if c.Registry != nil {
		entry := b.T(msgRegistryEntry, "Key", c.Key)
		for _, ref := range c.Refs {
			v.Defs = append(v.Defs, defView{Context: entry, Ref: ref.String()})
		}
	}
	v.Timeline = timeline(b, timelineInput{c.ID, c.Phases})
	s.captionExamples(b, &v.Text, c.Examples)
	v.Claims = claimViews(c.Claims)
	for _, r := range c.Reuses {
		v.Claims = append(v.Claims, claimViews(r.Claims)...)
	}
	v.Responses = s.responsesWith(b, c.ID, maxFamiliesShown)
	if c.Registry != nil {
		for _, r := range s.store.ResponsesWith(c.ID) {
			if r.Registry == "differs" {
				v.Differing = append(v.Differing, s.responseLink(b, r))
			}
		}
	}
	switch {
	case c.Kind == content.Basic:
		v.SeenWithHeading = b.T(msgHeadingSeenWithEnhanced)
	case len(c.SeenWith) > 0:
		v.SeenWithHeading = b.T(msgHeadingSeenWithBasic)
	}
	for _, id := range c.SeenWith {
		o, _ := s.store.Code(id)
		v.SeenWith = append(v.SeenWith, s.codeLink(b, o))
	}
	for _, id := range c.Related {
		o, _ := s.store.Code(id)
		link := s.codeLink(b, o)
		link.CompareURL = b.Link(compareURL(c, o))
		v.Related = append(v.Related, link)
	}
	v.JSONLD = s.jsonLD(v.Base, "TechArticle", map[string]any{
		"about": map[string]any{
			"@type":       "DefinedTerm",
			"name":        "SMTP " + c.ID,
			"termCode":    c.ID,
			"description": t.Summary,
		},
	})
	return v
}

// enhancedFacts fills the parts of a code page that only enhanced and
// provider-only codes have.
func (v *codeView) enhancedFacts(b Base, c *content.Code, s *Server) {
	subject := c.Subject()
	v.Subject = b.T(subjectMsg(subject))
	v.SubjectMeaning = b.T(subjectMeaningMsg(subject))
	if o, ok := s.store.Code(strconv.Itoa(c.Class) + "." + strconv.Itoa(subject) + ".0"); ok && o != c {
		v.SubjectURL = b.Link(codeURL(o.ID))
	}
	if e := c.Registry; e != nil {
		v.RegistryName = e.Name
		switch e.Status {
		case "deprecated":
			if id, ok := s.store.Resolve(e.See, c.Class); ok {
				l := s.codeLink(b, id)
				v.Deprecated = &l
			}
		case "draft":
			v.Draft = e.Refs[0]
		}
	}
	if p := c.Provider; p != nil {
		v.ProviderOnly = b.T(msgProviderOnlyLabel, "Provider", p.ProviderName)
		v.ProviderDoc = p.Doc
	}
	for _, r := range c.Reuses {
		v.Reuses = append(v.Reuses, reuse(b, r))
	}
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

func reuse(b Base, r *content.Reuse) reuseView {
	p, fallback := r.Page(b.Lang.Code)
	rv := reuseView{Provider: r.Provider.ProviderName, Title: p.Title, Doc: r.Provider.Doc, Fallback: fallback}
	if sec, ok := p.Section("meaning"); ok {
		rv.HTML, rv.Text = sec.HTML, sec.Text
	}
	return rv
}

type defView struct {
	Context string
	Ref     string
	Text    string
	// Example: the document gives no text, Text is example wording. Sic:
	// Text keeps the document's misspelling.
	Example, Sic bool
}

// codeText is what a page shows of one code in the reader's language: on
// its own page, and as one side of a compare page.
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

// section is one rendered content section with its localized heading.
type section struct {
	ID       string
	Heading  string
	H        heading // the heading with its permalink
	HTML     template.HTML
	Text     string
	Source   string // the markdown the section was written in ("" for generated text)
	Fallback bool   // shown in the source language because the translation lacks it
	// Parts is the HTML cut at its code blocks, each block with what the
	// page says of its source (examples).
	Parts []partView
}

type partView struct {
	HTML    template.HTML
	Caption *exampleView // after a code block
}

// exampleView says where an example reply comes from.
type exampleView struct {
	Kind     string // "response", "source" or "illustrative"
	Provider string
	Title    string
	URL      string
}

type claimView struct {
	About, Title, URL, Checked string
}

// contentSections gives the sections of a content page their headings.
func contentSections(b Base, p *content.Page, fallback bool) []section {
	var out []section
	for _, sec := range p.Sections {
		h := b.T(headingMsg(sec.ID))
		sv := section{ID: sec.ID, Heading: h, H: b.H(sec.ID, h), HTML: sec.HTML, Text: sec.Text, Source: sec.Source, Fallback: fallback}
		for _, part := range sec.Parts {
			sv.Parts = append(sv.Parts, partView{HTML: part.HTML})
		}
		out = append(out, sv)
	}
	return out
}

// captionExamples attaches to each code block of the examples section
// where its example comes from.
func (s *Server) captionExamples(b Base, t *codeText, examples []content.Example) {
	sec := t.Section("examples")
	if sec == nil {
		return
	}
	k := 0
	for i, part := range sec.Parts {
		if !strings.HasPrefix(string(part.HTML), "<pre") || k >= len(examples) {
			continue
		}
		ev := s.exampleView(b, examples[k])
		sec.Parts[i].Caption = &ev
		k++
	}
}

func (s *Server) exampleView(b Base, e content.Example) exampleView {
	switch {
	case e.Line != nil:
		p, _ := e.Line.Response.Page(b.Lang.Code)
		return exampleView{Kind: "response", Provider: e.Line.Response.Provider.Name, Title: p.Title, URL: b.Link(responseURL(e.Line.Response)) + "#" + lineAnchor(e.Line)}
	case e.Source != "":
		return exampleView{Kind: "source", Title: e.Title, URL: e.Source}
	}
	return exampleView{Kind: "illustrative"}
}

func claimViews(claims []content.Claim) []claimView {
	var out []claimView
	for _, c := range claims {
		out = append(out, claimView{About: c.About, Title: c.Title, URL: c.Source, Checked: c.Checked})
	}
	return out
}

// providerResponses is one provider's families that carry a code: the
// first maxFamiliesShown of them, and where the others are.
type providerResponses struct {
	Provider string
	URL      string
	Families []responseLink
	More     string // the provider's page at this code, when families were left out
}

// maxFamiliesShown is how many of one provider's families a code page
// lists. 550 is carried by nearly 200 families; listed in full they made
// its page the heaviest of the site, over the 14 KiB a page may weigh
// gzipped once six languages' alternates are in its head. The provider's
// page lists them all, grouped by basic code.
const maxFamiliesShown = 3

// responsesWith lists the catalogued families with lines that carry the
// code, by provider: up to limit of each provider's (all when limit is 0).
func (s *Server) responsesWith(b Base, code string, limit int) []providerResponses {
	var out []providerResponses
	for _, r := range s.store.ResponsesWith(code) {
		if n := len(out); n == 0 || out[n-1].Provider != r.Provider.Name {
			out = append(out, providerResponses{Provider: r.Provider.Name, URL: b.Link(providerURL(r.Provider.ID))})
		}
		last := &out[len(out)-1]
		if limit > 0 && len(last.Families) == limit {
			if last.More == "" {
				last.More = last.URL
				if smtp.IsBasic(code) {
					last.More += "#code-" + code // the provider page's section for the code
				}
			}
			continue
		}
		last.Families = append(last.Families, s.responseLink(b, r))
	}
	return out
}

// codeText returns what a page shows of c, with its sections rendered
// under their localized headings.
func (s *Server) codeText(b Base, c *content.Code) codeText {
	t := s.codeSummary(b, c)
	p, _ := c.Page(b.Lang.Code)
	t.Sections = contentSections(b, p, t.Fallback)
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
		Next:      b.T(nextMsg(c.Class)),
	}
}

func className(b Base, c *content.Code) string { return b.T(classMsg(c)) }

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

// standardText is the reply text of a code's first definition, or the
// registry name of an enhanced code.
func standardText(c *content.Code) string {
	if len(c.Defs) > 0 {
		return c.Defs[0].Text
	}
	if c.Registry != nil {
		return c.Registry.Name
	}
	return "—"
}
