package decode

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileMessages are messages built to make a careless MIME reader
// recurse without end, read without bound or hold everything in memory.
func hostileMessages() map[string][]byte {
	nested := func(depth int) []byte {
		var b bytes.Buffer
		b.WriteString("From: a@example.com\r\nTo: b@example.com\r\nMIME-Version: 1.0\r\n")
		for i := range depth {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\n550 5.1.1 deep\r\n")
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
		return b.Bytes()
	}
	many := func(parts int) []byte {
		var b bytes.Buffer
		b.WriteString("From: a@example.com\r\nTo: b@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n")
		for i := range parts {
			fmt.Fprintf(&b, "--x\r\nContent-Type: text/plain\r\n\r\n550 5.1.1 part %d\r\n", i)
		}
		b.WriteString("--x--\r\n")
		return b.Bytes()
	}
	text := func(body string) []byte {
		return []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body)
	}
	return map[string][]byte{
		"nested multiparts":    nested(2000),
		"many parts":           many(20000)[:MaxMessage],
		"base64 of replies":    text(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("550 5.1.1 <user@example.com>: Recipient address rejected\r\n", MaxMessage/80)))),
		"base64 garbage":       text(strings.Repeat("!@#$", MaxMessage/4-40)),
		"one endless header":   []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: " + strings.Repeat("550 5.1.1 ", MaxMessage/10-8) + "\r\n\r\nbody"),
		"JSON nested deep":     []byte(strings.Repeat(`{"a":`, MaxInput/5-2) + `1` + strings.Repeat(`}`, MaxInput/5-2)),
		"JSON many recipients": []byte("[" + strings.Repeat(`{"emailAddress":"a@example.com","diagnosticCode":"smtp; 550 5.1.1 x"},`, MaxInput/72) + "1]"),
	}
}

func TestDecodeMessageHostile(t *testing.T) {
	for name, raw := range hostileMessages() {
		t.Run(name, func(t *testing.T) {
			if len(raw) > MaxMessage {
				t.Fatalf("input is %d bytes, more than MaxMessage", len(raw))
			}
			if got := testDecoder.DecodeMessage(raw); len(got) > maxCandidates {
				t.Errorf("%d findings, more than %d", len(got), maxCandidates)
			}
		})
	}
	// The parts past maxParts, and past maxDepth, are not read.
	if got := testDecoder.DecodeMessage(hostileMessages()["nested multiparts"]); len(got) != 0 {
		t.Errorf("read a part nested %d deep: %+v", 2000, got)
	}
}

// BenchmarkDecodeMessageHostile: go test -run '^$' -bench DecodeMessageHostile ./internal/decode/
func BenchmarkDecodeMessageHostile(b *testing.B) {
	for name, raw := range hostileMessages() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				testDecoder.DecodeMessage(raw)
			}
		})
	}
}

// FuzzDecodeMessage feeds the message path (headers, MIME structure,
// transfer encodings, charsets) and checks what every finding promises.
//
//	go test -run '^$' -fuzz FuzzDecodeMessage -fuzztime 60s ./internal/decode/
func FuzzDecodeMessage(f *testing.F) {
	files, _ := filepath.Glob("testdata/bounces/*.eml")
	for i, name := range files {
		if i%8 != 0 { // a spread of layouts keeps the seed corpus quick
			continue
		}
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add(savedDSN)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > MaxMessage {
			return
		}
		for i, g := range testDecoder.DecodeMessage(raw) {
			if g.Basic == "" && g.Enhanced == "" {
				t.Errorf("[%d] no code: %+v", i, g)
			}
			if g.Basic != "" && !basicRe.MatchString(g.Basic) || g.Enhanced != "" && !enhancedRe.MatchString(g.Enhanced) {
				t.Errorf("[%d] codes %q %q", i, g.Basic, g.Enhanced)
			}
			if !providerNames[g.Provider] {
				t.Errorf("[%d] Provider %q", i, g.Provider)
			}
			if !utf8.ValidString(g.Text) || !utf8.ValidString(g.Recipient) || !utf8.ValidString(g.Host) {
				t.Errorf("[%d] invalid UTF-8 in %+v", i, g)
			}
			if len(g.Text) > maxText+len(ellipsis) || g.Line < 1 {
				t.Errorf("[%d] Text of %d bytes, Line %d", i, len(g.Text), g.Line)
			}
			if (i == 0) != (g.Why != "") {
				t.Errorf("[%d] Why %q", i, g.Why)
			}
		}
	})
}

// savedDSN is a small multipart/report as Postfix writes one.
var savedDSN = []byte("From: MAILER-DAEMON@mail.example.net\r\nTo: a@example.org\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
	"--B\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
	"<b@example.net>: host mx.example.net[192.0.2.1] said: 550=\r\n 5.1.1 Unbekannter Empf=E4nger\r\n" +
	"--B\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; b@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
	"--B--\r\n")

// paste64K is what a reader pastes at the limit: a big bounce and the
// log lines around it, 64 KiB in all.
func paste64K() string {
	text := bigBounce()
	line := "Nov 28 10:15:41 mail postfix/smtp[2841]: 4F2A1C0123: to=<user07@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9A8B7C6D5E)\n"
	for len(text)+len(line) <= MaxInput {
		text += line
	}
	return text
}

// message2M is a bounce at the upload limit: a DSN whose returned
// original carries a 2 MiB attachment.
func message2M() []byte {
	head := savedDSN[:bytes.LastIndex(savedDSN, []byte("--B--"))]
	var b bytes.Buffer
	b.Write(head)
	b.WriteString("--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: a@example.org\r\nSubject: report\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	chunk := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x25, 0x50, 0x44, 0x46}, 57)) + "\r\n"
	for b.Len()+len(chunk)+12 < MaxMessage {
		b.WriteString(chunk)
	}
	b.WriteString("--B--\r\n")
	return b.Bytes()
}

// The figures the README gives for the decoder:
//
//	go test -run '^$' -bench 'Decode(Paste|Upload|Linear)' -benchmem ./internal/decode/
func BenchmarkDecodePaste64K(b *testing.B) {
	text := paste64K()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		testDecoder.Decode(text)
	}
}

func BenchmarkDecodeUpload2M(b *testing.B) {
	raw := message2M()
	if got := testDecoder.DecodeMessage(raw); len(got) != 1 || got[0].Enhanced != "5.1.1" {
		b.Fatalf("findings %+v", got)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		testDecoder.DecodeMessage(raw)
	}
}

// BenchmarkDecodeLinear decodes messages of growing size whose text part
// is all replies, the most work per byte: the time per byte stays the
// same as the size doubles.
func BenchmarkDecodeLinear(b *testing.B) {
	for _, size := range []int{64 << 10, 128 << 10, 256 << 10, 512 << 10} {
		var body strings.Builder
		for i := 0; body.Len() < size; i++ {
			fmt.Fprintf(&body, "<user%d@example.com>: host mx%d.example.com[192.0.2.1] said: 550 5.1.1 <user%d@example.com>: Recipient address rejected (in reply to RCPT TO command)\r\n\r\n", i, i%7, i)
		}
		raw := []byte("From: MAILER-DAEMON@example.net\r\nTo: a@example.org\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n" + body.String())
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				testDecoder.DecodeMessage(raw)
			}
		})
	}
}
