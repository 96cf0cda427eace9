package site

import (
	"strings"
	"testing"
)

// The code and pair parsers read the URL path; whatever it holds they must
// answer with a page of the site or nothing, and never panic.
func FuzzCanonicalCode(f *testing.F) {
	s := newTestServer(f, Config{})
	for _, seed := range []string{"421", "0421", "5.01.1", "05.1.1", "5.1", "5.1.1.1", "9.1.1", "-5.1.1", "5..1", "", "4.21e2", "５.１.１", strings.Repeat("0", 40) + "5.1.1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, ok := s.canonicalCode(raw)
		if !ok {
			return
		}
		if got, ok := s.store.Code(c.ID); !ok || got != c {
			t.Fatalf("canonicalCode(%q) = %s, not a page", raw, c.ID)
		}
		if strings.Trim(raw, "0123456789.") != "" {
			t.Fatalf("canonicalCode(%q) accepted a non-numeric spelling", raw)
		}
	})
}

func FuzzParsePair(f *testing.F) {
	s := newTestServer(f, Config{})
	for _, seed := range []string{"421-vs-556", "556-vs-421", "421-vs-421", "550-vs-5.1.1", "5.1.1-vs-550", "421-vs-", "-vs-", "421-vs-556-vs-550", "0421-vs-05.1.1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, pair string) {
		a, b, exact, ok := s.parsePair(pair)
		if !ok {
			return
		}
		if a == nil || b == nil {
			t.Fatalf("parsePair(%q) ok with a nil code", pair)
		}
		if exact && pair != a.ID+"-vs-"+b.ID {
			t.Fatalf("parsePair(%q) exact but the pair is %s-vs-%s", pair, a.ID, b.ID)
		}
	})
}

// normalizeCode reads the comparison form's fields.
func FuzzNormalizeCode(f *testing.F) {
	for _, seed := range []string{"421", " 421 ", "４２１", "5．7．26", strings.Repeat("9", 40), "\x00", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := normalizeCode(v)
		if len(v) > 32 && got != "" {
			t.Fatalf("normalizeCode accepted %d bytes", len(v))
		}
	})
}

// cleanQuery guards every handler from broken query strings.
func FuzzCleanQuery(f *testing.F) {
	for _, seed := range []string{"lang=ja", "a=%ff", "%zz", "a=%00", "a=1&a=2", "lang=ja&choose=1", ";;&&=="} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if cleanQuery(raw) && strings.Contains(raw, "%00") {
			t.Fatalf("cleanQuery(%q) accepted an encoded NUL", raw)
		}
	})
}
