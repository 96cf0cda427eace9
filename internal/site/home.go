package site

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// The home page (/) and the index of every code (/codes): the same lists
// of codes, the home page with the go-to and compare forms. Both are
// rendered at start-up in every language.

func (s *Server) serveHome(w http.ResponseWriter, r *http.Request) error {
	return s.servePage(w, r, "/")
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) error {
	return s.servePage(w, r, "/codes")
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

func (s *Server) homeView(l locale.Lang) homeView {
	b := s.base(l, "/")
	// The home page lists what the index lists: its twin is the index's.
	b.Twin = s.cfg.BaseURL + twinPath("/codes") + "?lang=" + l.Code
	b.Title = b.T(msgHomeTitle) + " | " + b.T(msgSiteName)
	b.Description = b.T(msgSiteTagline)
	b.JSONLD = s.jsonLD(b, "WebSite", nil)
	v := homeView{Base: b}
	v.Groups, v.Enhanced, v.Providers = s.codeLists(b)
	return v
}

func (s *Server) indexView(l locale.Lang) homeView {
	b := s.base(l, "/codes")
	b.Title = b.T(msgIndexTitle) + " | " + b.T(msgSiteName)
	b.Description = b.T(msgIndexDescription)
	b.Crumbs = []crumb{{Name: b.T(msgIndexTitle), URL: b.Link("/codes")}}
	b.JSONLD = s.jsonLD(b, "CollectionPage", nil)
	v := homeView{Base: b}
	v.Groups, v.Enhanced, v.Providers = s.codeLists(b)
	return v
}

// codeLists groups every code: basic codes by class, registered enhanced
// codes by subject, provider-only codes apart.
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
			key, name, list = strconv.Itoa(c.Class), className(b, c), &basic
		case content.Enhanced:
			n := c.Subject()
			key, list = "X."+strconv.Itoa(n), &enhanced
			name = s.subjectName(b, n)
		default:
			key, name, list = "provider", b.T(msgHomeProviderHeading), &providers
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
	return b.T(msgHomeSubject, "N", n, "Name", b.T(subjectMsg(n)))
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
