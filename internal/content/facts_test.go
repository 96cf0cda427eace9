package content

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func realStore(t *testing.T) *Store {
	t.Helper()
	s, err := Load(os.DirFS("../../content"), shippedLangs(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// shippedLangs returns the languages the site ships (a message file in
// locales/ each), the source first, as the server loads them: a language
// added later is tested without a change here.
func shippedLangs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../locales/active.*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no message files: %v", err)
	}
	langs := []string{"en"}
	for _, f := range files {
		code := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "active."), ".toml")
		if code != "en" {
			langs = append(langs, code)
		}
	}
	return langs
}

// The codes the site promises to cover: every basic reply code an RFC
// defines (issue: RFC 5321 §4.2.3, RFC 7504 and the extension RFCs).
var wantBasic = strings.Fields(`211 214 220 221 250 251 252 354 421 450 451 452 455
	500 501 502 503 504 550 551 552 553 554 555 521 556
	235 334 432 454 530 534 535 538 523 525 253 458 459 453`)

func TestEveryRFCCodeIsCovered(t *testing.T) {
	s := realStore(t)
	for _, code := range wantBasic {
		if _, ok := s.Facts.basic(code); !ok {
			t.Errorf("%s is not in facts/basic.toml", code)
			continue
		}
		c, ok := s.Code(code)
		if !ok {
			t.Errorf("%s has no page", code)
			continue
		}
		for _, lang := range s.Langs() {
			if !c.Has(lang) {
				t.Errorf("%s has no %s page", code, lang)
			}
		}
	}
	for _, e := range s.Facts.Registry {
		for _, class := range e.Classes {
			id := string(rune('0'+class)) + strings.TrimPrefix(e.Code, "X")
			c, ok := s.Code(id)
			if !ok {
				t.Errorf("registry entry %s has no page %s", e.Code, id)
				continue
			}
			for _, lang := range s.Langs() {
				if !c.Has(lang) {
					t.Errorf("%s has no %s page", id, lang)
				}
			}
		}
	}
}

var rfcRE = regexp.MustCompile(`RFC ?([0-9]{3,4})`)

// Every page names its defining documents in its description, in every
// language: the reader must not have to look the source up elsewhere.
func TestDescriptionNamesDefiningDocs(t *testing.T) {
	s := realStore(t)
	for _, c := range s.Codes() {
		for _, lang := range s.Langs() {
			p, fallback := c.Page(lang)
			if fallback {
				continue
			}
			desc, _ := p.Section("description")
			text := strings.ReplaceAll(desc.Text, "RFC", "RFC ")
			text = strings.Join(strings.Fields(text), " ")
			for _, r := range c.Refs {
				if !strings.Contains(text, r.Doc) {
					t.Errorf("%s: the description does not name %s, which defines %s", p.File, r.Doc, c.ID)
				}
			}
		}
	}
}

// "Defined in RFC N" must be true: a sentence that says where this code is
// defined, and names no other code, may only cite the code's own documents.
// (Sentences about other codes or about background RFCs are free.)
func TestNoFalseDefinitionClaims(t *testing.T) {
	s := realStore(t)
	codeToken := regexp.MustCompile(`\b([2-5][0-9][0-9]|[245X]\.[0-9]{1,3}\.[0-9]{1,3})\b`)
	sentence := regexp.MustCompile(`[^.。]+[.。]?`)
	for _, c := range s.Codes() {
		own := map[string]bool{}
		for _, r := range c.Refs {
			own[strings.TrimPrefix(r.Doc, "RFC ")] = true
		}
		for _, lang := range s.Langs() {
			p, fallback := c.Page(lang)
			if fallback {
				continue
			}
			desc, _ := p.Section("description")
			for _, sent := range sentence.FindAllString(desc.Text, -1) {
				if !strings.Contains(sent, "defined in") && !strings.Contains(sent, "defined by") && !strings.Contains(sent, "で定義") && !strings.Contains(sent, "が定義") {
					continue
				}
				others := slices.DeleteFunc(codeToken.FindAllString(sent, -1), func(tok string) bool {
					// The page's own code, in any class for an enhanced entry.
					return tok == c.ID || (c.Kind == Enhanced && tok[1:] == c.Key[1:])
				})
				if len(others) > 0 {
					continue
				}
				for _, m := range rfcRE.FindAllStringSubmatch(sent, -1) {
					if !own[m[1]] {
						t.Errorf("%s claims a definition in RFC %s, which does not define %s: %q", p.File, m[1], c.ID, sent)
					}
				}
			}
		}
	}
}

// Mistakes the reference data warns about (smtp-data.md §5), checked on
// the pages where they would be made.
func TestKnownMistakes(t *testing.T) {
	s := realStore(t)
	refs := func(id string) []string {
		c, ok := s.Code(id)
		if !ok {
			t.Fatalf("%s missing", id)
		}
		var docs []string
		for _, r := range c.Refs {
			docs = append(docs, r.Doc)
		}
		return docs
	}
	for _, id := range []string{"523", "525"} {
		if got := refs(id); !slices.Equal(got, []string{"RFC 5248"}) {
			t.Errorf("%s defined in %v, want RFC 5248 (§2.4), not RFC 4954", id, got)
		}
	}
	for id, want := range map[string]string{"5.7.27": "RFC 7505", "5.7.28": "draft-levine-mailbomb-header-00", "5.7.29": "RFC 8617", "5.7.30": "RFC 8689", "5.7.23": "RFC 7372"} {
		if got := refs(id); got[0] != want {
			t.Errorf("%s defined in %v, want %s", id, got, want)
		}
	}
	// 452 is the right answer to too many recipients; 552 only by RFC 821's mistake.
	for _, lang := range []string{"en", "ja"} {
		c, _ := s.Code("452")
		p, _ := c.Page(lang)
		all := ""
		for _, sec := range p.Sections {
			all += sec.Text
		}
		if !strings.Contains(all, "4.5.3.1.10") {
			t.Errorf("452 (%s) does not cite RFC 5321 §4.5.3.1.10 on too many recipients", lang)
		}
	}
	// Pairings are examples, never rules.
	for _, c := range s.Codes() {
		for _, lang := range []string{"en"} {
			p, _ := c.Page(lang)
			for _, sec := range p.Sections {
				if m := regexp.MustCompile(`(?i)always (sent|paired|comes|used) with`).FindString(sec.Text); m != "" {
					t.Errorf("%s says %q: pairings are commonly seen, not always", p.File, m)
				}
			}
		}
	}
}
