package site

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// Search: /search?q= (and the go-to box, /go, which lands on a code's page
// or falls back to a search), and /search.json?q=, the same results as
// JSON for tools (the MCP server's search tool reads it).
//
// Search is a linear scan over every code page of one language: a few
// hundred documents of a few kilobytes, well under a millisecond, with no
// index to keep in sync. Text is compared folded (fold.go: NFKC, lower
// case, Latin diacritics and ё removed), so full-width digits (４２１)
// match 421, codigo matches código, and a Chinese, Japanese or Korean
// query matches as a substring without any word splitting. A query word
// that does not match as typed may match in a form searchTerms derives
// from it: German ae/oe/ue for ä/ö/ü, a Korean word without its particle,
// a Russian word without its ending.

// maxQueryRunes bounds the query; longer input is cut, with a notice.
const maxQueryRunes = 100

// maxResults bounds the result list.
const maxResults = 50

type searchIndex struct {
	docs map[string][]searchDoc // by language
}

// searchDoc is one page the search finds: a code page or a family of
// provider replies.
type searchDoc struct {
	code    *content.Code     // a code page, or
	resp    *content.Response // a family page
	title   string            // folded; the result shows the page's link title
	summary foldedText
	body    foldedText
}

func newSearchIndex(s *Server) *searchIndex {
	idx := &searchIndex{docs: map[string][]searchDoc{}}
	f := newFolder()
	for _, l := range s.locales.Langs() {
		for _, c := range s.store.Codes() {
			p, _ := c.Page(l.Code)
			var body strings.Builder
			for _, sec := range p.Sections {
				body.WriteString(sec.Text)
				body.WriteString(" ")
			}
			d := searchDoc{code: c, title: f.fold(p.Title), summary: f.text(p.Summary), body: f.text(body.String())}
			idx.docs[l.Code] = append(idx.docs[l.Code], d)
		}
		// Families: their explanation, and their verbatim lines and
		// tokens, so that a fragment of a reply finds its page.
		for _, r := range s.store.Responses() {
			p, _ := r.Page(l.Code)
			var body strings.Builder
			for _, ln := range r.Lines {
				body.WriteString(ln.Reply)
				body.WriteString(" ")
			}
			for _, sec := range p.Sections {
				body.WriteString(sec.Text)
				body.WriteString(" ")
			}
			d := searchDoc{resp: r, title: f.fold(r.Provider.Name + ": " + p.Title), summary: f.text(p.Summary), body: f.text(body.String())}
			idx.docs[l.Code] = append(idx.docs[l.Code], d)
		}
	}
	return idx
}

type searchResult struct {
	Label    string // the code, or the codes of a family's lines
	Title    string
	URL      string
	Hint     string // the class, or the provider
	Snippet  []snippetPart
	Fallback bool
	score    int
}

type snippetPart struct {
	Text string
	Mark bool
}

// normalizeQuery cleans the query as the reader will see it again (NFKC,
// single spaces) and bounds it; searchTerms folds it.
func normalizeQuery(q string) (clean string, truncated bool) {
	clean = strings.Join(strings.Fields(norm.NFKC.String(q)), " ")
	if utf8.RuneCountInString(clean) > maxQueryRunes {
		clean = strings.TrimSpace(string([]rune(clean)[:maxQueryRunes]))
		truncated = true
	}
	return clean, truncated
}

func isCodeLike(q string) bool {
	return q != "" && strings.Trim(q, "0123456789.") == "" && len(q) <= 11
}

// searchTerm is one word of a query: its folded form, then the forms it
// may also match when it does not match as typed.
type searchTerm struct{ forms []string }

