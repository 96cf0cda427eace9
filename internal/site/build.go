package site

import (
	"html/template"
	"slices"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// This file builds the typed view of every page from the store, for one
// language. Nothing here looks at a request.

// codeLists groups every code for the home page and the /codes index:
// basic codes by class, registered enhanced codes by subject, provider-only
// codes apart.
func (s *Server) codeLists(b Base) (basic, enhanced, providers []codeGroup) {
	type slot struct {
		list *[]codeGroup
		i    int
	}
	// Index, not pointer: appending a group may move the slice.
	groups := map[string]slot{}
	for _, c := range s.store.Codes() {
		var key, name string
		var list *[]codeGroup
		switch c.Kind {
		case content.Basic:
			key, name, list = strconv.Itoa(c.Class), b.T("class_"+strconv.Itoa(c.Class)), &basic
		case content.Enhanced:
			n := c.Subject()
			key, list = "X."+strconv.Itoa(n), &enhanced
			name = s.subjectName(b, n)
		default:
			key, name, list = "provider", b.T("home_provider_heading"), &providers
		}
		g, ok := groups[key]
		if !ok {
			*list = append(*list, codeGroup{Name: name})
			g = slot{list, len(*list) - 1}
			groups[key] = g
		}
		(*g.list)[g.i].Codes = append((*g.list)[g.i].Codes, s.codeLink(b, c))
	}
	// Subjects in order (X.2 first appears after X.3, with class 4).
	slices.SortStableFunc(enhanced, func(x, y codeGroup) int { return strings.Compare(x.Name, y.Name) })
	// Within a subject, keep the classes of one entry together:
	// 4.1.1 next to 5.1.1.
	for _, g := range append(enhanced, providers...) {
		slices.SortStableFunc(g.Codes, func(x, y codeLink) int {
			return slices.Compare(enhancedOrder(x.ID), enhancedOrder(y.ID))
		})
	}
	return basic, enhanced, providers
}

func (s *Server) subjectName(b Base, n int) string {
	return b.T("home_subject", "N", n, "Name", b.T("subject_"+strconv.Itoa(n)))
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

func (s *Server) homeView(l locale.Lang) homeView {
	b := s.base(l, "/")
	b.Title = b.T("home_title") + " | " + b.T("site_name")
	b.Description = b.T("site_tagline")
	b.JSONLD = s.jsonLD(b, "WebSite", nil)
	v := homeView{Base: b}
	v.Groups, v.Enhanced, v.Providers = s.codeLists(b)
	return v
}

func (s *Server) indexView(l locale.Lang) homeView {
	b := s.base(l, "/codes")
	b.Title = b.T("index_title") + " | " + b.T("site_name")
	b.Description = b.T("index_description")
	b.Crumbs = []crumb{{Name: b.T("index_title"), URL: b.Link("/codes")}}
	b.JSONLD = s.jsonLD(b, "CollectionPage", nil)
	v := homeView{Base: b}
	v.Groups, v.Enhanced, v.Providers = s.codeLists(b)
	return v
}

func (s *Server) codeView(l locale.Lang, c *content.Code) codeView {
	b := s.base(l, codeURL(c.ID))
	t := s.codeText(b, c)
	v := codeView{Base: b, Text: t, H1: b.T("code_h1", "Code", c.ID, "Title", t.Title)}
	v.Title = b.T("code_title", "Code", c.ID, "Title", t.Title)
	v.Description = t.Summary
	v.Crumbs = []crumb{{Name: c.ID, URL: b.Link(codeURL(c.ID))}}
	if subject, ok := s.store.Code(strconv.Itoa(c.Class) + "." + strconv.Itoa(c.Subject()) + ".0"); ok && c.Kind != content.Basic && subject != c {
		v.Crumbs = append([]crumb{{Name: s.subjectName(b, c.Subject()), URL: b.Link(codeURL(subject.ID))}}, v.Crumbs...)
	}
	if c.Kind == content.Basic {
		v.Category = b.T("category_" + c.ID[1:2])
	} else {
		v.enhancedFacts(b, c, s)
	}
	for _, d := range c.Defs {
		v.Defs = append(v.Defs, defView{Context: contextName(b, d.Context), Ref: d.Ref.String(), Text: d.Text})
	}
	if c.Registry != nil {
		entry := b.T("registry_entry", "Key", c.Key)
		for _, ref := range c.Refs {
			v.Defs = append(v.Defs, defView{Context: entry, Ref: ref.String()})
		}
	}
	v.Timeline = timeline(b, timelineInput{c.ID, c.Phases})
	switch {
	case c.Kind == content.Basic:
		v.SeenWithHeading = b.UI["heading_seen_with_enhanced"]
	case len(c.SeenWith) > 0:
		v.SeenWithHeading = b.UI["heading_seen_with_basic"]
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

func contextName(b Base, ctx string) string {
	if ctx == "" {
		ctx = "base"
	}
	return b.T("context_" + ctx)
}

// compareView builds the comparison of two codes in canonical order. sides
// are the two codes' pre-rendered texts.
func (s *Server) compareView(l locale.Lang, a, b *content.Code, sides []template.HTML) compareView {
	path := compareURL(a, b)
	base := s.base(l, path)
	v := compareView{Base: base, A: s.codeSummary(base, a), B: s.codeSummary(base, b), Sides: sides}
	v.Crumbs = []crumb{{Name: a.ID + " / " + b.ID, URL: base.Link(path)}}
	names := []any{"A", a.ID, "ATitle", v.A.Title, "B", b.ID, "BTitle", v.B.Title}
	v.H1 = base.T("compare_h1", names...)
	v.Title = base.T("compare_title", names...)
	if a.Class == b.Class {
		v.Summary = base.T("compare_summary_same", append(names, "Class", v.A.ClassName)...)
	} else {
		v.Summary = base.T("compare_summary_diff", append(names, "AClass", v.A.ClassName, "BClass", v.B.ClassName)...)
	}
	v.Description = v.Summary
	v.Timeline = timeline(base, timelineInput{a.ID, a.Phases}, timelineInput{b.ID, b.Phases})
	v.Rows = []compareRow{
		{base.T("compare_row_meaning"), standardText(a), standardText(b)},
		{base.T("compare_row_class"), v.A.ClassName, v.B.ClassName},
		{base.T("compare_row_next"), v.A.Next, v.B.Next},
	}
	if a.Kind != content.Basic {
		v.Rows = append(v.Rows, compareRow{base.T("compare_row_subject"), base.T("subject_" + strconv.Itoa(a.Subject())), base.T("subject_" + strconv.Itoa(b.Subject()))})
	}
	v.Rows = append(v.Rows,
		compareRow{base.T("compare_row_phases"), phaseList(base, a), phaseList(base, b)},
		compareRow{base.T("compare_row_rfc"), refList(a), refList(b)},
	)
	if n, ok := s.store.Note(a.ID, b.ID); ok {
		p, fallback := n.Page(l.Code)
		for _, sec := range p.Sections {
			h := base.T(headings[sec.ID])
			sv := &section{ID: sec.ID, Heading: h, H: base.H(sec.ID, h), HTML: template.HTML(sec.HTML), Fallback: fallback}
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
	return v
}

// comboView explains a basic and an enhanced code that appear together in
// one reply: they are not alternatives.
func (s *Server) comboView(l locale.Lang, basic, enhanced *content.Code, sides []template.HTML) comboView {
	path := compareURL(basic, enhanced)
	b := s.base(l, path)
	v := comboView{Base: b, A: s.codeSummary(b, basic), B: s.codeSummary(b, enhanced), Sides: sides}
	v.Crumbs = []crumb{{Name: basic.ID + " / " + enhanced.ID, URL: b.Link(path)}}
	names := []any{"Basic", basic.ID, "Enhanced", enhanced.ID}
	v.H1 = b.T("compare_combo_h1", names...)
	v.Title = b.T("compare_combo_title", names...)
	v.Summary = b.T("compare_combo_summary", append(names, "Example", basic.ID+" "+enhanced.ID)...)
	v.Description = v.Summary
	v.Timeline = timeline(b, timelineInput{basic.ID, basic.Phases}, timelineInput{enhanced.ID, enhanced.Phases})
	if basic.Class == enhanced.Class {
		v.ClassNote = b.T("compare_combo_agree", "Class", v.A.ClassName)
	} else {
		v.ClassNote = b.T("compare_combo_disagree", append(names, "BClass", v.A.ClassName, "EClass", v.B.ClassName)...)
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
		{b.T("compare_row_class"), v.A.ClassName, v.B.ClassName},
		{b.T("compare_row_rfc"), refList(basic), refList(enhanced)},
	}
	return v
}

// sideView is one code's text on a compare page, rendered once per code
// and language and reused by every comparison that includes the code.
type sideView struct {
	Base
	Text codeText
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

func phaseList(b Base, c *content.Code) string {
	var names []string
	for _, p := range c.Phases {
		names = append(names, b.T("phase_"+string(p)))
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
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
