// Package dataset turns the content store into the open dataset: one JSON
// document holding every language, and CSV tables per language.
//
// The model: a record is one fact of the reference, as the store holds it:
// a basic reply code, an entry of the IANA enhanced status code registry,
// a provider's own meaning of an enhanced code, a catalogued reply line.
// Each record carries its sources (the RFC and section, the registry, the
// provider's documentation or the page a line was read from, with the
// licence and retrieval date where the store records them) and, per
// language, our title and summary with the page's address. The JSON keeps
// the languages side by side; a CSV table is one language, one row per
// record, multi-valued cells joined by " | ".
//
// Everything is built from the store and a Links value, in the store's
// order, so the same content gives the same bytes. The package knows
// nothing of HTTP; package site serves and exports what it builds.
package dataset

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/content"
)

// Licence of the dataset: our text and data. Third-party facts keep the
// attribution (and, where the store records it, the licence) in their
// records' sources.
const (
	LicenseName      = "CC BY 4.0"
	LicenseURL       = "https://creativecommons.org/licenses/by/4.0/"
	LicenseLegalcode = "https://creativecommons.org/licenses/by/4.0/legalcode"
	Attribution      = "The smtpcodes.dev authors"
)

// Links makes the addresses records point to: absolute URLs of the site's
// pages in a language.
type Links interface {
	Code(id, lang string) string
	Response(r *content.Response, lang string) string
	Line(l *content.Line, lang string) string
}

// Dataset is the JSON document.
type Dataset struct {
	Name          string         `json:"name"`
	Version       string         `json:"version"`
	Date          string         `json:"date"`
	License       License        `json:"license"`
	Languages     []string       `json:"languages"`
	Codes         []Code         `json:"codes"`
	Registry      []Entry        `json:"registry"`
	ProviderCodes []ProviderCode `json:"provider_codes"`
	Responses     []Line         `json:"responses"`
}

// License says under which terms the dataset may be used.
type License struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Legalcode   string `json:"legalcode"`
	Attribution string `json:"attribution"`
	Scope       string `json:"scope"`
}

// Source is where a fact comes from.
type Source struct {
	// Kind is "rfc", "registry" (the IANA registry), "provider" (a
	// provider's documentation) or "web" (a page a line was read from, a
	// source a claim was checked against).
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	URL       string `json:"url,omitempty"`
	License   string `json:"license,omitempty"`   // as the store records it; absent when it records none
	Retrieved string `json:"retrieved,omitempty"` // when it was read or checked, YYYY-MM-DD
	Version   string `json:"version,omitempty"`   // which copy or release of it
}

// Text is our text of a record in one language. Lang is the language the
// text is in: the source language's where no translation exists.
type Text struct {
	Lang    string   `json:"lang"`
	Title   string   `json:"title"`
	Summary string   `json:"summary,omitempty"`
	URLs    []string `json:"urls"`
}

// Code is a basic reply code.
type Code struct {
	Code    string           `json:"code"`
	Class   int              `json:"class"`
	Phases  []string         `json:"phases"`
	Defs    []Def            `json:"definitions"`
	Sources []Source         `json:"sources"`
	Text    map[string]*Text `json:"text"` // by language
}

// Def is one defined meaning of a basic code.
type Def struct {
	Ref     string `json:"ref"`               // "RFC 5321 §4.2.3"
	Context string `json:"context,omitempty"` // the extension it belongs to
	Reply   string `json:"reply"`             // the document's reply text, verbatim
	// Example says the document gives no text: Reply is example wording.
	Example bool `json:"example,omitempty"`
}

// Entry is an entry of the IANA SMTP Enhanced Status Codes registry.
type Entry struct {
	Code    string           `json:"code"` // "X.7.26"
	Name    string           `json:"name"` // the registry's sample text, verbatim
	Basic   string           `json:"basic"`
	Refs    []string         `json:"refs"`
	Classes []int            `json:"classes"` // the classes the site has a page for
	Status  string           `json:"status,omitempty"`
	See     string           `json:"see,omitempty"`
	Sources []Source         `json:"sources"`
	Text    map[string]*Text `json:"text"`
}

