package site

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Each kind of page has a markdown twin in each language: the page's
// headings, linking to the sections of the HTML page by their stable ids;
// verbatim replies in code; the content's own markdown; absolute links
// that keep the language.
func TestMarkdownTwins(t *testing.T) {
	t.Parallel()
	h := testHandler(t)
	const base = "https://smtp.example"
	tests := []struct {
		name, path string
		want       []string
	}{
		{"basic code, ja", "/codes/421.md?lang=ja", []string{
			"# SMTP 421 サービス利用不可\n",
			"<" + base + "/codes/421?lang=ja>",
			"## [解決方法](" + base + "/codes/421?lang=ja#fix)\n",
			"## [説明](" + base + "/codes/421?lang=ja#description)\n",
			"- **標準の応答テキスト**: `421 <domain> Service not available, closing transmission channel`",
			"```text\n421 4.7.0 mx.example.com Error: too many connections from 192.0.2.25\n```",
			"(" + base + "/codes/450.md?lang=ja)",
			// What the page says of its translation, linking the original.
			"[英語の原文を読む](" + base + "/codes/421.md?lang=en)",
		}},
		{"basic code, en", "/codes/421.md?lang=en", []string{
			"# SMTP 421 Service Not Available\n",
			"## [How to fix](" + base + "/codes/421?lang=en#fix)\n",
			// The content's markdown as written, not HTML.
			"- **Rate or connection limits.** Too many simultaneous connections",
			"```text\n421 4.7.0 mx.example.com Error: too many connections from 192.0.2.25\n```\n\nSource: [Postfix 3.11.6 source",
			"[Compare 421 and 450](" + base + "/compare/421-vs-450.md?lang=en)",
		}},
		{"enhanced code, en", "/codes/5.7.26.md?lang=en", []string{
			"# SMTP 5.7.26 Multiple Authentication Checks Failed\n",
			"- **IANA registry name**: “Multiple authentication checks failed”",
			"## [Description](" + base + "/codes/5.7.26?lang=en#description)\n",
			"[Security or Policy Status](" + base + "/codes/5.7.0.md?lang=en)",
		}},
		{"enhanced code, ja", "/codes/5.7.26.md?lang=ja", []string{
			"## [説明](" + base + "/codes/5.7.26?lang=ja#description)\n",
			"(" + base + "/codes/5.7.0.md?lang=ja)",
		}},
		{"compare, en", "/compare/421-vs-556.md?lang=en", []string{
			"# SMTP 421 Service Not Available vs 556 Domain Does Not Accept Mail\n",
			"## [Key differences](" + base + "/compare/421-vs-556?lang=en#differences)\n",
			"| | 421 | 556 |\n|---|---|---|\n",
			"| Class | 4xx Transient Negative | 5xx Permanent Negative |",
			"## [421 Service Not Available](" + base + "/codes/421.md?lang=en)\n",
		}},
		{"compare, ja", "/compare/421-vs-556.md?lang=ja", []string{
			"## [主な違い](" + base + "/compare/421-vs-556?lang=ja#differences)\n",
			"(" + base + "/codes/556.md?lang=ja)",
		}},
		{"combined, ja", "/compare/550-vs-5.1.1.md?lang=ja", []string{
			"# SMTP 550 と 5.1.1：2 つのコードの関係\n",
			"| | 550 | 5.1.1 |\n",
			"## [どちらをいつ使うか](" + base + "/compare/550-vs-5.1.1?lang=ja#which)\n",
		}},
		{"combined, en", "/compare/550-vs-5.1.1.md?lang=en", []string{
			"| | 550 | 5.1.1 |\n",
			"## [When to use which](" + base + "/compare/550-vs-5.1.1?lang=en#which)\n",
		}},
		{"index, ja", "/codes.md?lang=ja", []string{
			"- [421 サービス利用不可](" + base + "/codes/421.md?lang=ja)\n",
			"- [5.7.26 ",
		}},
		{"index, en", "/codes.md?lang=en", []string{
			"# All codes\n",
			"- [421 Service Not Available](" + base + "/codes/421.md?lang=en)\n",
		}},
		{"provider, ja", "/providers/gmail.md?lang=ja", []string{
			"# Gmail\n",
			"## [421](" + base + "/codes/421.md?lang=ja)\n",
			"(" + base + "/providers/gmail/temporary-system-problem.md?lang=ja)",
		}},
		{"family, en", "/providers/gmail/temporary-system-problem.md?lang=en", []string{
			"```\n421 4.3.0 Temporary System Problem. Try again later\n```",
			"## [The replies, verbatim](" + base + "/providers/gmail/temporary-system-problem?lang=en#lines)\n",
			"[Gmail](" + base + "/providers/gmail.md?lang=en)",
			"#line-",
		}},
		{"family, ja", "/providers/gmail/temporary-system-problem.md?lang=ja", []string{
			"```\n421 4.3.0 Temporary System Problem. Try again later\n```",
			"## [応答（原文のまま）](" + base + "/providers/gmail/temporary-system-problem?lang=ja#lines)\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", tt.path, nil)
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/markdown; charset=utf-8" {
				t.Fatalf("GET %s: %d %s", tt.path, res.status, res.header.Get("Content-Type"))
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
			// Plain markdown: no attribute syntax, no HTML from the renderer,
			// and every link absolute in the page's language (but the one
			// to a translation's English original).
			path, lang, _ := strings.Cut(tt.path, "?lang=")
			original := "https://smtp.example" + path + "?lang=en"
			for _, bad := range []string{"{#", "<p>", "<code>", "](/"} {
				if strings.Contains(res.body, bad) {
					t.Errorf("GET %s has %q", tt.path, bad)
				}
			}
			for _, m := range regexp.MustCompile(`\]\((https://smtp\.example[^)]*)\)`).FindAllStringSubmatch(res.body, -1) {
				if !strings.Contains(m[1], "?lang="+lang) && m[1] != original {
					t.Errorf("GET %s: link %s does not keep the language", tt.path, m[1])
				}
			}
		})
	}
}

