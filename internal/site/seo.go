package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// jsonLD describes a page for search engines (schema.org): the page itself
// as typ, with extra properties, and its breadcrumb trail.
func (s *Server) jsonLD(b Base, typ string, extra map[string]any) template.JS {
	page := map[string]any{
		"@type":       typ,
		"name":        b.Title,
		"description": b.Description,
		"inLanguage":  b.Lang.Tag.String(),
		"url":         b.Canonical,
	}
	if typ == "TechArticle" {
		page["headline"] = b.Title
	}
	for k, v := range extra {
		page[k] = v
	}
	items := []map[string]any{{"@type": "ListItem", "position": 1, "name": b.T("nav_home"), "item": s.cfg.BaseURL + b.Link("/")}}
	for i, c := range b.Crumbs {
		items = append(items, map[string]any{"@type": "ListItem", "position": i + 2, "name": c.Name, "item": s.cfg.BaseURL + c.URL})
	}
	doc := map[string]any{
		"@context": "https://schema.org",
		"@graph":   []any{page, map[string]any{"@type": "BreadcrumbList", "itemListElement": items}},
	}
	out, err := json.Marshal(doc) // escapes <, > and &: safe inside <script>
	if err != nil {
		panic(err) // only maps of strings and numbers: cannot fail
	}
	return template.JS(out)
}

// Sitemaps: /sitemap.xml is an index of /sitemap-codes.xml (home, index and
// every code page) and /sitemap-compare-N.xml (every comparison, comparePerMap
// pairs a file, under the 50,000-URL limit of the protocol). Every URL is
// listed once per language with its alternates.
const comparePerMap = 10000

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	XHTML   string       `xml:"xmlns:xhtml,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc   string        `xml:"loc"`
	Links []sitemapLink `xml:"xhtml:link"`
}

type sitemapLink struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

type sitemapIndex struct {
	XMLName  xml.Name `xml:"sitemapindex"`
	NS       string   `xml:"xmlns,attr"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// sitemapURLs lists path once per language, each with every alternate.
func (s *Server) sitemapURLs(path string) []sitemapURL {
	var links []sitemapLink
	for _, l := range s.locales.Langs() {
		links = append(links, sitemapLink{"alternate", l.Tag.String(), s.cfg.BaseURL + path + "?lang=" + l.Code})
	}
	links = append(links, sitemapLink{"alternate", "x-default", s.cfg.BaseURL + path})
	var urls []sitemapURL
	for _, l := range s.locales.Langs() {
		urls = append(urls, sitemapURL{Loc: s.cfg.BaseURL + path + "?lang=" + l.Code, Links: links})
	}
	return urls
}

func marshalXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		panic(err) // plain structs of strings: cannot fail
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// pairs returns the number of comparisons.
func (s *Server) pairs() int {
	n := len(s.store.Codes())
	return n * (n - 1) / 2
}

func (s *Server) sitemaps() (index, codes *response) {
	set := urlset{NS: sitemapNS, XHTML: "http://www.w3.org/1999/xhtml"}
	set.URLs = append(set.URLs, s.sitemapURLs("/")...)
	set.URLs = append(set.URLs, s.sitemapURLs("/codes")...)
	for _, c := range s.store.Codes() {
		set.URLs = append(set.URLs, s.sitemapURLs(codeURL(c.ID))...)
	}
	idx := sitemapIndex{NS: sitemapNS}
	add := func(path string) {
		idx.Sitemaps = append(idx.Sitemaps, struct {
			Loc string `xml:"loc"`
		}{s.cfg.BaseURL + path})
	}
	add("/sitemap-codes.xml")
	for i := 1; (i-1)*comparePerMap < s.pairs(); i++ {
		add("/sitemap-compare-" + strconv.Itoa(i) + ".xml")
	}
	return newResponse(http.StatusOK, "application/xml; charset=utf-8", "", cacheShared, marshalXML(idx)),
		newResponse(http.StatusOK, "application/xml; charset=utf-8", "", cacheShared, marshalXML(set))
}

// compareSitemap lists the comparisons of chunk n (from 1), in canonical order.
func (s *Server) compareSitemap(n int) (*response, error) {
	codes := s.store.Codes()
	set := urlset{NS: sitemapNS, XHTML: "http://www.w3.org/1999/xhtml"}
	first, last := (n-1)*comparePerMap, n*comparePerMap
	k := 0
	for i, a := range codes {
		for _, b := range codes[i+1:] {
			if k >= first && k < last {
				set.URLs = append(set.URLs, s.sitemapURLs(compareURL(a, b))...)
			}
			k++
		}
	}
	if len(set.URLs) == 0 {
		return nil, errNotFound
	}
	return newResponse(http.StatusOK, "application/xml; charset=utf-8", "", cacheShared, marshalXML(set)).quick(), nil
}

func (s *Server) serveSitemap(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "name")
	switch name {
	case "":
		s.sitemapIndex.write(w, r, true)
		return nil
	case "codes":
		s.sitemapCodes.write(w, r, true)
		return nil
	}
	nstr, ok := strings.CutPrefix(name, "compare-")
	n, err := strconv.Atoi(nstr)
	if !ok || err != nil || n < 1 || strconv.Itoa(n) != nstr || (n-1)*comparePerMap >= s.pairs() {
		return errNotFound
	}
	resp, err := s.compares.get("/sitemap-compare-"+nstr+".xml", func() (*response, error) { return s.compareSitemap(n) })
	if err != nil {
		return err
	}
	resp.write(w, r, true)
	return nil
}

func (s *Server) robots() *response {
	body := fmt.Sprintf("User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /go\n\nSitemap: %s/sitemap.xml\n", s.cfg.BaseURL)
	return newResponse(http.StatusOK, "text/plain; charset=utf-8", "", cacheShared, []byte(body))
}