// ProviderCode is an enhanced code as a provider documents it: a
// registered number with the provider's own meaning, or a number the
// registry lacks.
type ProviderCode struct {
	Code       string           `json:"code"` // "X.7.708"
	Provider   string           `json:"provider"`
	Registered bool             `json:"registered"`
	Classes    []int            `json:"classes"`
	Sources    []Source         `json:"sources"`
	Text       map[string]*Text `json:"text"`
}

// Line is a reply line of the provider-response catalogue.
type Line struct {
	Provider string           `json:"provider"`
	Family   string           `json:"family"`
	ID       string           `json:"id"`
	Reply    string           `json:"reply"` // verbatim, variable parts normalised to placeholders
	Basic    string           `json:"basic"`
	Enhanced string           `json:"enhanced,omitempty"`
	Token    string           `json:"token,omitempty"`
	Phase    string           `json:"phase,omitempty"`
	Seen     string           `json:"seen,omitempty"` // when the source shows it was sent
	Sources  []Source         `json:"sources"`
	Text     map[string]*Text `json:"text"` // the family's title and summary
}

// Build makes the dataset of the store in the given languages (the first
// is the source language).
func Build(store *content.Store, langs []string, v content.Version, links Links) *Dataset {
	d := &Dataset{
		Name:    "smtpcodes.dev: SMTP reply codes, enhanced status codes and provider responses",
		Version: v.Hash,
		License: License{
			Name: LicenseName, URL: LicenseURL, Legalcode: LicenseLegalcode, Attribution: Attribution,
			Scope: "Our text and data. Facts from third parties (RFCs, the IANA registry, providers' documentation, published reply lines) keep the attribution, and where recorded the licence, given in each record's sources.",
		},
		Languages:     langs,
		Codes:         []Code{},
		Registry:      []Entry{},
		ProviderCodes: []ProviderCode{},
		Responses:     []Line{},
	}
	if v.Current() {
		d.Date = v.Date
	}
	codes := store.Codes()
	for _, c := range codes {
		if c.Kind != content.Basic {
			continue
		}
		rec := Code{Code: c.ID, Class: c.Class, Phases: phases(c), Text: texts(langs, c.Page, func(lang string) []string { return []string{links.Code(c.ID, lang)} })}
		for _, def := range c.Defs {
			rec.Defs = append(rec.Defs, Def{Ref: def.Ref.String(), Context: def.Context, Reply: def.Text, Example: def.Example})
		}
		for _, r := range c.Refs {
			rec.Sources = append(rec.Sources, rfcSource(r.Doc, r.Section))
		}
		d.Codes = append(d.Codes, rec)
	}
	for _, e := range store.Facts.Registry {
		rec := Entry{Code: e.Code, Name: e.Name, Basic: e.Basic, Refs: e.Refs, Classes: e.Classes, Status: e.Status, See: e.See, Text: map[string]*Text{}}
		rec.Sources = append(rec.Sources, registrySource(e.Code))
		for _, r := range e.Refs {
			rec.Sources = append(rec.Sources, rfcSource(r, ""))
		}
		pages := classPages(codes, func(c *content.Code) bool { return c.Kind == content.Enhanced && c.Key == e.Code })
		if len(pages) > 0 {
			rec.Text = texts(langs, pages[0].Page, urlsOf(pages, links))
		}
		d.Registry = append(d.Registry, rec)
	}
	for i := range store.Facts.ProviderCodes {
		pc := &store.Facts.ProviderCodes[i]
		rec := ProviderCode{Code: pc.Code, Provider: pc.Provider, Classes: pc.Classes, Text: map[string]*Text{}}
		// The facts name the provider's document by its title; the
		// page's claims and example sources give addresses.
		rec.Sources = append(rec.Sources, Source{Kind: "provider", Title: pc.Doc})
		own := classPages(codes, func(c *content.Code) bool { return c.Provider == pc })
		if len(own) > 0 {
			rec.Text = texts(langs, own[0].Page, urlsOf(own, links))
			for _, e := range own[0].Examples {
				if e.Source != "" {
					rec.Sources = append(rec.Sources, Source{Kind: "web", Title: e.Title, URL: e.Source})
				}
			}
			rec.Sources = appendClaims(rec.Sources, own[0].Claims)
		}
		reused := classPages(codes, func(c *content.Code) bool { return reuseOf(c, pc) != nil })
		if len(reused) > 0 {
			rec.Registered = true
			reuse := reuseOf(reused[0], pc)
			rec.Text = texts(langs, reuse.Page, urlsOf(reused, links))
			rec.Sources = appendClaims(rec.Sources, reuse.Claims)
		}
		d.ProviderCodes = append(d.ProviderCodes, rec)
	}
	for _, r := range store.Responses() {
		for _, l := range r.Lines {
			rec := Line{
				Provider: r.Provider.ID, Family: r.ID, ID: l.ID, Reply: l.Reply, Basic: l.Basic, Enhanced: l.Enhanced,
				Token: l.Token, Phase: string(l.Phase), Seen: l.Seen,
				Sources: []Source{{Kind: "web", Title: l.Source.Title, URL: l.Source.URL, License: l.Source.License, Retrieved: l.Source.Retrieved, Version: l.Source.Version}},
				Text:    texts(langs, r.Page, func(lang string) []string { return []string{links.Line(l, lang)} }),
			}
			d.Responses = append(d.Responses, rec)
		}
	}
	return d
}

