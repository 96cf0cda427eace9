package content

import (
	"maps"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

const catalogueGmail = `[[source]]
id = "google-table"
url = "https://support.google.com/a/answer/3726730"
title = "Gmail SMTP errors and codes"
license = "CC BY 4.0"
retrieved = "2026-12-02"

[[line]]
id = "no-such-user"
family = "no-such-user"
reply = "421 4.4.2 The connection was dropped."
basic = "421"
enhanced = "4.4.2"
phase = "rcpt"
source = "google-table"

[[line]]
id = "no-such-user-older"
family = "no-such-user"
reply = "421-4.4.2 The connection was dropped. Please try"
basic = "421"
enhanced = "4.4.2"
source = "google-table"

[[renamed]]
family = "unknown-user"
to = "no-such-user"
`

const familyNoSuchUser = `+++
provider = "gmail"
family = "no-such-user"
title = "The address does not exist"
summary = "Gmail has no mailbox of that name."
who = "sender"
registry = "same"
+++
::: meaning
No such mailbox.
::: tell
Check the address.
::: fix
- Remove it from your lists.
`

func catalogueFixture() fstest.MapFS {
	fsys := maps.Clone(fixture())
	fsys["responses/gmail.toml"] = &fstest.MapFile{Data: []byte(catalogueGmail)}
	fsys["responses/gmail/no-such-user.md"] = &fstest.MapFile{Data: []byte(familyNoSuchUser)}
	fsys["responses/gmail/no-such-user.ja.md"] = &fstest.MapFile{Data: []byte(`+++
provider = "gmail"
family = "no-such-user"
title = "アドレスが存在しません"
summary = "Gmail にその名前のメールボックスはありません。"
translated_from = "` + hash(familyNoSuchUser) + `"
translation = "machine"
+++
::: meaning
そのメールボックスはありません。
::: tell
アドレスを確認してください。
::: fix
- リストから削除します。
`)}
	return fsys
}

func TestCatalogue(t *testing.T) {
	s, err := Load(catalogueFixture(), []string{"en", "ja"})
	if err != nil {
		t.Fatal(err)
	}
	r, renamed, ok := s.Response("gmail", "no-such-user")
	if !ok || renamed || len(r.Lines) != 2 || r.Who != "sender" || r.Lines[0].Source.License != "CC BY 4.0" {
		t.Fatalf("Response = %+v, %v, %v", r, renamed, ok)
	}
	if p, fallback := r.Page("ja"); fallback || p.Title != "アドレスが存在しません" || p.Translation != "machine" {
		t.Errorf("ja page = %+v, fallback %v", p, fallback)
	}
	if old, renamed, ok := s.Response("gmail", "unknown-user"); !ok || !renamed || old != r {
		t.Errorf("renamed family: %v %v %v", old, renamed, ok)
	}
	if got := s.ResponsesWith("4.4.2"); len(got) != 1 || got[0] != r {
		t.Errorf("ResponsesWith(4.4.2) = %v", got)
	}
	if got := r.Codes(); strings.Join(got, " ") != "421 4.4.2" {
		t.Errorf("Codes = %v", got)
	}
	for _, p := range s.Problems() {
		if strings.HasPrefix(p.File, "responses/") {
			t.Errorf("problem: %v", p)
		}
	}
}

// A bad catalogue stops the start and names the file and the line.
func TestCatalogueErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"unknown key", "responses/gmail.toml", `phase = "rcpt"`, "phase = \"rcpt\"\ncolour = \"red\"", `unknown key`},
		{"missing source", "responses/gmail.toml", `source = "google-table"` + "\n\n[[line]]", `source = "nope"` + "\n\n[[line]]", `source "nope" is not a [[source]]`},
		{"enhanced does not parse", "responses/gmail.toml", `enhanced = "4.4.2"` + "\nphase", `enhanced = "4.4"` + "\nphase", `does not parse`},
		{"enhanced not in reply", "responses/gmail.toml", `enhanced = "4.4.2"` + "\nphase", `enhanced = "4.4.1"` + "\nphase", `not in the reply`},
		{"basic not the reply's", "responses/gmail.toml", `basic = "421"` + "\nenhanced = \"4.4.2\"\nphase", `basic = "451"` + "\nenhanced = \"4.4.2\"\nphase", `the reply starts`},
		{"duplicate line", "responses/gmail.toml", `reply = "421-4.4.2 The connection was dropped. Please try"`, `reply = "421 4.4.2 The connection was dropped."`, `the same reply as line no-such-user`},
		{"classes differ", "responses/gmail.toml", "reply = \"421 4.4.2 The connection was dropped.\"\nbasic = \"421\"\nenhanced = \"4.4.2\"", "reply = \"521 4.4.2 The connection was dropped.\"\nbasic = \"521\"\nenhanced = \"4.4.2\"", `different classes`},
		{"family without explanation", "responses/gmail.toml", `family = "no-such-user"` + "\nreply = \"421-", `family = "other"` + "\nreply = \"421-", `family "other" has no explanation`},
		{"bad who", "responses/gmail/no-such-user.md", `who = "sender"`, `who = "the sender"`, `who = "the sender"`},
		{"registry none with codes", "responses/gmail/no-such-user.md", `registry = "same"`, `registry = "none"`, `registry = "none"`},
		{"source without licence", "responses/gmail.toml", `license = "CC BY 4.0"`, `license = ""`, `needs a title and a license`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := catalogueFixture()
			data := string(fsys[tc.file].Data)
			if !strings.Contains(data, tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			fsys[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(data, tc.old, tc.new, 1))}
			_, err := Load(fsys, []string{"en", "ja"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "responses/gmail") {
				t.Errorf("Load = %v, want an error naming the file and saying %q", err, tc.want)
			}
		})
	}
	// An explanation nobody's lines name.
	fsys := catalogueFixture()
	fsys["responses/gmail/orphan.md"] = &fstest.MapFile{Data: []byte(strings.Replace(familyNoSuchUser, "no-such-user", "orphan", 1))}
	if _, err := Load(fsys, []string{"en", "ja"}); err == nil || !strings.Contains(err.Error(), "responses/gmail/orphan.md") {
		t.Errorf("orphan explanation: %v", err)
	}
}

