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
// index to keep in sync. Text is compared after NFKC normalisation and
// lower-casing, rune by rune, so full-width digits (４２１) match 421 and a
// Japanese query matches as a substring without any word splitting.

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
	code     *content.Code     // a code page, or
	resp     *content.Response // a family page
	title    []rune            // NFKC, as shown
	summary  []rune
	body     []rune
	lTitle   string // NFKC and lower-cased, rune for rune
	lSummary string
	lBody    string
}

func fold(s string) (shown []rune, lower string) {
	shown = []rune(norm.NFKC.String(s))
	low := make([]rune, len(shown))
	for i, r := range shown {
		low[i] = unicode.ToLower(r)
	}
	return shown, string(low)
}

func newSearchIndex(s *Server) *searchIndex {
	idx := &searchIndex{docs: map[string][]searchDoc{}}
	for _, l := range s.locales.Langs() {
		for _, c := range s.store.Codes() {
			p, _ := c.Page(l.Code)
			var body strings.Builder
			for _, sec := range p.Sections {
				body.WriteString(sec.Text)
				body.WriteString(" ")
			}
			d := searchDoc{code: c}
			d.title, d.lTitle = fold(p.Title)
			d.summary, d.lSummary = fold(p.Summary)
			d.body, d.lBody = fold(body.String())
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
			d := searchDoc{resp: r}
			d.title, d.lTitle = fold(r.Provider.Name + ": " + p.Title)
			d.summary, d.lSummary = fold(p.Summary)
			d.body, d.lBody = fold(body.String())
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

// normalizeQuery folds the query like the documents and bounds it.
func normalizeQuery(q string) (folded string, truncated bool) {
	_, low := fold(q)
	low = strings.Join(strings.Fields(low), " ")
	if utf8.RuneCountInString(low) > maxQueryRunes {
		low = string([]rune(low)[:maxQueryRunes])
		truncated = true
	}
	return low, truncated
}

func isCodeLike(q string) bool {
	return q != "" && strings.Trim(q, "0123456789.") == "" && len(q) <= 11
}

// find returns the ranked results for a folded query: the exact code
// first, then codes the query is a prefix of (4.7 → 4.7.x), then pages
// whose title, summary or text contain every word of the query.
func (idx *searchIndex) find(s *Server, b Base, q string) []searchResult {
	if q == "" {
		return nil
	}
	terms := strings.Fields(q)
	var results []searchResult
	exact := ""
	if c, _, ok := s.store.Lookup(q); ok {
		exact = c.ID
	}
	for _, d := range idx.docs[b.Lang.Code] {
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
				results = append(results, s.searchResult(b, d, terms, score))
				continue
			}
		} else if isCodeLike(q) {
			continue // the code's page lists the families that carry it
		}
		all := true
		for _, t := range terms {
			inTitle := strings.Contains(d.lTitle, t)
			inSummary := strings.Contains(d.lSummary, t)
			inBody := strings.Contains(d.lBody, t)
			switch {
			case inTitle:
				score += 100
			case inSummary:
				score += 30
			case inBody:
				score += 10
			default:
				all = false
			}
		}
		if !all {
			continue
		}
		results = append(results, s.searchResult(b, d, terms, score))
	}
	slices.SortStableFunc(results, func(x, y searchResult) int { return y.score - x.score })
	if len(results) > maxResults {
		results = results[:maxResults]
	}
	return results
}

func (s *Server) searchResult(b Base, d searchDoc, terms []string, score int) searchResult {
	if d.code != nil {
		link := s.codeLink(b, d.code)
		return searchResult{
			Label: d.code.ID, Title: link.Title, URL: link.URL, Fallback: link.Fallback,
			Hint: className(b, d.code), Snippet: snippet(d, terms), score: score,
		}
	}
	link := s.responseLink(b, d.resp)
	first := d.resp.Lines[0]
	return searchResult{
		Label: strings.TrimSpace(first.Basic + " " + first.Enhanced), Title: link.Title, URL: link.URL, Fallback: link.Fallback,
		Hint: d.resp.Provider.Name, Snippet: snippet(d, terms), score: score,
	}
}

// snippet cuts about 160 characters of the page around the first match,
// marking every match inside.
func snippet(d searchDoc, terms []string) []snippetPart {
	text, low := d.body, d.lBody
	at := -1
	for _, t := range terms {
		if i := strings.Index(low, t); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		text, low, at = d.summary, d.lSummary, 0
	}
	lowRunes := []rune(low)
	start := max(0, utf8.RuneCountInString(low[:at])-60)
	end := min(len(text), start+160)
	var parts []snippetPart
	if start > 0 {
		parts = append(parts, snippetPart{Text: "…"})
	}
	window := string(lowRunes[start:end])
	pos := 0 // rune offset in the window
	for pos < end-start {
		next, length := -1, 0
		for _, t := range terms {
			if i := strings.Index(window[runeOffset(window, pos):], t); i >= 0 {
				r := pos + utf8.RuneCountInString(window[runeOffset(window, pos):][:i])
				if next < 0 || r < next {
					next, length = r, utf8.RuneCountInString(t)
				}
			}
		}
		if next < 0 || next+length > end-start {
			parts = append(parts, snippetPart{Text: string(text[start+pos : end])})
			break
		}
		if next > pos {
			parts = append(parts, snippetPart{Text: string(text[start+pos : start+next])})
		}
		parts = append(parts, snippetPart{Text: string(text[start+next : start+next+length]), Mark: true})
		pos = next + length
	}
	if end < len(text) {
		parts = append(parts, snippetPart{Text: "…"})
	}
	return parts
}

// runeOffset returns the byte offset of rune n in s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
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
	folded, truncated := normalizeQuery(q)
	if folded != "" {
		release, ok := s.limits.search.acquire(r.Context())
		if !ok {
			return busy(w, false)
		}
		defer release()
	}
	v := s.searchView(state(r).lang, folded, truncated)
	s.sendRendered(w, r, "search", v, http.StatusOK, prepared.Page)
	return nil
}

func (s *Server) searchView(l locale.Lang, q string, truncated bool) searchView {
	b := s.base(l, "/search")
	b.NoIndex = true
	// The switcher keeps the query.
	for i := range b.Langs {
		u := url.Values{"lang": {b.Langs[i].Code}, chooseParam: {"1"}, "q": {q}}
		b.Langs[i].URL = "/search?" + u.Encode()
	}
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
	Query     string            `json:"query"` // folded as it was searched for
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
	folded, truncated := normalizeQuery(r.URL.Query().Get("q"))
	// The page's work limit: a flood of JSON searches must not starve
	// the pages either.
	if folded != "" {
		release, ok := s.limits.search.acquire(r.Context())
		if !ok {
			return busy(w, true)
		}
		defer release()
	}
	v := s.searchView(state(r).lang, folded, truncated)
	out := apiSearch{Lang: v.Lang.Code, Query: v.Query, Truncated: truncated, Results: []apiSearchResult{}}
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
