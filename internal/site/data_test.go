package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"golang.org/x/net/html"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/dataset"
)

// getDataset fetches and strictly decodes the dataset's JSON file.
func getDataset(t *testing.T, h http.Handler, path string) (*dataset.Dataset, response) {
	t.Helper()
	res := do(t, h, "GET", path, nil)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, res.status)
	}
	dec := json.NewDecoder(strings.NewReader(res.body))
	dec.DisallowUnknownFields()
	var d dataset.Dataset
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return &d, res
}

// The JSON file holds every record of the store in every language, each
// with its sources, under the content's recorded version and date.
func TestDatasetJSON(t *testing.T) {
	h := testHandler(t)
	s, _ := sharedServer()
	store := s.store
	langs := siteLangs(t, h)
	d, res := getDataset(t, h, "/data/smtpcodes.json")
	if ct := res.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if res.header.Get("Access-Control-Allow-Origin") != "*" || res.header.Get("Etag") == "" {
		t.Errorf("headers %v", res.header)
	}

	v, err := store.Version()
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != v.Hash || d.Date != v.Date || d.Date == "" {
		t.Errorf("version %q of %q, want %q of %q", d.Version, d.Date, v.Hash, v.Date)
	}
	if d.License.Name != "CC BY 4.0" || d.License.Legalcode != "https://creativecommons.org/licenses/by/4.0/legalcode" || d.License.Attribution == "" {
		t.Errorf("license %+v", d.License)
	}
	if !slices.Equal(d.Languages, langs) {
		t.Errorf("languages %v, the site has %v", d.Languages, langs)
	}

	// The versioned name is the same file.
	if _, vres := getDataset(t, h, "/data/smtpcodes-"+v.Hash+".json"); vres.body != res.body || vres.header.Get("Etag") != res.header.Get("Etag") {
		t.Error("the versioned file differs from smtpcodes.json")
	}
	if res := do(t, h, "GET", "/data/smtpcodes-000000000000.json", nil); res.status != http.StatusNotFound {
		t.Errorf("another version: status %d, want 404", res.status)
	}

	var basic []string
	for _, c := range store.Codes() {
		if c.Kind == content.Basic {
			basic = append(basic, c.ID)
		}
	}
	var got []string
	for _, c := range d.Codes {
		got = append(got, c.Code)
	}
	if !slices.Equal(got, basic) {
		t.Errorf("codes %v, the store has %v", got, basic)
	}
	if len(d.Registry) != len(store.Facts.Registry) || len(d.ProviderCodes) != len(store.Facts.ProviderCodes) || len(d.Responses) != len(store.Lines()) {
		t.Errorf("%d registry entries, %d provider codes, %d response lines; the store has %d, %d, %d",
			len(d.Registry), len(d.ProviderCodes), len(d.Responses), len(store.Facts.Registry), len(store.Facts.ProviderCodes), len(store.Lines()))
	}
	if len(d.Responses) == 0 {
		t.Fatal("no response lines")
	}

	checkText := func(what string, text map[string]*dataset.Text) {
		t.Helper()
		for _, l := range langs {
			tx := text[l]
			if tx == nil || tx.Title == "" || len(tx.URLs) == 0 || !slices.Contains(langs, tx.Lang) {
				t.Errorf("%s: text in %s is %+v", what, l, tx)
				continue
			}
			for _, u := range tx.URLs {
				if !strings.HasPrefix(u, "https://smtp.example/") || !strings.Contains(u, "?lang="+l) {
					t.Errorf("%s: URL %q in %s", what, u, l)
				}
			}
		}
	}
	checkSources := func(what string, srcs []dataset.Source, kind string) {
		t.Helper()
		if len(srcs) == 0 || srcs[0].Kind != kind {
			t.Errorf("%s: sources %+v, want the first of kind %s", what, srcs, kind)
		}
		for _, src := range srcs {
			if src.Title == "" {
				t.Errorf("%s: a source without a title: %+v", what, src)
			}
		}
	}
	for _, c := range d.Codes {
		checkText(c.Code, c.Text)
		checkSources(c.Code, c.Sources, "rfc")
		if len(c.Defs) == 0 || !strings.HasPrefix(c.Sources[0].URL, "https://www.rfc-editor.org/rfc/rfc") {
			t.Errorf("%s: definitions %+v, sources %+v", c.Code, c.Defs, c.Sources)
		}
	}
	for _, e := range d.Registry {
		checkText(e.Code, e.Text)
		checkSources(e.Code, e.Sources, "registry")
		if e.Name == "" && e.Status != "deprecated" || !strings.HasPrefix(e.Sources[0].URL, "https://www.iana.org/") {
			t.Errorf("%s: %+v", e.Code, e)
		}
	}
	for _, p := range d.ProviderCodes {
		checkText(p.Code+" "+p.Provider, p.Text)
		checkSources(p.Code+" "+p.Provider, p.Sources, "provider")
	}
	for _, l := range d.Responses {
		what := l.Provider + "/" + l.ID
		checkText(what, l.Text)
		checkSources(what, l.Sources, "web")
		if src := l.Sources[0]; src.URL == "" || src.Retrieved == "" || src.License == "" || l.Reply == "" || l.Family == "" {
			t.Errorf("%s: %+v", what, l)
		}
	}

	// A translated text is the translation; the registry's name stays verbatim.
	c421, _ := store.Code("421")
	ja, _ := c421.Page("ja")
	i := slices.IndexFunc(d.Codes, func(c dataset.Code) bool { return c.Code == "421" })
	if tx := d.Codes[i].Text["ja"]; tx.Lang != "ja" || tx.Title != ja.Title {
		t.Errorf("421 in ja: %+v, the page says %q", tx, ja.Title)
	}
}

