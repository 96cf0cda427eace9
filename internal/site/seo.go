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

	"smtpcodes.dev/internal/prepared"
)

// For search engines: JSON-LD in every page, the sitemaps and robots.txt.

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
	items := []map[string]any{{"@type": "ListItem", "position": 1, "name": b.T(msgNavHome), "item": s.cfg.BaseURL + b.Link("/")}}
	for i, c := range b.Crumbs {
		items = append(items, map[string]any{"@type": "ListItem", "position": i + 2, "name": c.Name, "item": s.cfg.BaseURL + c.URL})
	}
	doc := map[string]any{
		"@context": "https://schema.org",
		"@graph":   []any{page, map[string]any{"@type": "BreadcrumbList", "itemListElement": items}},
	}
	// Marshal escapes <, > and &: safe inside <script>. It cannot fail on
	// maps of strings and numbers.
	out, _ := json.Marshal(doc)
	return template.JS(out)
}

// Sitemaps: /sitemap.xml is an index of /sitemap-codes.xml (home, index,
// every code page and every page of the provider-response catalogue) and
// /sitemap-compare-N.xml (every comparison, Server.perMap pairs a file).
// Every URL is listed once per language with its alternates.

// comparePerMap is how many pairs a compare sitemap can list with n
// languages and stay within the protocol's limits, 50,000 URLs and 50 MB
// uncompressed: a pair is one URL per language, and each URL carries an
// alternate per language and x-default. Measured, an alternate takes about
// 125 bytes and the URL itself 45; the sum below counts 130 and 60 against
// 45 MiB, for a margin. From six languages on the size binds first (8,107
// pairs with six, 3,166 with ten); at most 10,000 pairs a file, as with two
// languages.
func comparePerMap(n int) int {
	byURLs := 50000 / n
	byBytes := (45 << 20) / (n * (60 + (n+1)*130))
	return min(10000, byURLs, byBytes)
}

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
	links = append(links, sitemapLink{"alternate", "x-default", s.xDefault(path)})
	var urls []sitemapURL
	for _, l := range s.locales.Langs() {
		urls = append(urls, sitemapURL{Loc: s.cfg.BaseURL + path + "?lang=" + l.Code, Links: links})
	}
	return urls
}

// marshalXML encodes a sitemap. Encoding plain structs of strings into a
// buffer cannot fail.
func marshalXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	xml.NewEncoder(&buf).Encode(v)
	buf.WriteByte('\n')
	return buf.Bytes()
}

// pairs returns the number of comparisons.
func (s *Server) pairs() int {
	n := len(s.store.Codes())
	return n * (n - 1) / 2
}

// codesSitemap lists every page but the comparisons. It is the largest
// sitemap (with ten languages, about 20,000 links), so it is made on
// first use and keeps only its compressed variants.
func (s *Server) codesSitemap() (*prepared.Response, error) {
	set := urlset{NS: sitemapNS, XHTML: "http://www.w3.org/1999/xhtml"}
	set.URLs = append(set.URLs, s.sitemapURLs("/")...)
	set.URLs = append(set.URLs, s.sitemapURLs("/codes")...)
	set.URLs = append(set.URLs, s.sitemapURLs(translationsURL())...)
	set.URLs = append(set.URLs, s.sitemapURLs(dataURL())...)
	for _, c := range s.store.Codes() {
		set.URLs = append(set.URLs, s.sitemapURLs(codeURL(c.ID))...)
	}
	if len(s.store.Responses()) > 0 {
		set.URLs = append(set.URLs, s.sitemapURLs(providersURL())...)
		for _, p := range s.store.Facts.Providers {
			if len(s.store.ProviderResponses(p.ID)) > 0 {
				set.URLs = append(set.URLs, s.sitemapURLs(providerURL(p.ID))...)
			}
		}
		for _, r := range s.store.Responses() {
			set.URLs = append(set.URLs, s.sitemapURLs(responseURL(r))...)
		}
	}
	resp := prepared.New(http.StatusOK, xmlType, "", prepared.Shared, marshalXML(set))
	resp.Compact()
	return resp, nil
}

// sitemapIndexDoc lists the sitemaps.
func (s *Server) sitemapIndexDoc() *prepared.Response {
	idx := sitemapIndex{NS: sitemapNS}
	add := func(path string) {
		idx.Sitemaps = append(idx.Sitemaps, struct {
			Loc string `xml:"loc"`
		}{s.cfg.BaseURL + path})
	}
	add("/sitemap-codes.xml")
	for i := 1; (i-1)*s.perMap < s.pairs(); i++ {
		add("/sitemap-compare-" + strconv.Itoa(i) + ".xml")
	}
	return prepared.New(http.StatusOK, xmlType, "", prepared.Shared, marshalXML(idx))
}

// compareSitemap lists the comparisons of chunk n (from 1), in canonical order.
func (s *Server) compareSitemap(n int) (*prepared.Response, error) {
	codes := s.store.Codes()
	set := urlset{NS: sitemapNS, XHTML: "http://www.w3.org/1999/xhtml"}
	first, last := (n-1)*s.perMap, n*s.perMap
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
	return prepared.New(http.StatusOK, xmlType, "", prepared.Shared, marshalXML(set)).OnDemand(), nil
}

func (s *Server) serveSitemap(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "name")
	switch name {
	case "":
		send(w, r, s.sitemapIndex)
		return nil
	case "codes":
		resp, err := s.sitemapCodes.get()
		if err != nil {
			return err
		}
		send(w, r, resp)
		return nil
	}
	nstr, ok := strings.CutPrefix(name, "compare-")
	n, err := strconv.Atoi(nstr)
	if !ok || err != nil || n < 1 || strconv.Itoa(n) != nstr || (n-1)*s.perMap >= s.pairs() {
		return errNotFound
	}
	resp, err := s.compares.Get("/sitemap-compare-"+nstr+".xml", func() (*prepared.Response, error) { return s.compareSitemap(n) })
	if err != nil {
		return err
	}
	send(w, r, resp)
	return nil
}

func (s *Server) robots() *prepared.Response {
	body := fmt.Sprintf("User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /go\n\nSitemap: %s/sitemap.xml\n", s.cfg.BaseURL)
	return prepared.New(http.StatusOK, "text/plain; charset=utf-8", "", prepared.Shared, []byte(body))
}
