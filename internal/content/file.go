package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/sync/errgroup"

	"smtpcodes.dev/internal/markdown"
	"smtpcodes.dev/internal/smtp"
)

// frontMatter is every key a content file may have. Which keys a file must
// or may set depends on its kind: see fileSpec.
type frontMatter struct {
	Code           string       `toml:"code"`
	A              string       `toml:"a"`
	B              string       `toml:"b"`
	Provider       string       `toml:"provider"`
	Title          string       `toml:"title"`
	Summary        string       `toml:"summary"`
	Phases         []smtp.Phase `toml:"phases"`
	Related        []string     `toml:"related"`
	RFC            []Ref        `toml:"rfc"`
	TranslatedFrom string       `toml:"translated_from"`
	Family         string       `toml:"family"`
	Who            string       `toml:"who"`
	Registry       string       `toml:"registry"`
	Examples       []Example    `toml:"example"`
	Claims         []Claim      `toml:"claim"`
	// Translation says how a translation was made: "machine", or
	// "reviewed" by Reviewer, a named fluent reader of the language.
	Translation string `toml:"translation"`
	Reviewer    string `toml:"reviewer"`

	defined map[string]bool
}

// fileSpec says what one kind of content file holds.
type fileSpec struct {
	sections []string // allowed section ids
	required int      // the first required sections are mandatory
	keys     []string // front-matter keys every file of the kind must set
	facts    []string // optional keys that only the source file may set: translations carry text, not facts
}

var (
	codeSpec = fileSpec{
		sections: []string{"description", "when", "examples", "fix", "fix-sender", "fix-sending", "fix-receiving"},
		required: 4,
		keys:     []string{"code", "title", "summary"},
		facts:    []string{"phases", "related", "rfc", "example", "claim"},
	}
	noteSpec     = fileSpec{sections: []string{"which", "differences"}, required: 1, keys: []string{"a", "b"}, facts: []string{"claim"}}
	reuseSpec    = fileSpec{sections: []string{"meaning"}, required: 1, keys: []string{"provider", "code", "title"}, facts: []string{"claim"}}
	providerSpec = fileSpec{sections: codeSpec.sections, required: codeSpec.required, keys: []string{"provider", "code", "title", "summary"}, facts: []string{"related", "example", "claim"}}
	// responseSpec is a family of the provider-response catalogue.
	responseSpec = fileSpec{sections: []string{"meaning", "tell", "fix"}, required: 3, keys: []string{"provider", "family", "title", "summary"}, facts: []string{"who", "registry", "claim"}}
)

// loader reads content files. It collects non-fatal problems as it goes.
type loader struct {
	store    *Store
	fsys     fs.FS
	md       *markdown.Renderer
	langs    []string
	src      string // the source language: langs[0]
	problems []Problem
	cache    map[string]parsed // by file name, filled by preload
}

// group lists the markdown files of dir by key and language:
// "codes/421.ja.md" is key "421", language "ja"; "enhanced/7.26.md" is key
// "7.26", language "en". A dir ending in "/*" holds one folder per key
// prefix: in "responses/*", "responses/gmail/no-such-user.md" is key
// "gmail/no-such-user".
func (l *loader) group(dir string) (map[string]map[string]string, error) {
	names, err := fs.Glob(l.fsys, dir+"/*.md")
	if err != nil {
		return nil, err
	}
	groups := map[string]map[string]string{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".md")
		prefix := ""
		if strings.HasSuffix(dir, "/*") {
			prefix = path.Base(path.Dir(name)) + "/"
		}
		key, lang := base, l.src
		if i := strings.LastIndexByte(base, '.'); i >= 0 && !isDigits(base[i+1:]) {
			key, lang = base[:i], base[i+1:]
		}
		if !slices.Contains(l.langs, lang) {
			return nil, fmt.Errorf("%s: language %q has no locales/active.%s.toml", name, lang, lang)
		}
		key = prefix + key
		if groups[key] == nil {
			groups[key] = map[string]string{}
		}
		groups[key][lang] = name
	}
	for key, files := range groups {
		if _, ok := files[l.src]; !ok {
			return nil, fmt.Errorf("%s: translation without a source: %s/%s.md is missing", l.anyFile(files), dir, key)
		}
	}
	return groups, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// pages reads a source file and registers its translations, which are
// read when their language is first needed (translations.go). It returns
// the source's front matter and the page set.
func (l *loader) pages(files map[string]string, spec fileSpec) (*frontMatter, *pageSet, error) {
	src, srcPage, err := l.file(files[l.src], l.src, spec)
	if err != nil {
		return nil, nil, err
	}
	ps := &pageSet{files: files, spec: spec, srcFM: src, source: srcPage, st: l.store}
	l.store.sets = append(l.store.sets, ps)
	return src, ps, nil
}

// parsed is a content file read and rendered, before the checks that
// depend on its kind.
type parsed struct {
	fm       *frontMatter
	sections []markdown.Section
	hash     string
	raw      []byte // the file, for checks that read its prose
	err      error
}