// searchTerms folds the words of a clean query, in language l, and adds
// the forms a reader's spelling stands for:
//
//   - German (pages in German): ae, oe, ue typed for ä, ö, ü, which fold
//     to a, o, u ("Groesse" finds "Größe", as "Grosse" does by folding).
//     Only in German: in English "due" would also find "during".
//   - Korean: a word of Hangul with a particle attached (메일함이, 서버에서)
//     also matches without it, since pages write the bare noun.
//   - Russian: a Cyrillic word of five letters or more also matches without
//     a common case or adjective ending (сервера, сервером find сервер),
//     keeping at least four letters.
//
// Chinese and Japanese need none of this: a query matches as a substring.
func searchTerms(q string, l locale.Lang) []searchTerm {
	f := newFolder()
	base, _ := l.Tag.Base()
	german := base.String() == "de"
	var terms []searchTerm
	for _, w := range strings.Fields(q) {
		w = f.fold(w)
		if w == "" {
			continue // only marks: it would match everywhere
		}
		t := searchTerm{forms: []string{w}}
		if german {
			if g := germanDigraphs.Replace(w); g != w {
				t.forms = append(t.forms, g)
			}
		}
		t.forms = append(t.forms, koreanStems(w)...)
		if stem, ok := russianStem(w); ok {
			t.forms = append(t.forms, stem)
		}
		terms = append(terms, t)
	}
	return terms
}

var germanDigraphs = strings.NewReplacer("ae", "a", "oe", "o", "ue", "u")

// koreanParticles are the particles searchTerms takes off a Hangul word,
// the longer first (에서 before 에).
var koreanParticles = []string{"에서", "으로", "이", "가", "은", "는", "을", "를", "의", "에", "로", "와", "과", "도", "만"}

// koreanStems returns w without each particle it ends with, when w is a
// Hangul word and something is left.
func koreanStems(w string) []string {
	last, _ := utf8.DecodeLastRuneInString(w)
	if !unicode.Is(unicode.Hangul, last) {
		return nil
	}
	var stems []string
	for _, p := range koreanParticles {
		if stem, ok := strings.CutSuffix(w, p); ok && stem != "" {
			stems = append(stems, stem)
		}
	}
	return stems
}

// russianEndings are common noun and adjective endings, the longer first.
// Folded text has no ё.
var russianEndings = []string{
	"ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими",
	"ах", "ях", "ам", "ям", "ом", "ем", "ой", "ей", "ов", "ев", "ый", "ий",
	"ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю",
	"а", "я", "о", "е", "у", "ю", "ы", "и", "й", "ь",
}

// russianStem returns a Cyrillic word of five letters or more without its
// ending, keeping at least four letters: a conservative stem, matched as
// a substring, so сервера finds сервер and сервером.
func russianStem(w string) (string, bool) {
	n := 0
	for _, r := range w {
		if !unicode.Is(unicode.Cyrillic, r) {
			return "", false
		}
		n++
	}
	if n < 5 {
		return "", false
	}
	for _, e := range russianEndings {
		if stem, ok := strings.CutSuffix(w, e); ok && utf8.RuneCountInString(stem) >= 4 {
			return stem, true
		}
	}
	return "", false
}

// find returns the ranked results for a clean query: the exact code
// first, then codes the query is a prefix of (4.7 → 4.7.x), then pages
// whose title, summary or text contain every word of the query, in one of
// its forms: as typed if it matches, else the first other form that does.
func (idx *searchIndex) find(s *Server, b Base, q string) []searchResult {
	terms := searchTerms(q, b.Lang)
	if len(terms) == 0 {
		return nil
	}
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	var results []searchResult
	exact := ""
	if c, _, ok := s.store.Lookup(q); ok {
		exact = c.ID
	}
	var marks []string // every form of every term, for the snippets
	for _, t := range terms {
		marks = append(marks, t.forms...)
	}
	docs := idx.docs[b.Lang.Code]
	for i := range docs {
		d := &docs[i]
		score := 0
		if d.code != nil {
			switch {
			case d.code.ID == exact:
				score = 1000
			case isCodeLike(q) && strings.HasPrefix(d.code.ID, strings.TrimSuffix(q, ".")):
				score = 500
			}
			if score > 0 {
				// A code match ranks by code order alone, not by how often
				// the text mentions the query.
				results = append(results, s.searchResult(b, d, marks, score))
				continue
			}
		} else if isCodeLike(q) {
			continue // the code's page lists the families that carry it
		}
		all := true
		for _, t := range terms {
			found := 0
			for _, form := range t.forms {
				switch {
				case strings.Contains(d.title, form):
					found = 100
				case strings.Contains(d.summary.folded, form):
					found = 30
				case strings.Contains(d.body.folded, form):
					found = 10
				}
				if found > 0 {
					break
				}
			}
			if found == 0 {
				all = false
				break
			}
			score += found
		}
		if !all {
			continue
		}
		results = append(results, s.searchResult(b, d, marks, score))
	}
	slices.SortStableFunc(results, func(x, y searchResult) int { return y.score - x.score })
	if len(results) > maxResults {
		results = results[:maxResults]
	}
	return results
}

