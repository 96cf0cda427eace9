package locale

import "testing"

// Negotiation reads three request inputs; whatever they hold, it must pick
// a supported language and never panic.
func FuzzNegotiate(f *testing.F) {
	s, err := Load(dirFS())
	if err != nil {
		f.Fatal(err)
	}
	f.Add("ja", "", "")
	f.Add("jp", "en", "fr")
	f.Add("", "ja_JP", "")
	f.Add("", "", "ja-JP,ja;q=0.9,en-US;q=0.8")
	f.Add("<script>", "%%%", ";;;q=abc")
	f.Add("zh-Hant-TW-x-private-aaaaaaaa", "", "*;q=0.5, ja;q=0")
	f.Fuzz(func(t *testing.T, query, cookie, accept string) {
		l, src := s.Negotiate(query, cookie, accept)
		if _, ok := s.Lookup(l.Code); !ok {
			t.Fatalf("Negotiate(%q, %q, %q) = %q, not a supported language", query, cookie, accept, l.Code)
		}
		if src == FromQuery {
			if q, ok := s.Lookup(query); !ok || q.Code != l.Code {
				t.Fatalf("source query for %q, but Lookup disagrees", query)
			}
		}
	})
}
