package site

import (
	"fmt"
	"slices"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// What a translated page says about its translation, as Microsoft Learn and
// MDN do: how it was made (by machine, or reviewed by a named reader of
// the language), whether the English page has changed since, and where
// the English original is; and /translations (with its JSON), which shows
// per language how much is translated, how, and how current it is.

// translationNote is the notice of a page in a translation.
type translationNote struct {
	Text     string // "This page was translated from English by machine."
	Outdated string // "" when the translation is current
	Link     string // "Read the English original"
	URL      string // the same page in English, same anchor space
}

// noteFor returns the notice for a page made of the given texts in b's
// language, or nil for the English pages and for text shown in English
// (whose fallback notice says so). The notice is "machine" when any text
// is, and names every reviewer when all were reviewed.
func noteFor(b Base, texts ...translated) *translationNote {
	if b.Lang.Code == locale.DefaultCode {
		return nil
	}
	machine, outdated := false, false
	var reviewers []string
	n := 0
	for _, t := range texts {
		if t.page == nil || t.fallback || t.page.Translation == "" {
			continue
		}
		n++
		switch t.page.Translation {
		case "reviewed":
			if !slices.Contains(reviewers, t.page.Reviewer) {
				reviewers = append(reviewers, t.page.Reviewer)
			}
		default:
			machine = true
		}
		outdated = outdated || t.page.Outdated(t.source)
	}
	if n == 0 {
		return nil
	}
	note := &translationNote{
		Link: b.T(msgTranslationOriginal),
		URL:  b.Path + "?lang=" + locale.DefaultCode,
	}
	if machine {
		note.Text = b.T(msgTranslationMachine)
	} else {
		note.Text = b.T(msgTranslationReviewed, "Reviewer", strings.Join(reviewers, b.T(msgListSeparator)))
	}
	if outdated {
		note.Outdated = b.T(msgTranslationOutdated)
	}
	return note
}

// translated is one text of a page: the page in the reader's language,
// the English source it was made from, and whether the text shown is the
// source for want of a translation.
type translated struct {
	page, source *content.Page
	fallback     bool
}

// pageText returns the translated text of something with pages in each
// language (a code, a note, a catalogue family).
func pageText(lang string, pages interface {
	Page(string) (*content.Page, bool)
}) translated {
	p, fallback := pages.Page(lang)
	src, _ := pages.Page(locale.DefaultCode)
	return translated{page: p, source: src, fallback: fallback}
}

// translationsView is /translations: a row per language.
type translationsView struct {
	Base
	Intro string
	Kinds []string // column headings, one per content kind
	Rows  []translationsRow
}

type translationsRow struct {
	Code, Name, URL string
	Cells           []string // "40/40" per kind
	Machine         int
	Reviewed        int
	Outdated        int
	UI              string // "264/264"
}

func (s *Server) translationsView(l locale.Lang) translationsView {
	b := s.base(l, translationsURL())
	b.Title = b.T(msgTranslationsTitle) + " | " + b.T(msgSiteName)
	b.Description = b.T(msgTranslationsIntro)
	b.Crumbs = []crumb{{Name: b.T(msgTranslationsTitle), URL: b.Link(translationsURL())}}
	v := translationsView{Base: b, Intro: b.T(msgTranslationsIntro)}
	for _, k := range content.CoverageKinds {
		v.Kinds = append(v.Kinds, b.T(coverageMsg(k)))
	}
	for _, o := range s.locales.Langs() {
		row := translationsRow{Code: o.Code, Name: o.Name, URL: "/?lang=" + o.Code}
		for _, c := range s.store.Coverage(o.Code) {
			row.Cells = append(row.Cells, fmt.Sprintf("%d/%d", c.Translated, c.Total))
			row.Machine += c.Machine
			row.Reviewed += c.Reviewed
			row.Outdated += c.Outdated
		}
		total := s.locales.MessageCount()
		row.UI = fmt.Sprintf("%d/%d", total-len(s.locales.Missing(o)), total)
		v.Rows = append(v.Rows, row)
	}
	return v
}

func translationsURL() string { return "/translations" }

// apiTranslations is /translations.json: for each language, its pages
// by kind (total, translated, machine, reviewed, outdated) and its UI
// messages.
type apiTranslations struct {
	Languages []apiLanguage `json:"languages"`
}

type apiLanguage struct {
	Code  string             `json:"code"`
	Name  string             `json:"name"`
	Pages []content.Coverage `json:"pages"`
	UI    struct {
		Messages int `json:"messages"`
		Missing  int `json:"missing"`
	} `json:"ui"`
}

func (s *Server) apiTranslations() apiTranslations {
	var out apiTranslations
	for _, o := range s.locales.Langs() {
		al := apiLanguage{Code: o.Code, Name: o.Name, Pages: s.store.Coverage(o.Code)}
		al.UI.Messages = s.locales.MessageCount()
		al.UI.Missing = len(s.locales.Missing(o))
		out.Languages = append(out.Languages, al)
	}
	return out
}
