package site

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// parseHTML parses a page and returns its root, failing the test on error.
func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// findAll returns the elements for which match is true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

// Every section heading carries a visible permalink to itself that keeps
// the language.
func TestPermalinks(t *testing.T) {
	h := testHandler(t)
	for _, target := range []string{"/codes/421?lang=ja", "/codes/421", "/codes/5.7.26?lang=ja", "/compare/421-vs-556?lang=ja", "/compare/550-vs-5.1.1"} {
		res := do(t, h, "GET", target, nil)
		lang := "en"
		if strings.Contains(target, "lang=ja") {
			lang = "ja"
		}
		path := strings.Split(target, "?")[0]
		heads := findAll(parseHTML(t, res.body), func(n *html.Node) bool {
			return (n.Data == "h2" || n.Data == "h3") && attr(n, "id") != "" && !strings.HasPrefix(attr(n, "id"), "code-")
		})
		if len(heads) < 2 {
			t.Errorf("%s: only %d section headings", target, len(heads))
		}
		for _, hd := range heads {
			id := attr(hd, "id")
			links := findAll(hd, func(n *html.Node) bool { return n.Data == "a" && hasClass(n, "permalink") })
			if len(links) != 1 {
				t.Errorf("%s #%s: %d permalinks", target, id, len(links))
				continue
			}
			if want := path + "?lang=" + lang + "#" + id; attr(links[0], "href") != want {
				t.Errorf("%s #%s: permalink %q, want %q", target, id, attr(links[0], "href"), want)
			}
			if attr(links[0], "aria-label") == "" {
				t.Errorf("%s #%s: permalink has no accessible name", target, id)
			}
		}
	}
	// The anchors promised to support docs exist in both languages.
	for _, lang := range []string{"en", "ja"} {
		body := do(t, h, "GET", "/codes/421?lang="+lang, nil).body
		for _, id := range []string{"description", "when", "examples", "fix", "fix-sender", "fix-sending", "fix-receiving", "definition", "phases", "seen-with", "related"} {
			if !strings.Contains(body, `id="`+id+`"`) {
				t.Errorf("/codes/421?lang=%s has no #%s", lang, id)
			}
		}
	}
}

func TestShortFormsAndGo(t *testing.T) {
	h := testHandler(t)
	tests := []struct {
		target, want string
		status       int
	}{
		{"/421", "/codes/421", 301},
		{"/421?lang=ja", "/codes/421?lang=ja", 301},
		{"/5.7.26", "/codes/5.7.26", 301},
		{"/codes/421/", "/codes/421", 301},
		{"/codes/421/?lang=ja", "/codes/421?lang=ja", 301},
		{"/Codes/421", "/codes/421", 301},
		{"/CODES/5.7.26?lang=ja", "/codes/5.7.26?lang=ja", 301},
		{"/codes/", "/codes", 301},
		{"/compare/421-vs-556/", "/compare/421-vs-556", 301},
		{"/Compare/556-VS-421/?lang=ja", "/compare/421-vs-556?lang=ja", 301},
		{"/compare/421-vs-421/", "/codes/421", 301},
		{"/999", "", 404},
		{"/codes/999/", "", 404},
		{"//evil.example/421", "", 404},
		{"/go?code=421", "/codes/421", 302},
		{"/go?code=+5.7.26+&lang=ja", "/codes/5.7.26?lang=ja", 302},
		{"/go?code=%EF%BC%94%EF%BC%92%EF%BC%91", "/codes/421", 302},
		{"/go?code=SMTP+550", "/codes/550", 302},
		{"/go?code=//evil.example", "", 200},
		{"/go?code=mailbox+full", "", 200},
		{"/codes", "", 200},
	}
	for _, tt := range tests {
		res := do(t, h, "GET", tt.target, nil)
		if res.status != tt.status || res.header.Get("Location") != tt.want {
			t.Errorf("GET %s = %d %q, want %d %q", tt.target, res.status, res.header.Get("Location"), tt.status, tt.want)
		}
	}
	index := do(t, h, "GET", "/codes?lang=ja", nil).body
	for _, want := range []string{`href="/codes/421?lang=ja"`, `href="/codes/5.7.26?lang=ja"`, `href="/codes/5.7.708?lang=ja"`, "コード一覧"} {
		if !strings.Contains(index, want) {
			t.Errorf("/codes lacks %s", want)
		}
	}
	home := do(t, h, "GET", "/?lang=ja", nil).body
	if !strings.Contains(home, `action="/go"`) || !strings.Contains(home, `name="code"`) {
		t.Error("the home page has no go-to-code box")
	}
}

