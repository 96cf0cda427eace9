package site

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/smtp"
)

// Provider responses: the catalogue of reply lines real mail systems send.
//
//	/providers                      every system, with counts
//	/providers/gmail                its families, grouped by code
//	/providers/gmail/no-such-user   one family: its verbatim lines and what they mean
//
// and their JSON (api.go). All of them are rendered at start-up, like code
// pages. A family id is permanent: a renamed one redirects, and so does a
// differently-cased spelling.

func providersURL() string                   { return "/providers" }
func providerURL(id string) string           { return "/providers/" + id }
func responseURL(r *content.Response) string { return "/providers/" + r.Provider.ID + "/" + r.ID }

// lineAnchor is the fragment of a line on its family's page.
func lineAnchor(l *content.Line) string { return "line-" + l.ID }

func (s *Server) serveProviders(w http.ResponseWriter, r *http.Request) error {
	return s.servePage(w, r, providersURL())
}

func (s *Server) serveProvidersJSON(w http.ResponseWriter, r *http.Request) error {
	if !s.pages.has("/providers.json") {
		return errJSONNotFound
	}
	setCORS(w)
	return s.servePage(w, r, "/providers.json")
}

// serveProviderPath serves /providers/{provider} and
// /providers/{provider}/{id}, with their .md forms and a family's .json.
func (s *Server) serveProviderPath(w http.ResponseWriter, r *http.Request) error {
	rawProvider := chi.URLParam(r, "provider")
	rawID := chi.URLParam(r, "id")
	last := rawProvider
	if rawID != "" {
		last = rawID
	}
	name, suffix := cutFormat(last)
	if rawID == "" {
		rawProvider = name
	} else {
		rawID = name
	}
	notFound := notFoundAs(suffix)
	p, ok := s.store.Facts.Providers.Get(strings.ToLower(rawProvider))
	if !ok || len(s.store.ProviderResponses(p.ID)) == 0 {
		return notFound
	}
	var path string
	if rawID == "" {
		path = providerURL(p.ID)
		if suffix == ".json" {
			return notFound // the list of a provider's lines is in /providers.json
		}
	} else {
		resp, renamed, ok := s.store.Response(p.ID, strings.ToLower(rawID))
		if !ok {
			return notFound
		}
		path = responseURL(resp)
		if renamed || rawID != resp.ID || rawProvider != p.ID {
			s.canonicalRedirect(w, r, path+suffix)
			return nil
		}
	}
	if rawProvider != p.ID {
		s.canonicalRedirect(w, r, path+suffix)
		return nil
	}
	if suffix != "" {
		setCORS(w)
		path += suffix
	}
	return s.servePage(w, r, path)
}

// addProviderPages enters the catalogue's pages into the page table: the
// index, each provider's page, each family's page and JSON, and
// /providers.json.
func (s *Server) addProviderPages() {
	if len(s.store.Responses()) == 0 {
		return
	}
	t := s.pages
	t.add(providersURL(), htmlType, func(l locale.Lang) ([]byte, error) { return s.templates.execute("providers", s.providersView(l)) })
	for _, p := range s.store.Facts.Providers {
		if len(s.store.ProviderResponses(p.ID)) == 0 {
			continue
		}
		t.add(providerURL(p.ID), htmlType, func(l locale.Lang) ([]byte, error) { return s.templates.execute("provider", s.providerView(l, p)) })
	}
	for _, resp := range s.store.Responses() {
		t.add(responseURL(resp), htmlType, func(l locale.Lang) ([]byte, error) { return s.templates.execute("response", s.responseView(l, resp)) })
		t.add(responseURL(resp)+".json", jsonType, func(l locale.Lang) ([]byte, error) { return marshalJSON(s.apiResponse(s.responseView(l, resp))) })
	}
	t.add("/providers.json", jsonType, func(l locale.Lang) ([]byte, error) {
		all := apiLines{Lang: l.Code, Lines: []apiLine{}}
		for _, resp := range s.store.Responses() {
			all.Lines = append(all.Lines, s.apiResponse(s.responseView(l, resp)).Lines...)
		}
		return marshalJSON(all)
	})
}

// The index of providers.

type providersView struct {
	Base
	Groups           []providerGroup
	Count            string // "1,158 reply lines in 505 families from 43 systems"
	PlaceholdersNote string
}

type providerGroup struct {
	Kind, Name string
	Providers  []providerItem
}

type providerItem struct {
	ID, Name, URL string
	Counts        string
}