func (s *Server) searchResult(b Base, d *searchDoc, marks []string, score int) searchResult {
	if d.code != nil {
		link := s.codeLink(b, d.code)
		return searchResult{
			Label: d.code.ID, Title: link.Title, URL: link.URL, Fallback: link.Fallback,
			Hint: className(b, d.code), Snippet: snippet(d, marks), score: score,
		}
	}
	link := s.responseLink(b, d.resp)
	first := d.resp.Lines[0]
	return searchResult{
		Label: strings.TrimSpace(first.Basic + " " + first.Enhanced), Title: link.Title, URL: link.URL, Fallback: link.Fallback,
		Hint: d.resp.Provider.Name, Snippet: snippet(d, marks), score: score,
	}
}

// Snippet size, in runes of the text as shown.
const (
	snippetBefore = 60
	snippetRunes  = 160
)

// snippet cuts about 160 characters of the page around the first match,
// marking every match inside on the text as shown (its case, its accents).
// marks are folded forms; empty ones are not allowed.
func snippet(d *searchDoc, marks []string) []snippetPart {
	t := &d.body
	at := -1
	for _, m := range marks {
		if i := strings.Index(t.folded, m); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		t, at = &d.summary, 0
	}
	text := t.shown
	start := t.shownStart(at)
	for n := 0; n < snippetBefore && start > 0; n++ {
		_, w := utf8.DecodeLastRuneInString(text[:start])
		start -= w
	}
	end := start
	for n := 0; n < snippetRunes && end < len(text); n++ {
		_, w := utf8.DecodeRuneInString(text[end:])
		end += w
	}
	var parts []snippetPart
	if start > 0 {
		parts = append(parts, snippetPart{Text: "…"})
	}
	cur := start // shown text up to here is in parts
	for pos := at; ; {
		next, length := -1, 0
		for _, m := range marks {
			if i := strings.Index(t.folded[pos:], m); i >= 0 && (next < 0 || pos+i < next || pos+i == next && len(m) > length) {
				next, length = pos+i, len(m)
			}
		}
		if next < 0 {
			break
		}
		from, to := max(t.shownStart(next), cur), t.shownEnd(next+length)
		if to > end {
			break
		}
		pos = next + length
		if to <= from {
			continue // inside a rune already marked (the second s of ß)
		}
		if from > cur {
			parts = append(parts, snippetPart{Text: text[cur:from]})
		}
		parts = append(parts, snippetPart{Text: text[from:to], Mark: true})
		cur = to
	}
	if cur < end {
		parts = append(parts, snippetPart{Text: text[cur:end]})
	}
	if end < len(text) {
		parts = append(parts, snippetPart{Text: "…"})
	}
	return parts
}

type searchView struct {
	Base
	Query     string
	Results   []searchResult
	Truncated bool
	Examples  []string
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request) error {
	return s.serveSearchQuery(w, r, r.URL.Query().Get("q"))
}

// serveSearchQuery renders the results for q: an empty or absurd query
// gets a page with examples, never an error.
func (s *Server) serveSearchQuery(w http.ResponseWriter, r *http.Request, q string) error {
	// From the switcher: remember the choice, but stay on the results
	// rather than redirect with the reader's query.
	s.rememberChoice(w, r)
	clean, truncated := normalizeQuery(q)
	if clean != "" {
		release, ok := s.limits.search.acquire(r.Context())
		if !ok {
			return busy(w, false)
		}
		defer release()
	}
	v := s.searchView(state(r).lang, clean, truncated)
	s.sendRendered(w, r, "search", v, http.StatusOK, prepared.Page)
	return nil
}

