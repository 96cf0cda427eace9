package site

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/unicode/norm"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

func (s *Server) serveHome(w http.ResponseWriter, r *http.Request) error {
	if s.rememberChoice(w, r, "/") {
		return nil
	}
	b := s.base(r, "/")
	b.Title = b.T("home_title") + " | " + b.T("site_name")
	b.Description = b.T("site_tagline")
	v := homeView{Base: b}
	groups := map[string]*codeGroup{}
	for _, c := range s.store.Codes() {
		var key, name string
		var list *[]codeGroup
		switch c.Kind {
		case content.Basic:
			key, name, list = strconv.Itoa(c.Class), b.T("class_"+strconv.Itoa(c.Class)), &v.Groups
		case content.Enhanced:
			n := c.Subject()
			key, list = "X."+strconv.Itoa(n), &v.Enhanced
			name = b.T("home_subject", "N", n, "Name", b.T("subject_"+strconv.Itoa(n)))
		default:
			key, name, list = "provider", b.T("home_provider_heading"), &v.Providers
		}
		g, ok := groups[key]
		if !ok {
			*list = append(*list, codeGroup{Name: name})
			g = &(*list)[len(*list)-1]
			groups[key] = g
		}
		g.Codes = append(g.Codes, s.codeLink(b, c))
	}
	// Within a subject, keep the classes of one entry together:
	// 4.1.1 next to 5.1.1.
	for _, g := range append(v.Enhanced, v.Providers...) {
		slices.SortStableFunc(g.Codes, func(x, y codeLink) int {
			return slices.Compare(enhancedOrder(x.ID), enhancedOrder(y.ID))
		})
	}
	s.render(w, r, http.StatusOK, "home", v)
	return nil
}

// enhancedOrder sorts "5.1.10" by subject, detail, then class.
func enhancedOrder(id string) []int {
	parts := strings.Split(id, ".")
	key := make([]int, 0, 3)
	for _, i := range []int{1, 2, 0} {
		n, _ := strconv.Atoi(parts[i])
		key = append(key, n)
	}
	return key
}

func (s *Server) serveCode(w http.ResponseWriter, r *http.Request) error {
	raw := chi.URLParam(r, "code")
	c, ok := s.store.Code(raw)
	if !ok {
		if canon, ok := s.canonicalCode(raw); ok {
			redirect(w, r, codeURL(canon.ID))
			return nil
		}
		return errNotFound
	}
	if s.rememberChoice(w, r, codeURL(c.ID)) {
		return nil
	}
	b := s.base(r, codeURL(c.ID))
	t := s.codeText(b, c)
	v := codeView{
		Base: b,
		Text: t,
		H1:   b.T("code_h1", "Code", c.ID, "Title", t.Title),
	}
	v.Title = b.T("code_title", "Code", c.ID, "Title", t.Title)
	v.Description = t.Summary
	v.Crumbs = []crumb{{Name: c.ID, URL: b.Link(codeURL(c.ID))}}
	if subject, ok := s.store.Code(strconv.Itoa(c.Class) + "." + strconv.Itoa(c.Subject()) + ".0"); ok && c.Kind != content.Basic && subject != c {
		v.Crumbs = append([]crumb{{Name: b.T("home_subject", "N", c.Subject(), "Name", b.T("subject_"+strconv.Itoa(c.Subject()))), URL: b.Link(codeURL(subject.ID))}}, v.Crumbs...)
	}
	if c.Kind == content.Basic {
		v.Category = b.T("category_" + c.ID[1:2])
	} else {
		v.enhancedFacts(b, c, s)
	}
	for _, d := range c.Defs {
		v.Defs = append(v.Defs, defView{Context: s.contextName(b, d.Context), Ref: d.Ref.String(), Text: d.Text})
	}
	if c.Registry != nil {
		entry := b.T("registry_entry", "Key", c.Key)
		for _, ref := range c.Refs {
			v.Defs = append(v.Defs, defView{Context: entry, Ref: ref.String()})
		}
	}
	for _, p := range c.Phases {
		if p == content.Any {
			v.AnyPhase = true
			continue
		}
		v.Phases = append(v.Phases, b.T("phase_"+string(p)))
	}
	for _, id := range c.SeenWith {
		o, _ := s.store.Code(id)
		v.SeenWith = append(v.SeenWith, s.codeLink(b, o))
	}
	for _, id := range c.Related {
		o, _ := s.store.Code(id)
		l := s.codeLink(b, o)
		l.CompareURL = b.Link(compareURL(c, o))
		v.Related = append(v.Related, l)
	}
	s.render(w, r, http.StatusOK, "code", v)
	return nil
}

