package site

import (
	"net/http"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/markdown"
	"smtpcodes.dev/internal/prepared"
)

// Markdown twins: every code, compare, provider and family page, and the
// index, also as text/markdown at the same path with .md
// (/codes/421.md?lang=ja, /compare/421-vs-556.md, /providers/gmail.md,
// /providers/gmail/no-such-user.md, /codes.md), for assistants and tools
// that read text rather than HTML. A twin is built from the same view as
// its page, so it says what the page says in the same language, and it is
// served like the page: rendered once (code, provider and index twins are
// entries of the page table; compare twins go through the compare cache),
// with the same language rules, redirects and 404s.
//
// What a twin holds:
//   - content sections as their markdown source, as written (the store
//     keeps it beside the HTML), not HTML converted back;
//   - headings in plain markdown: a section heading is a link to the
//     section of the HTML page ("## [How to fix](…/codes/421?lang=ja#fix)"),
//     which keeps the stable anchor ids without the non-standard "{#fix}";
//   - verbatim replies in code spans and fenced blocks;
//   - absolute links that carry ?lang=: to the twin of a page that has
//     one, to the HTML page otherwise.

const mdType = "text/markdown; charset=utf-8"

// hasTwin reports whether the page at path has a markdown twin at
// twinPath(path).
func hasTwin(path string) bool {
	return path == "/codes" || strings.HasPrefix(path, "/codes/") || strings.HasPrefix(path, "/compare/") ||
		strings.HasPrefix(path, "/providers/")
}

// twinPath is the path of a page's twin.
func twinPath(path string) string { return path + ".md" }

// twinHref turns an internal link of a page ("/codes/421?lang=ja#fix")
// into the absolute link a twin gives: to the twin of a page that has
// one, to the page itself otherwise.
func (s *Server) twinHref(link string) string {
	path, rest, _ := strings.Cut(link, "?")
	if hasTwin(path) {
		path = twinPath(path)
	}
	if rest != "" {
		rest = "?" + rest
	}
	return s.cfg.BaseURL + path + rest
}

// mdEscaper escapes what markdown would read as markup in generated
// text: titles, summaries and UI strings are plain text. A "#" needs
// none: generated text never starts a line.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "|", `\|`)

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode puts a verbatim reply in a code span, with a fence of backticks
// longer than any run inside it.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func mdLink(text, href string) string { return "[" + mdText(text) + "](" + href + ")" }

// mdDoc builds a twin.
type mdDoc struct {
	strings.Builder
	page string // the absolute URL of the HTML page, with ?lang=
}

func (s *Server) newDoc(b Base, h1 string) *mdDoc {
	d := &mdDoc{page: s.cfg.BaseURL + b.Link(b.Path)}
	d.line("# " + mdText(h1))
	d.line("<" + d.page + ">")
	return d
}

// line writes a block and the blank line after it.
func (d *mdDoc) line(s string) { d.WriteString(s + "\n\n") }

// heading writes a section heading linking to the section on the page.
func (d *mdDoc) heading(level int, id, text string) {
	d.line(strings.Repeat("#", level) + " " + mdLink(text, d.page+"#"+id))
}

// section writes a content section under its heading.
func (d *mdDoc) section(level int, sec section) {
	d.heading(level, sec.ID, sec.Heading)
	d.body(sec)
}

func (d *mdDoc) body(sec section) {
	if sec.Source != "" {
		d.line(sec.Source)
	} else {
		d.line(mdText(sec.Text))
	}
}

func (d *mdDoc) item(s string) { d.WriteString("- " + s + "\n") }
func (d *mdDoc) endList()      { d.WriteString("\n") }

func (d *mdDoc) bytes() []byte { return []byte(strings.TrimRight(d.String(), "\n") + "\n") }