// Every CSV table of every language parses as RFC 4180 with the header's
// width on every row, and has a row per record of the JSON file.
func TestDatasetCSV(t *testing.T) {
	h := testHandler(t)
	d, _ := getDataset(t, h, "/data/smtpcodes.json")
	records := map[string]int{"codes.csv": len(d.Codes), "registry.csv": len(d.Registry), "provider-codes.csv": len(d.ProviderCodes), "responses.csv": len(d.Responses)}
	for _, lang := range siteLangs(t, h) {
		for _, table := range dataset.Tables() {
			path := "/data/" + lang + "/" + table.Name
			res := do(t, h, "GET", path, nil)
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/csv; charset=utf-8" || res.header.Get("Content-Language") != lang {
				t.Errorf("GET %s: %d, %v", path, res.status, res.header)
				continue
			}
			if !utf8.ValidString(res.body) || !strings.HasSuffix(res.body, "\r\n") || strings.HasPrefix(res.body, "\uFEFF") {
				t.Errorf("%s: not UTF-8 without a BOM, with CRLF line ends", path)
			}
			r := csv.NewReader(strings.NewReader(res.body))
			r.FieldsPerRecord = len(table.Header) // every row as wide as the header
			rows, err := r.ReadAll()
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if !slices.Equal(rows[0], table.Header) {
				t.Errorf("%s: header %v, want %v", path, rows[0], table.Header)
			}
			rows = rows[1:]
			if len(rows) != records[table.Name] {
				t.Errorf("%s: %d rows, the JSON file has %d records", path, len(rows), records[table.Name])
				continue
			}
			col := func(name string) int { return slices.Index(table.Header, name) }
			for i, row := range rows {
				textLang := row[col("text_lang")]
				switch table.Name {
				case "codes.csv":
					if row[0] != d.Codes[i].Code || row[col("title")] != d.Codes[i].Text[lang].Title || textLang != d.Codes[i].Text[lang].Lang || row[col("sources")] == "" {
						t.Errorf("%s row %d: %v", path, i+1, row)
					}
				case "registry.csv":
					if row[0] != d.Registry[i].Code || row[col("name")] != d.Registry[i].Name || row[col("sources")] == "" {
						t.Errorf("%s row %d: %v", path, i+1, row)
					}
				case "provider-codes.csv":
					if row[0] != d.ProviderCodes[i].Code || row[col("provider")] != d.ProviderCodes[i].Provider || row[col("sources")] == "" {
						t.Errorf("%s row %d: %v", path, i+1, row)
					}
				case "responses.csv":
					// Replies with commas and quotes come back verbatim.
					l := d.Responses[i]
					if row[col("reply")] != l.Reply || row[col("provider")] != l.Provider || row[col("family")] != l.Family ||
						row[col("source_url")] != l.Sources[0].URL || row[col("license")] != l.Sources[0].License || row[col("retrieved")] == "" {
						t.Errorf("%s row %d: %v", path, i+1, row)
					}
				}
			}
		}
	}
	// The file's language is its path's, whatever the reader's.
	res := do(t, h, "GET", "/data/en/codes.csv", http.Header{"Accept-Language": {"ja"}, "Cookie": {"lang=ja"}})
	if res.header.Get("Content-Language") != "en" || strings.Contains(res.header.Get("Vary"), "Accept-Language") || !strings.HasPrefix(res.header.Get("Cache-Control"), "public") {
		t.Errorf("/data/en/codes.csv for a Japanese reader: %v", res.header)
	}
	if res := do(t, h, "GET", "/data/xx/codes.csv", nil); res.status != http.StatusNotFound {
		t.Errorf("an unknown language: %d", res.status)
	}
}

