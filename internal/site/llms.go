package site

import (
	"fmt"
	"net/http"
	"strings"

	"smtpcodes.dev/internal/prepared"
)

// llms.txt (https://llmstxt.org): a markdown file at the root that tells
// language models what the site is and where its text is: an H1, a
// blockquote summary, then H2 sections of link lists. One section per
// language the server has, in the language's own name, with the twins
// and the main pages in that language; "Optional" (the convention's name
// for what can be skipped) has the sitemap.
//
// Served as text/plain: the convention names the file .txt, and .txt is
// what static hosts serve as text/plain (deploy/nginx.conf), so the
// export and the server agree without a special rule, and a browser
// shows it instead of offering a download. Like robots.txt it does not
// depend on the request's language: its H1 and summary are the default
// language's, its sections are every language's.
func (s *Server) llmsTxt() *prepared.Response {
	def := s.locales.Default()
	tr := s.locales.Translator(def)
	var d strings.Builder
	fmt.Fprintf(&d, "# %s\n\n> %s\n", mdText(tr.T(msgSiteName)), mdText(tr.T(msgSiteTagline)))
	for _, l := range s.locales.Langs() {
		t := s.locales.Translator(l)
		abs := func(path string) string { return s.cfg.BaseURL + path + "?lang=" + l.Code }
		fmt.Fprintf(&d, "\n## %s\n\n", mdText(l.Name))
		item := func(text, path string) { fmt.Fprintf(&d, "- %s\n", mdLink(text, abs(path))) }
		item(t.T(msgIndexTitle)+" (markdown)", twinPath("/codes"))
		for _, p := range s.store.Facts.Providers {
			if len(s.store.ProviderResponses(p.ID)) > 0 {
				item(t.T(msgProviderTitle, "Provider", p.Name)+" (markdown)", twinPath(providerURL(p.ID)))
			}
		}
		item(t.T(msgHomeTitle), "/")
		item(t.T(msgIndexTitle), "/codes")
		if len(s.store.Responses()) > 0 {
			item(t.T(msgProvidersTitle), providersURL())
		}
		item(t.T(msgDecodeTitle), "/decode")
		item(t.T(msgTranslationsTitle), translationsURL())
		item(t.T(msgDataTitle), dataURL())
		item(t.T(msgIndexTitle)+" (JSON)", "/codes.json")
	}
	fmt.Fprintf(&d, "\n## Optional\n\n- [Sitemap](%s/sitemap.xml)\n", s.cfg.BaseURL)
	return prepared.New(http.StatusOK, "text/plain; charset=utf-8", "", prepared.Shared, []byte(d.String()))
}