// head writes what follows a page's H1: the summary, the notice when the
// text is the English original, and what the page says of its
// translation (machine or reviewed, outdated), linking to the English
// original's twin.
func (s *Server) head(d *mdDoc, b Base, summary string, fallback bool, note *translationNote) {
	if summary != "" {
		d.line("> " + mdText(summary))
	}
	if fallback {
		d.line("*" + mdText(b.T(msgFallbackNotice)) + "*")
	}
	if note != nil {
		text := note.Text
		if note.Outdated != "" {
			text += " " + note.Outdated
		}
		d.line("*" + mdText(text) + "* " + mdLink(note.Link, s.twinHref(note.URL)))
	}
}

// codeTwin is a code page as markdown.
func (s *Server) codeTwin(v codeView) []byte {
	t, b := v.Text, v.Base
	c := t.Code
	d := s.newDoc(b, v.H1)
	badges := mdText(t.ClassName)
	if v.ProviderOnly != "" {
		badges += " · " + mdText(v.ProviderOnly)
	}
	d.line(badges)
	s.head(d, b, t.Summary, t.Fallback, v.Translation)
	if v.Deprecated != nil {
		d.line(mdText(b.T(msgStatusDeprecated)) + " " + mdLink(v.Deprecated.ID+" "+v.Deprecated.Title, s.twinHref(v.Deprecated.URL)))
	}

	d.heading(2, "facts", b.T(headingMsg("facts")))
	fact := func(label, value string) { d.item("**" + mdText(label) + "**: " + value) }
	if v.RegistryName != "" {
		fact(b.T(msgLabelRegistryName), "“"+mdText(v.RegistryName)+"”")
	}
	if len(v.Defs) > 0 && v.Defs[0].Text != "" {
		fact(b.T(msgLabelStandardText), mdCode(c.ID+" "+v.Defs[0].Text))
	}
	fact(b.T(msgLabelClass), mdText(t.ClassName+": "+v.ClassMeaning))
	if v.Category != "" {
		fact(b.T(msgLabelCategory), mdText(v.Category))
	}
	if v.Subject != "" {
		subject := mdText(v.Subject)
		if v.SubjectURL != "" {
			subject = mdLink(v.Subject, s.twinHref(v.SubjectURL))
		}
		fact(b.T(msgLabelSubject), subject+": "+mdText(v.SubjectMeaning))
	}
	fact(b.T(msgLabelNext), mdText(t.Next))
	if len(v.Defs) > 0 {
		var refs []string
		for _, def := range v.Defs {
			refs = append(refs, def.Ref)
		}
		fact(b.T(msgLabelDefinedIn), mdText(strings.Join(refs, ", ")))
	}
	d.endList()

	if len(v.Reuses) > 0 {
		d.heading(2, "providers", b.T(headingMsg("providers")))
		for _, r := range v.Reuses {
			d.line("### " + mdText(r.Provider+": "+r.Title))
			d.line(mdText(r.Text))
			d.line(mdText(b.T(msgProviderSource, "Doc", r.Doc)))
		}
	}
	for _, id := range []string{"description", "when"} {
		if sec := t.Section(id); sec != nil {
			d.section(2, *sec)
		}
	}
	if sec := t.Section("examples"); sec != nil {
		d.heading(2, sec.ID, sec.Heading)
		d.line(s.captioned(b, sec.Source, c.Examples))
	}
	if sec := t.Section("fix"); sec != nil {
		d.section(2, *sec)
		for _, a := range t.FixAudiences() {
			d.section(3, a)
		}
	}
	if len(v.Defs) > 0 {
		d.heading(2, "definition", b.T(headingMsg("definition")))
		d.WriteString("| " + mdText(b.T(msgLabelContext)) + " | " + mdText(b.T(msgLabelDefinedIn)) + " | " + mdText(b.T(msgLabelStandardText)) + " |\n|---|---|---|\n")
		for _, def := range v.Defs {
			text := ""
			if def.Text != "" {
				text = mdCode(def.Text)
			}
			d.WriteString("| " + mdText(def.Context) + " | " + mdText(def.Ref) + " | " + text + " |\n")
		}
		d.endList()
	}
	d.heading(2, "phases", b.T(headingMsg("phases")))
	d.line(mdText(phaseList(b, c)))
	if v.SeenWithHeading != "" {
		d.heading(2, "seen-with", v.SeenWithHeading)
		if len(v.SeenWith) == 0 {
			d.line(mdText(b.T(msgSeenWithNone)))
		}
		for _, l := range v.SeenWith {
			d.item(mdLink(l.ID+" "+l.Title, s.twinHref(l.URL)))
		}
		d.endList()
	}
	// The twin lists every family: it has no page weight to keep.
	if responses := s.responsesWith(b, c.ID, 0); len(responses) > 0 {
		d.heading(2, "responses", b.T(headingMsg("responses")))
		for _, pr := range responses {
			for _, f := range pr.Families {
				d.item(mdText(pr.Provider) + ": " + mdLink(f.Title, s.twinHref(f.URL)))
			}
		}
		d.endList()
	}
	if len(v.Related) > 0 {
		d.heading(2, "related", b.T(headingMsg("related")))
		for _, l := range v.Related {
			d.item(mdLink(l.ID+" "+l.Title, s.twinHref(l.URL)) + " · " + mdLink(b.T(msgRelatedCompare, "A", c.ID, "B", l.ID), s.twinHref(l.CompareURL)))
		}
		d.endList()
	}
	if len(v.Claims) > 0 {
		d.heading(2, "sources", b.T(headingMsg("sources")))
		for _, cl := range v.Claims {
			d.item(mdText(cl.About) + ": " + mdLink(cl.Title, cl.URL) + " " + mdText(b.T(msgClaimChecked, "Date", cl.Checked)))
		}
		d.endList()
	}
	return d.bytes()
}

