package decode

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// Reading a bounce that arrives as a message (a saved .eml, an upload, a
// paste that starts with its headers): the MIME structure is taken apart
// with the standard library, every text part and every delivery-status
// part is decoded (transfer encoding, then charset) into UTF-8 text, and
// the returned original message is left out, since its headers and body
// say nothing about why it bounced. The text is then read by the scanner
// like any pasted text, the parts in order, each after a blank line.

// MaxMessage is the largest message DecodeMessage reads (2 MiB); callers
// reject larger uploads.
const MaxMessage = 2 << 20

// maxText bounds the text a message yields for the scanner: a bounce's
// own parts are a few kilobytes; more is the original message quoted
// inline.
const maxMessageText = 512 << 10

// maxParts bounds the MIME parts read, and maxDepth their nesting, so that
// a crafted message cannot make the reader work without end.
const (
	maxParts = 64
	maxDepth = 8
)

// DecodeMessage decodes a bounce given as bytes: a whole message, whose
// MIME parts are decoded first, or pasted text, which is decoded as it is.
// Input past MaxMessage is ignored.
func (d *Decoder) DecodeMessage(raw []byte) []Finding {
	if len(raw) > MaxMessage {
		raw = raw[:MaxMessage]
	}
	text, ok := messageText(raw)
	if !ok {
		return d.decode(plainText(raw), MaxInput)
	}
	return d.decode(text, maxMessageText)
}

// plainText is raw as text: UTF-8 when it is, else windows-1252, what
// unlabelled 8-bit text nearly always is (a saved .txt in another charset
// keeps its codes and ASCII words that way).
func plainText(raw []byte) string {
	if utf8.Valid(raw) {
		return string(raw)
	}
	return decodeCharset(raw, "windows-1252")
}

// messageText returns the text of a message's parts, or ok=false when raw
// is not a message.
func messageText(raw []byte) (string, bool) {
	if !looksLikeMessage(raw) {
		return "", false
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", false
	}
	var out strings.Builder
	w := &partWriter{out: &out}
	// The headers that say who generated the bounce help name its provider.
	for _, h := range []string{"From", "Subject", "X-Failed-Recipients"} {
		if v := msg.Header.Get(h); v != "" {
			w.add(h + ": " + decodeWords(v) + "\n")
		}
	}
	w.add("\n")
	w.entity(textproto.MIMEHeader(msg.Header), msg.Body, 0)
	return out.String(), true
}

// looksLikeMessage reports whether raw starts with header fields: the
// first line is a field, and among the first lines are fields that every
// message has.
func looksLikeMessage(raw []byte) bool {
	head := raw
	if len(head) > 16<<10 {
		head = head[:16<<10]
	}
	end := bytes.Index(head, []byte("\n\n"))
	if e := bytes.Index(head, []byte("\r\n\r\n")); e >= 0 && (end < 0 || e < end) {
		end = e
	}
	if end < 0 {
		return false
	}
	known := 0
	for i, line := range strings.Split(string(head[:end]), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name, _, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(name, " \t") || name == "" {
			if i == 0 {
				return false
			}
			continue
		}
		switch strings.ToLower(name) {
		case "from", "to", "subject", "date", "received", "return-path", "content-type", "message-id", "mime-version", "delivered-to":
			known++
		}
	}
	return known >= 2
}

// partWriter collects the text of parts, within maxMessageText.
type partWriter struct {
	out   *strings.Builder
	parts int
}

func (w *partWriter) add(s string) {
	if room := maxMessageText - w.out.Len(); room > 0 {
		if len(s) > room {
			s = s[:room]
		}
		w.out.WriteString(s)
	}
}

