package site

import (
	"bytes"
	"fmt"
	"io/fs"
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
		{"German oe for ö, ss for ß", "de", "Groesse", []string{"<mark>Größe</mark>", "“Groesse”"}, nil},
		{"German o for ö", "de", "Grosse", []string{"<mark>Größe</mark>"}, nil},
		{"German as written", "de", "GRÖSSE", []string{"<mark>Größe</mark>"}, nil},
		{"German ue for ü", "de", "uebersteigt", []string{"<mark>übersteigt</mark>"}, nil},
		{"French accents", "fr", "reponse", []string{"<mark>réponse</mark>"}, nil},
		{"French accents on capitals", "fr", "REPONSE limite", []string{"<mark>réponse</mark>", "<mark>limite</mark>"}, nil},
		{"Spanish accents", "es", "codigo", []string{"<mark>código</mark>"}, nil},
		{"Russian ё typed as е", "ru", "емкость", []string{"<mark>ёмкость</mark>"}, nil},
		{"Russian inflected form", "ru", "сервера", []string{"<mark>Сервер</mark>"}, nil},
		{"Korean particle", "ko", "메일함이", []string{"<mark>메일함</mark>", "“메일함이”"}, nil},
		{"Korean particle 에서", "ko", "서버에서", []string{"<mark>서버</mark>"}, nil},
		{"Chinese substring", "zh-Hans", "邮箱", []string{"<mark>邮箱</mark>"}, nil},
		// ae stands for ä only in German: in English "due" would find "during".
		{"no digraphs outside German", "fr", "reponsee", nil, []string{`href="/codes/552?lang=fr"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", "/search?lang="+tt.lang+"&q="+strings.ReplaceAll(tt.q, " ", "+"), nil)
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
