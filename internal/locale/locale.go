// Package locale knows the site's languages: which ones exist, how a request
// chooses one, and how to say a UI string in each.
//
// The languages are exactly the message files present: locales/active.<tag>.toml.
// English is the default and comes first; adding a language is adding its
// file (plus translated content), nothing else. Everything is built once by
// Load: one go-i18n Localizer per language and one x/text Matcher for
// Accept-Language. A Set is immutable and safe for concurrent use.
//
// Negotiation order: a valid ?lang value, then the lang cookie, then
// Accept-Language, then the default. Values that name no supported language
// are ignored, never echoed. A value names a language when its base
// language and script are the language's (x/text infers the script of
// "zh-TW" as Traditional): Traditional Chinese never gets Simplified, and
// the other way round; a reader of a variant the site lacks (pt-PT) gets
// the one it has (pt-BR).
//
// A message the default language leaves empty is optional: a language may
// say something there that only its readers need (language_note: what a
// pt-PT reader gets from the pt-BR pages), the others leave it out and
// say nothing, and it never counts as missing.
//
// The package knows nothing of content or HTTP.
package locale

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// DefaultCode is the code of the default language, whose message file is the
// reference every other one is checked against.
const DefaultCode = "en"

// NameID is the message that holds each language's own name for itself.
const NameID = "language_name"

// Lang is one supported language.
type Lang struct {
	Tag  language.Tag
	Code string // canonical short form: "en", "ja"; used in ?lang=, cookies, file names, <html lang>
	Name string // the language's name for itself, e.g. "日本語"
}

// Source says how a request's language was chosen.
type Source int

const (
	FromDefault Source = iota
	FromQuery
	FromCookie
	FromHeader
)

func (s Source) String() string {
	switch s {
	case FromQuery:
		return "query"
	case FromCookie:
		return "cookie"
	case FromHeader:
		return "accept-language"
	}
	return "default"
}

// Set is the loaded set of languages.
type Set struct {
	langs      []Lang
	localizers []*i18n.Localizer
	messages   []map[string]string // per language: message id -> text, for messages without plural forms
	ids        []map[string]bool   // per language: every message id, plural ones included
	fields     []map[string][]part // per language: messages whose template only names fields, split once
}

// Load reads every active.<tag>.toml at the root of fsys.
func Load(fsys fs.FS) (*Set, error) {
	files, err := fs.Glob(fsys, "active.*.toml")
	if err != nil {
		return nil, err
	}
	bundle := i18n.NewBundle(language.English)
	s := &Set{}
	for _, name := range files {
		code := strings.TrimSuffix(strings.TrimPrefix(name, "active."), ".toml")
		tag, err := language.Parse(code)
		if err != nil || tag.String() != code {
			return nil, fmt.Errorf("locales/%s: file name must be active.<BCP 47 tag>.toml in canonical form", name)
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		// Decoded once: the plain strings for the templates come from the
		// same map that go-i18n gets its messages from.
		var raw map[string]any
		if _, err := toml.Decode(string(buf), &raw); err != nil {
			return nil, fmt.Errorf("locales/%s: %w", name, err)
		}
		msgs := map[string]string{}
		var messages []*i18n.Message
		for id, v := range raw {
			m, err := i18n.NewMessage(v)
			if err != nil {
				return nil, fmt.Errorf("locales/%s: %s: %w (want id = \"text\", or a table of CLDR plural forms)", name, id, err)
			}
			m.ID = id
			messages = append(messages, m)
			if text, ok := v.(string); ok {
				msgs[id] = text
			}
		}
		if err := bundle.AddMessages(tag, messages...); err != nil {
			return nil, fmt.Errorf("locales/%s: %w", name, err)
		}
		s.langs = append(s.langs, Lang{Tag: tag, Code: code, Name: msgs[NameID]})
		s.messages = append(s.messages, msgs)
		ids := make(map[string]bool, len(raw))
		for id := range raw {
			ids[id] = true
		}
		s.ids = append(s.ids, ids)
	}
	def := slices.IndexFunc(s.langs, func(l Lang) bool { return l.Code == DefaultCode })
	if def < 0 {
		return nil, fmt.Errorf("locales: active.%s.toml (the default language) is missing", DefaultCode)
	}
	// Default first, the rest in file-name order: the matcher treats the first
	// tag as the fallback, and the switcher lists languages in this order.
	s.langs[0], s.langs[def] = s.langs[def], s.langs[0]
	s.messages[0], s.messages[def] = s.messages[def], s.messages[0]
	s.ids[0], s.ids[def] = s.ids[def], s.ids[0]
	// An optional message a language leaves out is empty in it too, not
	// the default language's: templates read it like any other.
	for id, text := range s.messages[0] {
		if text != "" {
			continue
		}
		for _, msgs := range s.messages[1:] {
			if _, ok := msgs[id]; !ok {
				msgs[id] = ""
			}
		}
	}
	for i, l := range s.langs {
		if l.Name == "" {
			return nil, fmt.Errorf("locales/active.%s.toml: %s is missing", l.Code, NameID)
		}
		// Two files of one base language and script would make match
		// ambiguous (pt and pt-BR).
		for _, o := range s.langs[:i] {
			ob, _ := o.Tag.Base()
			oscript, _ := o.Tag.Script()
			lb, _ := l.Tag.Base()
			ls, _ := l.Tag.Script()
			if ob == lb && oscript == ls {
				return nil, fmt.Errorf("locales: active.%s.toml and active.%s.toml are the same language and script", o.Code, l.Code)
			}
		}
		s.localizers = append(s.localizers, i18n.NewLocalizer(bundle, l.Code))
		s.fields = append(s.fields, fieldMessages(s.messages[i]))
	}
	return s, nil
}

// part is a piece of a message template: literal text, or the name of a
// template field ({{.Code}}) when field is set.
type part struct {
	text  string
	field bool
}

// fieldRef is a template action that only names a field: {{.Code}}.
var fieldRef = regexp.MustCompile(`{{\s*\.([A-Za-z][A-Za-z0-9_]*)\s*}}`)

// fieldMessages splits, once, each message whose template does nothing but
// name fields, so T fills it without running a template: go-i18n runs
// text/template on every call, which cost the export 9% of its time (pages
// call T with data dozens of times each). A message with any other action
// is left to go-i18n.
func fieldMessages(messages map[string]string) map[string][]part {
	out := map[string][]part{}
	for id, text := range messages {
		if !strings.Contains(text, "{{") {
			continue
		}
		if literal := fieldRef.ReplaceAllString(text, ""); strings.Contains(literal, "{{") || strings.Contains(literal, "}}") {
			continue // another action: go-i18n's
		}
		var parts []part
		end := 0 // of the previous field reference
		for _, m := range fieldRef.FindAllStringSubmatchIndex(text, -1) {
			parts = append(parts, part{text: text[end:m[0]]}, part{text: text[m[2]:m[3]], field: true})
			end = m[1]
		}
		out[id] = append(parts, part{text: text[end:]})
	}
	return out
}

// fill writes parts with the values of kv (alternating keys and values),
// as text/template prints them; a field kv lacks prints "<no value>", as
// text/template does for a missing map key.
func fill(parts []part, kv []any) string {
	var b strings.Builder
	for _, p := range parts {
		if !p.field {
			b.WriteString(p.text)
			continue
		}
		v, found := any(nil), false
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok && k == p.text {
				v, found = kv[i+1], true
				break
			}
		}
		if !found {
			b.WriteString("<no value>")
			continue
		}
		fmt.Fprint(&b, v)
	}
	return b.String()
}

