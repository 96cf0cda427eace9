package site

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/markdown"
	"smtpcodes.dev/internal/prepared"
)

// Compare pages: /compare/421-vs-556 sets two codes side by side; a basic
// and an enhanced code (/compare/550-vs-5.1.1) get the combined page,
// which explains how the two share one reply. There are 16,471 pairs per
// language, so compare pages are not rendered at start-up: the first
// request composes one from the two codes' texts, rendered once per code
// at start-up (the "side" template), and the byte-budgeted cache keeps it.

// pair is the two codes a compare URL names, worked out once per request.
type pair struct {
	a, b *content.Code // in canonical order
	// exact says the URL named them canonically: canonical spellings, in
	// canonical order.
	exact bool
}

// parsePair reads "421-vs-556".
func (s *Server) parsePair(raw string) (pair, bool) {
	x, y, found := strings.Cut(raw, "-vs-")
	if !found {
		return pair{}, false
	}
	a, exactA, okA := s.store.Lookup(x)
	b, exactB, okB := s.store.Lookup(y)
	if !okA || !okB {
		return pair{}, false
	}
	p := pair{a: a, b: b, exact: exactA && exactB}
	if content.Less(b, a) {
		p.a, p.b, p.exact = b, a, false
	}
	return p, true
}

// path is the canonical page of the pair: its comparison, or the code's
// own page when both name one code.
func (p pair) path() string {
	if p.a == p.b {
		return codeURL(p.a.ID)
	}
	return "/compare/" + p.a.ID + "-vs-" + p.b.ID
}

// combined reports whether the pair is a basic and an enhanced code.
func (p pair) combined() bool { return (p.a.Kind == content.Basic) != (p.b.Kind == content.Basic) }

// compareURL is the path of the comparison of two codes.
func compareURL(a, b *content.Code) string {
	if content.Less(b, a) {
		a, b = b, a
	}
	return pair{a: a, b: b}.path()
}

// serveCompare serves /compare/421-vs-556 and its .json and .md forms.
// Other spellings and orders redirect to the canonical URL; only
// canonical pages enter the cache.
func (s *Server) serveCompare(w http.ResponseWriter, r *http.Request) error {
	raw, suffix := cutFormat(chi.URLParam(r, "pair"))
	p, ok := s.parsePair(raw)
	if !ok {
		return notFoundAs(suffix)
	}
	if !p.exact || p.a == p.b {
		s.canonicalRedirect(w, r, p.path()+suffix)
		return nil
	}
	path := p.path() + suffix
	l := state(r).lang
	resp, err := s.compares.Get(path+"?lang="+l.Code, func() (*prepared.Response, error) {
		switch suffix {
		case ".json":
			return s.compareJSON(l, p)
		case ".md":
			return s.compareTwin(l, p)
		}
		return s.renderCompare(l, p)
	})
	if err != nil {
		return err
	}
	if suffix != "" {
		setCORS(w)
	}
	s.sendPage(w, r, path, resp)
	return nil
}

// serveCompareForm answers the home page's comparison form
// (/compare?a=556&b=421) with a redirect to the canonical comparison.
func (s *Server) serveCompareForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, ok := s.parsePair(normalizeCode(q.Get("a")) + "-vs-" + normalizeCode(q.Get("b")))
	if !ok {
		return errNotFound
	}
	s.redirect(w, r, withQuery(p.path(), state(r).langQuery()), http.StatusMovedPermanently)
	return nil
}

// renderCompare composes a compare page from the two codes' pre-rendered
// texts: the template runs only for the frame around them.
func (s *Server) renderCompare(l locale.Lang, p pair) (*prepared.Response, error) {
	a, err := s.side(p.a.ID, l.Code)
	if err != nil {
		return nil, err
	}
	b, err := s.side(p.b.ID, l.Code)
	if err != nil {
		return nil, err
	}
	sides := []template.HTML{a, b}
	var body []byte
	// The JSON-LD is added here rather than in the views: the JSON API
	// builds the same views and has no use for it.
	if p.combined() {
		v := s.comboView(l, p)
		v.Sides = sides
		v.JSONLD = s.jsonLD(v.Base, "TechArticle", nil)
		body, err = s.templates.execute("combo", v)
	} else {
		v := s.compareView(l, p)
		v.Sides = sides
		v.JSONLD = s.jsonLD(v.Base, "TechArticle", nil)
		body, err = s.templates.execute("compare", v)
	}
	if err != nil {
		return nil, fmt.Errorf("%s in %s: %w", p.path(), l.Code, err)
	}
	return prepared.New(http.StatusOK, htmlType, l.Code, prepared.Page, body).OnDemand(), nil
}

type compareView struct {
	Base
	H1       string
	Summary  string
	Timeline timelineView
	A, B     codeText
	Sides    []template.HTML // A's and B's pre-rendered texts
	Rows     []compareRow
	// The written note for the pair, when there is one (its translation
	// note is Base.Translation).
	Differences *section
	Which       *section
	// Generated "when to use which" when there is no note.
	Uses []codeText
}

type compareRow struct {
	Label string
	A, B  string
}

