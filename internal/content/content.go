// Package content loads and validates everything the site says about reply
// codes into an immutable Store.
//
// The model: a Code is one page of the site, "421" or "5.7.26". A basic code
// has one source file per language (codes/421.md, codes/421.ja.md). An
// enhanced registry entry has one source per language too (enhanced/7.26.md)
// and yields one Code per class that makes sense for it (2.7.26 is not a
// page, 4.7.26 and 5.7.26 are), all sharing the same text. A Note holds the
// written notes for a commonly confused pair of codes.
//
// Load checks everything it reads against the facts (facts/basic.toml and
// facts/enhanced.toml) and fails on the first error, naming the file. Gaps
// that do not break a page (a missing or outdated translation, a missing
// page for a code in the facts) are collected as Problems: the site shows
// the English text in their place, and `check` and the tests report them.
//
// The SMTP rules the checks rest on (code syntax, canonical forms, phases,
// the Provider type) are package smtp's; this package holds the data:
// facts/providers.toml is the one list of receiving systems the decoder and
// the pages use.
//
// The content's version (version.go) is a hash of the whole tree, which
// facts/dataset.toml records with a date for the open dataset; Check
// fails when the record is not the tree's.
//
// The package knows nothing of HTTP or templates.
package content

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"

	"smtpcodes.dev/internal/markdown"
	"smtpcodes.dev/internal/smtp"
)

// Kind tells basic codes from enhanced ones.
type Kind int

const (
	Basic    Kind = iota // a three-digit reply code
	Enhanced             // an IANA-registered enhanced status code
	// ProviderOnly is an enhanced status code a provider uses that the
	// registry does not have (Microsoft 365's 5.7.708).
	ProviderOnly
)

// Code is one code page.
type Code struct {
	ID    string // "421" or "5.7.26": the URL form
	Kind  Kind
	Class int // 2, 3, 4 or 5
	// Key names the source: "421", or "X.7.26" for every class of an
	// enhanced entry.
	Key string

	Refs    []Ref        // defining documents, as the page states them
	Defs    []Def        // basic codes: each defined meaning with its reply text
	Phases  []smtp.Phase // where in the session it occurs
	Related []string
	// SeenWith lists the codes of the other kind commonly seen in the same
	// reply: for a basic code the enhanced codes the IANA registry associates
	// with it, for an enhanced code the associated basic codes. IDs that are
	// pages of this site.
	SeenWith []string
	Registry *RegistryEntry // enhanced codes only
	Provider *ProviderCode  // provider-only codes only
	// Reuses are the providers that document this registered number with
	// another meaning.
	Reuses []*Reuse
	// Examples say where each example reply of the page comes from, and
	// Claims what its statements about real software rest on.
	Examples []Example
	Claims   []Claim

	pages *pageSet
}

// Reuse is a provider's own meaning for a registered number.
type Reuse struct {
	Provider *ProviderCode
	Claims   []Claim
	pages    *pageSet
}

// Page returns the provider's meaning in lang, or in the default language
// with fallback=true.
func (r *Reuse) Page(lang string) (p *Page, fallback bool) { return r.pages.in(lang) }

// Page is the text of a code, a note or any content file in one language.
type Page struct {
	Lang     string
	File     string
	Title    string
	Summary  string
	Sections []markdown.Section
	// Hash identifies the content of a source (English) file; a translation
	// records in TranslatedFrom the hash of the source it was made from.
	Hash           string
	TranslatedFrom string
	// Translation is "machine" or "reviewed" (by Reviewer) for a
	// translation, "" for a source file.
	Translation string
	Reviewer    string
}

// Section returns the section with the given id.
func (p *Page) Section(id string) (markdown.Section, bool) {
	for _, s := range p.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return markdown.Section{}, false
}

// Page returns the code's text in lang, or the default language's text and
// fallback=true when there is no translation.
func (c *Code) Page(lang string) (p *Page, fallback bool) {
	return c.pages.in(lang)
}

// pageSet is a text in every language it exists in; source is the one in
// the source language, which stands in for a missing translation. The
// translations are read per language, on first use (translations.go).
type pageSet struct {
	files  map[string]string // file name by language
	spec   fileSpec
	srcFM  *frontMatter
	source *Page
	st     *Store
}

func (ps *pageSet) in(lang string) (*Page, bool) {
	if lang == ps.st.src {
		return ps.source, false
	}
	if p := ps.st.translations(lang).pages[ps]; p != nil {
		return p, false
	}
	return ps.source, true
}