func TestSearch(t *testing.T) {
	h := testHandler(t)
	firstResult := regexp.MustCompile(`<ol class="results">\s*<li>\s*<a href="([^"]+)"`)
	switcherLink := regexp.MustCompile(`href="(/search\?choose=1[^"]*)"`)
	tests := []struct {
		name      string
		target    string
		wantFirst string // href of the first result
		want      []string
		absent    []string
	}{
		{name: "exact code", target: "/search?q=421", wantFirst: "/codes/421?lang=en"},
		{name: "exact enhanced", target: "/search?q=5.7.26&lang=ja", wantFirst: "/codes/5.7.26?lang=ja"},
		{name: "full-width digits", target: "/search?q=%EF%BC%94%EF%BC%92%EF%BC%91", wantFirst: "/codes/421?lang=en"},
		{name: "prefix", target: "/search?q=4.7", wantFirst: "/codes/4.7.0?lang=en", want: []string{`href="/codes/4.7.1?lang=en"`, `href="/codes/4.7.26?lang=en"`}},
		{name: "title words", target: "/search?q=mailbox+full", want: []string{`href="/codes/4.2.2?lang=en"`, "<mark>"}},
		{name: "case", target: "/search?q=GREYLISTING", want: []string{"<mark>", `href="/codes/450?lang=en"`}},
		{name: "japanese substring", target: "/search?q=%E5%AE%B9%E9%87%8F&lang=ja", want: []string{`href="/codes/4.2.2?lang=ja"`, "<mark>容量</mark>"}},
		{name: "empty", target: "/search?q=", want: []string{"Search by code", `href="/search?lang=en&amp;q=421"`}},
		{name: "no results", target: "/search?q=zzqqxx", want: []string{"Nothing matches", "zzqqxx"}},
		{name: "markup escaped", target: "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", want: []string{"&lt;script&gt;alert(1)"}, absent: []string{"<script>alert"}},
		{name: "overlong", target: "/search?q=" + strings.Repeat("a", 500), want: []string{"first 100 characters"}, absent: []string{strings.Repeat("a", 101)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", tt.target, nil)
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			if tt.wantFirst != "" {
				m := firstResult.FindStringSubmatch(res.body)
				if m == nil || m[1] != tt.wantFirst {
					t.Errorf("first result %v, want %s", m, tt.wantFirst)
				}
			}
			checkBody(t, res.body, tt.want, tt.absent)
			if !strings.Contains(res.body, `<meta name="robots" content="noindex">`) {
				t.Error("search results are indexable")
			}
			// A page kept out of search engines names no alternates; its
			// switcher keeps the query.
			if strings.Contains(res.body, `<link rel="alternate" hreflang=`) || strings.Contains(res.body, "og:locale:alternate") {
				t.Error("the search page lists hreflang or og:locale alternates")
			}
			u, err := url.Parse(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			wantQ, _ := normalizeQuery(u.Query().Get("q"))
			links := switcherLink.FindAllStringSubmatch(res.body, -1)
			if len(links) == 0 {
				t.Error("no language switcher links")
			}
			for _, m := range links {
				link, err := url.Parse(html.UnescapeString(m[1]))
				if err != nil || link.Query().Get("q") != wantQ {
					t.Errorf("the language switcher links to %s, which does not keep the query %q", m[1], wantQ)
				}
			}
		})
	}
}

// /search.json gives the search page's results, in its order, with
// absolute URLs, in the language asked for.
func TestSearchJSON(t *testing.T) {
	h := testHandler(t)
	type result struct {
		Label, Title, URL, Hint, Snippet string
		Translated                       bool
	}
	var got struct {
		Lang, Query string
		Truncated   bool
		Results     []result
	}
	tests := []struct {
		target, lang, first, snippet string
	}{
		{"/search.json?q=421", "en", "https://smtp.example/codes/421?lang=en", ""},
		{"/search.json?q=%E5%AE%B9%E9%87%8F&lang=jp", "ja", "", "容量"},
		{"/search.json?q=mailbox+full", "en", "", "mailbox"},
	}
	for _, tt := range tests {
		res := do(t, h, "GET", tt.target, nil)
		if res.status != 200 || res.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%s: status %d, %s", tt.target, res.status, res.header.Get("Content-Type"))
		}
		if err := json.Unmarshal([]byte(res.body), &got); err != nil {
			t.Fatalf("%s: %v", tt.target, err)
		}
		if got.Lang != tt.lang || len(got.Results) == 0 {
			t.Fatalf("%s: lang %q, %d results", tt.target, got.Lang, len(got.Results))
		}
		if tt.first != "" && got.Results[0].URL != tt.first {
			t.Errorf("%s: first result %s, want %s", tt.target, got.Results[0].URL, tt.first)
		}
		if tt.snippet != "" && !strings.Contains(strings.ToLower(got.Results[0].Snippet), tt.snippet) {
			t.Errorf("%s: snippet %q lacks %q", tt.target, got.Results[0].Snippet, tt.snippet)
		}
		if !strings.HasSuffix(got.Results[0].URL, "?lang="+tt.lang) || got.Results[0].Title == "" {
			t.Errorf("%s: first result %+v", tt.target, got.Results[0])
		}
	}
	res := do(t, h, "GET", "/search.json?q=zzqqxx", nil)
	if !strings.Contains(res.body, `"results":[]`) {
		t.Errorf("no results: %s", res.body)
	}
}

