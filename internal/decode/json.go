package decode

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Reading a JSON notification: the webhook and queue payloads of sending
// services (Amazon SES's "bounce" notifications with their
// bouncedRecipients, an event's "smtpResponse" or "reason") put the reply
// in a string value. The document is read into a tree in its own key
// order, and each object becomes a small paragraph for the scanner: its
// recipient on a line of its own, then every string value that may hold a
// reply, then, when the object gives a numeric reply code and a message
// apart ({"code": 550, "message": "…"}), the two joined. A paragraph ends
// with a blank line, so one recipient's reply never takes another's
// address. Each line remembers the input line its value came from.

// maxJSONDepth bounds the nesting read; notifications nest a few levels.
const maxJSONDepth = 32

// jsonNode is a value of the document: an object's fields in their order,
// an array's elements, or a scalar.
type jsonNode struct {
	key    string // the field name, in an object
	fields []*jsonNode
	value  any // string or json.Number for scalars; nil for containers
	line   int // input line (1-based) where the value ends
}

// jsonLines returns the paragraphs of a JSON document, with the input line
// of each, or ok=false when text is not one JSON document.
func jsonLines(text string) (lines []string, at []int, ok bool) {
	if !isJSONDocument(text) {
		return nil, nil, false
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	lineOf := newLineIndex(text)
	root, err := readJSON(dec, lineOf, 0)
	if err != nil {
		return nil, nil, false
	}
	var w jsonWriter
	w.node(root, "", 0)
	return w.lines, w.at, true
}

// isJSONDocument reports whether text is one JSON object or array.
func isJSONDocument(text string) bool {
	t := strings.TrimSpace(text)
	return t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t))
}

// readJSON reads the next value of dec into a node.
func readJSON(dec *json.Decoder, lineOf lineIndex, depth int) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &jsonNode{line: lineOf.line(dec.InputOffset())}
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		n.value = tok
		return n, nil
	}
	if depth >= maxJSONDepth {
		return nil, errors.New("json: nested too deep")
	}
	for dec.More() {
		var key string
		if d == '{' {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ = k.(string)
		}
		c, err := readJSON(dec, lineOf, depth+1)
		if err != nil {
			return nil, err
		}
		c.key = key
		n.fields = append(n.fields, c)
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return nil, err
	}
	return n, nil
}

// recipientKeys name a notification's recipient address.
var recipientKeys = map[string]bool{
	"emailaddress": true, "email": true, "recipient": true, "address": true, "rcpt": true, "to": true,
}

// codeKeys name a numeric reply code; messageKeys the words that go with it.
var (
	codeKeys    = map[string]bool{"code": true, "smtpcode": true, "smtp-code": true, "statuscode": true, "status": true, "responsecode": true}
	messageKeys = map[string]bool{"message": true, "description": true, "reason": true, "error": true, "diagnosis": true, "response": true}
)

type jsonWriter struct {
	lines []string
	at    []int
}

func (w *jsonWriter) add(s string, line int) {
	for _, l := range strings.Split(s, "\n") {
		w.lines = append(w.lines, strings.TrimSuffix(l, "\r"))
		w.at = append(w.at, line)
	}
}

// node writes an object's paragraph after those of the objects inside
// it; rcpt is the recipient an enclosing object names.
func (w *jsonWriter) node(n *jsonNode, rcpt string, depth int) {
	if r := recipientOf(n); r != "" {
		rcpt = r
	}
	var scalars []*jsonNode
	for _, c := range n.fields {
		if c.value == nil {
			w.node(c, rcpt, depth+1)
		} else {
			scalars = append(scalars, c)
		}
	}
	if len(scalars) == 0 {
		return
	}
	wrote := false
	start := len(w.lines)
	if rcpt != "" {
		w.add(rcpt, scalars[0].line)
	}
	var code, msg *jsonNode
	for _, c := range scalars {
		if v, ok := c.value.(json.Number); ok && codeKeys[strings.ToLower(c.key)] && len(v) == 3 && v[0] >= '2' && v[0] <= '5' {
			code = c
		}
	}
	for _, c := range scalars {
		v, ok := c.value.(string)
		if !ok {
			continue
		}
		_, hasBasic := findReply(v)
		switch {
		case code != nil && msg == nil && messageKeys[strings.ToLower(c.key)] && !hasBasic:
			msg = c
		case depth < maxJSONDepth && isJSONDocument(v):
			// A document inside a string: the SNS envelope's "Message".
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if inner, err := readJSON(dec, lineIndex{0}, depth+1); err == nil {
				lines := len(w.lines)
				w.node(inner, rcpt, depth+1)
				for k := lines; k < len(w.at); k++ {
					w.at[k] = c.line
				}
			}
		case mayHoldCode(v) || enhancedLineRe.MatchString(v):
			w.add(v, c.line)
			wrote = true
		}
	}
	if code != nil && msg != nil {
		w.add(string(code.value.(json.Number))+" "+msg.value.(string), msg.line)
		wrote = true
	}
	if !wrote {
		w.lines, w.at = w.lines[:start], w.at[:start]
		return
	}
	w.add("", scalars[len(scalars)-1].line)
}

// recipientOf returns the address an object names as its recipient.
func recipientOf(n *jsonNode) string {
	for _, c := range n.fields {
		if s, ok := c.value.(string); ok && recipientKeys[strings.ToLower(c.key)] && angleAddrRe.MatchString("<"+strings.Trim(s, "<>")+">") {
			return strings.Trim(s, "<>")
		}
	}
	return ""
}

// lineIndex maps byte offsets of a text to its line numbers.
type lineIndex []int64

func newLineIndex(text string) lineIndex {
	idx := lineIndex{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			idx = append(idx, int64(i+1))
		}
	}
	return idx
}

// line is the 1-based line holding the byte before off (the end of the
// token just read).
func (idx lineIndex) line(off int64) int {
	lo, hi := 0, len(idx)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if idx[m] < off {
			lo = m
		} else {
			hi = m
		}
	}
	return lo + 1
}
