package locale

import (
	"testing"
	"testing/fstest"
)

// tenLanguages is a message set with every language the site serves, so
// that the negotiation tables hold whatever the locales directory ships.
func tenLanguages(without ...string) fstest.MapFS {
	names := map[string]string{
		"en": "English", "ja": "日本語", "de": "Deutsch", "es": "Español", "fr": "Français",
		"ko": "한국어", "pt-BR": "Português (Brasil)", "ru": "Русский", "zh-Hans": "简体中文", "zh-Hant": "繁體中文",
	}
	fsys := fstest.MapFS{}
	for code, name := range names {
		skip := false
		for _, w := range without {
			skip = skip || w == code
		}
		if !skip {
			fsys["active."+code+".toml"] = &fstest.MapFile{Data: []byte("language_name = \"" + name + "\"\n")}
		}
	}
	return fsys
}

// ?lang and cookie values: each language by its own code and by the
// spellings people and software use for it.
func TestLookupTenLanguages(t *testing.T) {
	s, err := Load(tenLanguages())
	if err != nil {
		t.Fatal(err)
	}
	for want, values := range map[string][]string{
		"zh-Hans": {"zh-Hans", "zh", "zh-CN", "zh_CN", "zh-SG", "zh-cn", "ZH-HANS", "zh-Hans-CN"},
		"zh-Hant": {"zh-Hant", "zh-TW", "zh_TW", "zh-HK", "zh-MO", "zh-Hant-TW", "zh-hant"},
		"pt-BR":   {"pt-BR", "pt", "pt_BR", "pt-br", "pt-PT", "pt-AO"},
		"es":      {"es", "es-MX", "es-419", "es_ES", "ES"},
		"de":      {"de", "de-AT", "de-CH", "de_DE"},
		"fr":      {"fr", "fr-CA", "fr-BE", "fr_FR"},
		"ko":      {"ko", "ko-KR", "ko_KR"},
		"ru":      {"ru", "ru-RU", "ru-UA"},
		"ja":      {"ja", "jp", "ja-JP"},
		"en":      {"en", "en-GB", "en-US"},
	} {
		for _, v := range values {
			if l, ok := s.Lookup(v); !ok || l.Code != want {
				t.Errorf("Lookup(%q) = %q, %v; want %s", v, l.Code, ok, want)
			}
		}
	}
	for _, v := range []string{"sr-Latn", "uk", "zh-Latn", "und", "x-klingon", "pt-Cyrl"} {
		if l, ok := s.Lookup(v); ok {
			t.Errorf("Lookup(%q) = %s, want none", v, l.Code)
		}
	}
}

// Accept-Language as browsers send it, for each language.
func TestNegotiateTenLanguages(t *testing.T) {
	s, err := Load(tenLanguages())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ accept, want string }{
		{"de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "de"}, // Chrome, Germany
		{"de,en-US;q=0.7,en;q=0.3", "de"},             // Firefox
		{"de-AT,de;q=0.9", "de"},                      // Safari, Austria
		{"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"},
		{"fr-CA,fr;q=0.9,en-CA;q=0.8,en;q=0.7", "fr"},
		{"es-ES,es;q=0.9", "es"},
		{"es-MX,es-419;q=0.9,es;q=0.8,en;q=0.7", "es"},
		{"es-419,es;q=0.9", "es"},
		{"ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"},
		{"pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", "pt-BR"},
		{"pt-PT,pt;q=0.9,en-US;q=0.8,en;q=0.7", "pt-BR"},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"ru,en;q=0.9", "ru"},                  // Yandex Browser
		{"uk-UA,uk;q=0.9,ru;q=0.8", "ru"},      // Ukrainian first: the site has Russian
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"}, // Chrome, mainland
		{"zh-SG,zh;q=0.9", "zh-Hans"},
		{"zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh-Hant"},
		{"zh-HK,zh;q=0.9,en;q=0.8", "zh-Hant"},
		{"zh-Hant-TW,zh-Hant;q=0.9", "zh-Hant"},
		{"ja,en-US;q=0.9,en;q=0.8", "ja"},
		{"en-US,en;q=0.9,zh-CN;q=0.8", "en"},
		{"nl-NL,nl;q=0.9,de;q=0.8,en;q=0.7", "de"},
	} {
		if l, src := s.Negotiate("", "", tt.accept); l.Code != tt.want || src != FromHeader {
			t.Errorf("Negotiate(%q) = %s from %s, want %s", tt.accept, l.Code, src, tt.want)
		}
	}
}

// Until Traditional Chinese exists, its readers get the default, never
// Simplified: not by ?lang, and not by the bare "zh" browsers add after
// "zh-TW".
func TestNoSilentSimplified(t *testing.T) {
	s, err := Load(tenLanguages("zh-Hant"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"zh-TW", "zh-HK", "zh-Hant", "zh-MO"} {
		if l, ok := s.Lookup(v); ok {
			t.Errorf("Lookup(%q) = %s, want none", v, l.Code)
		}
	}
	for _, accept := range []string{"zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh-HK,zh;q=0.9", "zh-Hant"} {
		if l, _ := s.Negotiate("", "", accept); l.Code != "en" {
			t.Errorf("Negotiate(%q) = %s, want en", accept, l.Code)
		}
	}
	// A mainland reader still gets Simplified.
	if l, _ := s.Negotiate("", "", "zh-CN,zh;q=0.9"); l.Code != "zh-Hans" {
		t.Errorf("Negotiate(zh-CN) = %s", l.Code)
	}
}

// Two files for one language and script would make negotiation ambiguous.
func TestLoadRejectsTwoVariants(t *testing.T) {
	fsys := tenLanguages()
	fsys["active.pt.toml"] = &fstest.MapFile{Data: []byte("language_name = \"Português\"\n")}
	if _, err := Load(fsys); err == nil {
		t.Error("Load accepted active.pt.toml beside active.pt-BR.toml")
	}
}
