package site

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// A translated page says how it was made and links the English original;
// one made from an older English text says so too; English pages and
// pages shown in English for want of a translation say neither.
func TestTranslationNote(t *testing.T) {
	root := fstest.MapFS{}
	for _, dir := range []string{"locales", "templates", "static", "content/facts"} {
		copyDir(t, root, dir)
	}
	for _, name := range []string{"codes/421.md", "codes/421.ja.md", "codes/450.md", "codes/450.ja.md", "codes/451.md", "codes/554.md"} {
		copyFile(t, root, "content/"+name)
	}
	// 450 in Japanese: reviewed, and made from an older English text.
	ja := string(root["content/codes/450.ja.md"].Data)
	ja = regexp.MustCompile(`translated_from = "[0-9a-f]+"`).ReplaceAllString(ja, `translated_from = "0123456789ab"`)
	ja = strings.Replace(ja, `translation = "machine"`, `translation = "reviewed"`+"\n"+`reviewer = "山田 花子"`, 1)
	root["content/codes/450.ja.md"] = &fstest.MapFile{Data: []byte(ja)}
	h, err := Open(root, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		target       string
		want, absent []string
	}{
		{"/codes/421?lang=ja", []string{`<p class="translation-note" role="note">このページは英語の原文から機械翻訳したものです。 <a href="/codes/421?lang=en" hreflang="en">英語の原文を読む</a></p>`}, []string{"内容が古い"}},
		{"/codes/450?lang=ja", []string{"このページは英語の原文から翻訳し、山田 花子 が確認したものです。 翻訳後に英語のページが更新されているため、内容が古い可能性があります。"}, []string{"機械翻訳"}},
		{"/codes/421?lang=en", nil, []string{"translation-note"}},
		{"/codes/451?lang=ja", []string{"このページはまだ日本語に翻訳されていません"}, []string{"translation-note"}},
	} {
		res := do(t, h, "GET", tt.target, nil)
		if res.status != 200 {
			t.Fatalf("%s: %d", tt.target, res.status)
		}
		checkBody(t, res.body, tt.want, tt.absent)
	}
}

// /translations shows, per language, what is translated and how; its
// JSON gives the same figures.
func TestTranslationsPage(t *testing.T) {
	h := testHandler(t)
	res := do(t, h, "GET", "/translations?lang=ja", nil)
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	checkBody(t, res.body, []string{"<h1>翻訳</h1>", `<th scope="row"><a href="/?lang=ja" hreflang="ja" lang="ja">日本語</a></th>`, "<td>40/40</td>", "<td>81/81</td>"}, nil)
	var out struct {
		Languages []struct {
			Code  string
			Pages []struct {
				Kind                                           string
				Total, Translated, Machine, Reviewed, Outdated int
			}
			UI struct{ Messages, Missing int }
		}
	}
	js := do(t, h, "GET", "/translations.json", nil)
	if err := json.Unmarshal([]byte(js.body), &out); err != nil || len(out.Languages) < 2 {
		t.Fatalf("JSON: %v %s", err, js.body)
	}
	for _, l := range out.Languages {
		if len(l.Pages) != 5 || l.UI.Messages < 200 {
			t.Errorf("%s: %+v", l.Code, l)
		}
		for _, p := range l.Pages {
			if p.Translated > p.Total || p.Machine+p.Reviewed != p.Translated && l.Code != "en" {
				t.Errorf("%s %s: %+v", l.Code, p.Kind, p)
			}
		}
	}
	if en := out.Languages[0]; en.Code != "en" || en.Pages[0].Translated != en.Pages[0].Total {
		t.Errorf("English first and complete: %+v", en)
	}
}