// Subject returns the subject digit of an enhanced code (7 for 5.7.26), or -1.
func (c *Code) Subject() int {
	if c.Kind == Basic {
		return -1
	}
	return smtp.Subject(c.ID)
}

// Note is the written notes for a pair of codes.
type Note struct {
	A, B   string
	Claims []Claim
	pages  *pageSet
}

// Page returns the note in lang, or in the default language with fallback=true.
func (n *Note) Page(lang string) (p *Page, fallback bool) { return n.pages.in(lang) }

// Problem is a gap that does not stop the site: a missing page or
// translation, or a translation made from an older source.
type Problem struct {
	File string
	Lang string
	What string
}

func (p Problem) String() string { return p.File + ": " + p.What }

// Store is the loaded content. It is immutable after Load.
type Store struct {
	Facts    *Facts
	codes    []*Code // basic codes in numeric order, then enhanced by class, subject, detail
	byID     map[string]*Code
	notes    map[[2]string]*Note
	langs    []string
	problems []Problem

	// The provider-response catalogue (responses.go).
	responses    map[[2]string]*Response // by provider and family id
	responseList []*Response
	lines        map[[2]string]*Line   // by provider and line id
	renamed      map[[2]string]string  // old family id -> new
	matchKeys    map[string][]matchKey // by basic code: the lines as Match compares them
	glossaries   map[string]*Glossary  // by language
	indexOnce    sync.Once
	version      func() (Version, error) // version.go: hashed on first use

	// Translations, read per language on first use (translations.go).
	src    string // the source language
	loader *loader
	sets   []*pageSet
	byLang map[string]*langState
}

// Load reads the content tree at the root of fsys for the given languages
// (language codes). The first is the source language: its files have no
// language in their name (codes/421.md), and every other language is a
// translation of it. Every file of every language is read and checked: an
// error in any stops it. This is what `check` and the tests use.
func Load(fsys fs.FS, langs []string) (*Store, error) {
	s, err := LoadSource(fsys, langs)
	if err != nil {
		return nil, err
	}
	if err := s.LoadAll(); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadSource reads and checks the facts and every file of the source
// language, and lists the translations without reading them: a language's
// translations are read when it is first needed (LoadLanguage). This is
// what the server uses, so that it is ready in a fraction of a second
// whatever the number of languages; a translation that fails its checks
// then stands aside for the source text (LoadLanguage reports why), while
// `check` and CI, which use Load, reject it.
func LoadSource(fsys fs.FS, langs []string) (*Store, error) {
	if len(langs) == 0 {
		return nil, errors.New("content: no languages")
	}
	sourceLang := langs[0]
	facts, err := LoadFacts(fsys)
	if err != nil {
		return nil, err
	}
	s := &Store{Facts: facts, byID: map[string]*Code{}, notes: map[[2]string]*Note{}, langs: langs, src: sourceLang, byLang: map[string]*langState{}}
	for _, lang := range langs[1:] {
		s.byLang[lang] = &langState{}
	}
	l := &loader{store: s, fsys: fsys, md: markdown.New(), langs: langs, src: sourceLang}
	s.loader = l
	s.version = sync.OnceValues(func() (Version, error) { return ReadVersion(fsys) })
	if err := l.preload("codes", "enhanced", "providers", "compare", "responses/*"); err != nil {
		return nil, err
	}
	if err := s.loadGlossaries(l); err != nil {
		return nil, err
	}
	// Errors in single files are collected so an author sees all of them at
	// once; any of them still stops the start.
	var errs []error
	// The catalogue first: the examples of code pages cite its lines.
	for _, step := range []func(*loader) error{s.loadResponses, s.loadBasic, s.loadEnhanced, s.loadProviders} {
		if err := step(l); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := s.link(); err != nil {
		return nil, err
	}
	if err := s.loadNotes(l); err != nil {
		return nil, err
	}
	s.problems = append(s.problems, l.problems...)
	l.cache = nil // source files are parsed; translations are read on demand
	return s, nil
}

func (s *Store) loadBasic(l *loader) error {
	files, err := l.group("codes")
	if err != nil {
		return err
	}
	var errs []error
	for _, b := range s.Facts.Basic {
		c := &Code{ID: b.Code, Key: b.Code, Kind: Basic, Class: int(b.Code[0] - '0'), Defs: b.Defs, Phases: b.Phases}
		f, ok := files[b.Code]
		delete(files, b.Code)
		if !ok {
			s.problems = append(s.problems, Problem{File: "codes/" + b.Code + ".md", Lang: l.src, What: "missing page"})
			continue
		}
		fm, pages, err := l.pages(f, codeSpec)
		if err == nil {
			err = fm.checkBasic(b)
		}
		if err == nil {
			err = s.checkSources(fm, pages.source)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f[l.src], err))
			continue
		}
		c.Refs, c.Related, c.pages = fm.refs(), fm.Related, pages
		c.Examples, c.Claims = fm.Examples, fm.Claims
		s.add(c)
	}
	for key, f := range files {
		errs = append(errs, fmt.Errorf("%s: %s is not in facts/basic.toml", l.anyFile(f), key))
	}
	return errors.Join(errs...)
}

