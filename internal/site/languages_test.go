package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

// Fixture languages: a locale file and content added to a copy of the real
// tree, as a translator would add them, with no change to the code.

// fixtureLocale returns a complete locale file for a fixture language:
// every message of active.en.toml (in English: the text does not matter
// here, the ids do), the language's own name and og:locale, and extra
// messages.
func fixtureLocale(t *testing.T, name, ogLocale string, extra map[string]string) *fstest.MapFile {
	t.Helper()
	var raw map[string]any
	if _, err := toml.DecodeFS(siteRoot, "locales/active.en.toml", &raw); err != nil {
		t.Fatal(err)
	}
	raw["language_name"], raw["og_locale"] = name, ogLocale
	for id, text := range extra {
		raw[id] = text
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(raw); err != nil {
		t.Fatal(err)
	}
	return &fstest.MapFile{Data: buf.Bytes()}
}

// fixtureCodePage returns a machine translation of content/codes/<code>.md
// made from its current text: the given title, summary and description;
// the other sections are the English ones (their example replies stay
// verbatim in every language anyway).
func fixtureCodePage(t *testing.T, code, title, summary, description string) *fstest.MapFile {
	t.Helper()
	s, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	c, ok := s.store.Code(code)
	if !ok {
		t.Fatalf("no code %s", code)
	}
	src, _ := c.Page("en")
	buf, err := fs.ReadFile(siteRoot, "content/codes/"+code+".md")
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(strings.TrimPrefix(string(buf), "+++\n"), "\n+++\n")
	if !ok {
		t.Fatalf("codes/%s.md: no front matter", code)
	}
	_, rest, ok := strings.Cut(body, "\n::: when\n")
	if !ok {
		t.Fatalf("codes/%s.md: no when section", code)
	}
	page := fmt.Sprintf("+++\ncode = %q\ntitle = %q\nsummary = %q\ntranslated_from = %q\ntranslation = \"machine\"\n+++\n\n::: description\n\n%s\n\n::: when\n%s",
		code, title, summary, src.Hash, description, rest)
	return &fstest.MapFile{Data: []byte(page)}
}

// fixtureRoot is a copy of the real tree.
func fixtureRoot(t *testing.T) fstest.MapFS {
	t.Helper()
	root := fstest.MapFS{}
	for _, dir := range []string{"locales", "templates", "static", "content"} {
		copyDir(t, root, dir)
	}
	return root
}

// Search folds what readers type in each language: accents in Latin
// scripts (and German ae/oe/ue), ё, Korean particles and Russian endings,
// and Chinese matches as a substring. The hit is marked on the page's
// text as written, and the query is shown as typed.
func TestSearchFoldsPerLanguage(t *testing.T) {
	root := fixtureRoot(t)
	for _, f := range []struct{ lang, name, og, title, summary, description string }{
		{"de", "Deutsch", "de_DE", "Speicherzuweisung überschritten",
			"Dauerhaft: Die Nachricht ist größer, als der Server erlaubt, oder das Postfach ist voll.",
			"Der Server lehnt die Nachricht ab, weil ihre Größe das erlaubte Maß übersteigt."},
		{"fr", "Français", "fr_FR", "Allocation de stockage dépassée",
			"Permanent : le message est trop grand pour le serveur, ou la boîte aux lettres est pleine.",
			"La réponse 552 signifie que l’action est interrompue : une limite de stockage est dépassée."},
		{"es", "Español", "es_ES", "Asignación de almacenamiento excedida",
			"Permanente: el mensaje es más grande de lo que el servidor permite, o el buzón está lleno.",
			"El código 552 significa que la acción se interrumpió porque se superó un límite de almacenamiento."},
		{"ru", "Русский", "ru_RU", "Превышен выделенный объём памяти",
			"Постоянная ошибка: сообщение больше, чем допускает сервер, или ящик получателя переполнен.",
			"Сервер отклоняет сообщение: ёмкость ящика получателя исчерпана или письмо слишком велико."},
		{"ko", "한국어", "ko_KR", "저장 공간 할당 초과",
			"영구적 오류: 메시지가 서버가 허용하는 크기보다 크거나 수신자 메일함의 할당량이 찼습니다.",
			"수신자 메일함의 용량이 가득 찼거나 메시지가 서버가 허용하는 크기보다 큽니다."},
		{"zh-Hans", "简体中文", "zh_CN", "超出存储分配",
			"永久性错误：邮件大于服务器允许的大小，或收件人的邮箱已满。",
			"收件人的邮箱已满，或者邮件大于服务器允许的大小。"},
	} {
		root["locales/active."+f.lang+".toml"] = fixtureLocale(t, f.name, f.og, nil)
		root["content/codes/552."+f.lang+".md"] = fixtureCodePage(t, "552", f.title, f.summary, f.description)
	}
	h, err := Open(root, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, lang, q string
		want, absent  []string
	}{
		{"German oe for ö, ss for ß", "de", "Groesse", []string{"<mark>Größe</mark>", "“Groesse 552”"}, nil},
		{"German o for ö", "de", "Grosse", []string{"<mark>Größe</mark>"}, nil},
		{"German as written", "de", "GRÖSSE", []string{"<mark>Größe</mark>"}, nil},
		{"German ue for ü", "de", "uebersteigt", []string{"<mark>übersteigt</mark>"}, nil},
		{"French accents", "fr", "reponse", []string{"<mark>réponse</mark>"}, nil},
		{"French accents on capitals", "fr", "REPONSE limite", []string{"<mark>réponse</mark>", "<mark>limite</mark>"}, nil},
		{"Spanish accents", "es", "codigo", []string{"<mark>código</mark>"}, nil},
		{"Russian ё typed as е", "ru", "емкость", []string{"<mark>ёмкость</mark>"}, nil},
		{"Russian inflected form", "ru", "сервера", []string{"<mark>Сервер</mark>"}, nil},
		{"Korean particle", "ko", "메일함이", []string{"<mark>메일함</mark>", "“메일함이 552”"}, nil},
		{"Korean particle 에서", "ko", "서버에서", []string{"<mark>서버</mark>"}, nil},
		{"Chinese substring", "zh-Hans", "邮箱", []string{"<mark>邮箱</mark>"}, nil},
		// ae stands for ä only in German: in English "due" would find "during".
		{"no digraphs outside German", "fr", "reponsee", nil, []string{`href="/codes/552?lang=fr"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			if tt.want != nil {
				// With the code's number, the fixture page ranks first even in a
				// language whose real pages all use the word.
				q += " 552"
			}
			res := do(t, h, "GET", "/search?lang="+tt.lang+"&q="+strings.ReplaceAll(q, " ", "+"), nil)
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			want := tt.want
			if tt.want != nil {
				want = append(want, `<a href="/codes/552?lang=`+tt.lang+`"><span class="num">552</span>`)
			}
			checkBody(t, res.body, want, tt.absent)
		})
	}
}

// Adding a language is a locale file plus content, with no code change:
// a fixture language (Esperanto, which the site does not have) with a
// complete locale file and one translated code page is negotiated, listed
// in the switcher, the hreflang links and the sitemap, serves its page
// with its translation note, falls back to English elsewhere, is searched,
// and is counted on /translations.
func TestFixtureLanguage(t *testing.T) {
	root := fixtureRoot(t)
	root["locales/active.eo.toml"] = fixtureLocale(t, "Esperanto", "eo", map[string]string{
		"translation_machine":  "Ĉi tiu paĝo estis maŝine tradukita el la angla.",
		"translation_original": "Legu la anglan originalon",
	})
	root["content/codes/421.eo.md"] = fixtureCodePage(t, "421", "Servo ne disponebla",
		"La ricevanta servilo provizore fermas la konekton; la mesaĝo restas en la vico.",
		"La servilo ne povas daŭrigi la seancon kaj fermas la konekton.")
	h, err := Open(root, Config{BaseURL: "https://smtp.example"})
	if err != nil {
		t.Fatal(err)
	}
	note := `<p class="translation-note" role="note">Ĉi tiu paĝo estis maŝine tradukita el la angla. <a href="/codes/421?lang=en" hreflang="en">Legu la anglan originalon</a></p>`
	for _, tt := range []struct {
		name, target string
		header       http.Header
		status       int
		lang         string // Content-Language
		want, absent []string
	}{
		{name: "?lang=", target: "/codes/421?lang=eo", status: 200, lang: "eo",
			want: []string{`<html lang="eo">`, "<title>SMTP 421 Servo ne disponebla", note, "La servilo ne povas daŭrigi la seancon"}},
		{name: "?lang= in capitals", target: "/codes/421?lang=EO", status: 200, lang: "eo", want: []string{note}},
		{name: "Accept-Language", target: "/codes/421", header: http.Header{"Accept-Language": {"eo,en;q=0.5"}}, status: 200, lang: "eo", want: []string{note}},
		{name: "Accept-Language second", target: "/codes/421", header: http.Header{"Accept-Language": {"tlh,eo;q=0.8,en;q=0.5"}}, status: 200, lang: "eo"}, // tlh (Klingon): a language the site will not ship
		{name: "switcher and hreflang from English", target: "/codes/421?lang=en", status: 200, lang: "en",
			want: []string{`<a href="/codes/421?choose=1&amp;lang=eo" hreflang="eo" lang="eo">Esperanto</a>`, `<link rel="alternate" hreflang="eo" href="https://smtp.example/codes/421?lang=eo">`}},
		{name: "switcher in the language", target: "/codes/421?lang=eo", status: 200, lang: "eo",
			want: []string{`<span aria-current="true" lang="eo">Esperanto</span>`, `<link rel="alternate" hreflang="ja" href="https://smtp.example/codes/421?lang=ja">`, `<link rel="alternate" hreflang="x-default" href="https://smtp.example/codes/421?lang=en">`}},
		{name: "untranslated page falls back", target: "/codes/450?lang=eo", status: 200, lang: "eo",
			want: []string{`<html lang="eo">`, `<div class="prose" lang="en">`}, absent: []string{"translation-note", "language-note"}},
		{name: "search", target: "/search?lang=eo&q=disponebla", status: 200, lang: "eo",
			want: []string{`<a href="/codes/421?lang=eo"><span class="num">421</span> <span>Servo ne disponebla</span></a>`}},
		{name: "404", target: "/nothing-here?lang=eo", status: 404, lang: "eo", want: []string{`<html lang="eo">`}},
		{name: "JSON", target: "/codes/421.json?lang=eo", status: 200, lang: "eo", want: []string{`"lang":"eo"`, `"translated":true`, `"title":"Servo ne disponebla"`}},
		{name: "sitemap", target: "/sitemap-codes.xml", status: 200,
			want: []string{`hreflang="eo" href="https://smtp.example/codes/421?lang=eo"`, `<loc>https://smtp.example/codes/421?lang=eo</loc>`}},
		{name: "translations page", target: "/translations?lang=en", status: 200, lang: "en",
			want: []string{`<a href="/?lang=eo" hreflang="eo" lang="eo">Esperanto</a>`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", tt.target, tt.header)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d", res.status, tt.status)
			}
			if got := res.header.Get("Content-Language"); tt.lang != "" && got != tt.lang {
				t.Errorf("Content-Language %q, want %q", got, tt.lang)
			}
			checkBody(t, res.body, tt.want, tt.absent)
		})
	}
	var out struct{ Languages []coverageJSON }
	js := do(t, h, "GET", "/translations.json", nil)
	if err := json.Unmarshal([]byte(js.body), &out); err != nil {
		t.Fatalf("translations.json: %v", err)
	}
	i := slices.IndexFunc(out.Languages, func(l coverageJSON) bool { return l.Code == "eo" })
	if i < 0 {
		t.Fatalf("translations.json lists no eo: %s", js.body)
	}
	eo := out.Languages[i]
	if eo.Name != "Esperanto" || eo.UI.Missing != 0 || eo.UI.Messages < 200 {
		t.Errorf("eo: %+v", eo)
	}
	if c := eo.Pages[0]; c.Kind != "codes" || c.Translated != 1 || c.Machine != 1 || c.Total < 40 {
		t.Errorf("eo codes coverage: %+v, want 1 machine translation", c)
	}
}

// coverageJSON is one language of /translations.json.
type coverageJSON struct {
	Code, Name string
	Pages      []struct {
		Kind                       string
		Total, Translated, Machine int
	}
	UI struct{ Messages, Missing int }
}

// A language whose locale file defines language_note says it in the
// footer of every page: pt-BR tells readers from Portugal, who get it by
// their Accept-Language, what they read. Languages without one show none.
func TestLanguageNote(t *testing.T) {
	root := fixtureRoot(t)
	const text = "Este site está escrito em português do Brasil; os leitores de Portugal recebem esta versão."
	root["locales/active.pt-BR.toml"] = fixtureLocale(t, "Português (Brasil)", "pt_BR", map[string]string{"language_note": text})
	h, err := Open(root, Config{})
	if err != nil {
		t.Fatal(err)
	}
	footer := `<footer class="site-footer">
  <div class="wrap">
    <p class="language-note" role="note">` + text + `</p>`
	ptPT := http.Header{"Accept-Language": {"pt-PT,pt;q=0.9,en;q=0.8"}}
	for _, tt := range []struct {
		target string
		header http.Header
		status int
		lang   string
		note   bool
	}{
		{"/codes/421", ptPT, 200, "pt-BR", true},
		{"/", ptPT, 200, "pt-BR", true},
		{"/search?q=421", ptPT, 200, "pt-BR", true},
		{"/decode", ptPT, 200, "pt-BR", true},
		{"/compare/421-vs-450", ptPT, 200, "pt-BR", true},
		{"/no-such-page", ptPT, 404, "pt-BR", true},
		{"/codes/421?lang=pt-PT", nil, 200, "pt-BR", true},
		{"/codes/421?lang=ja", ptPT, 200, "ja", false},
		{"/codes/421", nil, 200, "en", false},
	} {
		res := do(t, h, "GET", tt.target, tt.header)
		if res.status != tt.status || res.header.Get("Content-Language") != tt.lang {
			t.Errorf("%s: %d in %s, want %d in %s", tt.target, res.status, res.header.Get("Content-Language"), tt.status, tt.lang)
		}
		if got := strings.Contains(res.body, footer); got != tt.note {
			t.Errorf("%s: language note shown %v, want %v", tt.target, got, tt.note)
		}
		if !tt.note && strings.Contains(res.body, "language-note") {
			t.Errorf("%s: an empty language note is shown", tt.target)
		}
	}
}

// The export's language maps name, for deploy/nginx.conf, the language
// the server would: every ?lang= or cookie spelling, and the first
// language of Accept-Language, with languages that share a base language
// (zh-Hans and zh-Hant) told apart by region and script.
func TestLanguageMaps(t *testing.T) {
	root := fixtureRoot(t)
	for code, name := range map[string]string{"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "pt-BR": "Português (Brasil)", "de": "Deutsch"} {
		root["locales/active."+code+".toml"] = fixtureLocale(t, name, strings.ReplaceAll(code, "-", "_"), nil)
	}
	s, err := Open(root, Config{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := s.writeLanguageMaps(dir); err != nil {
		t.Fatal(err)
	}
	// lookup applies an nginx map body as nginx does: the first regular
	// expression that matches, else the default.
	lookup := func(name, v string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		def := ""
		for _, line := range strings.Split(string(data), "\n") {
			key, value, ok := strings.Cut(strings.TrimSuffix(line, ";"), " ")
			key = strings.Trim(key, `"`)
			switch {
			case !ok || strings.HasPrefix(line, "#"):
			case key == "default":
				def = value
			case strings.HasPrefix(key, "~*"):
				if regexp.MustCompile("(?i)" + key[2:]).MatchString(v) {
					return value
				}
			default:
				t.Fatalf("%s: unexpected line %q", name, line)
			}
		}
		return def
	}
	for _, v := range []string{"en", "EN", "en-GB", "en_US", "ja", "JA", "ja-JP", "ja_JP", "jp", "jp-JP",
		"zh", "zh-CN", "zh_cn", "zh-SG", "zh-Hans", "ZH-HANS", "zh-Hans-CN", "zh-TW", "zh_TW", "zh-HK", "zh-MO", "zh-Hant", "zh-hant-TW",
		"pt", "pt-BR", "pt_BR", "pt-PT", "pt-AO", "de", "de-AT", "de_CH", "fr", "fr-CA", "x-klingon", "und", "zh-Latn", "e", "ena"} {
		want := ""
		if l, ok := s.locales.Lookup(v); ok {
			want = l.Code
		}
		if got := lookup("languages.map", v); got != want {
			t.Errorf("languages.map: %q names %q, the server says %q", v, got, want)
		}
	}
	for _, h := range []string{"zh-TW,zh;q=0.9,en;q=0.8", "zh-HK", "zh-Hant-TW,zh-Hant;q=0.9", "zh-CN,zh;q=0.9", "zh", "zh-SG,zh;q=0.9",
		"pt-PT,pt;q=0.9,en;q=0.8", "pt-BR", "pt", "de-AT,de;q=0.9", "de", "ja,en;q=0.5", "ja-JP", "en-US,en;q=0.9", "fr-FR,fr;q=0.9", "", "*"} {
		want, _ := s.locales.Negotiate("", "", h)
		if got := lookup("accept-language.map", h); got != want.Code {
			t.Errorf("accept-language.map: %q names %q, the server says %q", h, got, want.Code)
		}
	}
}

// The shipped languages, negotiated from Accept-Language headers as
// browsers send them: each gets its own pages (the same bytes as its
// ?lang= URL, in its language, not English), readers from Portugal get
// Brazilian Portuguese with the note that says so, Hong Kong and Taiwan
// get Traditional Chinese, and a language the site lacks gets English.
func TestShippedLanguagesNegotiate(t *testing.T) {
	h := testHandler(t)
	english := do(t, h, "GET", "/codes/421?lang=en", nil).body
	for _, tt := range []struct{ accept, lang, note string }{
		{"en-US,en;q=0.9", "en", ""},
		{"ja,en-US;q=0.9,en;q=0.8", "ja", ""},
		{"de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "de", ""},
		{"de-CH,de;q=0.9,fr-CH;q=0.8", "de", ""},
		{"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr", ""},
		{"fr-CA,fr;q=0.9,en-CA;q=0.8", "fr", ""},
		{"es-ES,es;q=0.9", "es", ""},
		{"es-419,es;q=0.9,en;q=0.8", "es", ""},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans", ""},
		{"zh-SG,zh;q=0.9", "zh-Hans", ""},
		{"ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko", ""},
		{"ko", "ko", ""},
		{"pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", "pt-BR", "português do Brasil"},
		{"pt-PT,pt;q=0.9,en-GB;q=0.8,en;q=0.7", "pt-BR", "leitores de Portugal"},
		{"pt", "pt-BR", "leitores de Portugal"},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru", ""},
		{"uk-UA,uk;q=0.9,ru;q=0.8,en;q=0.7", "ru", ""},
		{"zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh-Hant", "台灣"},
		{"zh-HK,zh;q=0.9,en;q=0.8", "zh-Hant", "台灣"},
		{"zh-MO", "zh-Hant", "台灣"},
		{"zh-Hant-TW,zh-Hant;q=0.9", "zh-Hant", "台灣"},
		{"nl-NL,nl;q=0.9", "en", ""},
	} {
		res := do(t, h, "GET", "/codes/421", http.Header{"Accept-Language": {tt.accept}})
		if res.status != 200 || res.header.Get("Content-Language") != tt.lang {
			t.Errorf("%q: %d in %q, want %s", tt.accept, res.status, res.header.Get("Content-Language"), tt.lang)
			continue
		}
		if want := do(t, h, "GET", "/codes/421?lang="+tt.lang, nil).body; res.body != want {
			t.Errorf("%q: not the page of /codes/421?lang=%s", tt.accept, tt.lang)
		}
		if !strings.Contains(res.body, `<html lang="`+tt.lang+`">`) || tt.lang != "en" && res.body == english {
			t.Errorf("%q: the page is not in %s", tt.accept, tt.lang)
		}
		hasNote := strings.Contains(res.body, `<p class="language-note" role="note">`)
		switch {
		case tt.note != "" && (!hasNote || !strings.Contains(res.body, tt.note)):
			t.Errorf("%q: no language note saying %q", tt.accept, tt.note)
		case tt.note == "" && hasNote:
			t.Errorf("%q: a language note on %s", tt.accept, tt.lang)
		}
	}
}

// Search in the shipped languages finds what readers type: Russian with е
// for ё and inflected forms, Korean words with particles, Traditional
// Chinese words as substrings, marked on the text as written.
func TestShippedLanguagesSearch(t *testing.T) {
	h := testHandler(t)
	for _, tt := range []struct{ lang, q, mark string }{
		{"ru", "учетная запись", "<mark>учётн"},
		{"ru", "почтового ящика", "<mark>ящик</mark>"},
		{"ko", "메일함이", "<mark>메일함</mark>"},
		{"ko", "서버에서", "<mark>서버</mark>"},
		{"zh-Hant", "郵件", "<mark>郵件</mark>"},
		{"zh-Hant", "伺服器", "<mark>伺服器</mark>"},
		{"pt-BR", "caixa postal", "<mark>caixa</mark>"},
	} {
		res := do(t, h, "GET", "/search?lang="+tt.lang+"&q="+url.QueryEscape(tt.q), nil)
		if res.status != 200 || !strings.Contains(res.body, tt.mark) || !strings.Contains(res.body, `<html lang="`+tt.lang+`">`) {
			t.Errorf("%s %q: %d, want results marked %s", tt.lang, tt.q, res.status, tt.mark)
		}
	}
}

// Russian counts take the CLDR plural forms: one for 1 and 21, few for
// 2–4 and 22, many for 5–20.
func TestRussianPluralForms(t *testing.T) {
	s, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	ru, ok := s.locales.Lookup("ru")
	if !ok {
		t.Fatal("no Russian")
	}
	tr := s.locales.Translator(ru)
	for n, want := range map[int]string{1: "1 результат ", 21: "21 результат ", 2: "2 результата ", 4: "4 результата ", 22: "22 результата ", 5: "5 результатов ", 11: "11 результатов ", 20: "20 результатов ", 100: "100 результатов "} {
		if got := tr.Count("search_count", n, "Query", "550"); !strings.HasPrefix(got, want) {
			t.Errorf("%d: %q, want %q…", n, got, want)
		}
	}
}