// captioned is the source of the examples section with, after each
// fenced block, where its reply comes from, as the page says it.
func (s *Server) captioned(b Base, src string, examples []content.Example) string {
	return markdown.AfterBlocks(src, func(i int) string {
		if i >= len(examples) {
			return ""
		}
		return s.caption(b, s.exampleView(b, examples[i]))
	})
}

func (s *Server) caption(b Base, e exampleView) string {
	switch e.Kind {
	case "response":
		return mdText(b.T(msgExampleResponse, "Provider", e.Provider)) + " " + mdLink(e.Title, s.twinHref(e.URL))
	case "source":
		return mdText(b.T(msgExampleSource)) + " " + mdLink(e.Title, e.URL)
	}
	return "*" + mdText(b.T(msgExampleIllustrative)) + "*"
}

// compareTwin is a compare or combined page as markdown, built, like the
// page, on first request and kept in the compare cache.
func (s *Server) compareTwin(l locale.Lang, p pair) (*prepared.Response, error) {
	var d *mdDoc
	var b Base
	var rows []compareRow
	var a, bt codeText
	if p.combined() {
		v := s.comboView(l, p)
		b, rows, a, bt = v.Base, v.Rows, v.A, v.B
		d = s.newDoc(b, v.H1)
		s.head(d, b, v.Summary, false, v.Translation)
		d.heading(2, "differences", b.T(headingMsg("differences")))
		compareTable(d, rows, a, bt)
		for _, n := range v.Notes {
			d.body(n)
		}
		d.heading(2, "which", b.T(headingMsg("which")))
		d.body(v.Which)
	} else {
		v := s.compareView(l, p)
		b, rows, a, bt = v.Base, v.Rows, v.A, v.B
		d = s.newDoc(b, v.H1)
		s.head(d, b, v.Summary, false, v.Translation)
		d.heading(2, "differences", b.T(headingMsg("differences")))
		compareTable(d, rows, a, bt)
		if v.Differences != nil {
			d.body(*v.Differences)
		}
		d.heading(2, "which", b.T(headingMsg("which")))
		if v.Which != nil {
			d.body(*v.Which)
		} else {
			d.line(mdText(b.T(msgCompareWhichIntro)))
			for _, u := range v.Uses {
				d.item("**" + mdLink(u.Code.ID, s.twinHref(u.URL)) + "**: " + mdText(u.Summary))
			}
			d.endList()
		}
	}
	// Each code's text, as the page's sides show it.
	for _, c := range []*content.Code{p.a, p.b} {
		cb := s.base(l, codeURL(c.ID))
		t := s.codeText(cb, c)
		d.line("## " + mdLink(c.ID+" "+t.Title, s.twinHref(t.URL)))
		for _, id := range []string{"description", "when", "fix"} {
			if sec := t.Section(id); sec != nil {
				d.line("### " + mdText(sec.Heading))
				d.body(*sec)
			}
		}
		d.line(mdLink(b.T(msgCompareSeePage, "Code", c.ID), s.twinHref(t.URL)))
	}
	return prepared.New(http.StatusOK, mdType, l.Code, prepared.Page, d.bytes()).OnDemand(), nil
}

