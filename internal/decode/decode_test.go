package decode

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"smtpcodes.dev/internal/content"
)

// testDecoder knows the site's real list of providers, not its catalogue.
var testDecoder = func() *Decoder {
	facts, err := content.LoadFacts(os.DirFS("../../content"))
	if err != nil {
		panic(err)
	}
	return New(facts.Providers, nil)
}()

// catalogueDecoder also knows the site's catalogue of provider replies.
var catalogueDecoder = func() *Decoder {
	// Every shipped language, so that the content's translations load.
	langs := []string{"en"}
	files, _ := filepath.Glob("../../locales/active.*.toml")
	for _, f := range files {
		if code := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "active."), ".toml"); code != "en" {
			langs = append(langs, code)
		}
	}
	store, err := content.LoadSource(os.DirFS("../../content"), langs)
	if err != nil {
		panic(err)
	}
	return New(store.Facts.Providers, store)
}()

func TestDecode(t *testing.T) {
	if len(samples) < 25 {
		t.Fatalf("only %d samples; the families need at least 25", len(samples))
	}
	for _, tc := range samples {
		t.Run(tc.name, func(t *testing.T) {
			// The scanner's findings in order of appearance; which comes
			// first is TestDecidingFirst's.
			got, _ := testDecoder.scanText(tc.text, MaxInput)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Decode:\n%s", diff(got, tc.want))
			}
		})
	}
}

// diff shows, finding by finding, the fields that differ.
func diff(got, want []Finding) string {
	var b strings.Builder
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			fmt.Fprintf(&b, "  [%d] missing: %+v\n", i, want[i])
		case i >= len(want):
			fmt.Fprintf(&b, "  [%d] unexpected: %+v\n", i, got[i])
		default:
			g, w := reflect.ValueOf(got[i]), reflect.ValueOf(want[i])
			for f := 0; f < g.NumField(); f++ {
				if gv, wv := g.Field(f).Interface(), w.Field(f).Interface(); gv != wv {
					fmt.Fprintf(&b, "  [%d] %s: got %#v, want %#v\n", i, g.Type().Field(f).Name, gv, wv)
				}
			}
		}
	}
	return b.String()
}