func (s *Server) providersView(l locale.Lang) providersView {
	b := s.base(l, providersURL())
	b.Title = b.T(msgProvidersTitle) + " | " + b.T(msgSiteName)
	b.Description = b.T(msgProvidersDescription)
	b.Crumbs = []crumb{{Name: b.T(msgProvidersTitle), URL: b.Link(providersURL())}}
	b.JSONLD = s.jsonLD(b, "CollectionPage", nil)
	v := providersView{Base: b, PlaceholdersNote: b.T(msgPlaceholdersNote)}
	lines, families, systems := 0, 0, 0
	for _, kind := range smtp.ProviderKinds {
		g := providerGroup{Kind: kind, Name: b.T(kindMsg(kind))}
		for _, p := range s.store.Facts.Providers {
			rs := s.store.ProviderResponses(p.ID)
			if p.Kind != kind || len(rs) == 0 {
				continue
			}
			n := 0
			for _, r := range rs {
				n += len(r.Lines)
			}
			lines, families, systems = lines+n, families+len(rs), systems+1
			g.Providers = append(g.Providers, providerItem{ID: p.ID, Name: p.Name, URL: b.Link(providerURL(p.ID)), Counts: countLines(b, n, len(rs))})
		}
		if len(g.Providers) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	v.Count = countLines(b, lines, families) + " · " + b.N(msgProviderSystems, systems)
	return v
}

// countLines says "12 reply lines · 5 explanations", in the language's
// plural forms.
func countLines(b Base, lines, families int) string {
	return b.N(msgProviderLines, lines) + " · " + b.N(msgProviderFamilies, families)
}

// One provider's page.

type providerView struct {
	Base
	Name, Kind, Website string
	Counts              string
	Groups              []responseGroup
}

// responseGroup is the families with lines of one basic code.
type responseGroup struct {
	Code     string
	CodeURL  string // "" when the site has no page for it
	Families []responseLink
}

// responseLink is a link to a family page.
type responseLink struct {
	Provider string
	Title    string
	URL      string
	Codes    string // "550 5.1.1, 550 5.1.10"
	Fallback bool
}

func (s *Server) responseLink(b Base, r *content.Response) responseLink {
	p, fallback := r.Page(b.Lang.Code)
	var pairs []string
	for _, l := range r.Lines {
		if pc := strings.TrimSpace(l.Basic + " " + l.Enhanced); !containsString(pairs, pc) {
			pairs = append(pairs, pc)
		}
	}
	return responseLink{Provider: r.Provider.Name, Title: p.Title, URL: b.Link(responseURL(r)), Codes: strings.Join(pairs, ", "), Fallback: fallback}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) providerView(l locale.Lang, p smtp.Provider) providerView {
	b := s.base(l, providerURL(p.ID))
	b.Title = b.T(msgProviderTitle, "Provider", p.Name) + " | " + b.T(msgSiteName)
	b.Description = b.T(msgProviderDescription, "Provider", p.Name)
	b.Crumbs = []crumb{{Name: b.T(msgProvidersTitle), URL: b.Link(providersURL())}, {Name: p.Name, URL: b.Link(providerURL(p.ID))}}
	b.JSONLD = s.jsonLD(b, "CollectionPage", nil)
	v := providerView{Base: b, Name: p.Name, Kind: b.T(kindMsg(p.Kind)), Website: p.Website}
	rs := s.store.ProviderResponses(p.ID)
	lines := 0
	// A family appears under each basic code its lines carry.
	byCode := map[string]int{}
	for _, r := range rs {
		lines += len(r.Lines)
		link := s.responseLink(b, r)
		var seen []string
		for _, ln := range r.Lines {
			if containsString(seen, ln.Basic) {
				continue
			}
			seen = append(seen, ln.Basic)
			i, ok := byCode[ln.Basic]
			if !ok {
				g := responseGroup{Code: ln.Basic}
				if c, ok := s.store.Code(ln.Basic); ok {
					g.CodeURL = b.Link(codeURL(c.ID))
				}
				v.Groups = append(v.Groups, g)
				i = len(v.Groups) - 1
				byCode[ln.Basic] = i
			}
			v.Groups[i].Families = append(v.Groups[i].Families, link)
		}
	}
	sortGroups(v.Groups)
	v.Counts = countLines(b, lines, len(rs))
	return v
}

func sortGroups(gs []responseGroup) {
	for i := 1; i < len(gs); i++ {
		for j := i; j > 0 && smtp.Less(gs[j].Code, gs[j-1].Code); j-- {
			gs[j], gs[j-1] = gs[j-1], gs[j]
		}
	}
}

// One family's page.

type responseView struct {
	Base
	H1, Summary  string
	Fallback     bool
	ProviderName string
	ProviderURL  string
	Lines        []lineView
	Sections     []section
	WhoActs      string
	Retry        string
	Registry     []registryRow
	Codes        []codeLink
	Pairs        []codeLink // compare pages of a basic and an enhanced code that come together
	Sources      []sourceView
	Placeholders string

	resp *content.Response
}

type lineView struct {
	Anchor        string
	Href          string
	Reply         string
	Token         string
	Phase         string
	Seen          string
	Source        sourceView
	ClassMismatch string
}

type sourceView struct {
	Title, URL, License, Retrieved, Version string
}

// registryRow sets the registry's meaning of an enhanced code beside the
// provider's.
type registryRow struct {
	Code         string
	URL          string // the code's page, "" when the registry has none
	RegistryName string // "" when the code is not in the registry
	Differs      bool
}

func sourceOf(b Base, src *content.Source) sourceView {
	license := src.License
	if strings.HasPrefix(license, "unknown") {
		// A forum post or a bounce quoted in an issue states no licence;
		// what is taken from it is a fact, the reply line.
		license = b.T(msgLicenseUnknown)
	}
	return sourceView{Title: src.Title, URL: src.URL, License: license, Retrieved: src.Retrieved, Version: src.Version}
}

func (s *Server) responseView(l locale.Lang, r *content.Response) responseView {
	path := responseURL(r)
	b := s.base(l, path)
	page, fallback := r.Page(l.Code)
	codes := r.Codes()
	b.Title = b.T(msgResponseTitle, "Provider", r.Provider.Name, "Codes", strings.Join(codes, " "), "Title", page.Title) + " | " + b.T(msgSiteName)
	b.Description = page.Summary
	b.Crumbs = []crumb{{Name: b.T(msgProvidersTitle), URL: b.Link(providersURL())}, {Name: r.Provider.Name, URL: b.Link(providerURL(r.Provider.ID))}, {Name: page.Title, URL: b.Link(path)}}
	b.JSONLD = s.jsonLD(b, "TechArticle", nil)
	v := responseView{
		Base: b, H1: page.Title, Summary: page.Summary, Fallback: fallback, resp: r,
		ProviderName: r.Provider.Name, ProviderURL: b.Link(providerURL(r.Provider.ID)),
		WhoActs: b.T(actorMsg(r.Who)), Placeholders: b.T(msgPlaceholdersNote),
	}
	v.Sections = contentSections(b, page, fallback)
	v.Translation = noteFor(b, pageText(l.Code, r))
	classes := map[int]bool{}
	for _, ln := range r.Lines {
		lv := lineView{
			Anchor: lineAnchor(ln), Href: b.Link(path) + "#" + lineAnchor(ln),
			Reply: ln.Reply, Token: ln.Token, Seen: ln.Seen, Source: sourceOf(b, ln.Source),
		}
		if ln.Phase != "" {
			lv.Phase = b.T(phaseMsg(ln.Phase))
		}
		if ln.ClassMismatch {
			lv.ClassMismatch = b.T(msgDecodeMismatch, "Basic", ln.Basic, "Enhanced", ln.Enhanced)
		}
		v.Lines = append(v.Lines, lv)
		classes[smtp.Class(ln.Basic)] = true
	}
	switch {
	case classes[4] && classes[5]:
		v.Retry = b.T(msgRetryMixed)
	case classes[4]:
		v.Retry = b.T(msgRetryTemporary)
	case classes[5]:
		v.Retry = b.T(msgRetryPermanent)
	default:
		v.Retry = b.T(msgRetryNone)
	}
	for _, code := range codes {
		c, ok := s.store.Code(code)
		if ok {
			v.Codes = append(v.Codes, s.codeLink(b, c))
		}
		if smtp.IsBasic(code) {
			continue
		}
		row := registryRow{Code: code, Differs: r.Registry == "differs"}
		if c != nil && c.Registry != nil {
			row.RegistryName, row.URL = c.Registry.Name, b.Link(codeURL(c.ID))
		}
		v.Registry = append(v.Registry, row)
	}
	var pairs []string
	for _, ln := range r.Lines {
		key := ln.Basic + "-vs-" + ln.Enhanced
		if ln.Enhanced == "" || containsString(pairs, key) {
			continue
		}
		pairs = append(pairs, key)
		bc, okB := s.store.Code(ln.Basic)
		ec, okE := s.store.Code(ln.Enhanced)
		if okB && okE {
			v.Pairs = append(v.Pairs, codeLink{ID: ln.Basic + " " + ln.Enhanced, URL: b.Link(compareURL(bc, ec))})
		}
	}
	for _, src := range r.Sources() {
		v.Sources = append(v.Sources, sourceOf(b, src))
	}
	return v
}