func compareTable(d *mdDoc, rows []compareRow, a, b codeText) {
	d.WriteString("| | " + mdText(a.Code.ID) + " | " + mdText(b.Code.ID) + " |\n|---|---|---|\n")
	for _, r := range rows {
		d.WriteString("| " + mdText(r.Label) + " | " + mdText(r.A) + " | " + mdText(r.B) + " |\n")
	}
	d.endList()
}

// indexTwin is the index of every code as markdown: what / and /codes
// list, each code linking to its twin.
func (s *Server) indexTwin(v homeView) []byte {
	d := s.newDoc(v.Base, v.T(msgIndexTitle))
	s.head(d, v.Base, v.Description, false, nil)
	for _, groups := range [][]codeGroup{v.Groups, v.Enhanced, v.Providers} {
		for _, g := range groups {
			d.line("## " + mdText(g.Name))
			for _, c := range g.Codes {
				d.item(mdLink(c.ID+" "+c.Title, s.twinHref(c.URL)))
			}
			d.endList()
		}
	}
	return d.bytes()
}

// providerTwin is a provider's page as markdown: its families by code.
func (s *Server) providerTwin(v providerView) []byte {
	d := s.newDoc(v.Base, v.Name)
	d.line(mdText(v.Counts))
	if v.Website != "" {
		d.line(mdText(v.T(msgProviderWebsite)) + " <" + v.Website + ">")
	}
	for _, g := range v.Groups {
		h := mdText(g.Code)
		if g.CodeURL != "" {
			h = mdLink(g.Code, s.twinHref(g.CodeURL))
		}
		d.line("## " + h)
		for _, f := range g.Families {
			d.item(mdLink(f.Title, s.twinHref(f.URL)) + " · " + mdCode(f.Codes))
		}
		d.endList()
	}
	return d.bytes()
}