func (s *Store) loadEnhanced(l *loader) error {
	files, err := l.group("enhanced")
	if err != nil {
		return err
	}
	var errs []error
	for i := range s.Facts.Registry {
		e := &s.Facts.Registry[i]
		key := strings.TrimPrefix(e.Code, "X.")
		f, ok := files[key]
		delete(files, key)
		if !ok {
			s.problems = append(s.problems, Problem{File: "enhanced/" + key + ".md", Lang: l.src, What: "missing page"})
			continue
		}
		fm, pages, err := l.pages(f, codeSpec)
		if err == nil {
			err = fm.checkEnhanced(*e)
		}
		if err == nil {
			err = s.checkSources(fm, pages.source)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f[l.src], err))
			continue
		}
		for _, class := range e.Classes {
			s.add(&Code{
				ID: strconv.Itoa(class) + "." + key, Key: e.Code, Kind: Enhanced, Class: class,
				Refs: fm.refs(), Related: fm.Related, Registry: e, pages: pages,
				Examples: fm.Examples, Claims: fm.Claims,
			})
		}
	}
	for key, f := range files {
		errs = append(errs, fmt.Errorf("%s: X.%s is not in facts/enhanced.toml", l.anyFile(f), key))
	}
	return errors.Join(errs...)
}

// loadProviders reads the provider notes: a note on a registered number is
// attached to its registry pages (loaded before), a provider-only number
// becomes a page of its own.
func (s *Store) loadProviders(l *loader) error {
	files, err := l.group("providers")
	if err != nil {
		return err
	}
	var errs []error
	for i := range s.Facts.ProviderCodes {
		pc := &s.Facts.ProviderCodes[i]
		key := pc.Provider + "-" + strings.TrimPrefix(pc.Code, "X.")
		f, ok := files[key]
		delete(files, key)
		if !ok {
			s.problems = append(s.problems, Problem{File: "providers/" + key + ".md", Lang: l.src, What: "missing page"})
			continue
		}
		_, registered := s.Facts.entry(pc.Code)
		spec := providerSpec
		if registered {
			spec = reuseSpec
		}
		fm, pages, err := l.pages(f, spec)
		if err == nil && (fm.Code != pc.Code || fm.Provider != pc.Provider) {
			err = fmt.Errorf("front matter says %s by %s, the file name says %s by %s", fm.Code, fm.Provider, pc.Code, pc.Provider)
		}
		if err == nil {
			err = s.checkSources(fm, pages.source)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f[l.src], err))
			continue
		}
		for _, class := range pc.Classes {
			id := strconv.Itoa(class) + strings.TrimPrefix(pc.Code, "X")
			if !registered {
				s.add(&Code{ID: id, Key: pc.Code, Kind: ProviderOnly, Class: class, Related: fm.Related, Provider: pc, pages: pages, Examples: fm.Examples, Claims: fm.Claims})
				continue
			}
			c, ok := s.byID[id]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: %s is not a page of the site (see classes in facts/enhanced.toml)", f[l.src], id))
				continue
			}
			c.Reuses = append(c.Reuses, &Reuse{Provider: pc, Claims: fm.Claims, pages: pages})
		}
	}
	for key, f := range files {
		errs = append(errs, fmt.Errorf("%s: %s is not in facts/providers.toml", l.anyFile(f), key))
	}
	return errors.Join(errs...)
}

func (s *Store) loadNotes(l *loader) error {
	files, err := l.group("compare")
	if err != nil {
		return err
	}
	var errs []error
	for key, f := range files {
		a, b, ok := strings.Cut(key, "-vs-")
		ca, cb := s.byID[a], s.byID[b]
		if ok && (ca == nil || cb == nil) && s.known(a) && s.known(b) {
			s.problems = append(s.problems, Problem{File: l.anyFile(f), Lang: l.src, What: "note for a code whose page is missing"})
			continue
		}
		if !ok || ca == nil || cb == nil {
			errs = append(errs, fmt.Errorf("%s: name must be <code>-vs-<code> for two codes of the site", l.anyFile(f)))
			continue
		}
		if Less(cb, ca) {
			errs = append(errs, fmt.Errorf("%s: codes must be in canonical order: %s-vs-%s", l.anyFile(f), b, a))
			continue
		}
		fm, pages, err := l.pages(f, noteSpec)
		if err == nil && (fm.A != a || fm.B != b) {
			err = fmt.Errorf("front matter says a = %q, b = %q; the file name says %s and %s", fm.A, fm.B, a, b)
		}
		if err == nil {
			err = checkClaims(fm.Claims)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f[l.src], err))
			continue
		}
		s.notes[[2]string{a, b}] = &Note{A: a, B: b, Claims: fm.Claims, pages: pages}
	}
	return errors.Join(errs...)
}

