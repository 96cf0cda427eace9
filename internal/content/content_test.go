package content

import (
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

const factsBasic = `
[[code]]
code = "421"
phases = ["connect", "any"]
  [[code.def]]
  doc = "RFC 5321"
  section = "4.2.3"
  text = "<domain> Service not available, closing transmission channel"
[[code]]
code = "450"
phases = ["rcpt", "eod"]
  [[code.def]]
  doc = "RFC 5321"
  section = "4.2.3"
  text = "Requested mail action not taken: mailbox unavailable"
`

const factsEnhanced = `
[[entry]]
code = "X.4.2"
name = "Bad connection"
basic = "421"
refs = ["RFC 3463"]
classes = [4]
`

const page421 = `+++
code = "421"
title = "Service Not Available"
summary = "The server is closing the connection."
phases = ["connect", "any"]
related = ["450"]
  [[rfc]]
  doc = "RFC 5321"
  section = "4.2.3"
[[example]]
illustrative = true
+++
::: description
421 means the service is not available.
::: when
When the server is overloaded.
::: examples
` + "```text\n421 4.7.0 mx.example.com Try again later\n```" + `
::: fix
Wait.
`

const page450 = `+++
code = "450"
title = "Mailbox Unavailable"
summary = "Temporarily unavailable."
phases = ["rcpt", "eod"]
  [[rfc]]
  doc = "RFC 5321"
  section = "4.2.3"
+++
::: description
d
::: when
w
::: examples
e
::: fix
f
`

const page42 = `+++
code = "X.4.2"
title = "Bad Connection"
summary = "The connection broke."
  [[rfc]]
  doc = "RFC 3463"
  section = "3.5"
+++
::: description
d
::: when
w
::: examples
e
::: fix
f
`

// hash is the text hash a translation of s records.
func hash(s string) string {
	front, body, err := splitFrontMatter([]byte(s))
	if err != nil {
		panic(err)
	}
	fm := &frontMatter{}
	if _, err := toml.Decode(string(front), fm); err != nil {
		panic(err)
	}
	return textHash(fm, body)
}

func page421ja(from string) string {
	return `+++
code = "421"
title = "サービス利用不可"
summary = "サーバーが接続を閉じます。"
translated_from = "` + from + `"
translation = "machine"
+++
::: description
421 は、サービスを利用できないことを表します。
::: when
サーバーが過負荷のとき。
::: examples
` + "```text\n421 4.7.0 mx.example.com Try again later\n```" + `
::: fix
待ちます。
`
}

func fixture() fstest.MapFS {
	return fstest.MapFS{
		"facts/basic.toml":     {Data: []byte(factsBasic)},
		"facts/enhanced.toml":  {Data: []byte(factsEnhanced)},
		"facts/providers.toml": {Data: []byte("[[provider]]\nid = \"gmail\"\nname = \"Gmail\"\nkind = \"mailbox\"\n")},
		"codes/421.md":         {Data: []byte(page421)},
		"codes/421.ja.md":      {Data: []byte(page421ja(hash(page421)))},
		"codes/450.md":         {Data: []byte(page450)},
		"enhanced/4.2.md":      {Data: []byte(page42)},
	}
}

func TestLoadFixture(t *testing.T) {
	s, err := Load(fixture(), []string{"en", "ja"})
	if err != nil {
		t.Fatal(err)
	}
	c, ok := s.Code("421")
	if !ok {
		t.Fatal("421 not loaded")
	}
	p, fallback := c.Page("ja")
	if fallback || p.Title != "サービス利用不可" {
		t.Errorf("421 in ja = %q (fallback %v)", p.Title, fallback)
	}
	if sec, ok := p.Section("description"); !ok || !strings.Contains(string(sec.HTML), "<p>421 は") {
		t.Errorf("description = %+v", sec)
	}
	if got := c.SeenWith; len(got) != 1 || got[0] != "4.4.2" {
		t.Errorf("421 seen with %v, want [4.4.2] from the registry's associated codes", got)
	}
	e, ok := s.Code("4.4.2")
	if !ok || e.Kind != Enhanced || e.Class != 4 {
		t.Fatalf("4.4.2 = %+v", e)
	}
	if _, ok := s.Code("5.4.2"); ok {
		t.Error("5.4.2 exists, but the facts allow only class 4")
	}
	// 450 has no Japanese text: the English page stands in, and the gap is a problem.
	c450, _ := s.Code("450")
	if _, fallback := c450.Page("ja"); !fallback {
		t.Error("450 in ja is not marked as a fallback")
	}
	if !hasProblem(s, "codes/450.ja.md", "missing translation") {
		t.Errorf("problems = %v, want the missing 450 translation", s.Problems())
	}
}

func hasProblem(s *Store, file, what string) bool {
	for _, p := range s.Problems() {
		if p.File == file && strings.Contains(p.What, what) {
			return true
		}
	}
	return false
}

func TestOutdatedTranslation(t *testing.T) {
	fsys := fixture()
	fsys["codes/421.ja.md"] = &fstest.MapFile{Data: []byte(page421ja("000000000000"))}
	s, err := Load(fsys, []string{"en", "ja"})
	if err != nil {
		t.Fatal(err)
	}
	if !hasProblem(s, "codes/421.ja.md", "outdated translation") {
		t.Errorf("problems = %v, want 421.ja.md outdated", s.Problems())
	}
}

func TestExamplesMustStayVerbatim(t *testing.T) {
	fsys := fixture()
	ja := strings.Replace(page421ja(hash(page421)), "Try again later", "後で再試行してください", 1)
	fsys["codes/421.ja.md"] = &fstest.MapFile{Data: []byte(ja)}
	s, err := Load(fsys, []string{"en", "ja"})
	if err != nil {
		t.Fatal(err)
	}
	if !hasProblem(s, "codes/421.ja.md", "code blocks differ") {
		t.Errorf("problems = %v, want the translated example reply reported", s.Problems())
	}
}

// Broken content stops the start, and the error names the file.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		data     string
		wantFile string
		wantText string
	}{
		{"unknown front matter key", "codes/421.md", strings.Replace(page421, "summary =", "colour = \"red\"\nsummary =", 1), "codes/421.md", `unknown key "colour"`},
		{"missing section", "codes/421.md", strings.Replace(page421, "::: fix\nWait.\n", "", 1), "codes/421.md", `missing section "fix"`},
		{"unknown section", "codes/421.md", page421 + "::: trivia\nx\n", "codes/421.md", `unknown section "trivia"`},
		{"duplicate section", "codes/421.md", page421 + "::: when\nagain\n", "codes/421.md", `section "when" repeated`},
		{"name does not match code", "codes/450.md", strings.Replace(page450, `code = "450"`, `code = "421"`, 1), "codes/450.md", "file name says 450"},
		{"phases disagree with facts", "codes/421.md", strings.Replace(page421, `["connect", "any"]`, `["rcpt"]`, 1), "codes/421.md", "facts/basic.toml says"},
		{"wrong rfc", "codes/421.md", strings.Replace(page421, `doc = "RFC 5321"`, `doc = "RFC 4954"`, 1), "codes/421.md", "RFC 4954"},
		{"code not in facts", "codes/499.md", strings.Replace(page421, "421", "499", -1), "codes/499.md", "not in facts/basic.toml"},
		{"translation carries facts", "codes/421.ja.md", strings.Replace(page421ja(hash(page421)), "+++\n::: description", "phases = [\"rcpt\"]\n+++\n::: description", 1), "codes/421.ja.md", "source file only"},
		{"translation without hash", "codes/421.ja.md", strings.Replace(page421ja(hash(page421)), "translated_from = ", "# ", 1), "codes/421.ja.md", "translated_from is required"},
		{"unsupported language", "codes/421.fr.md", page421ja("x"), "codes/421.fr.md", `language "fr"`},
		{"no front matter", "codes/421.md", "::: description\nx\n", "codes/421.md", "must start with"},
		{"raw html placeholder", "codes/421.md", strings.Replace(page421, "421 means", "<domain> means", 1), "codes/421.md", "<domain>"},
		{"related code unknown", "codes/421.md", strings.Replace(page421, `related = ["450"]`, `related = ["999"]`, 1), "codes/421.md", `"999"`},
		{"enhanced refs disagree with registry", "enhanced/4.2.md", strings.Replace(page42, "RFC 3463", "RFC 7372", 1), "enhanced/4.2.md", "registry"},
		{"translation without source", "codes/450.ja.md", page421ja("x"), "codes/450.ja.md", "translation without a source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := maps.Clone(fixture())
			if tt.name == "translation without source" {
				delete(fsys, "codes/450.md")
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			_, err := Load(fsys, []string{"en", "ja"})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantFile) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error = %q, want it to name %s and say %q", err, tt.wantFile, tt.wantText)
			}
		})
	}
}

// The real tree loads, and every code the facts list has a page in every
// language: a reference is only useful if the code a reader has is there.
func TestRealContentComplete(t *testing.T) {
	s := realStore(t)
	for _, p := range s.Problems() {
		t.Errorf("%s", p)
	}
}

// Coverage counts every source page once, under its directory, and a
// translation by how it was made and whether it is current.
func TestCoverage(t *testing.T) {
	s := realStore(t)
	kinds := map[string]Coverage{}
	for _, c := range s.Coverage("ja") {
		kinds[c.Kind] = c
	}
	if c := kinds["codes"]; c.Total != 40 || c.Translated != 40 || c.Machine != 40 || c.Outdated != 0 {
		t.Errorf("codes in ja: %+v", c)
	}
	if c := kinds["enhanced"]; c.Total != 81 || c.Translated != 81 {
		t.Errorf("enhanced in ja: %+v", c)
	}
	for _, c := range s.Coverage("en") {
		if c.Total == 0 || c.Translated != c.Total || c.Machine != 0 {
			t.Errorf("source coverage %+v", c)
		}
	}
}