// parse reads a file, decodes its front matter strictly and renders its
// sections.
func (l *loader) parse(name string) parsed {
	buf, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return parsed{err: err}
	}
	front, body, err := splitFrontMatter(buf)
	if err != nil {
		return parsed{err: fmt.Errorf("%s: %w", name, err)}
	}
	fm := &frontMatter{defined: map[string]bool{}}
	meta, err := toml.Decode(string(front), fm)
	if err != nil {
		return parsed{err: fmt.Errorf("%s: front matter: %w", name, err)}
	}
	if extra := meta.Undecoded(); len(extra) > 0 {
		return parsed{err: fmt.Errorf("%s: front matter: unknown key %q", name, extra[0].String())}
	}
	for _, k := range meta.Keys() {
		fm.defined[k[0]] = true
	}
	sections, err := l.md.Sections(body)
	if err != nil {
		return parsed{err: fmt.Errorf("%s: %w", name, err)}
	}
	return parsed{fm: fm, sections: sections, hash: textHash(fm, body), raw: buf}
}

// textHash identifies the text of a file that a translation renders: its
// title, its summary and its body. Facts in the front matter (phases, the
// sources of examples and claims) are not translated, so changing them
// leaves translations current.
func textHash(fm *frontMatter, body []byte) string {
	h := sha256.New()
	h.Write([]byte(fm.Title + "\x00" + fm.Summary + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// preload parses every source-language markdown file under dirs on all
// cores (translations are parsed per language, when it is first needed). Rendering
// markdown is most of the cost of loading; the checks that follow run in
// order, on the cached results.
func (l *loader) preload(dirs ...string) error {
	var names []string
	for _, dir := range dirs {
		m, err := fs.Glob(l.fsys, dir+"/*.md")
		if err != nil {
			return err
		}
		for _, name := range m {
			if langOfFile(name, l.langs) == l.src {
				names = append(names, name)
			}
		}
	}
	results := make([]parsed, len(names))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		g.Go(func() error {
			results[i] = l.parse(name) // errors stay with their file
			return nil
		})
	}
	g.Wait()
	l.cache = make(map[string]parsed, len(names))
	for i, name := range names {
		l.cache[name] = results[i]
	}
	return nil
}

// file returns one content file, checked against its kind.
func (l *loader) file(name, lang string, spec fileSpec) (*frontMatter, *Page, error) {
	p, ok := l.cache[name]
	if !ok {
		p = l.parse(name)
	}
	return l.checkFile(name, lang, spec, p)
}

// checkFile checks a parsed file against its kind.
func (l *loader) checkFile(name, lang string, spec fileSpec, p parsed) (*frontMatter, *Page, error) {
	if p.err != nil {
		return nil, nil, p.err
	}
	fm, sections := p.fm, p.sections
	if err := spec.checkKeys(fm, lang == l.src); err != nil {
		return nil, nil, fmt.Errorf("%s: front matter: %w", name, err)
	}
	for _, sec := range sections {
		if !slices.Contains(spec.sections, sec.ID) {
			return nil, nil, fmt.Errorf("%s: unknown section %q (allowed: %s)", name, sec.ID, strings.Join(spec.sections, ", "))
		}
	}
	for _, id := range spec.sections[:spec.required] {
		if !slices.ContainsFunc(sections, func(s markdown.Section) bool { return s.ID == id }) {
			return nil, nil, fmt.Errorf("%s: missing section %q", name, id)
		}
	}
	return fm, &Page{
		Lang: lang, File: name, Title: fm.Title, Summary: fm.Summary, Sections: sections,
		Hash: p.hash, Translation: fm.Translation, Reviewer: fm.Reviewer,
	}, nil
}

// checkKeys enforces which front-matter keys a file of this kind sets.
func (spec fileSpec) checkKeys(fm *frontMatter, source bool) error {
	for k := range fm.defined {
		switch {
		case slices.Contains(spec.keys, k):
		case slices.Contains(spec.facts, k):
			if !source {
				return fmt.Errorf("%s belongs in the source file only: translations carry text, not facts", k)
			}
		case k == "translated_from" || k == "translation" || k == "reviewer":
			if source {
				return fmt.Errorf("%s belongs in translations only", k)
			}
		default:
			return fmt.Errorf("key %q does not belong in this kind of file (want %s)", k, strings.Join(append(slices.Clone(spec.keys), spec.facts...), ", "))
		}
	}
	values := map[string]string{"code": fm.Code, "a": fm.A, "b": fm.B, "provider": fm.Provider, "title": fm.Title, "summary": fm.Summary, "family": fm.Family}
	for _, k := range spec.keys {
		if strings.TrimSpace(values[k]) == "" {
			return fmt.Errorf("%s is required", k)
		}
	}
	if !source && fm.TranslatedFrom == "" {
		return fmt.Errorf("translated_from is required: the hash of the source it was translated from")
	}
	if !source {
		switch {
		case fm.Translation == "machine" && fm.Reviewer == "":
		case fm.Translation == "reviewed" && strings.TrimSpace(fm.Reviewer) != "":
		default:
			return fmt.Errorf("translation = %q, reviewer = %q: want translation = \"machine\", or \"reviewed\" with the reviewer's name", fm.Translation, fm.Reviewer)
		}
	}
	return nil
}

// splitFrontMatter separates the +++-delimited TOML front matter from the body.
func splitFrontMatter(buf []byte) (front, body []byte, err error) {
	const delim = "+++"
	rest, ok := bytes.CutPrefix(buf, []byte(delim+"\n"))
	if !ok {
		return nil, nil, fmt.Errorf("must start with a %s line (TOML front matter)", delim)
	}
	front, body, ok = bytes.Cut(rest, []byte("\n"+delim+"\n"))
	if !ok {
		return nil, nil, fmt.Errorf("front matter is not closed by a %s line", delim)
	}
	return front, body, nil
}