// responseTwin is a family's page as markdown: its verbatim lines, what
// they mean, the facts and the sources.
func (s *Server) responseTwin(v responseView) []byte {
	b := v.Base
	d := s.newDoc(b, v.H1)
	badges := []string{mdLink(v.ProviderName, s.twinHref(v.ProviderURL))}
	for _, c := range v.Codes {
		badges = append(badges, mdLink(c.ID, s.twinHref(c.URL)))
	}
	d.line(strings.Join(badges, " · "))
	s.head(d, b, v.Summary, v.Fallback, v.Translation)
	d.heading(2, "lines", b.T(headingMsg("lines")))
	d.line(mdText(v.Placeholders))
	for _, ln := range v.Lines {
		d.line(fenced(ln.Reply))
		var hint []string
		if ln.Token != "" {
			hint = append(hint, mdText(b.T(msgLineToken))+" "+mdCode(ln.Token))
		}
		if ln.Phase != "" {
			hint = append(hint, mdText(b.T(msgLinePhase)+" "+ln.Phase))
		}
		if ln.Seen != "" {
			hint = append(hint, mdText(b.T(msgLineSeen, "Date", ln.Seen)))
		}
		src := mdText(b.T(msgLineSource)) + " " + mdLink(ln.Source.Title, ln.Source.URL)
		if ln.Source.Version != "" {
			src += " (" + mdText(ln.Source.Version) + ")"
		}
		hint = append(hint, src, mdText(b.T(msgLineRetrieved, "Date", ln.Source.Retrieved, "License", ln.Source.License)),
			mdLink("#", s.cfg.BaseURL+ln.Href))
		d.line(strings.Join(hint, " · "))
		if ln.ClassMismatch != "" {
			d.line("*" + mdText(ln.ClassMismatch) + "*")
		}
	}
	for _, sec := range v.Sections {
		d.section(2, sec)
	}
	d.heading(2, "facts", b.T(headingMsg("facts")))
	d.item("**" + mdText(b.T(headingMsg("who"))) + "**: " + mdText(v.WhoActs))
	d.item("**" + mdText(b.T(headingMsg("retry"))) + "**: " + mdText(v.Retry))
	for _, r := range v.Registry {
		label := "**" + mdText(b.T(msgRegistryRow, "Code", r.Code)) + "**: "
		switch {
		case r.RegistryName == "":
			d.item(label + mdText(b.T(msgRegistryUnregistered, "Provider", v.ProviderName)))
		case r.Differs:
			d.item(label + mdLink(r.Code, s.twinHref(r.URL)) + " “" + mdText(r.RegistryName) + "” — " + mdText(b.T(msgRegistryDiffers, "Provider", v.ProviderName)))
		default:
			d.item(label + mdLink(r.Code, s.twinHref(r.URL)) + " “" + mdText(r.RegistryName) + "” — " + mdText(b.T(msgRegistrySame, "Provider", v.ProviderName)))
		}
	}
	if len(v.Pairs) > 0 {
		var pairs []string
		for _, p := range v.Pairs {
			pairs = append(pairs, mdLink(p.ID, s.twinHref(p.URL)))
		}
		d.item("**" + mdText(b.T(headingMsg("compare-pairs"))) + "**: " + strings.Join(pairs, ", "))
	}
	d.endList()
	d.heading(2, "sources", b.T(headingMsg("sources")))
	for _, src := range v.Sources {
		item := mdLink(src.Title, src.URL)
		if src.Version != "" {
			item += " (" + mdText(src.Version) + ")"
		}
		d.item(item + ". " + mdText(b.T(msgLineRetrieved, "Date", src.Retrieved, "License", src.License)))
	}
	return d.bytes()
}

// fenced puts a verbatim reply in a fenced block longer than any run of
// backticks inside it.
func fenced(reply string) string {
	fence := "```"
	for strings.Contains(reply, fence) {
		fence += "`"
	}
	return fence + "\n" + strings.TrimRight(reply, "\n") + "\n" + fence
}

// addTwins enters the pages' markdown twins into the page table.
func (s *Server) addTwins() {
	t := s.pages
	for _, c := range s.store.Codes() {
		t.add(twinPath(codeURL(c.ID)), mdType, func(l locale.Lang) ([]byte, error) { return s.codeTwin(s.codeView(l, c)), nil })
	}
	t.add(twinPath("/codes"), mdType, func(l locale.Lang) ([]byte, error) { return s.indexTwin(s.indexView(l)), nil })
	if len(s.store.Responses()) == 0 {
		return
	}
	for _, p := range s.store.Facts.Providers {
		if len(s.store.ProviderResponses(p.ID)) > 0 {
			t.add(twinPath(providerURL(p.ID)), mdType, func(l locale.Lang) ([]byte, error) { return s.providerTwin(s.providerView(l, p)), nil })
		}
	}
	for _, r := range s.store.Responses() {
		t.add(twinPath(responseURL(r)), mdType, func(l locale.Lang) ([]byte, error) { return s.responseTwin(s.responseView(l, r)), nil })
	}
}

// serveIndexTwin serves /codes.md.
func (s *Server) serveIndexTwin(w http.ResponseWriter, r *http.Request) error {
	setCORS(w)
	return s.servePage(w, r, twinPath("/codes"))
}