// Canonical and alternate links are absolute, per language and reciprocal,
// in every language the site has. x-default is the default language's URL,
// so that no page's own URL is in its hreflang set with another canonical
// (what Lighthouse's canonical audit fails): not the bare URL, which
// negotiates and whose canonical is the negotiated language's.
func TestCanonicalAndAlternates(t *testing.T) {
	h := testHandler(t)
	const base = "https://smtp.example"
	langs := siteLangs(t, h)
	for _, path := range []string{"/", "/codes", "/codes/421", "/codes/5.7.26", "/compare/421-vs-556", "/compare/550-vs-5.1.1", "/providers/gmail", "/decode"} {
		alternates := map[string]map[string]string{} // page lang -> hreflang -> href
		// The bare URL: canonical to the negotiated language, and not in
		// the hreflang set.
		bare := parseHTML(t, do(t, h, "GET", path, nil).body)
		for _, l := range findAll(bare, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "alternate" }) {
			if attr(l, "href") == base+path {
				t.Errorf("%s: the bare URL is an hreflang alternate (%s)", path, attr(l, "hreflang"))
			}
		}
		for _, lang := range langs {
			body := do(t, h, "GET", path+"?lang="+lang, nil).body
			doc := parseHTML(t, body)
			links := findAll(doc, func(n *html.Node) bool { return n.Data == "link" })
			alternates[lang] = map[string]string{}
			canonical := ""
			for _, l := range links {
				switch attr(l, "rel") {
				case "canonical":
					canonical = attr(l, "href")
				case "alternate":
					// The hreflang set; the markdown twin's alternate has a
					// type instead (TestMarkdownAlternateLink).
					if h := attr(l, "hreflang"); h != "" {
						alternates[lang][h] = attr(l, "href")
					}
				}
			}
			if want := base + path + "?lang=" + lang; canonical != want {
				t.Errorf("%s?lang=%s: canonical %q, want %q", path, lang, canonical, want)
			}
			if alternates[lang]["x-default"] != base+path+"?lang=en" {
				t.Errorf("%s?lang=%s: x-default %q", path, lang, alternates[lang]["x-default"])
			}
			if len(alternates[lang]) != len(langs)+1 {
				t.Errorf("%s?lang=%s: %d alternates for %d languages", path, lang, len(alternates[lang]), len(langs))
			}
			metas := findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "property") == "og:locale" })
			if len(metas) != 1 || !ogLocaleRe.MatchString(attr(metas[0], "content")) || lang == "ja" && attr(metas[0], "content") != "ja_JP" {
				t.Errorf("%s?lang=%s: og:locale %v", path, lang, metas)
			}
			scripts := findAll(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") == "application/ld+json" })
			if path == "/decode" {
				continue // tools have no breadcrumb data
			}
			if len(scripts) != 1 {
				t.Fatalf("%s: %d JSON-LD blocks", path, len(scripts))
			}
			var ld struct {
				Graph []map[string]any `json:"@graph"`
			}
			if err := json.Unmarshal([]byte(scripts[0].FirstChild.Data), &ld); err != nil || len(ld.Graph) != 2 || ld.Graph[1]["@type"] != "BreadcrumbList" {
				t.Errorf("%s: JSON-LD %v %v", path, err, ld.Graph)
			}
		}
		// Reciprocal: every language version lists the same alternates,
		// each one the page's own URL in that language.
		for _, lang := range langs {
			for hreflang, href := range alternates["en"] {
				if alternates[lang][hreflang] != href {
					t.Errorf("%s: alternate %s is %q on en, %q on %s", path, hreflang, href, alternates[lang][hreflang], lang)
				}
			}
			if alternates["en"][lang] != base+path+"?lang="+lang {
				t.Errorf("%s: the %s alternate is %q", path, lang, alternates["en"][lang])
			}
		}
	}
	// Titles and descriptions are specific to the page and the language.
	seen := map[string]string{}
	for _, target := range []string{"/codes/421?lang=en", "/codes/421?lang=ja", "/codes/450?lang=en", "/compare/421-vs-556?lang=en", "/compare/421-vs-556?lang=ja"} {
		doc := parseHTML(t, do(t, h, "GET", target, nil).body)
		title := findAll(doc, func(n *html.Node) bool { return n.Data == "title" })[0].FirstChild.Data
		if other, dup := seen[title]; dup {
			t.Errorf("%s and %s share the title %q", target, other, title)
		}
		seen[title] = target
		desc := findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "name") == "description" })
		if len(desc) != 1 || len(attr(desc[0], "content")) < 40 {
			t.Errorf("%s: no real description", target)
		}
	}
}

