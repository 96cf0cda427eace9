package content

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Translations are read per language, the first time the language is
// needed, and then kept: a langState is written once, under its sync.Once,
// and read-only afterwards, so the store stays safe for concurrent use.

type langState struct {
	once     sync.Once
	pages    map[*pageSet]*Page
	problems []Problem
	err      error
}

// translations returns the translations of lang, reading them first if
// needed. An unknown language has none.
func (s *Store) translations(lang string) *langState {
	ls, ok := s.byLang[lang]
	if !ok {
		return &langState{}
	}
	ls.once.Do(func() { s.loadLanguage(lang, ls) })
	return ls
}

// LoadLanguage reads the translations of lang, if they were not read yet,
// and returns what was wrong with them: a translation with an error is
// left out, and its pages show the source text.
func (s *Store) LoadLanguage(lang string) error { return s.translations(lang).err }

// LoadAll reads every language and returns every error.
func (s *Store) LoadAll() error {
	var errs []error
	for _, lang := range s.langs[1:] {
		if err := s.LoadLanguage(lang); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Store) loadLanguage(lang string, ls *langState) {
	l := s.loader
	type job struct {
		set  *pageSet
		name string
		p    parsed
	}
	var jobs []*job
	for _, set := range s.sets {
		name, ok := set.files[lang]
		if !ok {
			ls.problems = append(ls.problems, Problem{File: strings.TrimSuffix(set.files[s.src], ".md") + "." + lang + ".md", Lang: lang, What: "missing translation"})
			continue
		}
		jobs = append(jobs, &job{set: set, name: name})
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, j := range jobs {
		g.Go(func() error {
			j.p = l.parse(j.name)
			return nil
		})
	}
	g.Wait()
	ls.pages = make(map[*pageSet]*Page, len(jobs))
	glossary := s.glossaries[lang]
	var errs []error
	for _, j := range jobs {
		page, problems, err := s.checkTranslation(j.set, j.name, lang, j.p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ls.pages[j.set] = page
		ls.problems = append(ls.problems, problems...)
		if glossary != nil {
			for _, v := range glossary.Violations(string(j.p.raw)) {
				ls.problems = append(ls.problems, Problem{File: j.name, Lang: lang, What: "terminology: " + v})
			}
		}
	}
	ls.err = errors.Join(errs...)
}

// checkTranslation checks one translated file against its kind and its
// source. Problems are gaps the site can show (an outdated text); an error
// means the file cannot be used.
func (s *Store) checkTranslation(set *pageSet, name, lang string, p parsed) (*Page, []Problem, error) {
	if p.err != nil {
		return nil, nil, p.err
	}
	tr, page, err := s.loader.checkFile(name, lang, set.spec, p)
	if err != nil {
		return nil, nil, err
	}
	src, srcPage := set.srcFM, set.source
	if tr.Code != src.Code || tr.A != src.A || tr.B != src.B || tr.Provider != src.Provider || tr.Family != src.Family {
		return nil, nil, fmt.Errorf("%s: translation names other codes than its source", name)
	}
	var problems []Problem
	page.TranslatedFrom = tr.TranslatedFrom
	if tr.TranslatedFrom != srcPage.Hash {
		problems = append(problems, Problem{File: name, Lang: lang, What: fmt.Sprintf("outdated translation: made from %s, the source is now %s", tr.TranslatedFrom, srcPage.Hash)})
	}
	for _, sec := range srcPage.Sections {
		if t, ok := page.Section(sec.ID); ok && !slices.Equal(t.Code, sec.Code) {
			problems = append(problems, Problem{File: name, Lang: lang, What: fmt.Sprintf("section %q: code blocks differ from the source (example replies stay verbatim)", sec.ID)})
		}
	}
	return page, problems, nil
}

// Outdated reports whether a translated page was made from an older
// version of its source.
func (p *Page) Outdated(source *Page) bool {
	return p.TranslatedFrom != "" && p.TranslatedFrom != source.Hash
}

// Coverage is how much of one kind of page a language has.
type Coverage struct {
	Kind       string // the content directory: "codes", "enhanced", "providers", "compare", "responses"
	Total      int    // source pages of the kind
	Translated int    // translations that can be shown
	Machine    int    // of those, made by machine
	Reviewed   int    // of those, reviewed by a named reader
	Outdated   int    // of those, made from an older source text
}

// CoverageKinds are the kinds of Coverage, in the order Coverage returns them.
var CoverageKinds = []string{"codes", "enhanced", "providers", "compare", "responses"}

// Coverage returns how much of each kind of page lang has translated,
// reading its translations if they were not read yet. The source language
// has everything.
func (s *Store) Coverage(lang string) []Coverage {
	out := make([]Coverage, len(CoverageKinds))
	for i, k := range CoverageKinds {
		out[i].Kind = k
	}
	for _, set := range s.sets {
		dir, _, _ := strings.Cut(set.files[s.src], "/")
		i := slices.Index(CoverageKinds, dir)
		if i < 0 {
			continue
		}
		c := &out[i]
		c.Total++
		if lang == s.src {
			c.Translated++
			continue
		}
		p, fallback := set.in(lang)
		if fallback {
			continue
		}
		c.Translated++
		if p.Translation == "reviewed" {
			c.Reviewed++
		} else {
			c.Machine++
		}
		if p.Outdated(set.source) {
			c.Outdated++
		}
	}
	return out
}