// entity writes the text of one MIME entity with its header h.
func (w *partWriter) entity(h textproto.MIMEHeader, body io.Reader, depth int) {
	if w.parts >= maxParts || depth > maxDepth || w.out.Len() >= maxMessageText {
		return
	}
	w.parts++
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType == "" {
		mediaType, params = "text/plain", map[string]string{}
	}
	switch {
	case strings.HasPrefix(mediaType, "multipart/"):
		// Read whole, so that a multipart whose boundaries do not match
		// its header (it happens in real bounces) can be read as text.
		b, _ := io.ReadAll(io.LimitReader(body, MaxMessage))
		found := 0
		if boundary := params["boundary"]; boundary != "" {
			// The preamble, which multipart.Reader skips, is where some
			// MTAs (Courier) put the human-readable report.
			if i := bytes.Index(b, []byte("--"+boundary)); i > 0 {
				w.add(strings.ToValidUTF8(string(b[:i]), "\uFFFD"))
			}
			mr := multipart.NewReader(bytes.NewReader(b), boundary)
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					break
				}
				found++
				w.entity(p.Header, p, depth+1)
			}
		}
		if found == 0 {
			w.add("\n")
			w.add(strings.ToValidUTF8(string(b), "\uFFFD"))
			w.add("\n")
		}
	case mediaType == "message/rfc822" || mediaType == "text/rfc822-headers" || mediaType == "message/global" || mediaType == "message/global-headers":
		// The returned original message: not the bounce.
	case mediaType == "message/delivery-status" || mediaType == "message/global-delivery-status":
		w.add("\n")
		w.add(decodeBody(h, params, body, false))
		w.add("\n")
	case mediaType == "text/html":
		w.add("\n")
		w.add(htmlText(decodeBody(h, params, body, true)))
		w.add("\n")
	case strings.HasPrefix(mediaType, "text/") || mediaType == "application/json":
		w.add("\n")
		t := decodeBody(h, params, body, true)
		// A notification service's JSON sent as mail (Amazon SNS
		// delivering an SES bounce): its paragraphs, not its raw text.
		if lines, _, ok := jsonLines(t); ok {
			t = strings.Join(lines, "\n")
		}
		w.add(t)
		w.add("\n")
	}
}

// decodeBody undoes an entity's transfer encoding and, for text, its
// charset, giving UTF-8.
func decodeBody(h textproto.MIMEHeader, params map[string]string, body io.Reader, text bool) string {
	r := body
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &spaceless{r: bufio.NewReader(body)})
	}
	b, _ := io.ReadAll(io.LimitReader(r, maxMessageText))
	cs := strings.ToLower(params["charset"])
	if cs == "" && !utf8.Valid(b) {
		cs = "windows-1252" // what unlabelled 8-bit text nearly always is
	}
	return decodeCharset(b, cs)
}

// decodeCharset converts b from the charset cs (a MIME or WHATWG name) to
// UTF-8; bytes it cannot convert become U+FFFD.
func decodeCharset(b []byte, cs string) string {
	if cs != "" && cs != "utf-8" && cs != "us-ascii" {
		if e, err := htmlindex.Get(cs); err == nil {
			if u, _, err := transform.Bytes(e.NewDecoder(), b); err == nil {
				b = u
			}
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// spaceless drops the line breaks and spaces base64 bodies are wrapped
// with, which encoding/base64 does not skip (it skips only \r and \n).
type spaceless struct{ r *bufio.Reader }

func (s *spaceless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c, err := s.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		p[n] = c
		n++
	}
	return n, nil
}

// decodeWords decodes RFC 2047 encoded words in a header value.
func decodeWords(v string) string {
	dec := mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
		e, err := htmlindex.Get(charset)
		if err != nil {
			return nil, err
		}
		return transform.NewReader(r, e.NewDecoder()), nil
	}}
	if s, err := dec.DecodeHeader(v); err == nil {
		return s
	}
	return v
}

// htmlText is the text of an HTML part, a line per block, so that the
// scanner finds replies at line starts as in a text part.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(bytes.Join(bytes.Fields(z.Text()), []byte(" ")))
				b.WriteByte(' ')
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head":
				if tt := z.Token().Type; tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "pre", "blockquote":
				b.WriteByte('\n')
			}
		}
	}
}