func TestProviderMarkers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"550 5.7.1 Blocked d2si123456 - gsmtp", "gmail"},
		{"see https://support.google.com/mail/?p=NoSuchUser", "gmail"},
		{"mailer-daemon@googlemail.com", "gmail"},
		{"example-com.mail.protection.outlook.com", "microsoft"},
		{"AM0PR01MB1234.eurprd01.prod.outlook.com", "microsoft"},
		{"Remote Server returned '550 5.1.10 …'", "exchange"},
		{"Microsoft Outlook", "microsoft"},
		{"mta7.am0.yahoodns.net", "yahoo"},
		{"https://senders.yahoo.com/", "yahoo"},
		{"mx.example.com", ""},
		{"notgoogle.community", ""},
		{"gsmtpx", ""},
	} {
		if got := testDecoder.providers.Named(tc.in); got != tc.want {
			t.Errorf("providerIn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeIgnoresTextBeyondMaxInput(t *testing.T) {
	filler := strings.Repeat("nothing to see here\n", MaxInput/20)
	got := testDecoder.Decode(filler + "550 5.1.1 User unknown\n")
	if len(got) != 0 {
		t.Errorf("Decode found %+v past MaxInput", got)
	}
	got = testDecoder.Decode("550 5.1.1 User unknown\n" + filler)
	if len(got) != 1 || got[0].Line != 1 {
		t.Errorf("Decode = %+v, want the reply on line 1", got)
	}
}

// hostileInputs are built to make a careless scanner quadratic or make it
// return without bound.
func hostileInputs() map[string]string {
	return map[string]string{
		"one line of closers":      "550 x" + strings.Repeat(")", MaxInput-5),
		"one line of markers":      strings.Repeat("said: 555 0 ", MaxInput/12),
		"continuation lines":       strings.Repeat("550-5.1.1 more\n", MaxInput/15),
		"wrapped lines":            "550 5.1.1 x\n" + strings.Repeat("  y\n", MaxInput/4-4),
		"distinct replies":         distinctReplies(MaxInput),
		"DSN fields":               strings.Repeat("Status: 5.1.1\n", MaxInput/14),
		"folded diagnostic":        "Diagnostic-Code: smtp; 550-x\n" + strings.Repeat(" 550-x\n", MaxInput/7-5),
		"repeated codes in a line": "said: 550-5.1.1" + strings.Repeat(" 550-5.1.1", MaxInput/11-2),
		"codes but no marker":      strings.Repeat("a 250 b ", MaxInput/8),
		"markers but no code":      strings.Repeat("said: x ", MaxInput/8-1) + "a 250 b",
		"addresses":                strings.Repeat("a@b.c ", MaxInput/6),
		"open brackets":            strings.Repeat("host x [", MaxInput/8),
	}
}

// TestDecodeHostileInput checks that hostile inputs stay within the
// limits; BenchmarkDecodeHostile measures how long they take (a timed
// assertion here would fail on a loaded machine or under -race).
func TestDecodeHostileInput(t *testing.T) {
	for name, text := range hostileInputs() {
		t.Run(name, func(t *testing.T) {
			if len(text) > MaxInput {
				t.Fatalf("input is %d bytes, more than MaxInput", len(text))
			}
			if got := testDecoder.Decode(text); len(got) > maxCandidates {
				t.Errorf("Decode returned %d findings, more than %d", len(got), maxCandidates)
			}
		})
	}
}

// BenchmarkDecodeHostile: go test -run '^$' -bench DecodeHostile ./internal/decode/
func BenchmarkDecodeHostile(b *testing.B) {
	for name, text := range hostileInputs() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				testDecoder.Decode(text)
			}
		})
	}
}

func distinctReplies(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size-40; i++ {
		fmt.Fprintf(&b, "550 5.1.1 reply %d\n", i)
	}
	return b.String()
}

var (
	basicRe    = regexp.MustCompile(`^[2-5][0-9][0-9]$`)
	enhancedRe = regexp.MustCompile(`^[245]\.[0-9]{1,3}\.[0-9]{1,3}$`)
	phaseIDs   = map[string]bool{"": true, "connect": true, "ehlo": true, "starttls": true, "auth": true,
		"mail": true, "rcpt": true, "data": true, "eod": true, "bdat": true, "quit": true}
	commandPhases = map[string]string{"": "", "CONNECT": "connect", "EHLO": "ehlo", "HELO": "ehlo",
		"STARTTLS": "starttls", "AUTH": "auth", "MAIL FROM": "mail", "RCPT TO": "rcpt", "DATA": "data",
		"END OF DATA": "eod", "BDAT": "bdat", "QUIT": "quit"}
	providerNames = func() map[string]bool {
		ids := map[string]bool{"": true}
		for _, p := range testDecoder.providers {
			ids[p.ID] = true
		}
		return ids
	}()
)