// Langs returns the supported languages, the default first.
func (s *Set) Langs() []Lang { return slices.Clone(s.langs) }

// Default returns the default language.
func (s *Set) Default() Lang { return s.langs[0] }

// maxValueLen bounds ?lang and cookie values: no real tag is longer, and
// nothing longer is worth parsing.
const maxValueLen = 35

// Lookup returns the supported language a ?lang or cookie value names.
// Case, "_" for "-", region subtags and the common mistake "jp" are
// forgiven: "ja", "JA", "ja-JP", "ja_JP" and "jp" all name Japanese.
// A value matches a language of the same base language and script, the
// script inferred when the value gives none (see match): "zh", "zh-CN"
// and "zh-SG" name Simplified Chinese, "zh-TW", "zh-HK" and "zh-MO"
// Traditional, and neither ever names the other.
func (s *Set) Lookup(v string) (Lang, bool) {
	if v == "" || len(v) > maxValueLen {
		return Lang{}, false
	}
	// The canonical codes are what nearly every request carries.
	for _, l := range s.langs {
		if v == l.Code {
			return l, true
		}
	}
	v = strings.ToLower(strings.ReplaceAll(v, "_", "-"))
	if v == "jp" || strings.HasPrefix(v, "jp-") {
		v = "ja" + strings.TrimPrefix(v, "jp")
	}
	tag, err := language.Parse(v)
	if err != nil {
		return Lang{}, false
	}
	return s.match(tag)
}

// match returns the language of tag's base language and script. The
// script of a tag without one is the one its language and region are
// written in (CLDR's likely subtags, as x/text infers them): Chinese for
// Taiwan is Traditional, Portuguese anywhere is Latin, so Portuguese from
// Portugal reads the Brazilian pages, which say so.
func (s *Set) match(tag language.Tag) (Lang, bool) {
	script, _ := tag.Script()
	return s.matchScript(tag, script)
}

func (s *Set) matchScript(tag language.Tag, script language.Script) (Lang, bool) {
	// "und" and private-use tags have no base language of their own
	// (x/text guesses English): they name nothing.
	base, conf := tag.Base()
	if conf < language.High {
		return Lang{}, false
	}
	for _, l := range s.langs {
		lb, _ := l.Tag.Base()
		ls, _ := l.Tag.Script()
		if lb == base && ls == script {
			return l, true
		}
	}
	return Lang{}, false
}

