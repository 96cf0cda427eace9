package content

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Glossary is one language's terminology: for each English term, the one
// rendering the content uses, and the renderings it must not use. A
// translation that writes a term another way is a problem that `check`
// reports and the tests fail on.
type Glossary struct {
	Lang  string
	Terms []Term `toml:"term"`
}

// Term is one entry of a glossary.
type Term struct {
	EN    string   `toml:"en"`
	Use   string   `toml:"use"`
	Avoid []string `toml:"avoid"`
	Note  string   `toml:"note"`
}

// loadGlossaries reads glossary/<lang>.toml for every language that has one.
func (s *Store) loadGlossaries(l *loader) error {
	s.glossaries = map[string]*Glossary{}
	for _, lang := range l.langs[1:] {
		name := "glossary/" + lang + ".toml"
		buf, err := fs.ReadFile(l.fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		g := &Glossary{Lang: lang}
		if err := decodeStrictBytes(name, buf, g); err != nil {
			return err
		}
		for i, t := range g.Terms {
			if strings.TrimSpace(t.EN) == "" || strings.TrimSpace(t.Use) == "" {
				return fmt.Errorf("%s: term %d needs en and use", name, i+1)
			}
			for _, a := range t.Avoid {
				if strings.Contains(t.Use, a) {
					return fmt.Errorf("%s: term %q: the rendering to use, %q, contains %q, which it says to avoid", name, t.EN, t.Use, a)
				}
			}
		}
		s.glossaries[lang] = g
	}
	return nil
}

// Glossary returns the glossary of a language, if it has one.
func (s *Store) Glossary(lang string) (*Glossary, bool) {
	g, ok := s.glossaries[lang]
	return g, ok
}

// Prose returns markdown without its code: fenced blocks and inline code
// hold replies and names that stay in English, so a glossary does not apply
// to them.
func Prose(markdown string) string {
	var b strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(markdown, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			fence = t[:3]
			continue
		case fence != "":
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		// Inline code: drop what stands between pairs of backticks.
		for {
			i := strings.IndexByte(line, '`')
			if i < 0 {
				break
			}
			j := strings.IndexByte(line[i+1:], '`')
			if j < 0 {
				break
			}
			b.WriteString(line[:i])
			line = line[i+1+j+1:]
		}
		b.WriteString(line)
	}
	return b.String()
}

// Violations returns, for text in the glossary's language, each avoided
// rendering it uses, with its term.
func (g *Glossary) Violations(text string) []string {
	text = Prose(text)
	var out []string
	for _, t := range g.Terms {
		for _, a := range t.Avoid {
			if strings.Contains(text, a) {
				out = append(out, fmt.Sprintf("%q for %q (the glossary says %q)", a, t.EN, t.Use))
			}
		}
	}
	return out
}

// langOfFile is the language of a content file by its name: the tag before
// ".md", or the source language.
func langOfFile(name string, langs []string) string {
	base := strings.TrimSuffix(name[strings.LastIndexByte(name, '/')+1:], ".md")
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		for _, l := range langs {
			if base[i+1:] == l {
				return l
			}
		}
	}
	return langs[0]
}