// Examples are sourced or marked illustrative, one entry per code block.
func TestExamplesNeedSources(t *testing.T) {
	for _, tc := range []struct {
		name, entry, want string
	}{
		{"none", "", "0 [[example]] entries for 1 example code blocks"},
		{"unknown line", "[[example]]\nresponse = \"gmail/nope\"\n", `"gmail/nope" is not a catalogued line`},
		{"two kinds", "[[example]]\nillustrative = true\nresponse = \"gmail/no-such-user\"\n", "exactly one of"},
		{"source without title", "[[example]]\nsource = \"https://example.org/\"\n", "needs a web address and a title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := catalogueFixture()
			page := strings.Replace(page421, "[[example]]\nillustrative = true\n", tc.entry, 1)
			fsys["codes/421.md"] = &fstest.MapFile{Data: []byte(page)}
			_, err := Load(fsys, []string{"en", "ja"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "codes/421.md") {
				t.Errorf("Load = %v, want %q", err, tc.want)
			}
		})
	}
	fsys := catalogueFixture()
	fsys["codes/421.md"] = &fstest.MapFile{Data: []byte(strings.Replace(page421, "illustrative = true", `response = "gmail/no-such-user"`, 1))}
	s, err := Load(fsys, []string{"en", "ja"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := s.Code("421")
	if len(c.Examples) != 1 || c.Examples[0].Line == nil || c.Examples[0].Line.Source.ID != "google-table" {
		t.Errorf("421 examples = %+v", c.Examples)
	}
	// A claim needs its source and date.
	fsys["codes/421.md"] = &fstest.MapFile{Data: []byte(strings.Replace(page421, "[[example]]", "[[claim]]\nabout = \"Postfix 3.0\"\ntitle = \"HISTORY\"\nsource = \"ftp://x\"\nchecked = \"2026-12-02\"\n[[example]]", 1))}
	if _, err := Load(fsys, []string{"en", "ja"}); err == nil || !strings.Contains(err.Error(), "not a web address") {
		t.Errorf("bad claim: %v", err)
	}
}

func TestMatch(t *testing.T) {
	s := realStore(t)
	for _, tc := range []struct {
		name, provider, basic, enhanced, text string
		want                                  string // provider/line-id prefix, "" for no match
	}{
		{"gmail with its tail", "gmail", "550", "5.1.1", "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser d2e1a72fcca58-6d9f0a1b2c3si123456pfb.123 - gsmtp", "gmail/"},
		{"yahoo by token", "", "421", "4.7.0", "[TSS04] Messages from 203.0.113.9 temporarily deferred due to user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", "yahoo/"},
		{"postfix relay with other address", "", "454", "4.7.1", "<bob@other.example>: Relay access denied", "postfix/"},
		{"wrong codes", "", "550", "5.7.1", "[TSS04] Messages from 203.0.113.9 temporarily deferred due to user complaints", ""},
		{"unrelated text", "", "550", "5.1.1", "go away", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln := s.Match(tc.provider, tc.basic, tc.enhanced, tc.text)
			got := ""
			if ln != nil {
				got = ln.Response.Provider.ID + "/" + ln.ID
			}
			if tc.want == "" && got != "" || tc.want != "" && !strings.HasPrefix(got, tc.want) {
				t.Errorf("Match = %q, want %q…", got, tc.want)
			}
		})
	}
}

// Families come in one order on every load: by provider, by the codes of
// their first lines, then by id. (The ids are gathered from a map, so
// without the last key families that share a code changed places from
// one start to the next, and with them the provider pages and their ETags.)
func TestResponsesOrderIsStable(t *testing.T) {
	s, err := LoadSource(os.DirFS("../../content"), shippedLangs(t))
	if err != nil {
		t.Fatal(err)
	}
	rs := s.Responses()
	ties := 0
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if a.Provider.ID != b.Provider.ID || compareLines(a.Lines[0], b.Lines[0]) != 0 {
			continue
		}
		ties++
		if a.ID >= b.ID {
			t.Errorf("%s: family %s before %s, whose first lines have the same codes", a.Provider.ID, a.ID, b.ID)
		}
	}
	if ties == 0 {
		t.Fatal("no families share a code: the test checks nothing")
	}
}