func (l *loader) anyFile(files map[string]string) string {
	if f, ok := files[l.src]; ok {
		return f
	}
	for _, f := range files {
		return f
	}
	return ""
}

func (s *Store) add(c *Code) {
	s.codes = append(s.codes, c)
	s.byID[c.ID] = c
}

// checkSources checks the examples and claims of a code page's source
// file.
func (s *Store) checkSources(fm *frontMatter, p *Page) error {
	blocks := 0
	if sec, ok := p.Section("examples"); ok {
		blocks = len(sec.Code)
	}
	if err := s.checkExamples(fm.Examples, blocks); err != nil {
		return err
	}
	return checkClaims(fm.Claims)
}

// link resolves cross references once every code is known: related codes
// and the codes commonly seen together, and orders the codes.
func (s *Store) link() error {
	slices.SortFunc(s.codes, func(a, b *Code) int {
		if Less(a, b) {
			return -1
		}
		if Less(b, a) {
			return 1
		}
		return 0
	})
	for _, c := range s.codes {
		related := make([]string, 0, len(c.Related))
		for _, r := range c.Related {
			id, ok := s.resolveID(r, c.Class)
			if !ok {
				if _, known := s.Facts.basic(r); known {
					continue // its missing page is reported as a problem already
				}
				if _, known := s.Facts.entry(r); known {
					continue
				}
				return fmt.Errorf("%s: related code %q is not a code of the site", c.pages.source.File, r)
			}
			if id != c.ID {
				related = append(related, id)
			}
		}
		c.Related = related
	}
	for i := range s.Facts.Registry {
		e := &s.Facts.Registry[i]
		for _, basic := range e.BasicCodes() {
			b, ok := s.byID[basic]
			if !ok {
				continue // 422, 430, 524, 533: named by the registry, defined by no RFC
			}
			if id, ok := s.resolveID(e.Code, b.Class); ok && s.byID[id].Class == b.Class {
				b.SeenWith = append(b.SeenWith, id)
				s.byID[id].SeenWith = append(s.byID[id].SeenWith, b.ID)
			}
		}
	}
	// An enhanced code occurs wherever the basic codes it comes with occur.
	for _, c := range s.codes {
		if c.Kind == Basic {
			continue
		}
		for _, p := range smtp.Phases() {
			for _, id := range c.SeenWith {
				if b := s.byID[id]; slices.Contains(b.Phases, p) && !slices.Contains(c.Phases, p) {
					c.Phases = append(c.Phases, p)
				}
			}
		}
	}
	return nil
}

// known reports whether id is a page of the site or a code in the facts
// whose page may be missing.
func (s *Store) known(id string) bool {
	if _, ok := s.byID[id]; ok {
		return true
	}
	if _, ok := s.Facts.basic(id); ok {
		return true
	}
	if class, rest, ok := strings.Cut(id, "."); ok && len(class) == 1 {
		_, ok := s.Facts.entry("X." + rest)
		return ok
	}
	return false
}

// Resolve returns the page a reference names: "421", or a registry entry
// "X.6.8" in the given class, or in another class (5, then 4, then 2) when
// that one has no page.
func (s *Store) Resolve(ref string, class int) (*Code, bool) {
	id, ok := s.resolveID(ref, class)
	if !ok {
		return nil, false
	}
	return s.byID[id], true
}

// Lookup returns the code page a reader's spelling of a code means: the
// canonical ID itself, or a spelling with leading zeros ("0421",
// "5.01.1"); exact is false for the latter, which pages redirect.
func (s *Store) Lookup(raw string) (c *Code, exact, ok bool) {
	if c, ok := s.byID[raw]; ok {
		return c, true, true
	}
	id, ok := smtp.Canonical(raw)
	if !ok {
		return nil, false, false
	}
	c, ok = s.byID[id]
	return c, false, ok
}