// A twin is served as its page is: language from ?lang, the cookie or
// Accept-Language with the same Vary and caching, canonical redirects that
// keep the .md, the localized 404, ETags and compression.
func TestMarkdownTwinHTTP(t *testing.T) {
	t.Parallel()
	h := testHandler(t)
	tests := []struct {
		name, path   string
		header       http.Header
		status       int
		location     string
		lang, cache  string
		vary, inBody string
	}{
		{"explicit language", "/codes/421.md?lang=ja", nil, 200, "", "ja", "public, max-age=3600", "", "解決方法"},
		{"cookie", "/codes/421.md", http.Header{"Cookie": {"lang=ja"}}, 200, "", "ja", "private, max-age=3600", "Accept-Language, Cookie", "解決方法"},
		{"Accept-Language", "/compare/421-vs-556.md", http.Header{"Accept-Language": {"ja"}}, 200, "", "ja", "private, max-age=3600", "Accept-Language, Cookie", "主な違い"},
		{"leading zero", "/codes/0421.md?lang=ja", nil, 301, "/codes/421.md?lang=ja", "", "", "", ""},
		{"reversed pair", "/compare/556-vs-421.md?lang=ja", nil, 301, "/compare/421-vs-556.md?lang=ja", "", "", "", ""},
		{"pair of one code", "/compare/421-vs-421.md", nil, 301, "/codes/421.md", "", "", "", ""},
		{"provider case", "/providers/Gmail.md?lang=en", nil, 301, "/providers/gmail.md?lang=en", "", "", "", ""},
		{"unknown code", "/codes/999.md?lang=ja", nil, 404, "", "ja", "", "", "ページが見つかりません"},
		{"unknown pair", "/compare/421-vs-999.md", nil, 404, "", "en", "", "Accept-Language, Cookie", "Page not found"},
		{"unknown provider", "/providers/nosuch.md", nil, 404, "", "en", "", "Accept-Language, Cookie", "Page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", tt.path, tt.header)
			if res.status != tt.status {
				t.Fatalf("GET %s: %d, want %d", tt.path, res.status, tt.status)
			}
			if got := res.header.Get("Location"); got != tt.location {
				t.Errorf("GET %s: Location %q, want %q", tt.path, got, tt.location)
			}
			if tt.status == 404 && !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s: 404 as %s, want the HTML error page", tt.path, res.header.Get("Content-Type"))
			}
			if tt.lang != "" && res.header.Get("Content-Language") != tt.lang {
				t.Errorf("GET %s: Content-Language %q, want %q", tt.path, res.header.Get("Content-Language"), tt.lang)
			}
			if tt.cache != "" && res.header.Get("Cache-Control") != tt.cache {
				t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, res.header.Get("Cache-Control"), tt.cache)
			}
			if vary := strings.Join(res.header.Values("Vary"), ", "); !strings.Contains(vary, tt.vary) || (tt.vary == "" && strings.Contains(vary, "Cookie")) {
				t.Errorf("GET %s: Vary %q, want %q", tt.path, vary, tt.vary)
			}
			if !strings.Contains(res.body, tt.inBody) {
				t.Errorf("GET %s: body lacks %q", tt.path, tt.inBody)
			}
		})
	}

	// Prepared like every page: an ETag per encoding, 304 on a match.
	for _, path := range []string{"/codes/421.md?lang=ja", "/compare/421-vs-556.md?lang=en"} {
		gz := do(t, h, "GET", path, http.Header{"Accept-Encoding": {"gzip"}})
		if gz.status != 200 || gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("Etag") == "" {
			t.Errorf("GET %s with gzip: %d, encoding %q, ETag %q", path, gz.status, gz.header.Get("Content-Encoding"), gz.header.Get("Etag"))
		}
		again := do(t, h, "GET", path, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {gz.header.Get("Etag")}})
		if again.status != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", path, again.status)
		}
	}
}