// The /data page, in each language, links every file of the dataset, and
// every link works.
func TestDataPage(t *testing.T) {
	h := testHandler(t)
	s, _ := sharedServer()
	v, _ := s.store.Version()
	langs := siteLangs(t, h)
	for lang, want := range map[string][]string{
		"en": {"<h1>Open dataset</h1>", "Version " + v.Hash + ", recorded " + v.Date, "CC BY 4.0"},
		"ja": {"<h1>オープンデータセット</h1>", "バージョン " + v.Hash + "（" + v.Date + " 記録）", "CC BY 4.0"},
	} {
		res := do(t, h, "GET", "/data?lang="+lang, nil)
		if res.status != http.StatusOK {
			t.Fatalf("/data?lang=%s: status %d", lang, res.status)
		}
		checkBody(t, res.body, want, nil)
		var links []string
		for _, a := range findAll(parseHTML(t, res.body), func(n *html.Node) bool { return n.Data == "a" }) {
			if href := attr(a, "href"); strings.HasPrefix(href, "/data/") {
				links = append(links, href)
			}
		}
		wantLinks := []string{"/data/smtpcodes-" + v.Hash + ".json", "/data/smtpcodes.json"}
		for _, table := range dataset.Tables() {
			for _, l := range langs {
				wantLinks = append(wantLinks, "/data/"+l+"/"+table.Name)
			}
		}
		slices.Sort(links)
		slices.Sort(wantLinks)
		if !slices.Equal(links, wantLinks) {
			t.Errorf("/data?lang=%s links %v, want %v", lang, links, wantLinks)
		}
		for _, href := range links {
			if res := do(t, h, "HEAD", href, nil); res.status != http.StatusOK {
				t.Errorf("HEAD %s: %d", href, res.status)
			}
		}
	}
	if res := do(t, h, "GET", "/data/?lang=ja", nil); res.status != http.StatusMovedPermanently || res.header.Get("Location") != "/data?lang=ja" {
		t.Errorf("/data/?lang=ja: %d to %q, want 301 to /data?lang=ja", res.status, res.header.Get("Location"))
	}
	llms := do(t, h, "GET", "/llms.txt", nil).body
	for _, l := range langs {
		if !strings.Contains(llms, "(https://smtp.example/data?lang="+l+")") {
			t.Errorf("llms.txt does not list /data?lang=%s", l)
		}
	}
	if sm := do(t, h, "GET", "/sitemap-codes.xml", nil); !strings.Contains(sm.body, "<loc>https://smtp.example/data?lang=ja</loc>") {
		t.Error("the sitemap lacks /data")
	}
}