// maxHeaderLen bounds the Accept-Language header we parse. Real browsers
// send well under 200 bytes; a longer header is treated as absent.
const maxHeaderLen = 512

// Negotiate picks the language for a request from its ?lang value, its lang
// cookie and its Accept-Language header, in that order of precedence. Of
// the header's languages, the one with the highest weight that the site
// has wins (match decides what "has" means); a weight of zero excludes.
func (s *Set) Negotiate(query, cookie, acceptLanguage string) (Lang, Source) {
	if l, ok := s.Lookup(query); ok {
		return l, FromQuery
	}
	if l, ok := s.Lookup(cookie); ok {
		return l, FromCookie
	}
	if acceptLanguage != "" && len(acceptLanguage) <= maxHeaderLen {
		tags, q, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil {
			// ParseAcceptLanguage returns the tags by weight, highest
			// first, keeping the header's order among equal weights.
			// Browsers add the bare language after a regional one
			// ("zh-TW,zh;q=0.9"): the bare one means the script of the
			// first, so a Taiwanese reader never gets Simplified Chinese
			// through it.
			first := map[language.Base]language.Script{}
			for i, tag := range tags {
				base, _ := tag.Base()
				script, _ := tag.Script()
				if _, sc, r := tag.Raw(); sc == (language.Script{}) && r == (language.Region{}) {
					if s0, ok := first[base]; ok {
						script = s0
					}
				}
				if _, seen := first[base]; !seen {
					first[base] = script
				}
				if q[i] <= 0 {
					continue
				}
				if l, ok := s.matchScript(tag, script); ok {
					return l, FromHeader
				}
			}
		}
	}
	return s.langs[0], FromDefault
}

// Translator says UI strings in one language.
type Translator struct {
	localizer *i18n.Localizer
	messages  map[string]string
	fields    map[string][]part
}

// Translator returns the translator for l, which must come from this Set.
func (s *Set) Translator(l Lang) Translator {
	i := slices.IndexFunc(s.langs, func(x Lang) bool { return x.Code == l.Code })
	if i < 0 {
		i = 0
	}
	return Translator{localizer: s.localizers[i], messages: s.messages[i], fields: s.fields[i]}
}

// T returns the message id, filled with the template data given as
// alternating keys and values. A message missing in this language falls back
// to the default language (go-i18n does that and reports an error, which
// the completeness tests catch instead); an unknown id returns the id, so
// the gap is visible rather than blank.
func (t Translator) T(id string, kv ...any) string {
	if len(kv) == 0 {
		// Plain strings need no template: answer from the map.
		if m, ok := t.messages[id]; ok && !strings.Contains(m, "{{") {
			return m
		}
	}
	if parts, ok := t.fields[id]; ok {
		return fill(parts, kv)
	}
	var data map[string]any
	if len(kv) > 0 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
	}
	msg, err := t.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if msg == "" && err != nil {
		return id
	}
	return msg
}

// Plain returns the language's messages that take no template data, by
// id: what templates read directly, without a call per string.
func (t Translator) Plain() map[string]string {
	plain := make(map[string]string, len(t.messages))
	for id, m := range t.messages {
		if !strings.Contains(m, "{{") {
			plain[id] = m
		}
	}
	return plain
}

// MessageCount returns how many messages the default language has: every
// language must have them all.
func (s *Set) MessageCount() int { return len(s.ids[0]) }

// Missing returns the message ids of the default language that l lacks or
// leaves empty, sorted; optional messages (empty in the default language)
// are never missing.
func (s *Set) Missing(l Lang) []string {
	i := slices.IndexFunc(s.langs, func(x Lang) bool { return x.Code == l.Code })
	var missing []string
	for id := range s.ids[0] {
		switch {
		case s.Optional(id):
		case i < 0 || !s.ids[i][id]:
			missing = append(missing, id)
		case s.messages[0][id] != "" && strings.TrimSpace(s.messages[i][id]) == "":
			missing = append(missing, id) // a plain message left empty
		}
	}
	slices.Sort(missing)
	return missing
}

// Optional reports whether message id is optional: defined, as a plain
// message, but empty, in the default language.
func (s *Set) Optional(id string) bool {
	text, plain := s.messages[0][id]
	return plain && text == ""
}

// Has reports whether the default language defines message id: every id
// the templates and the code use must pass, which the site checks when it
// starts.
func (s *Set) Has(id string) bool { return s.ids[0][id] }

// Count says a message with CLDR plural forms for a count, in the
// language's plural rules ("one", "few", "many", "other"), with the count
// as .Count and further template data as alternating keys and values.
func (t Translator) Count(id string, n int, kv ...any) string {
	data := map[string]any{"Count": n}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	msg, err := t.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data})
	if msg == "" && err != nil {
		return id
	}
	return msg
}