// resolveID is Resolve, returning the page's ID.
func (s *Store) resolveID(ref string, class int) (string, bool) {
	rest, ok := strings.CutPrefix(ref, "X.")
	if !ok {
		_, ok := s.byID[ref]
		return ref, ok
	}
	if c, ok := s.byID[strconv.Itoa(class)+"."+rest]; ok {
		return c.ID, true
	}
	for _, cl := range []int{5, 4, 2} {
		if c, ok := s.byID[strconv.Itoa(cl)+"."+rest]; ok {
			return c.ID, true
		}
	}
	return "", false
}

// Less orders codes: basic before enhanced, basic codes numerically,
// enhanced codes by class, subject, then detail.
func Less(a, b *Code) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return smtp.Less(a.ID, b.ID)
}

func compareIDs(a, b string) int {
	switch {
	case smtp.Less(a, b):
		return -1
	case smtp.Less(b, a):
		return 1
	}
	return 0
}

// Code returns the code page with the given ID ("421", "5.7.26").
func (s *Store) Code(id string) (*Code, bool) {
	c, ok := s.byID[id]
	return c, ok
}

// Codes returns every code page in canonical order.
func (s *Store) Codes() []*Code { return slices.Clone(s.codes) }

// Note returns the written notes for a pair in canonical order, if any.
func (s *Store) Note(a, b string) (*Note, bool) {
	n, ok := s.notes[[2]string{a, b}]
	return n, ok
}

// Notes returns every note, in order.
func (s *Store) Notes() []*Note {
	var ns []*Note
	for _, n := range s.notes {
		ns = append(ns, n)
	}
	slices.SortFunc(ns, func(x, y *Note) int {
		switch {
		case x.A != y.A:
			return compareIDs(x.A, y.A)
		default:
			return compareIDs(x.B, y.B)
		}
	})
	return ns
}

// Langs returns the languages the store was loaded for.
func (s *Store) Langs() []string { return slices.Clone(s.langs) }

// Problems returns the gaps found while loading, sorted by file: missing
// and outdated translations, terminology. It reads every language first.
func (s *Store) Problems() []Problem {
	s.LoadAll()
	out := slices.Clone(s.problems)
	for _, lang := range s.langs[1:] {
		out = append(out, s.byLang[lang].problems...)
	}
	slices.SortFunc(out, func(x, y Problem) int { return strings.Compare(x.File+x.Lang, y.File+y.Lang) })
	return out
}

// HasProviderText reports whether the provider entry has its text in lang.
func (s *Store) HasProviderText(pc ProviderCode, lang string) bool {
	for _, c := range s.codes {
		if c.Provider != nil && c.Provider.Code == pc.Code && c.Provider.Provider == pc.Provider {
			return c.Has(lang)
		}
		for _, r := range c.Reuses {
			if r.Provider.Code == pc.Code && r.Provider.Provider == pc.Provider {
				_, fallback := r.Page(lang)
				return !fallback
			}
		}
	}
	return false
}

// Has reports whether c has its own text in lang (not a fallback).
func (c *Code) Has(lang string) bool { _, fallback := c.pages.in(lang); return !fallback }

func (fm *frontMatter) refs() []Ref { return slices.Clone(fm.RFC) }

func (fm *frontMatter) checkBasic(b BasicFact) error {
	if fm.Code != b.Code {
		return fmt.Errorf("code = %q, but the file name says %s", fm.Code, b.Code)
	}
	if !slices.Equal(fm.Phases, b.Phases) {
		return fmt.Errorf("phases = %v, but facts/basic.toml says %v", fm.Phases, b.Phases)
	}
	var got, want []string
	for _, r := range fm.RFC {
		got = append(got, r.String())
	}
	for _, d := range b.Defs {
		want = append(want, d.Ref.String())
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("rfc = %v, but facts/basic.toml defines %s in %v", got, b.Code, want)
	}
	// The facts know each definition's context; the page shows them.
	for i := range fm.RFC {
		fm.RFC[i].Context = b.Defs[i].Context
	}
	return nil
}

func (fm *frontMatter) checkEnhanced(e RegistryEntry) error {
	if fm.Code != e.Code {
		return fmt.Errorf("code = %q, but the file name says %s", fm.Code, e.Code)
	}
	if fm.defined["phases"] {
		return fmt.Errorf("phases: enhanced codes take their phases from their basic codes")
	}
	var docs []string
	for _, r := range fm.RFC {
		docs = append(docs, r.Doc)
	}
	if !slices.Equal(docs, e.Refs) {
		return fmt.Errorf("rfc docs = %v, but the registry's reference for %s is %v", docs, e.Code, e.Refs)
	}
	return nil
}