var ogLocaleRe = regexp.MustCompile(`^[a-z]{2}_[A-Z]{2}$`)

// siteLangs returns the codes of the site's languages, from the switcher
// of the home page.
func siteLangs(t *testing.T, h http.Handler) []string {
	t.Helper()
	doc := parseHTML(t, do(t, h, "GET", "/?lang=en", nil).body)
	var langs []string
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "alternate" }) {
		if hl := attr(n, "hreflang"); hl != "x-default" && hl != "" {
			langs = append(langs, hl)
		}
	}
	if len(langs) < 2 {
		t.Fatalf("languages %v", langs)
	}
	return langs
}

func TestSitemapAndRobots(t *testing.T) {
	h := testHandler(t)
	robots := do(t, h, "GET", "/robots.txt", nil)
	if robots.status != 200 || !strings.Contains(robots.body, "Sitemap: https://smtp.example/sitemap.xml") {
		t.Errorf("robots.txt: %d %q", robots.status, robots.body)
	}
	var index struct {
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	res := do(t, h, "GET", "/sitemap.xml", nil)
	if err := xml.Unmarshal([]byte(res.body), &index); err != nil || len(index.Sitemaps) < 2 {
		t.Fatalf("sitemap index: %v, %d sitemaps", err, len(index.Sitemaps))
	}
	type urlset struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				Hreflang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"url"`
	}
	alternates := len(siteLangs(t, h)) + 1 // each language and x-default
	total := 0
	var sawCode, sawCompare bool
	for i, sm := range index.Sitemaps {
		path := strings.TrimPrefix(sm.Loc, "https://smtp.example")
		res := do(t, h, "GET", path, nil)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/xml") {
			t.Fatalf("%s: %d %s", path, res.status, res.header.Get("Content-Type"))
		}
		// The code sitemap and the first and last compare sitemaps are
		// parsed; the others (the same code, and with ten languages 1.8
		// million links) are counted.
		if i > 1 && i < len(index.Sitemaps)-1 {
			urls, links := strings.Count(res.body, "<url>"), strings.Count(res.body, `<xhtml:link rel="alternate" hreflang=`)
			if urls == 0 || urls > 50000 || len(res.body) > 50<<20 || links != urls*alternates {
				t.Errorf("%s: %d URLs, %d alternates, %d bytes", path, urls, links, len(res.body))
			}
			total += urls
			continue
		}
		var set urlset
		if err := xml.Unmarshal([]byte(res.body), &set); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(set.URLs) > 50000 || len(res.body) > 50<<20 {
			t.Errorf("%s has %d URLs in %d bytes, over the protocol's limits (50,000 and 50 MB)", path, len(set.URLs), len(res.body))
		}
		total += len(set.URLs)
		for _, u := range set.URLs {
			if len(u.Links) != alternates {
				t.Fatalf("%s: %s has %d alternates", path, u.Loc, len(u.Links))
			}
			sawCode = sawCode || u.Loc == "https://smtp.example/codes/421?lang=ja"
			sawCompare = sawCompare || u.Loc == "https://smtp.example/compare/421-vs-556?lang=ja"
		}
	}
	if !sawCode || !sawCompare {
		t.Errorf("sitemaps miss /codes/421?lang=ja (%v) or /compare/421-vs-556?lang=ja (%v)", sawCode, sawCompare)
	}
	t.Logf("%d sitemap URLs", total)
}

func TestJSONAPI(t *testing.T) {
	h := testHandler(t)
	res := do(t, h, "GET", "/codes/421.json?lang=ja", nil)
	if res.status != 200 || res.header.Get("Content-Type") != "application/json; charset=utf-8" || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("/codes/421.json: %d %q CORS %q", res.status, res.header.Get("Content-Type"), res.header.Get("Access-Control-Allow-Origin"))
	}
	var code struct {
		Code        string            `json:"code"`
		Kind        string            `json:"kind"`
		Class       int               `json:"class"`
		Lang        string            `json:"lang"`
		Title       string            `json:"title"`
		URL         string            `json:"url"`
		URLs        map[string]string `json:"urls"`
		Definitions []struct {
			Doc, Section string
		} `json:"definitions"`
		Phases   []string `json:"phases"`
		Related  []struct{ Code, URL string }
		SeenWith []struct{ Code string } `json:"seen_with"`
		Sections []struct {
			ID, Heading, HTML, Text string
		} `json:"sections"`
	}
	if err := json.Unmarshal([]byte(res.body), &code); err != nil {
		t.Fatal(err)
	}
	if code.Code != "421" || code.Kind != "basic" || code.Class != 4 || code.Lang != "ja" || code.Title != "サービス利用不可" ||
		code.URL != "https://smtp.example/codes/421?lang=ja" || code.URLs["en"] != "https://smtp.example/codes/421?lang=en" ||
		len(code.Definitions) == 0 || code.Definitions[0].Doc != "RFC 5321" || len(code.Phases) == 0 || len(code.Related) == 0 {
		t.Errorf("421.json = %+v", code)
	}
	if len(code.Sections) < 4 || code.Sections[0].ID != "description" || code.Sections[0].Heading != "説明" || !strings.HasPrefix(code.Sections[0].HTML, "<p>") || strings.Contains(code.Sections[0].Text, "<p>") {
		t.Errorf("421.json sections = %+v", code.Sections)
	}

	res = do(t, h, "GET", "/compare/421-vs-556.json?lang=ja", nil)
	var cmp struct {
		Kind        string
		A, B        struct{ Code string }
		Differences []struct{ Label, A, B string }
		Notes       []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(res.body), &cmp); err != nil || res.status != 200 || cmp.Kind != "compare" || cmp.A.Code != "421" || cmp.B.Code != "556" || len(cmp.Differences) < 4 {
		t.Errorf("compare json: %d %v %+v", res.status, err, cmp)
	}
	if res := do(t, h, "GET", "/compare/556-vs-421.json?lang=ja", nil); res.status != 301 || res.header.Get("Location") != "/compare/421-vs-556.json?lang=ja" {
		t.Errorf("reversed compare json: %d %q", res.status, res.header.Get("Location"))
	}
	res = do(t, h, "GET", "/compare/550-vs-5.1.1.json", nil)
	if err := json.Unmarshal([]byte(res.body), &cmp); err != nil || cmp.Kind != "combined" {
		t.Errorf("combined json: %v %+v", err, cmp)
	}

	res = do(t, h, "GET", "/codes.json?lang=en", nil)
	var all struct {
		Lang  string
		Codes []struct{ Code string }
	}
	pages := map[string]bool{}
	for _, m := range regexp.MustCompile(`href="/codes/([0-9.]+)\?lang=en"`).FindAllStringSubmatch(do(t, h, "GET", "/codes?lang=en", nil).body, -1) {
		pages[m[1]] = true
	}
	if err := json.Unmarshal([]byte(res.body), &all); err != nil || all.Lang != "en" || len(all.Codes) != len(pages) || len(pages) < 150 {
		t.Errorf("codes.json: %v, %d codes; the index lists %d", err, len(all.Codes), len(pages))
	}

	for _, target := range []string{"/codes/999.json", "/compare/421-vs-999.json"} {
		res := do(t, h, "GET", target, nil)
		var e struct {
			Error  string
			Status int
		}
		if res.status != 404 || json.Unmarshal([]byte(res.body), &e) != nil || e.Status != 404 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %q", target, res.status, res.body)
		}
	}
	_ = http.StatusOK
}

// A compare sitemap holds fewer pairs as languages are added, and stays
// within the protocol's limits at each count.
func TestComparePerMap(t *testing.T) {
	for n, want := range map[int]int{1: 10000, 2: 10000, 6: 8107, 10: 3166} {
		got := comparePerMap(n)
		if got != want {
			t.Errorf("comparePerMap(%d) = %d, want %d", n, got, want)
		}
		// Measured sizes: 45 bytes a URL, 125 an alternate.
		if urls, size := got*n, got*n*(45+(n+1)*125); urls > 50000 || size > 50<<20 {
			t.Errorf("%d languages: %d URLs, %d bytes a file", n, urls, size)
		}
	}
}

// The language links are rendered once per language with a mark for the
// path (base.go: langLinks). Putting a page's path in must give exactly
// what the templates render for that path: every page of the table, in
// every language, and a path or a base URL the mark cannot stand for.
func TestLangLinksAsRendered(t *testing.T) {
	s, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for d, l := range s.pages.all {
		if !plainPath(d.path) {
			t.Errorf("%s: a page path the language links render slowly", d.path)
		}
		if got, want := s.langLinks(l, d.path), s.mustLinks(s.linkData(l, d.path)); got != want {
			t.Fatalf("%s in %s: language links\n%+v\nwant\n%+v", d.path, l.Code, got, want)
		}
		n++
	}
	if n < 1000 {
		t.Fatalf("checked %d pages", n)
	}
	ja, _ := s.locales.Lookup("ja")
	for _, path := range []string{"/codes/a b", "/codes/5.7.1?x=<y>", "/_path_/x", "/codes/ä"} {
		if got, want := s.langLinks(ja, path), s.mustLinks(s.linkData(ja, path)); got != want {
			t.Errorf("%q: language links\n%+v\nwant\n%+v", path, got, want)
		}
	}
	// A base URL with the mark in it: the links are rendered, and right.
	marked := newTestServer(t, Config{BaseURL: "https://smtp.example/_path_"})
	if len(marked.linkMarks) != 0 {
		t.Errorf("links kept with a mark in the base URL")
	}
	head := string(marked.base(ja, "/codes/421").Links.Head)
	if want := `<link rel="alternate" hreflang="ja" href="https://smtp.example/_path_/codes/421?lang=ja">`; !strings.Contains(head, want) {
		t.Errorf("head links %s, want %s", head, want)
	}
}