func (s *Server) searchView(l locale.Lang, q string, truncated bool) searchView {
	b := s.base(l, "/search")
	b.NoIndex = true
	// The switcher keeps the query. A page kept out of search engines shows
	// no hreflang or og:locale alternates, so only the switcher is rendered.
	d := s.linkData(l, "/search")
	d.Alternates, d.OGAlternates = nil, nil
	for i := range d.Langs {
		u := url.Values{"lang": {d.Langs[i].Code}, chooseParam: {"1"}, "q": {q}}
		d.Langs[i].URL = "/search?" + u.Encode()
	}
	b.Links = s.mustLinks(d)
	if q == "" {
		b.Title = b.T(msgSearchTitle) + " | " + b.T(msgSiteName)
	} else {
		b.Title = b.T(msgSearchResultsTitle, "Query", q) + " | " + b.T(msgSiteName)
	}
	b.Crumbs = []crumb{{Name: b.T(msgSearchTitle), URL: b.Link("/search")}}
	v := searchView{Base: b, Query: q, Truncated: truncated, Examples: []string{"421", "5.7.26", "4.7", b.T(msgSearchExampleWord)}}
	v.Results = s.search().find(s, b, q)
	return v
}

// apiSearch is the JSON of a search: the results of the page, in its order.
type apiSearch struct {
	Lang      string            `json:"lang"`
	Query     string            `json:"query"` // as searched for: NFKC, lower case, single spaces, cut to maxQueryRunes
	Truncated bool              `json:"truncated"`
	Results   []apiSearchResult `json:"results"`
}

type apiSearchResult struct {
	Label      string `json:"label"` // the code, or the codes of a family's first line
	Title      string `json:"title"`
	URL        string `json:"url"`
	Hint       string `json:"hint"` // the class name, or the provider
	Snippet    string `json:"snippet"`
	Translated bool   `json:"translated"`
}

// serveSearchJSON answers /search.json?q=: built per request like the
// page, with the page's cache policy.
func (s *Server) serveSearchJSON(w http.ResponseWriter, r *http.Request) error {
	setCORS(w)
	clean, truncated := normalizeQuery(r.URL.Query().Get("q"))
	// The page's work limit: a flood of JSON searches must not starve
	// the pages either.
	if clean != "" {
		release, ok := s.limits.search.acquire(r.Context())
		if !ok {
			return busy(w, true)
		}
		defer release()
	}
	v := s.searchView(state(r).lang, clean, truncated)
	// Lower-cased, as this field has always been; the page shows the
	// query as typed.
	out := apiSearch{Lang: v.Lang.Code, Query: strings.ToLower(v.Query), Truncated: truncated, Results: []apiSearchResult{}}
	for _, res := range v.Results {
		var snip strings.Builder
		for _, part := range res.Snippet {
			snip.WriteString(part.Text)
		}
		out.Results = append(out.Results, apiSearchResult{
			Label: res.Label, Title: res.Title, URL: s.cfg.BaseURL + res.URL, Hint: res.Hint,
			Snippet: snip.String(), Translated: !res.Fallback,
		})
	}
	body, err := marshalJSON(out)
	if err != nil {
		return err
	}
	send(w, r, prepared.New(http.StatusOK, jsonType, v.Lang.Code, prepared.Page, body).OnDemand())
	return nil
}

// serveGo answers the "go to code" box: a code lands on its page, anything
// else is searched for.
func (s *Server) serveGo(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("code")
	c, _, ok := s.store.Lookup(normalizeCode(q))
	if !ok {
		return s.serveSearchQuery(w, r, q)
	}
	s.redirect(w, r, withQuery(codeURL(c.ID), state(r).langQuery()), http.StatusFound)
	return nil
}

// normalizeCode cleans what a reader typed into a code box: surrounding
// space, full-width digits and dots (NFKC), an "SMTP" prefix.
func normalizeCode(v string) string {
	if len(v) > 32 {
		return ""
	}
	v = strings.TrimSpace(norm.NFKC.String(v))
	if len(v) > 4 && strings.EqualFold(v[:4], "smtp") {
		v = strings.TrimSpace(v[4:])
	}
	return v
}