func FuzzDecode(f *testing.F) {
	for _, tc := range samples {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > MaxInput {
			return
		}
		lines := strings.Count(text, "\n") + 1
		prev := 0
		for i, g := range testDecoder.Decode(text) {
			if g.Basic == "" && g.Enhanced == "" {
				t.Errorf("[%d] no code: %+v", i, g)
				continue
			}
			if g.Basic != "" && !basicRe.MatchString(g.Basic) {
				t.Errorf("[%d] Basic %q", i, g.Basic)
			}
			if g.Enhanced != "" && !enhancedRe.MatchString(g.Enhanced) {
				t.Errorf("[%d] Enhanced %q", i, g.Enhanced)
			}
			if !phaseIDs[g.Phase] {
				t.Errorf("[%d] Phase %q", i, g.Phase)
			}
			if want, ok := commandPhases[g.Command]; !ok || g.Phase != want {
				t.Errorf("[%d] Command %q with Phase %q", i, g.Command, g.Phase)
			}
			if !providerNames[g.Provider] {
				t.Errorf("[%d] Provider %q", i, g.Provider)
			}
			class := g.Enhanced
			if g.Basic != "" {
				class = g.Basic
			}
			if g.Permanent != (class[0] == '5') || g.Temporary != (class[0] == '4') {
				t.Errorf("[%d] class %c but Permanent %v, Temporary %v", i, class[0], g.Permanent, g.Temporary)
			}
			if mismatch := g.Basic != "" && g.Enhanced != "" && g.Basic[0] != g.Enhanced[0]; g.Mismatch != mismatch {
				t.Errorf("[%d] %s %s with Mismatch %v", i, g.Basic, g.Enhanced, g.Mismatch)
			}
			if g.Line < 1 || g.Line > lines {
				t.Errorf("[%d] Line %d, input has %d lines", i, g.Line, lines)
			}
			// The first finding is the deciding one; the rest are in
			// order of appearance.
			if i > 1 && g.Line < prev {
				t.Errorf("[%d] Line %d after line %d: not in order of appearance", i, g.Line, prev)
			}
			prev = g.Line
			if len(g.Text) > maxText+len(ellipsis) {
				t.Errorf("[%d] Text is %d bytes", i, len(g.Text))
			}
			if utf8.ValidString(text) && !utf8.ValidString(g.Text) {
				t.Errorf("[%d] Text %q splits a character", i, g.Text)
			}
			if g.Text != strings.TrimSpace(g.Text) {
				t.Errorf("[%d] Text %q is not trimmed", i, g.Text)
			}
			if g.Permanent && g.Temporary {
				t.Errorf("[%d] both permanent and temporary", i)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	text := bigBounce()
	// Each recipient's reply is in the bounce twice and must be found once.
	if got := testDecoder.Decode(text); len(got) != bounceRecipients {
		b.Fatalf("Decode found %d replies, want %d", len(got), bounceRecipients)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		testDecoder.Decode(text)
	}
}

const bounceRecipients = 32

// bigBounce is a Postfix bounce for a message to many recipients, with the
// returned message attached: about 20 KB, the size of a real one.
func bigBounce() string {
	var human, dsn strings.Builder
	for i := range bounceRecipients {
		rcpt := fmt.Sprintf("user%02d@example.com", i)
		code, enh, why := "550", "5.1.1", "Recipient address rejected: User unknown in virtual mailbox table"
		if i%3 == 1 {
			code, enh, why = "452", "4.2.2", "Recipient address rejected: Mailbox full"
		}
		fmt.Fprintf(&human, "<%s>: host mx.example.com[192.0.2.10] said: %s %s\n    <%s>: %s (in reply to RCPT TO\n    command)\n\n", rcpt, code, enh, rcpt, why)
		fmt.Fprintf(&dsn, "Final-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\nAction: failed\nStatus: %s\nRemote-MTA: dns; mx.example.com\nDiagnostic-Code: smtp; %s %s <%s>: %s\n\n", rcpt, rcpt, enh, code, enh, rcpt, why)
	}
	head, _, _ := strings.Cut(postfixBounce, "<bob@example.com>: host")
	_, tail, _ := strings.Cut(postfixBounce, "--4F2A1C0123.1764324942/mail.example.org\nContent-Description: Undelivered Message")
	body := strings.Repeat("The quarterly figures are attached; revenue was 4521 units, up 12% on 2025.\n", 50)
	return head + human.String() +
		"--4F2A1C0123.1764324942/mail.example.org\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.org\nArrival-Date: Sat, 28 Nov 2026 10:15:40 +0000 (UTC)\n\n" +
		dsn.String() +
		"--4F2A1C0123.1764324942/mail.example.org\nContent-Description: Undelivered Message" + tail + body
}