// Every page with a twin advertises it, and the advertised URL is the
// twin, in the page's language.
func TestMarkdownAlternateLink(t *testing.T) {
	t.Parallel()
	h := testHandler(t)
	for _, lang := range []string{"en", "ja"} {
		for _, page := range []string{"/", "/codes", "/codes/421", "/codes/5.7.26", "/compare/421-vs-556", "/compare/550-vs-5.1.1",
			"/providers/gmail", "/providers/gmail/temporary-system-problem"} {
			target := page + "?lang=" + lang
			res := do(t, h, "GET", target, nil)
			links := findAll(parseHTML(t, res.body), func(n *html.Node) bool {
				return n.Data == "link" && attr(n, "rel") == "alternate" && attr(n, "type") == "text/markdown"
			})
			if len(links) != 1 {
				t.Errorf("GET %s: %d markdown alternates, want 1", target, len(links))
				continue
			}
			u, err := url.Parse(attr(links[0], "href"))
			if err != nil || u.Host != "smtp.example" || u.Query().Get("lang") != lang || !strings.HasSuffix(u.Path, ".md") {
				t.Errorf("GET %s: markdown alternate %q", target, attr(links[0], "href"))
				continue
			}
			twin := do(t, h, "GET", u.RequestURI(), nil)
			if twin.status != 200 || twin.header.Get("Content-Type") != mdType || twin.header.Get("Content-Language") != lang {
				t.Errorf("%s advertises %s: %d %s in %s", target, u.RequestURI(), twin.status, twin.header.Get("Content-Type"), twin.header.Get("Content-Language"))
			}
		}
	}
	// Pages without a twin advertise none.
	for _, page := range []string{"/providers?lang=en", "/decode?lang=en", "/search?q=421&lang=en"} {
		if res := do(t, h, "GET", page, nil); strings.Contains(res.body, `type="text/markdown"`) {
			t.Errorf("GET %s advertises a markdown twin", page)
		}
	}
}

// Every twin of the page table, in every language, renders as plain
// markdown: an H1 first, its page's URL next, links that keep the
// language, nothing a template or format verb left behind.
func TestEveryTwin(t *testing.T) {
	t.Parallel()
	s, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`\]\((https://smtp\.example[^)]*)\)`)
	n := 0
	for d, l := range s.pages.all {
		if !strings.HasSuffix(d.path, ".md") {
			continue
		}
		n++
		resp, err := d.render(l)
		if err != nil {
			t.Fatal(err)
		}
		body, _, err := resp.Variant("")
		if err != nil {
			t.Fatal(err)
		}
		md := string(body)
		page := strings.TrimSuffix(d.path, ".md")
		if !strings.HasPrefix(md, "# ") || !strings.Contains(md, "\n\n<https://smtp.example"+page+"?lang="+l.Code+">\n") {
			t.Errorf("%s in %s does not start with its H1 and page URL:\n%.200s", d.path, l.Code, md)
		}
		for _, bad := range []string{"<no value>", "%!", "[](", "{#", "\n\n\n\n"} {
			if strings.Contains(md, bad) {
				t.Errorf("%s in %s has %q", d.path, l.Code, bad)
			}
		}
		// The one exception: a translation links to the English original.
		original := "https://smtp.example" + d.path + "?lang=en"
		for _, m := range link.FindAllStringSubmatch(md, -1) {
			if !strings.Contains(m[1], "?lang="+l.Code) && m[1] != original {
				t.Errorf("%s in %s: link %s does not keep the language", d.path, l.Code, m[1])
			}
		}
	}
	if want := 2 * len(s.store.Codes()); n < want {
		t.Errorf("%d twins in the page table, want at least %d", n, want)
	}
}