func (s *Server) contextName(b Base, ctx string) string {
	if ctx == "" {
		ctx = "base"
	}
	return b.T("context_" + ctx)
}

// parsePair splits "421-vs-556" into its two codes. exact is false when a
// code was spelled in a non-canonical way (leading zeros).
func (s *Server) parsePair(pair string) (a, b *content.Code, exact, ok bool) {
	x, y, found := strings.Cut(pair, "-vs-")
	if !found {
		return nil, nil, false, false
	}
	a, okA := s.store.Code(x)
	b, okB := s.store.Code(y)
	exact = okA && okB
	if !okA {
		a, okA = s.canonicalCode(x)
	}
	if !okB {
		b, okB = s.canonicalCode(y)
	}
	return a, b, exact, okA && okB
}

// canonicalCode finds the code a non-canonical spelling unambiguously means:
// "05.1.1" and "5.01.1" are 5.1.1. Only digits and dots in the shape of a
// code qualify, each part at most three digits after its leading zeros.
func (s *Server) canonicalCode(raw string) (*content.Code, bool) {
	if len(raw) > 24 {
		return nil, false
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 1 && len(parts) != 3 {
		return nil, false
	}
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return nil, false
		}
		p = strings.TrimLeft(p, "0")
		if p == "" {
			p = "0"
		}
		if len(p) > 3 {
			return nil, false
		}
		parts[i] = p
	}
	return s.store.Code(strings.Join(parts, "."))
}

// redirect sends a permanent redirect to path, keeping the request's query
// string. path is built from validated parts; the query follows a "?" and
// so cannot change where the redirect leads.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	if q := r.URL.RawQuery; q != "" && utf8.ValidString(q) {
		path += "?" + q
	}
	http.Redirect(w, r, path, http.StatusMovedPermanently)
}

func (s *Server) serveCompare(w http.ResponseWriter, r *http.Request) error {
	a, b, exact, ok := s.parsePair(chi.URLParam(r, "pair"))
	if !ok {
		return errNotFound
	}
	if a == b {
		redirect(w, r, codeURL(a.ID))
		return nil
	}
	if !exact || content.Less(b, a) {
		redirect(w, r, compareURL(a, b))
		return nil
	}
	path := compareURL(a, b)
	if s.rememberChoice(w, r, path) {
		return nil
	}
	base := s.base(r, path)
	if (a.Kind == content.Basic) != (b.Kind == content.Basic) {
		s.render(w, r, http.StatusOK, "combo", s.comboView(base, a, b))
		return nil
	}
	v := compareView{Base: base, A: s.codeText(base, a), B: s.codeText(base, b)}
	v.Sides = []codeText{v.A, v.B}
	v.Crumbs = []crumb{{Name: a.ID + " / " + b.ID, URL: base.Link(path)}}
	v.H1 = base.T("compare_h1", "A", a.ID, "ATitle", v.A.Title, "B", b.ID, "BTitle", v.B.Title)
	v.Title = base.T("compare_title", "A", a.ID, "ATitle", v.A.Title, "B", b.ID, "BTitle", v.B.Title)
	if a.Class == b.Class {
		v.Summary = base.T("compare_summary_same", "A", a.ID, "ATitle", v.A.Title, "B", b.ID, "BTitle", v.B.Title, "Class", v.A.ClassName)
	} else {
		v.Summary = base.T("compare_summary_diff", "A", a.ID, "ATitle", v.A.Title, "AClass", v.A.ClassName, "B", b.ID, "BTitle", v.B.Title, "BClass", v.B.ClassName)
	}
	v.Description = v.Summary
	v.Rows = []compareRow{
		{base.T("compare_row_meaning"), standardText(a), standardText(b)},
		{base.T("compare_row_class"), v.A.ClassName, v.B.ClassName},
		{base.T("compare_row_next"), v.A.Next, v.B.Next},
	}
	if a.Kind != content.Basic {
		v.Rows = append(v.Rows, compareRow{base.T("compare_row_subject"), base.T("subject_" + strconv.Itoa(a.Subject())), base.T("subject_" + strconv.Itoa(b.Subject()))})
	}
	v.Rows = append(v.Rows,
		compareRow{base.T("compare_row_phases"), s.phaseList(base, a), s.phaseList(base, b)},
		compareRow{base.T("compare_row_rfc"), refList(a), refList(b)},
	)
	if n, ok := s.store.Note(a.ID, b.ID); ok {
		p, fallback := n.Page(base.Lang.Code)
		for _, sec := range p.Sections {
			sv := &section{ID: sec.ID, Heading: base.T(headings[sec.ID]), HTML: template.HTML(sec.HTML), Fallback: fallback}
			switch sec.ID {
			case "differences":
				v.Differences = sv
			case "which":
				v.Which = sv
			}
		}
	} else {
		v.Uses = []codeText{v.A, v.B}
	}
	s.render(w, r, http.StatusOK, "compare", v)
	return nil
}

