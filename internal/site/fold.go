package site

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Folding for search: readers type what their keyboard makes easy
// (codigo for código, Groesse or Grosse for Größe, е for ё), so pages and
// queries are compared in a folded form:
//
//   - NFKC, so full-width digits and compatibility forms are plain text;
//   - lower case;
//   - Latin letters lose their diacritics (NFD, then the non-spacing marks
//     removed: x/text does this), and ß, æ, œ, which do not decompose,
//     are spelled out as ss, ae, oe;
//   - Cyrillic ё is е, as Russian readers usually type it. Other marks
//     stay: й is not и, and Japanese が is not か (its voicing mark is a
//     non-spacing mark too), which is why only Latin letters lose theirs.
//
// Folding can change a text's length (é is two bytes shown and one
// folded) and its letters (ß is one letter shown and two folded), so a
// folded text keeps, for the few runes whose folded form is not one rune
// as long, where each one is in both strings: a match found in the folded string is marked on the
// text as shown.
//
// What a query word may also match when it does not match as typed
// (German ae/oe/ue, Korean particles, Russian endings) is in searchTerms.

// foldedText is a text as shown and as folded.
type foldedText struct {
	shown  string // NFKC, as shown
	folded string
	jumps  []jump // the runes whose folded form is not one rune as long, in order
}

// jump is one rune whose folded form is not one rune as long: at
// byte folded of the folded string, flen bytes, for slen bytes at shown.
// Between jumps the two strings advance byte for byte.
type jump struct{ folded, flen, shown, slen int32 }

// folder folds text. It remembers how it folded each non-ASCII rune, so
// it is not safe for concurrent use: one builds the index, each query
// gets its own.
type folder struct {
	latin transform.Transformer
	memo  map[rune]string
}

func newFolder() *folder {
	return &folder{
		latin: transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn))),
		memo:  map[rune]string{},
	}
}

// foldRune returns the folded form of one rune of NFKC text.
func (f *folder) foldRune(r rune) string {
	if s, ok := f.memo[r]; ok {
		return s
	}
	var s string
	switch r {
	case 'ß', 'ẞ':
		s = "ss"
	case 'æ', 'Æ':
		s = "ae"
	case 'œ', 'Œ':
		s = "oe"
	case 'ё', 'Ё':
		s = "е"
	default:
		s = string(unicode.ToLower(r))
		if unicode.Is(unicode.Latin, r) {
			if t, _, err := transform.String(f.latin, s); err == nil && t != "" {
				s = strings.ToLower(t)
			}
		}
	}
	f.memo[r] = s
	return s
}

// appendFolded appends the folded form of NFKC text to b, calling jumped
// for every rune whose folded form is not one rune as long.
func (f *folder) appendFolded(b *strings.Builder, s string, jumped func(j jump)) {
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			i++
			continue
		}
		at, out := b.Len(), f.foldRune(r)
		b.WriteString(out)
		// A rune folded to one rune as long keeps the byte-for-byte
		// mapping; ß (two bytes) folded to ss (two runes) does not.
		if _, n := utf8.DecodeRuneInString(out); (n != w || n != len(out)) && jumped != nil {
			jumped(jump{folded: int32(at), flen: int32(len(out)), shown: int32(i), slen: int32(w)})
		}
		i += w
	}
}

// text folds s for the index, keeping the mapping to the shown text.
func (f *folder) text(s string) foldedText {
	t := foldedText{shown: norm.NFKC.String(s)}
	var b strings.Builder
	b.Grow(len(t.shown))
	f.appendFolded(&b, t.shown, func(j jump) { t.jumps = append(t.jumps, j) })
	t.folded = b.String()
	return t
}

// fold returns the folded form of s (a query word, a title).
func (f *folder) fold(s string) string {
	var b strings.Builder
	s = norm.NFKC.String(s)
	b.Grow(len(s))
	f.appendFolded(&b, s, nil)
	return b.String()
}

// last returns the last jump at or before folded offset x, or -1.
func (t *foldedText) last(x int) int {
	return sort.Search(len(t.jumps), func(i int) bool { return int(t.jumps[i].folded) > x }) - 1
}

// shownStart returns where in the shown text the folded byte x comes from:
// the start of its rune.
func (t *foldedText) shownStart(x int) int {
	i := t.last(x)
	if i < 0 {
		return x
	}
	j := t.jumps[i]
	if x < int(j.folded+j.flen) {
		return int(j.shown) // inside a rune that folds to several bytes
	}
	return int(j.shown+j.slen) + x - int(j.folded+j.flen)
}

// shownEnd returns where in the shown text a match ending before folded
// byte x ends: after the rune its last byte comes from.
func (t *foldedText) shownEnd(x int) int {
	if x == 0 {
		return 0
	}
	i := t.last(x - 1)
	if i < 0 {
		return x
	}
	j := t.jumps[i]
	if x-1 < int(j.folded+j.flen) {
		return int(j.shown + j.slen)
	}
	return int(j.shown+j.slen) + x - int(j.folded+j.flen)
}
