package decode

import (
	"strings"

	"smtpcodes.dev/internal/smtp"
)

// dsnBlock is the per-recipient block of a delivery status notification
// (RFC 3464 §2.3) being read. Its fields arrive one per line in any order
// and only together describe a reply, so the finding is made when the
// block ends.
type dsnBlock struct {
	open             bool
	final, original  string
	status           string
	statusLine       int
	remote           string
	diag             string
	diagSet          bool
	diagLine, diagTo int
}

type fieldKind int

const (
	notDSN fieldKind = iota
	perMessage
	perRecipient
	extension
)

func dsnKind(name string) fieldKind {
	switch name {
	case "reporting-mta", "arrival-date", "received-from-mta", "original-envelope-id", "dsn-gateway":
		return perMessage
	case "final-recipient", "original-recipient", "action", "status", "remote-mta",
		"diagnostic-code", "last-attempt-date", "will-retry-until", "final-log-id":
		return perRecipient
	}
	if strings.HasPrefix(name, "x-") {
		return extension
	}
	return notDSN
}

// dsnField reads the DSN field on line i with its folded lines and returns
// how many lines it used, or 0 when line i is not a DSN field. "Status:" and
// "Action:" are common words, so they count only with a DSN value.
func (s *scanner) dsnField(i int) int {
	rawName, value0, ok := field(s.lines[i])
	if !ok {
		return 0
	}
	name := strings.ToLower(rawName)
	kind := dsnKind(name)
	if kind == notDSN || (kind == extension && !s.dsn.open) {
		return 0
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(value0))
	n := 1
	for i+n < len(s.lines) && folded(s.lines[i+n]) {
		b.WriteByte(' ')
		b.WriteString(strings.TrimSpace(s.lines[i+n]))
		n++
	}
	// A multi-line reply in a Diagnostic-Code whose lines are not folded:
	// "Diagnostic-Code: smtp; 550-Please …" then "550-…" and "550 …" at the
	// start of the next lines.
	if name == "diagnostic-code" {
		if r, ok := lineStart(diagReply(b.String())); ok && r.dash {
			for i+n < len(s.lines) {
				c, ok := lineStart(s.lines[i+n])
				if !ok || c.basic != r.basic {
					break
				}
				b.WriteByte(' ')
				b.WriteString(strings.TrimSpace(s.lines[i+n]))
				n++
				if !c.dash {
					break
				}
			}
		}
	}
	value := b.String()
	switch name {
	case "status":
		e, _, ok := smtp.ParseEnhanced(value)
		if !ok {
			return 0
		}
		if s.dsn.status != "" {
			s.closeDSN()
		}
		s.dsn.status, s.dsn.statusLine = e, i
	case "action":
		switch strings.ToLower(strings.Fields(value + " x")[0]) {
		case "failed", "delayed", "delivered", "relayed", "expanded":
		default:
			return 0
		}
	// Postfix writes Final-Recipient before Original-Recipient, RFC 3464
	// the other way round, and some generators write them after the
	// Status and Diagnostic-Code (the fields of a block come in any
	// order): a recipient field opens a new block only when the block
	// already has one, since blocks are not always apart by blank lines.
	case "final-recipient":
		if s.dsn.final != "" {
			s.closeDSN()
		}
		s.dsn.final = value
	case "original-recipient":
		if s.dsn.original != "" {
			s.closeDSN()
		}
		s.dsn.original = value
	case "remote-mta":
		s.dsn.remote = value
	case "diagnostic-code":
		if s.dsn.diagSet {
			s.closeDSN()
		}
		s.dsn.diag, s.dsn.diagSet, s.dsn.diagLine, s.dsn.diagTo = value, true, i, i+n-1
	}
	if kind == perMessage {
		s.closeDSN()
		return n
	}
	// A DSN part describes its replies itself; nothing read before it
	// applies after it.
	s.ctx = session{}
	s.dsn.open = true
	return n
}

// folded reports whether line continues the header field above it
// (RFC 5322 §2.2.3).
func folded(line string) bool {
	return line != "" && (line[0] == ' ' || line[0] == '\t') && !blank(line)
}

// closeDSN records the reply the open block describes: the codes and text
// of its Diagnostic-Code when that is an SMTP reply, with Status supplying
// the enhanced code the reply lacks.
func (s *scanner) closeDSN() {
	b := s.dsn
	s.dsn = dsnBlock{}
	if !b.open {
		return
	}
	f := Finding{Enhanced: b.status, Line: b.statusLine + 1}
	first, last := b.statusLine, b.statusLine
	if b.diagSet {
		typ, val, found := strings.Cut(b.diag, ";")
		if !found {
			typ, val = "", typ
		}
		val = strings.TrimSpace(val)
		r, ok := reply{}, false
		if !found || strings.EqualFold(strings.TrimSpace(typ), "smtp") {
			r, ok = lineStart(val)
			if !ok {
				// A reply quoted inside the generator's own words:
				// "5.1.0 - Unknown address error 550-'5.2.2 …'".
				r, ok = findReply(val)
			}
		}
		if ok {
			text, enh, cmd := finishText(strings.TrimSpace(r.text), r)
			f.Basic, f.Text, f.Command, f.Line = r.basic, clip(text), cmd, b.diagLine+1
			if r.enh != "" {
				f.Enhanced = r.enh
			} else if enh != "" {
				f.Enhanced = enh
			}
		} else {
			f.Text = clip(val)
		}
		if b.status == "" {
			first, last = b.diagLine, b.diagTo
		} else {
			first, last = min(first, b.diagLine), max(last, b.diagTo)
		}
	}
	if f.Basic == "" && f.Enhanced == "" {
		return
	}
	f.Recipient = dsnValue(b.final)
	if f.Recipient == "" {
		f.Recipient = dsnValue(b.original)
	}
	f.Host = dsnValue(b.remote)
	if h, _, _ := strings.Cut(f.Host, " "); h != "" {
		f.Host = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	}
	s.add(candidate{f: f, first: first, last: last, report: true})
}

// diagReply is a Diagnostic-Code's value without its type ("smtp; ").
func diagReply(v string) string {
	if typ, val, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(typ, " \t") {
		return strings.TrimSpace(val)
	}
	return v
}

// dsnValue drops the type from a typed DSN field: "rfc822; <bob@example.com>"
// is "bob@example.com", "dns; mx.example.com" is "mx.example.com".
func dsnValue(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}
