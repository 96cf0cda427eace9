package locale

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
)

func testSet(t *testing.T) *Set {
	t.Helper()
	s, err := Load(os.DirFS("../../locales"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNegotiate(t *testing.T) {
	s := testSet(t)
	tests := []struct {
		name                  string
		query, cookie, accept string
		want                  string
		wantSrc               Source
	}{
		{"nothing", "", "", "", "en", FromDefault},
		{"query ja", "ja", "", "", "ja", FromQuery},
		{"query upper", "JA", "", "", "ja", FromQuery},
		{"query region", "ja-JP", "", "", "ja", FromQuery},
		{"query underscore", "ja_JP", "", "", "ja", FromQuery},
		{"query jp mistake", "jp", "", "", "ja", FromQuery},
		{"query en beats cookie", "en", "ja", "ja", "en", FromQuery},
		{"unsupported query falls to cookie", "sv", "ja", "", "ja", FromCookie},
		{"garbage query ignored", "<script>", "", "", "en", FromDefault},
		{"overlong query ignored", "ja-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd", "", "", "en", FromDefault},
		{"cookie beats header", "", "ja", "en-US,en;q=0.9", "ja", FromCookie},
		{"garbage cookie ignored", "", "%%%", "ja", "ja", FromHeader},
		{"safari japanese", "", "", "ja-JP", "ja", FromHeader},
		{"chrome japanese", "", "", "ja,en-US;q=0.9,en;q=0.8", "ja", FromHeader},
		{"english first", "", "", "en-GB,en;q=0.9,ja;q=0.8", "en", FromHeader},
		{"swedish then japanese", "", "", "sv-SE,sv;q=0.9,ja;q=0.5", "ja", FromHeader},
		{"only unsupported", "", "", "sv-SE,nl;q=0.8", "en", FromDefault},
		{"wildcard", "", "", "*", "en", FromDefault},
		{"malformed header", "", "", ";;;q=abc,,", "en", FromDefault},
		{"huge header ignored", "", "", "ja," + string(make([]byte, 600)), "en", FromDefault},
		{"q zero excludes", "", "", "ja;q=0, en", "en", FromHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, src := s.Negotiate(tt.query, tt.cookie, tt.accept)
			if l.Code != tt.want || src != tt.wantSrc {
				t.Errorf("Negotiate(%q, %q, %q) = %s from %s, want %s from %s", tt.query, tt.cookie, tt.accept, l.Code, src, tt.want, tt.wantSrc)
			}
		})
	}
}

// Every message of the default language must exist, non-empty, in every
// other language: a missing one would show English on a Japanese page.
func TestMessagesComplete(t *testing.T) {
	s := testSet(t)
	if len(s.Langs()) < 2 {
		t.Fatalf("languages = %v, want at least en and ja", s.Langs())
	}
	for _, l := range s.Langs()[1:] {
		if missing := s.Missing(l); len(missing) > 0 {
			t.Errorf("active.%s.toml lacks %d messages: %v", l.Code, len(missing), missing)
		}
	}
}

func TestTranslator(t *testing.T) {
	s := testSet(t)
	ja, _ := s.Lookup("ja")
	tr := s.Translator(ja)
	if got := tr.T("heading_fix"); got != "解決方法" {
		t.Errorf("heading_fix in ja = %q", got)
	}
	if got := tr.T("code_h1", "Code", "421", "Title", "サービス利用不可"); got != "SMTP 421 サービス利用不可" {
		t.Errorf("code_h1 = %q", got)
	}
	if got := tr.T("no_such_message"); got != "no_such_message" {
		t.Errorf("unknown id = %q, want the id itself", got)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"no default", fstest.MapFS{"active.ja.toml": {Data: []byte("language_name = \"日本語\"\n")}}},
		{"bad tag", fstest.MapFS{"active.en.toml": {Data: []byte("language_name = \"English\"\n")}, "active.JA.toml": {Data: []byte("language_name = \"x\"\n")}}},
		{"bad toml", fstest.MapFS{"active.en.toml": {Data: []byte("language_name = \n")}}},
		{"no name", fstest.MapFS{"active.en.toml": {Data: []byte("site_name = \"x\"\n")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Load(tt.fsys); err == nil {
				t.Error("Load succeeded, want an error")
			}
		})
	}
}

// A third language needs nothing but its file.
func TestThirdLanguageIsJustAFile(t *testing.T) {
	fsys := fstest.MapFS{
		"active.en.toml": {Data: []byte("language_name = \"English\"\nheading_fix = \"How to fix\"\n")},
		"active.de.toml": {Data: []byte("language_name = \"Deutsch\"\nheading_fix = \"Lösung\"\n")},
	}
	s, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	l, src := s.Negotiate("", "", "de-DE,de;q=0.9")
	if l.Code != "de" || src != FromHeader {
		t.Fatalf("Negotiate(de-DE) = %s from %s", l.Code, src)
	}
	if got := s.Translator(l).T("heading_fix"); got != "Lösung" {
		t.Errorf("heading_fix in de = %q", got)
	}
}

func dirFS() fs.FS { return os.DirFS("../../locales") }

// A message the default language leaves empty is optional: the language
// that defines it says it, the others say nothing (not the default's
// text), and none of them lacks it.
func TestOptionalMessage(t *testing.T) {
	s, err := Load(fstest.MapFS{
		"active.en.toml":    {Data: []byte("language_name = \"English\"\nlanguage_note = \"\"\nheading_fix = \"How to fix\"\n")},
		"active.pt-BR.toml": {Data: []byte("language_name = \"Português (Brasil)\"\nlanguage_note = \"Em português do Brasil.\"\nheading_fix = \"Como resolver\"\n")},
		"active.ja.toml":    {Data: []byte("language_name = \"日本語\"\nheading_fix = \"解決方法\"\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Optional("language_note") || s.Optional("heading_fix") || s.Optional("no_such_message") {
		t.Error("Optional: want language_note only")
	}
	for _, tt := range []struct{ lang, want string }{{"pt-PT", "Em português do Brasil."}, {"ja", ""}, {"en", ""}} {
		l, ok := s.Lookup(tt.lang)
		if !ok {
			t.Fatalf("Lookup(%s)", tt.lang)
		}
		tr := s.Translator(l)
		if got := tr.T("language_note"); got != tt.want {
			t.Errorf("%s: T(language_note) = %q, want %q", tt.lang, got, tt.want)
		}
		if got, ok := tr.Plain()["language_note"]; !ok || got != tt.want {
			t.Errorf("%s: Plain()[language_note] = %q, %v; want %q", tt.lang, got, ok, tt.want)
		}
		if missing := s.Missing(l); len(missing) > 0 {
			t.Errorf("%s: missing %v", tt.lang, missing)
		}
	}
}

// T fills messages that only name fields without go-i18n's template run;
// the result must be what go-i18n makes, in every language, for every
// message it fills that way.
func TestFieldMessagesMatchGoI18n(t *testing.T) {
	s, err := Load(dirFS())
	if err != nil {
		t.Fatal(err)
	}
	var kv []any
	for _, name := range []string{"A", "B", "Code", "Count", "Max", "Provider", "Query", "Section", "Title", "URL", "Lang", "Name", "Version", "Date", "N"} {
		kv = append(kv, name, name+"<&>value")
	}
	filled := 0
	for i, l := range s.Langs() {
		tr := s.Translator(l)
		for id := range s.fields[i] {
			data := map[string]any{}
			for j := 0; j+1 < len(kv); j += 2 {
				data[kv[j].(string)] = kv[j+1]
			}
			want, err := tr.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
			if err != nil {
				t.Fatalf("%s %s: %v", l.Code, id, err)
			}
			if got := tr.T(id, kv...); got != want {
				t.Errorf("%s %s: T gives %q, go-i18n %q", l.Code, id, got, want)
			}
			filled++
		}
	}
	if filled == 0 {
		t.Fatal("no message is filled without a template")
	}
	// A field the caller does not give prints as text/template prints it.
	if got := fill([]part{{text: "x "}, {text: "Code", field: true}}, nil); got != "x <no value>" {
		t.Errorf("missing field: %q", got)
	}
}