// Every page's footer shows the content licence, in the page's language,
// and links the dataset.
func TestFooterLicense(t *testing.T) {
	h := testHandler(t)
	for _, tt := range []struct{ path, lang, text string }{
		{"/?lang=en", "en", "Text and data are licensed under CC BY 4.0."},
		{"/codes/421?lang=ja", "ja", "文章とデータは CC BY 4.0 で提供しています。"},
		{"/data?lang=ja", "ja", "文章とデータは CC BY 4.0 で提供しています。"},
		{"/no-such-page?lang=ja", "ja", "文章とデータは CC BY 4.0 で提供しています。"},
	} {
		doc := parseHTML(t, do(t, h, "GET", tt.path, nil).body)
		footers := findAll(doc, func(n *html.Node) bool { return n.Data == "footer" })
		if len(footers) != 1 {
			t.Fatalf("%s: %d footers", tt.path, len(footers))
		}
		lic := findAll(footers[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == "license" })
		if len(lic) != 1 || attr(lic[0], "href") != dataset.LicenseURL || nodeText(lic[0]) != tt.text {
			t.Errorf("%s: licence links %v", tt.path, lic)
		}
		data := findAll(footers[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/data?lang="+tt.lang })
		if len(data) != 1 {
			t.Errorf("%s: the footer does not link /data?lang=%s", tt.path, tt.lang)
		}
	}
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// Content changed without a new recorded version gets a new version and
// no date: the dataset never claims a date for content it was not
// recorded for.
func TestDatasetVersionFollowsContent(t *testing.T) {
	root := fstest.MapFS{}
	for _, dir := range []string{"locales", "templates", "static", "content/facts"} {
		copyDir(t, root, dir)
	}
	for _, name := range []string{"codes/421.md", "codes/421.ja.md", "codes/450.md"} {
		copyFile(t, root, "content/"+name)
	}
	contentFS := func() *content.Version {
		sub, err := fs.Sub(root, "content")
		if err != nil {
			t.Fatal(err)
		}
		v, err := content.ReadVersion(sub)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	v := contentFS()
	root["content/"+content.VersionFile] = &fstest.MapFile{Data: content.VersionFileBody(v.Hash, "2026-12-01")}
	serve := func() *dataset.Dataset {
		srv, err := Open(root, Config{BaseURL: "https://smtp.example"})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := getDataset(t, srv, "/data/smtpcodes.json")
		return d
	}
	if d := serve(); d.Version != v.Hash || d.Date != "2026-12-01" || len(d.Codes) != 2 {
		t.Fatalf("recorded tree: version %q of %q, %d codes", d.Version, d.Date, len(d.Codes))
	}

	src := root["content/codes/450.md"].Data
	root["content/codes/450.md"] = &fstest.MapFile{Data: bytes.Replace(src, []byte("\n+++\n"), []byte("\n+++\n\n"), 1)}
	changed := contentFS()
	if changed.Hash == v.Hash || changed.Check() == nil {
		t.Fatalf("an edited page kept version %s (%v)", changed.Hash, changed.Check())
	}
	if d := serve(); d.Version != changed.Hash || d.Date != "" {
		t.Errorf("edited tree: version %q of %q, want %q and no date", d.Version, d.Date, changed.Hash)
	}
}

// Two servers built from the same tree serve the same dataset bytes (the
// export and every replica agree).
func TestDatasetSameOnEveryStart(t *testing.T) {
	var etags []string
	for range 2 {
		s := newTestServer(t, Config{BaseURL: "https://smtp.example"})
		for _, path := range []string{"/data/smtpcodes.json", "/data/ja/responses.csv"} {
			etags = append(etags, do(t, s, "GET", path, nil).header.Get("Etag"))
		}
	}
	if etags[0] != etags[2] || etags[1] != etags[3] || etags[0] == "" {
		t.Errorf("ETags %v: the dataset changed between two starts", etags)
	}
}
