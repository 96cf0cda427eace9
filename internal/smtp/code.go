// Package smtp holds the rules of SMTP reply codes that the rest of the
// site relies on, written once: the syntax and canonical form of basic
// reply codes (RFC 5321 §4.2) and enhanced status codes (RFC 3463 §2),
// their classes and subjects, the points of a session where a reply can be
// given (Phase), who has to act on a failure (WhoActs), and the mail
// systems whose replies the site knows (Provider).
//
// Content, the decoder and the web front end all use these rules; none of
// them keeps its own copy. The package holds no data files and knows
// nothing of pages, languages or HTTP.
package smtp

import (
	"strconv"
	"strings"
)

// Classes of basic reply codes (the first digit, RFC 5321 §4.2.1) and of
// enhanced status codes (RFC 3463 §3.1), in order.
var (
	BasicClasses    = []int{2, 3, 4, 5}
	EnhancedClasses = []int{2, 4, 5}
	// Categories are the second digit of a basic code (RFC 5321 §4.2.1).
	Categories = []int{0, 1, 2, 3, 4, 5}
	// Subjects are the second number of an enhanced code (RFC 3463 §3.2).
	Subjects = []int{0, 1, 2, 3, 4, 5, 6, 7}
)

// IsBasic reports whether s is a basic reply code in the form the site
// uses: three digits, the first 2 to 5.
func IsBasic(s string) bool {
	return len(s) == 3 && '2' <= s[0] && s[0] <= '5' && isDigit(s[1]) && isDigit(s[2])
}

// IsEnhanced reports whether s is an enhanced status code in canonical
// form: class 2, 4 or 5, then subject and detail of one to three digits
// without leading zeros ("5.7.26").
func IsEnhanced(s string) bool {
	code, rest, ok := ParseEnhanced(s)
	return ok && rest == "" && code == s && canonicalNumbers(s)
}

// ParseEnhanced reads an enhanced status code at the start of s and
// returns it with the rest of s, leading blanks trimmed. A longer dotted
// number (an IP address, "5.1.1.1", "10.5.1.2") or a code run into a
// word ("5.1.1x") is not one.
func ParseEnhanced(s string) (code, rest string, ok bool) {
	if len(s) < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' {
		return "", "", false
	}
	i := 2
	n := digits(s[i:])
	if n < 1 || n > 3 || i+n >= len(s) || s[i+n] != '.' {
		return "", "", false
	}
	i += n + 1
	n = digits(s[i:])
	if n < 1 || n > 3 {
		return "", "", false
	}
	i += n
	if i < len(s) {
		c := s[i]
		if isAlnum(c) || c == '_' || (c == '.' && i+1 < len(s) && isDigit(s[i+1])) {
			return "", "", false
		}
	}
	return s[:i], strings.TrimLeft(s[i:], " \t"), true
}

// Canonical returns the canonical spelling of a code written with leading
// zeros ("0421" is 421, "05.01.1" is 5.1.1). It checks only the shape:
// digits and dots, one or three parts, each at most three digits after
// its leading zeros. Whether the code exists is for the caller to say.
func Canonical(raw string) (string, bool) {
	if len(raw) > 24 {
		return "", false
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 1 && len(parts) != 3 {
		return "", false
	}
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "", false
		}
		p = strings.TrimLeft(p, "0")
		if p == "" {
			p = "0"
		}
		if len(p) > 3 {
			return "", false
		}
		parts[i] = p
	}
	return strings.Join(parts, "."), true
}

// Class returns the class of a basic or enhanced code: its first digit.
func Class(code string) int {
	if code == "" || !isDigit(code[0]) {
		return 0
	}
	return int(code[0] - '0')
}

// Subject returns the subject of an enhanced code (7 for 5.7.26), or -1
// for anything else.
func Subject(code string) int {
	parts := strings.Split(code, ".")
	if len(parts) != 3 {
		return -1
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return n
}

// Less orders codes as the site lists them: basic codes before enhanced
// ones, then numerically part by part (4.7.1 before 4.7.26 before 5.1.1).
func Less(a, b string) bool {
	if IsBasic(a) != IsBasic(b) {
		return IsBasic(a)
	}
	// Part by part, without building slices: the site compares codes on
	// every compare-page request.
	for a != "" && b != "" {
		var pa, pb string
		pa, a, _ = strings.Cut(a, ".")
		pb, b, _ = strings.Cut(b, ".")
		na, _ := strconv.Atoi(pa)
		nb, _ := strconv.Atoi(pb)
		if na != nb {
			return na < nb
		}
	}
	return a == "" && b != ""
}

func canonicalNumbers(code string) bool {
	for _, p := range strings.Split(code, ".") {
		if len(p) > 1 && p[0] == '0' {
			return false
		}
	}
	return true
}

func digits(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}