// comboView explains a basic and an enhanced code that appear together in
// one reply: they are not alternatives.
func (s *Server) comboView(b Base, basic, enhanced *content.Code) comboView {
	v := comboView{Base: b, Basic: s.codeText(b, basic), Enhanced: s.codeText(b, enhanced)}
	v.Sides = []codeText{v.Basic, v.Enhanced}
	path := compareURL(basic, enhanced)
	v.Crumbs = []crumb{{Name: basic.ID + " / " + enhanced.ID, URL: b.Link(path)}}
	names := []any{"Basic", basic.ID, "Enhanced", enhanced.ID}
	v.H1 = b.T("compare_combo_h1", names...)
	v.Title = b.T("compare_combo_title", names...)
	v.Summary = b.T("compare_combo_summary", append(names, "Example", basic.ID+" "+enhanced.ID)...)
	v.Description = v.Summary
	if basic.Class == enhanced.Class {
		v.ClassNote = b.T("compare_combo_agree", "Class", v.Basic.ClassName)
	} else {
		v.ClassNote = b.T("compare_combo_disagree", append(names, "BClass", v.Basic.ClassName, "EClass", v.Enhanced.ClassName)...)
	}
	if e := enhanced.Registry; e != nil {
		id := "compare_combo_registry_no"
		if slices.Contains(e.BasicCodes(), basic.ID) {
			id = "compare_combo_registry_yes"
		}
		v.RegistryNote = b.T(id, "Basic", basic.ID, "Key", e.Code)
	}
	v.Rows = []compareRow{
		{b.T("compare_row_role"), b.T("role_basic"), b.T("role_enhanced")},
		{b.T("compare_row_meaning"), standardText(basic), standardText(enhanced)},
		{b.T("compare_row_class"), v.Basic.ClassName, v.Enhanced.ClassName},
		{b.T("compare_row_rfc"), refList(basic), refList(enhanced)},
	}
	return v
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

func refList(c *content.Code) string {
	if c.Provider != nil {
		return c.Provider.Doc
	}
	var refs []string
	for _, r := range c.Refs {
		if s := r.String(); !slices.Contains(refs, s) {
			refs = append(refs, s)
		}
	}
	return strings.Join(refs, ", ")
}

func (s *Server) phaseList(b Base, c *content.Code) string {
	var names []string
	for _, p := range c.Phases {
		names = append(names, b.T("phase_"+string(p)))
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

// serveCompareForm answers the home page's comparison form
// (/compare?a=556&b=421) with a redirect to the canonical comparison.
func (s *Server) serveCompareForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a, okA := s.store.Code(normalizeCode(q.Get("a")))
	b, okB := s.store.Code(normalizeCode(q.Get("b")))
	if !okA || !okB {
		return errNotFound
	}
	path := compareURL(a, b)
	if a == b {
		path = codeURL(a.ID)
	}
	if l, src := langFrom(r.Context()); src == locale.FromQuery {
		path += "?lang=" + l.Code
	}
	http.Redirect(w, r, path, http.StatusMovedPermanently)
	return nil
}

// normalizeCode cleans what a reader typed into a code box: surrounding
// space, full-width digits and dots (NFKC).
func normalizeCode(v string) string {
	if len(v) > 32 {
		return ""
	}
	return strings.TrimSpace(norm.NFKC.String(v))
}

// resolveEntry returns the page of registry entry "X.6.8" in the given
// class, or in another class if that one has no page.
func (s *Server) resolveEntry(key string, class int) (*content.Code, bool) {
	rest := strings.TrimPrefix(key, "X")
	for _, cl := range []int{class, 5, 4, 2} {
		if c, ok := s.store.Code(strconv.Itoa(cl) + rest); ok {
			return c, true
		}
	}
	return nil, false
}