// compareView builds the comparison of two codes of the same kind.
func (s *Server) compareView(l locale.Lang, p pair) compareView {
	a, b := p.a, p.b
	base, ta, tb := s.pairFrame(l, p)
	v := compareView{Base: base, A: ta, B: tb}
	names := []any{"A", a.ID, "ATitle", v.A.Title, "B", b.ID, "BTitle", v.B.Title}
	v.H1 = base.T(msgCompareH1, names...)
	v.Title = base.T(msgCompareTitle, names...)
	if a.Class == b.Class {
		v.Summary = base.T(msgCompareSummarySame, append(names, "Class", v.A.ClassName)...)
	} else {
		v.Summary = base.T(msgCompareSummaryDiff, append(names, "AClass", v.A.ClassName, "BClass", v.B.ClassName)...)
	}
	v.Description = v.Summary
	v.Timeline = timeline(base, timelineInput{a.ID, a.Phases}, timelineInput{b.ID, b.Phases})
	v.Rows = []compareRow{
		{base.T(msgCompareRowMeaning), standardText(a), standardText(b)},
		{base.T(msgCompareRowClass), v.A.ClassName, v.B.ClassName},
		{base.T(msgCompareRowNext), v.A.Next, v.B.Next},
	}
	if a.Kind != content.Basic {
		v.Rows = append(v.Rows, compareRow{base.T(msgCompareRowSubject), base.T(subjectMsg(a.Subject())), base.T(subjectMsg(b.Subject()))})
	}
	v.Rows = append(v.Rows,
		compareRow{base.T(msgCompareRowPhases), phaseList(base, a), phaseList(base, b)},
		compareRow{base.T(msgCompareRowRFC), refList(base, a), refList(base, b)},
	)
	if n, ok := s.store.Note(a.ID, b.ID); ok {
		page, fallback := n.Page(l.Code)
		v.Translation = noteFor(base, pageText(l.Code, n))
		for _, sec := range contentSections(base, page, fallback) {
			switch sec.ID {
			case "differences":
				v.Differences = &sec
			case "which":
				v.Which = &sec
			}
		}
	} else {
		v.Uses = []codeText{v.A, v.B}
	}
	return v
}

// comboView explains a basic and an enhanced code that appear together in
// one reply: they are not alternatives.
type comboView struct {
	Base
	Timeline    timelineView
	H1, Summary string
	A, B        codeText // the basic code and the enhanced code
	Sides       []template.HTML
	// Notes say whether the classes agree and whether the registry pairs
	// the two; Which says how to read them together.
	Notes []section
	Which section
	Rows  []compareRow
}

func (s *Server) comboView(l locale.Lang, p pair) comboView {
	basic, enhanced := p.a, p.b
	b, ta, tb := s.pairFrame(l, p)
	v := comboView{Base: b, A: ta, B: tb}
	names := []any{"Basic", basic.ID, "Enhanced", enhanced.ID}
	v.H1 = b.T(msgCompareComboH1, names...)
	v.Title = b.T(msgCompareComboTitle, names...)
	v.Summary = b.T(msgCompareComboSummary, append(names, "Example", basic.ID+" "+enhanced.ID)...)
	v.Description = v.Summary
	v.Timeline = timeline(b, timelineInput{basic.ID, basic.Phases}, timelineInput{enhanced.ID, enhanced.Phases})
	note := func(id, text string) section {
		return section{ID: id, Heading: b.T(headingMsg(id)), HTML: markdown.Paragraph(text), Text: text}
	}
	if basic.Class == enhanced.Class {
		v.Notes = append(v.Notes, note("differences", b.T(msgCompareComboAgree, "Class", v.A.ClassName)))
	} else {
		v.Notes = append(v.Notes, note("differences", b.T(msgCompareComboDisagree, append(names, "BClass", v.A.ClassName, "EClass", v.B.ClassName)...)))
	}
	if e := enhanced.Registry; e != nil {
		id := msgCompareComboRegistryNo
		if slices.Contains(e.BasicCodes(), basic.ID) {
			id = msgCompareComboRegistryYes
		}
		v.Notes = append(v.Notes, note("differences", b.T(id, "Basic", basic.ID, "Key", e.Code)))
	}
	v.Which = note("which", b.T(msgCompareComboWhich))
	v.Rows = []compareRow{
		{b.T(msgCompareRowRole), b.T(msgRoleBasic), b.T(msgRoleEnhanced)},
		{b.T(msgCompareRowMeaning), standardText(basic), standardText(enhanced)},
		{b.T(msgCompareRowClass), v.A.ClassName, v.B.ClassName},
		{b.T(msgCompareRowRFC), refList(b, basic), refList(b, enhanced)},
	}
	return v
}

// pairFrame is what compare and combined pages share: the base view with
// its breadcrumb, and each code's title and summary.
func (s *Server) pairFrame(l locale.Lang, p pair) (b Base, a, bt codeText) {
	path := p.path()
	b = s.base(l, path)
	b.Crumbs = []crumb{{Name: p.a.ID + " / " + p.b.ID, URL: b.Link(path)}}
	return b, s.codeSummary(b, p.a), s.codeSummary(b, p.b)
}

// sideView is one code's text on a compare page, rendered once per code
// and language and reused by every comparison that includes the code.
type sideView struct {
	Base
	Text codeText
}

func refList(b Base, c *content.Code) string {
	if c.Provider != nil {
		return c.Provider.Doc
	}
	var refs []string
	for _, r := range c.Refs {
		if s := r.String(); !slices.Contains(refs, s) {
			refs = append(refs, s)
		}
	}
	return strings.Join(refs, b.T(msgListSeparator))
}

func phaseList(b Base, c *content.Code) string {
	var names []string
	for _, p := range c.Phases {
		names = append(names, b.T(phaseMsg(p)))
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, b.T(msgListSeparator))
}