// JSON encodes the dataset, indented (it is read by people as much as by
// programs), without HTML escaping (reply lines keep their < and >).
func (d *Dataset) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func phases(c *content.Code) []string {
	out := []string{}
	for _, p := range c.Phases {
		out = append(out, string(p))
	}
	return out
}

// texts is a record's text in every language.
func texts(langs []string, page func(string) (*content.Page, bool), urls func(lang string) []string) map[string]*Text {
	out := map[string]*Text{}
	for _, lang := range langs {
		p, _ := page(lang)
		out[lang] = &Text{Lang: p.Lang, Title: p.Title, Summary: p.Summary, URLs: urls(lang)}
	}
	return out
}

// classPages returns the code pages that match, one per class.
func classPages(codes []*content.Code, match func(*content.Code) bool) []*content.Code {
	var out []*content.Code
	for _, c := range codes {
		if match(c) {
			out = append(out, c)
		}
	}
	return out
}

func urlsOf(pages []*content.Code, links Links) func(string) []string {
	return func(lang string) []string {
		var out []string
		for _, c := range pages {
			out = append(out, links.Code(c.ID, lang))
		}
		return out
	}
}

func reuseOf(c *content.Code, pc *content.ProviderCode) *content.Reuse {
	for _, r := range c.Reuses {
		if r.Provider == pc {
			return r
		}
	}
	return nil
}

func appendClaims(srcs []Source, claims []content.Claim) []Source {
	for _, cl := range claims {
		srcs = append(srcs, Source{Kind: "web", Title: cl.Title, URL: cl.Source, Retrieved: cl.Checked})
	}
	return srcs
}

var rfcRE = regexp.MustCompile(`^RFC ([0-9]+)$`)

// rfcSource cites an RFC, with its address at the RFC Editor (and the
// section's anchor there) when the document is an RFC.
func rfcSource(doc, section string) Source {
	s := Source{Kind: "rfc", Title: doc}
	if section != "" {
		s.Title += " §" + section
	}
	if m := rfcRE.FindStringSubmatch(doc); m != nil {
		s.URL = "https://www.rfc-editor.org/rfc/rfc" + m[1]
		if section != "" {
			s.URL += "#section-" + section
		}
	} else if strings.HasPrefix(doc, "draft-") {
		s.Kind = "draft"
		s.URL = "https://datatracker.ietf.org/doc/" + doc + "/"
	}
	return s
}

// registrySource cites the IANA registry entry.
func registrySource(code string) Source {
	return Source{Kind: "registry", Title: "IANA SMTP Enhanced Status Codes registry, " + code, URL: "https://www.iana.org/assignments/smtp-enhanced-status-codes/smtp-enhanced-status-codes.xhtml"}
}

// joined is how a CSV cell holds several values.
func joined(vs []string) string { return strings.Join(vs, " | ") }

func ints(vs []int) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.Itoa(v)
	}
	return out
}
