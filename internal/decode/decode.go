// Package decode finds SMTP replies in what a reader pastes or uploads: a
// bounce message (a saved .eml, or its text), the machine-readable part of
// a delivery status notification (RFC 3464), a sending service's JSON
// notification, a mail-server log, or a session transcript.
//
// # Findings
//
// A Finding is one reply a server gave, reported once however often the
// text repeats it. It holds the three-digit basic code and the enhanced
// status code (RFC 3463) when the text shows them, the server's words after
// the codes, and what the surrounding text says about the reply: the
// command it answered, the recipient it concerns, the host that sent it,
// the mail provider behind it and the catalogued line it is. The first
// finding is the reply that decided the bounce, and says why (Why); a reply
// quoted inside another says which (QuotedIn). The site links the codes
// itself; this package knows nothing of pages.
//
// # Input
//
// DecodeMessage takes bytes. A message (header fields, then a body) is
// taken apart with the standard library's net/mail and mime packages:
// every text part and every delivery-status part is decoded (transfer
// encoding, then charset with golang.org/x/text) and the returned original
// message is left out (message.go). A JSON document, alone or as a part,
// is turned into one paragraph per object (json.go). Anything else is read
// as text, as Decode reads a pasted string.
//
// # Scanning
//
// The text is read top to bottom, one line at a time, except that a Postfix
// bounce paragraph ("<rcpt>: host … said: …" and its indented lines) is
// unfolded and read as one line, because Postfix wraps it at any space. A
// line starts a reply when three digits [2-5][0-9][0-9] stand at its start
// (after indentation, a quote mark, a bracket, a recipient address, or
// transcript arrows such as "<<<" and "Out:"), right after a marker that
// mail software puts before a reply ("said:", "Remote Server returned '",
// "Error:", "after RCPT TO:<…>:" and a few more), right after an opening
// quote mark that closes later on the line (the localized wrappers of
// Microsoft's reports: "Vom Remoteserver wurde '550 …' zurückgegeben"), or
// next to an enhanced code of the same class ("… : 550 5.1.1 …", in any
// language), followed by a space, a dash or the end of the line. Digits
// anywhere else are dates, sizes, ports or addresses. The lines after a
// reply belong to it when they continue it: "550-" lines up to the final
// "550 " line, or lines indented deeper than the reply, which is how long
// replies get wrapped. Enhanced codes are also read where software writes
// them apart: "#5.1.0", "(#5.1.1 - chkuser)", a line that starts with one,
// a DSN's Status field.
//
// Lines that are not replies update a small context that the next reply
// picks up: the recipient, the remote host, the last command. A new
// recipient, a log record, a transcript, a DSN part, or a blank line after
// a reply starts the context afresh, so that one recipient's host never
// attaches to the next recipient's reply. The per-recipient blocks of a DSN
// are read as a unit, because their Status and Diagnostic-Code fields only
// together describe a reply. The returned original message quoted inline
// ("------ This is a copy of the message …") is not read.
//
// A reply may hold another: "554 4.4.7 Message expired … <421 4.4.2
// Connection timed out>" quotes the remote server's last answer, and both
// are reported; a positive reply followed on its line by a failure (a
// banner and a refusal) is two replies.
//
// # Merging and the deciding reply
//
// When the same reply appears twice, typically in the human-readable part
// of a bounce and again in its DSN part, the two sightings are merged; so
// are the two halves of one reply that a bounce shows apart (a basic code
// in its text, the enhanced code in its DSN's Status). The reply that
// decided the bounce comes first: the delivery status report's final
// result for its first recipient; else the last of several failures for
// the same recipient, a permanent one over a later temporary one (a retry
// transcript ends with the attempt that gave up); else the one failure;
// else the first reply.
//
// # Providers
//
// The provider of a reply is the one its own words, its host or its lines
// name ("gsmtp", "protection.outlook.com", "Remote Server returned"): the
// hosts and markers of the site's one list of providers, which the Decoder
// is built with (smtp.Providers.Named). A mail service named anywhere wins
// over a mail server program named only by its wording, since services run
// such programs. Only a reply that names no host falls back to the
// provider that wrote the bounce (its From:, Generating server:,
// Reporting-MTA:): when Gmail reports that mx.example.com refused a
// message, the reply is mx.example.com's, not Google's. A reply whose
// words are one of its provider's catalogued lines (or any provider's, when
// none is named) is linked to that line.
//
// # Cost
//
// The input comes from strangers, so the work must not depend on what it
// holds, only on its size. Everything is line-oriented: each line is looked
// at a fixed number of times, the continuation lines of a reply are
// consumed by it and never read again, and every regular expression is RE2,
// linear in its input. Input past MaxInput (text) or MaxMessage (a
// message) is ignored, a message yields at most maxMessageText of text
// from at most maxParts parts nested at most maxDepth deep, and the
// findings are capped. Cheap substring tests run before the patterns, and
// markers are found with strings.Index rather than one large pattern,
// because Go's regular expressions, though linear, cost the pattern's size
// times the line's: most lines of a bounce hold no reply.
package decode

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"smtpcodes.dev/internal/smtp"
)

// Decoder finds replies in text. It knows the receiving systems whose
// replies it can name (the site's one list of providers) and the
// catalogue of the replies they send; it is immutable and safe for
// concurrent use.
type Decoder struct {
	providers smtp.Providers
	names     *smtp.Namer
	catalogue Catalogue
}

// Catalogue finds the catalogued line a reply is (the site's
// provider-response catalogue): provider is the provider named so far, ""
// when none; text is the reply after its codes.
type Catalogue interface {
	MatchLine(provider, basic, enhanced, text string) (providerID, family, line string, ok bool)
}

// New returns a Decoder that names the providers in ps and the catalogued
// replies of c (nil for none).
func New(ps smtp.Providers, c Catalogue) *Decoder {
	return &Decoder{providers: ps, names: ps.Namer(), catalogue: c}
}

// MaxInput is the largest text Decode accepts (64 KiB); callers reject larger input.
const MaxInput = 64 << 10

const (
	// maxText bounds Finding.Text: the site shows the text next to the code,
	// and a reply longer than this is a paste of something else.
	maxText  = 300
	ellipsis = "…"
	// maxCandidates caps the replies collected before merging, which keeps
	// the pairwise merge cheap; a real bounce has a few dozen at most.
	maxCandidates = 1000
	// maxMarkers bounds how many marker matches one line is tried with.
	maxMarkers = 8
	// trailerLines is how far after a reply the Microsoft 365 layout may
	// name the server that rejected it.
	trailerLines = 4
)

// Finding is one SMTP reply found in the text.
type Finding struct {
	Basic     string // "550", or "" when only an enhanced code was found (e.g. DSN Status: without Diagnostic-Code)
	Enhanced  string // "5.1.1", or ""
	Text      string // the server's reply text after the codes, multi-line replies joined with a single space, trimmed, at most 300 bytes (cut at a rune boundary, with "…" appended when cut)
	Command   string // the SMTP command the reply answered when the text says so: one of "CONNECT" (greeting/banner), "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL FROM", "RCPT TO", "DATA", "END OF DATA", "BDAT", "QUIT"; "" when unknown
	Phase     string // the site's phase id for Command: "connect","ehlo","starttls","auth","mail","rcpt","data","eod","bdat","quit"; "" when unknown. (HELO maps to "ehlo"; "END OF DATA" to "eod")
	Recipient string // the recipient address the reply concerns when the text names it (Postfix "to=<…>", DSN Final-Recipient, Exim "<addr>:" line before, Exchange/Gmail address), else ""
	Host      string // the remote host when named (Postfix "host mx.example.com[192.0.2.1] said:", DSN Remote-MTA, Exim "host mx.example.com [192.0.2.1]"), else ""
	Provider  string // the id of the provider whose hosts or markers the reply, its host or its lines name, or whose catalogued line it is (see Decoder), else ""
	// Response names the catalogued line the reply is, "provider/family/line", or "".
	Response  string
	Mismatch  bool // the enhanced code's class differs from the basic code's first digit (e.g. "550 4.2.2")
	Permanent bool // the class that decides the outcome (basic code's first digit when present, else the enhanced class) is 5
	Temporary bool // that class is 4
	Line      int  // 1-based line number in the input where the reply starts
	// Why says why the first finding is first, the reply that decided the
	// bounce: "report" (a delivery status report states it as the
	// recipient's final result), "last" (the last failure of several for
	// the recipient, as in a retry transcript), "only" (the one failure),
	// "first" (no failure: the first reply). Only the first finding has it.
	Why string
	// QuotedIn is set on a reply found quoted inside another: the codes of
	// the reply that quotes it ("554 4.4.7" quoting "<421 4.4.2 …>": the
	// bounce was decided by the outer reply, after the remote server last
	// answered with this one).
	QuotedIn string
}

// Decode returns every reply found in text, in order of appearance, with
// duplicates merged (the same Basic, Enhanced, Recipient and Text seen again,
// e.g. once in the human-readable part of a bounce and once in its DSN part,
// is reported once, keeping the more informative one: with Command/Host/Recipient filled).
//
// Two findings are the same reply when they share a code and nothing they
// both state differs: a side that lacks the basic code, the enhanced code,
// the recipient or the text matches any value there, and texts are compared
// without case, angle brackets, runs of spaces or a leading recipient
// address. The merged finding stands where the first one appeared and fills
// its blanks from the other. Text longer than MaxInput is cut to its first
// MaxInput bytes.
func (d *Decoder) Decode(text string) []Finding { return d.decode(text, MaxInput) }

// decode scans text, cut to its first limit bytes, and puts first the
// reply that decided the bounce.
func (d *Decoder) decode(text string, limit int) []Finding {
	out, report := d.scanText(text, limit)
	if d.catalogue != nil {
		for i := range out {
			f := &out[i]
			if f.Basic == "" {
				continue
			}
			// A reply whose provider is known is one of that provider's
			// lines or none; another provider's line with the same words
			// would name the wrong sender.
			if p, fam, line, ok := d.catalogue.MatchLine(f.Provider, f.Basic, f.Enhanced, f.Text); ok {
				f.Response = p + "/" + fam + "/" + line
				f.Provider = p
			}
		}
	}
	return decidingFirst(out, report)
}

// scanText returns the findings of text in order of appearance, and for
// each whether it comes from a delivery status report's block.
func (d *Decoder) scanText(text string, limit int) ([]Finding, []bool) {
	if len(text) > limit {
		text = text[:limit]
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i]
		}
	}
	lines, at, isJSON := jsonLines(text)
	if !isJSON {
		lines = strings.Split(text, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimSuffix(l, "\r")
		}
	}
	s := scanner{lines: lines, providers: d.providers, names: d.names}
	s.scan()
	out := s.result()
	if isJSON {
		// Report the line of the input the value came from, not the
		// line of the paragraph made from it.
		for i := range out {
			out[i].Line = at[out[i].Line-1]
		}
	}
	return out, s.report
}

// addr is an email address as bounces print it; loose on purpose, since it
// only has to find addresses, not validate them.
const addr = `[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`

// host is a host name as logs print it, possibly with a trailing root dot
// that the patterns using it leave outside the capture.
const host = `([A-Za-z0-9][A-Za-z0-9.-]*?)\.?`

var (
	// A code at the start of a line, after indentation, quoting (">"),
	// transcript arrows (sendmail "<<<", swaks "<**", "<-", "S:"), Exchange's
	// "#", or an opening quote or bracket.
	// Also after a recipient address ("user@example.com: 550 …",
	// "<user@example.com>: 550 …") and transcript prefixes ("Out: 451").
	lineStartRe = regexp.MustCompile(`^[ \t]*(?:(?:<<<|<\*\*|<~\*|<-|<~|>|#|[Ss]:|(?i:out|in|reply|response):|["'(\[])[ \t]*)*(?:<?` + addr + `>?[ \t]*:[ \t]*)?([2-5][0-9]{2})(?:[ \t:-]|$)`)

	// Markers with a variable part: a word, then what the pattern
	// matches right after it (anchored there). They run on the line in
	// ASCII lower case, and end where the reply's code may start (see
	// markedReply).
	markerRes = []struct {
		word string
		re   *regexp.Regexp
	}{
		{"status=", regexp.MustCompile(`^[a-z]+ \(`)},
		{"reject: ", regexp.MustCompile(`^[a-z-]+ from [^ \t\[]*\[[^\]]*\](?::[0-9]+)?:`)},
		{"host ", regexp.MustCompile(`^[^ \t\[]+ \[[^\]]*\]:`)},
		{"after ", regexp.MustCompile(`^(?:pipelined )?(?:(?:rcpt to|mail from)(?::?[ \t]*<[^>]*>)?|end of data|initial connection|ehlo|helo|starttls|auth|data|bdat|quit)[^:]*:`)},
	}

	// A syslog or ISO timestamp: each log record is a context of its own.
	logLineRe = regexp.MustCompile(`^(?:[A-Z][a-z]{2}[ \t]+[0-9]{1,2}[ \t]+[0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})`)

	// Lines that name the recipient a block of the bounce is about. Each
	// unanchored pattern runs only on a line holding its word (in ASCII
	// lower case); the anchored ones fail at the line's first characters.
	recipientRes = []gated{
		{"", regexp.MustCompile(`^[ \t]*(?:>>>[ \t]+)?<?(` + addr + `)>?:?[ \t]*(?:<mailto:[^>]*>[ \t]*|<` + addr + `>[ \t]*)?$`)},
		{"", regexp.MustCompile(`^<(` + addr + `)>(?:[ \t]*\(expanded from <[^>]*>\))?:`)},
		{"your message", regexp.MustCompile(`(?i)\byour message (?:to|(?:wasn't|was not|couldn't be|could not be) delivered to) <?(` + addr + `)`)},
		{"", regexp.MustCompile(`(?i)^[ \t]*recipient address[ \t]*:[ \t]*<?(` + addr + `)`)},
		// Zoho: "user@example.org Invalid Address, ERROR_CODE :550, …".
		{"", regexp.MustCompile(`^<?(` + addr + `)>?[ \t]+Invalid Address,`)},
		{"**", regexp.MustCompile(`(?:^|[ \t])\*\*[ \t]+<?(` + addr + `)`)},
		{"==", regexp.MustCompile(`(?:^|[ \t])==[ \t]+<?(` + addr + `)`)},
		// A JSON notification read as text (it did not parse, or its
		// JSON is escaped inside another's string).
		{`"`, regexp.MustCompile(`(?i)\\?"(?:emailaddress|recipient|email)\\?"[ \t]*:[ \t]*\\?"<?(` + addr + `)`)},
	}
	// The first line of a paragraph of a Postfix bounce.
	paragraphRe = regexp.MustCompile(`^<` + addr + `>(?:[ \t]|:)`)
	// Postfix's to= field may come after the reply (smtpd reject lines), so
	// it is read from the whole line.
	toFieldRe = regexp.MustCompile(`\bto=<(` + addr + `)>`)

	hostRes = []gated{
		{"host", regexp.MustCompile(`(?i)\bhost[ \t]+` + host + `[ \t]?\[[0-9A-Fa-f:.]+\]`)},
		{"relay=", regexp.MustCompile(`\brelay=` + host + `[ \t]?\[`)},
		{"h=", regexp.MustCompile(`\bH=` + host + `[ \t]\[`)},
		{"recipient domain", regexp.MustCompile(`(?i)\bfor the recipient domain [^ \t]+ by ` + host + `[ \t]*\[`)},
		{"", regexp.MustCompile(`^([0-9]{1,3}(?:\.[0-9]{1,3}){3}) does not like recipient\.`)},
		{"", regexp.MustCompile(`^Connected to ([0-9]{1,3}(?:\.[0-9]{1,3}){3}) but `)},
	}
	talkingRe = regexp.MustCompile(`(?i)\bwhile talking to ` + host + `:`)
	trailerRe = regexp.MustCompile(`(?i)^[ \t]*message rejected by[ \t]*:[ \t]*([A-Za-z0-9][A-Za-z0-9.-]*)`)

	clientCmdRe   = regexp.MustCompile(`^[ \t]*(?:>>>|->|~>|C:)[ \t]*(.*)$`)
	afterRe       = regexp.MustCompile(`(?i)\bafter (?:pipelined )?(rcpt to|mail from|end of data|initial connection|ehlo|helo|starttls|auth|data|bdat|quit)\b(?::?[ \t]*<(` + addr + `)>)?`)
	smtpdRejectRe = regexp.MustCompile(`(?i)\breject: ([a-z-]+) from `)
	inReplyRe     = regexp.MustCompile(`(?i)\(in reply to (?:the )?([a-z][a-z .-]*?)(?: command)?\)`)

	qmailRe = regexp.MustCompile(`\(#([245]\.[0-9]{1,3}\.[0-9]{1,3})\)`)
	// An enhanced code as qmail and its patches write it inside a reply's
	// text: "(#5.1.1)", "(#5.1.1 - chkuser)", "[#4.1.9]".
	markedEnhancedRe = regexp.MustCompile(`[(\[]#([245]\.[0-9]{1,3}\.[0-9]{1,3})\b`)
	// An enhanced code that starts a line with no basic code before it:
	// "5.1.1 <user@example.com>... User Unknown", "#5.1.0 Address rejected".
	enhancedLineRe = regexp.MustCompile(`^[ \t]*#?([245]\.[0-9]{1,3}\.[0-9]{1,3})[ \t]+([^ \t].*)$`)
	// A code right after an opening quote mark (see quotePairs).
	quotedCodeRe = regexp.MustCompile(`(?:'|"|«|„|“|‘|「|『)[ \t]*([2-5][0-9]{2})(?:[ \t-]|$)`)
	// Key/value layouts: "ERROR_CODE :550, ERROR_CODE :5.1.1 …".
	keyValueRe = regexp.MustCompile(`(?i)\b(?:error_code|responsecode|response code)[ \t]*[:=]?[ \t]*([2-5][0-9]{2})\b[ \t]*[,;]?[ \t]*(?:(?:error_code)[ \t]*[:=]?[ \t]*)?(?:([245]\.[0-9]{1,3}\.[0-9]{1,3})\b)?[ \t]*`)
	// A header field's name; its value is the rest of the line (a
	// pattern for it would make the match as long as the line).
	fieldRe     = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]{0,40})[ \t]*:`)
	angleAddrRe = regexp.MustCompile(`<(` + addr + `)>`)
	leadAddrRe  = regexp.MustCompile(`^<?(` + addr + `)>?(?::|\.\.\.|,|[ \t]|$)`)
)

// session is what the lines read so far say about the next reply.
type session struct {
	recipient, host, command string
	// rcptCommand says the recipient came from a RCPT command in a
	// transcript, so it concerns the replies to that command only.
	rcptCommand bool
}

// candidate is a finding before merging, with the lines it came from, which
// are the first place to look for its provider.
type candidate struct {
	f           Finding
	first, last int
	// report: the finding comes from a delivery status report's block for
	// its recipient, the report's own statement of the final result.
	report bool
}

type scanner struct {
	report    []bool // by result finding: it comes from a report's block
	providers smtp.Providers
	names     *smtp.Namer
	lines     []string
	ctx       session
	dsn       dsnBlock
	doc       string     // provider named by the bounce's generator lines
	layout    string     // provider whose report layout the bounce has, the fallback after doc
	original  bool       // the returned original message has begun (its From: is not the generator)
	returned  bool       // inside the returned original, quoted inline: no replies are read
	failed    [][]string // the addresses of X-Failed-Recipients (Exim), as submatches
	listed    []string   // the first two recipients the text names, to tell one from several
	used      bool       // a reply took its context from ctx since the last blank line
	found     []candidate
}

func (s *scanner) scan() {
	for i := 0; i < len(s.lines) && len(s.found) < maxCandidates; {
		line := s.lines[i]
		if logLineRe.MatchString(line) {
			s.closeDSN()
			s.ctx = session{}
		}
		if s.used && blank(line) {
			// The paragraph about that reply is over; what follows is
			// about something else unless it says otherwise.
			s.ctx, s.used = session{}, false
		}
		s.noteGenerator(line)
		s.noteReport(line)
		if s.returned {
			// The returned original message quoted inline: its headers
			// and text may hold anything, and are not the bounce. A
			// delivery status report after it (the next MIME part)
			// starts the bounce again.
			if !dsnStart(line) {
				i++
				continue
			}
			s.returned = false
		}
		if startsReturned(line) {
			s.closeDSN()
			s.returned = true
			i++
			continue
		}
		if m := failedRe.FindStringSubmatch(line); m != nil {
			s.failed = angleAddrRe.FindAllStringSubmatch("<"+strings.Join(strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '<' || r == '>' }), "><")+">", -1)
		}
		if n := s.dsnField(i); n > 0 {
			i += n
			continue
		}
		s.closeDSN()
		rec := s.record(i)
		r, ok := findReply(rec.text)
		prefix := rec.text
		if ok {
			prefix = rec.text[:r.start]
		}
		s.noteContext(prefix, rec.text)
		if ok {
			i = s.takeReply(rec, r)
			continue
		}
		s.takeQmail(rec)
		i += rec.n
	}
	s.closeDSN()
}

// record is what the scanner reads in one step: one line, or a Postfix
// paragraph unfolded into one line. Postfix wraps "<rcpt>: host … said:
// 550 … (in reply to RCPT TO command)" at any space, splitting the host
// from its name or a marker from its code, so the paragraph is read whole.
type record struct {
	text   string
	first  int   // index of its first line
	n      int   // how many lines it spans
	starts []int // where each line after the first begins in text
}

// line is the index of the line holding text[off].
func (rec record) line(off int) int {
	k := 0
	for k < len(rec.starts) && rec.starts[k] <= off {
		k++
	}
	return rec.first + k
}

func (s *scanner) record(i int) record {
	rec := record{text: s.lines[i], first: i, n: 1}
	if !strings.HasPrefix(rec.text, "<") || !paragraphRe.MatchString(rec.text) {
		return rec
	}
	var b strings.Builder
	b.WriteString(rec.text)
	for i+rec.n < len(s.lines) && folded(s.lines[i+rec.n]) {
		b.WriteByte(' ')
		rec.starts = append(rec.starts, b.Len())
		b.WriteString(strings.TrimSpace(s.lines[i+rec.n]))
		rec.n++
	}
	rec.text = b.String()
	return rec
}

func (s *scanner) add(c candidate) {
	s.used = true
	if len(s.found) < maxCandidates {
		s.found = append(s.found, c)
	}
}

func (s *scanner) noteGenerator(line string) {
	if s.original || s.doc != "" {
		return
	}
	low := strings.ToLower(line)
	if slices.ContainsFunc(originalMarkers[:], func(w string) bool { return strings.Contains(low, w) }) {
		s.original = true
		return
	}
	name, _, ok := strings.Cut(strings.TrimSpace(low), ":")
	if ok && generators[strings.TrimSpace(name)] || strings.Contains(low, "google tried to deliver") {
		s.doc = s.names.Named(line)
	} else if label, ok := fieldLabel(line); ok && reportGenerators[label] {
		s.doc = s.names.Named(line) // "Serveur de génération : …"
	}
}

// noteReport reads the heading of an Exchange report's technical section,
// in any of its languages: the report is Exchange's, which names the
// provider of replies that name none when its generating server does not.
func (s *scanner) noteReport(line string) {
	if s.layout == "" && len(line) < 120 && reportHeadings[labelLine(line)] {
		s.layout = "exchange"
		s.ctx = session{}
	}
}

// originalMarkers start the returned original message, whose headers say
// who sent it, not who bounced it.
var originalMarkers = [...]string{
	"message/rfc822", "text/rfc822-headers", "original message headers",
	"copy of the message", "original message follows", "original message --",
}

// startsReturned reports whether line starts the returned original message
// quoted inline: a separator line that names it ("------ This is a copy
// of the message, including all the headers. ------", "----- Original
// message follows -----", "Original message headers:"), not a sentence
// that mentions it.
func startsReturned(line string) bool {
	if len(line) < 120 && reportOriginals[labelLine(line)] {
		return true // "Original message headers", "元のメッセージ ヘッダー", …
	}
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "--") && !strings.HasPrefix(t, "==") && !strings.HasSuffix(t, ":") {
		return false
	}
	low := strings.ToLower(t)
	return slices.ContainsFunc(returnedMarkers[:], func(w string) bool { return strings.Contains(low, w) })
}

// returnedMarkers are the words of the separators before an inline original.
var returnedMarkers = [...]string{
	"copy of the message", "original message follows", "original message headers",
	"original message --", "original message -----", "undelivered message follows",
}

// dsnStart reports whether line starts a delivery status report's fields.
func dsnStart(line string) bool {
	name, _, ok := strings.Cut(line, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(name) {
	case "reporting-mta", "final-recipient", "original-recipient":
		return true
	}
	return false
}

// failedRe reads Exim's X-Failed-Recipients header, which names the
// addresses whose replies the body may show under their local part only.
var failedRe = regexp.MustCompile(`(?i)^x-failed-recipients:[ \t]*(.+)$`)

// generators are the fields in which whoever generated a bounce names
// itself; the provider they name is the fallback for replies that name
// neither a provider nor a host.
var generators = map[string]bool{
	"from": true, "sent by": true, "generating server": true, "dsn generated by": true,
	"reporting-mta": true, "received-from-mta": true,
}

// noteContext reads what a line says about the replies that follow it.
// prefix is the part before a reply on the same line, so that the server's
// own words never set the context.
//
// Each pattern runs only on lines holding a word it needs: Go's regexp is
// linear but not fast, and most lines of a bounce match nothing.
func (s *scanner) noteContext(prefix, line string) {
	low := strings.ToLower(prefix)
	if strings.Contains(low, "transcript of session follows") {
		// The transcript names its recipients in its RCPT commands;
		// the one recipient listed above it, if only one was, is the
		// one its replies are about.
		s.ctx = session{recipient: s.onlyListed()}
	}
	if strings.HasPrefix(prefix, "=== Connected to ") {
		// swaks prints this right before the server's greeting.
		s.ctx = session{command: "CONNECT"}
	}
	a := ""
	if strings.Contains(prefix, "@") {
		a = firstSubmatch(recipientRes, prefix)
	}
	if a == "" {
		if m := find(toFieldRe, line, line, "to=<"); m != nil {
			a = m[1]
		}
	}
	if a != "" {
		// A new recipient starts a new block of the bounce: the host and
		// command of the previous one are not this one's.
		s.ctx = session{recipient: a}
		if !slices.ContainsFunc(s.listed, func(b string) bool { return strings.EqualFold(a, b) }) && len(s.listed) < 2 {
			s.listed = append(s.listed, a)
		}
	}
	if strings.Contains(prefix, "[") || strings.HasPrefix(prefix, "Connected to ") || (prefix != "" && isDigit(prefix[0])) {
		if h := firstSubmatch(hostRes, prefix); h != "" {
			s.ctx.host = h
		}
	}
	if m := find(talkingRe, prefix, low, "while talking to"); m != nil {
		// A sendmail transcript starts here; a reply before any ">>>"
		// command is the server's greeting.
		s.ctx = session{host: m[1], command: "CONNECT", recipient: s.onlyListed()}
	}
	if m := clientCmdRe.FindStringSubmatch(prefix); m != nil {
		if c, rcpt := command(m[1]); c != "" {
			if s.ctx.rcptCommand {
				s.ctx.recipient, s.ctx.rcptCommand = "", false
			}
			s.ctx.command = c
			if rcpt != "" {
				s.ctx.recipient, s.ctx.rcptCommand = rcpt, true
			}
		}
	}
	if m := find(afterRe, prefix, low, "after "); m != nil {
		if c, _ := command(m[1]); c != "" {
			s.ctx.command = c
			if c == "RCPT TO" && m[2] != "" {
				s.ctx.recipient = m[2]
			}
		}
	}
	if strings.Contains(low, "refused to talk to me") {
		s.ctx.command = "CONNECT"
	}
	if m := find(smtpdRejectRe, prefix, low, "reject: "); m != nil {
		if c, _ := command(m[1]); c != "" {
			s.ctx.command = c
		}
	}
}

// onlyListed returns the recipient the text has named, when it has named
// only one.
func (s *scanner) onlyListed() string {
	if len(s.listed) == 1 {
		return s.listed[0]
	}
	return ""
}

// find runs re on s only when low, s in lower case, holds word, which
// every match of re contains.
func find(re *regexp.Regexp, s, low, word string) []string {
	if !strings.Contains(low, word) {
		return nil
	}
	return re.FindStringSubmatch(s)
}

// field splits a header field line into its name and its value.
func field(line string) (name, value string, ok bool) {
	m := fieldRe.FindStringSubmatchIndex(line)
	if m == nil {
		return "", "", false
	}
	return line[m[2]:m[3]], strings.TrimLeft(line[m[1]:], " \t"), true
}

// gated is a pattern that can only match a line holding word (in ASCII
// lower case; "" for every line).
type gated struct {
	word string
	re   *regexp.Regexp
}

// firstSubmatch returns the first group of the first pattern that matches s.
func firstSubmatch(res []gated, s string) string {
	low := ""
	for _, g := range res {
		if g.word != "" {
			if low == "" {
				low = asciiLower(s)
			}
			if !strings.Contains(low, g.word) {
				continue
			}
		}
		if m := g.re.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	return ""
}

// command maps the many spellings of a command in logs and transcripts to
// the names Finding uses, and returns the address of a RCPT command.
func command(s string) (cmd, rcpt string) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimPrefix(u, "PIPELINED ")
	word, _, _ := strings.Cut(u, " ")
	word, _, _ = strings.Cut(word, ":")
	switch word {
	case "RCPT":
		if m := angleAddrRe.FindStringSubmatch(s); m != nil {
			rcpt = m[1]
		}
		return "RCPT TO", rcpt
	case "MAIL":
		return "MAIL FROM", ""
	case "EHLO", "HELO", "STARTTLS", "AUTH", "BDAT", "QUIT", "DATA":
		return word, ""
	case "END-OF-MESSAGE", ".":
		return "END OF DATA", ""
	case "CONNECT", "BANNER", "GREETING":
		return "CONNECT", ""
	}
	switch {
	case strings.HasPrefix(u, "END OF DATA"), strings.HasPrefix(u, "END OF MESSAGE"):
		return "END OF DATA", ""
	case strings.HasPrefix(u, "INITIAL CONNECTION"), strings.HasPrefix(u, "INITIAL GREETING"), strings.HasPrefix(u, "CONNECTION"):
		return "CONNECT", ""
	}
	return "", ""
}

// reply is a reply's first line as found.
type reply struct {
	start int // where the basic code begins in the line
	basic string
	enh   string
	dash  bool   // "550-": more lines of the same reply follow
	quote string // the mark that closes the quote opened right before the code, which ends the reply
	text  string // the rest of the line
}

func findReply(line string) (reply, bool) {
	if !mayHoldCode(line) {
		return reply{}, false
	}
	if m := lineStartRe.FindStringSubmatchIndex(line); m != nil {
		if r, ok := parseCodes(line, m[2]); ok {
			return r, true
		}
	}
	low := asciiLower(line)
	if r, ok := markedReply(line, low); ok {
		return r, true
	}
	if r, ok := keyValueReply(line, low); ok {
		return r, true
	}
	if r, ok := quotedReply(line); ok {
		return r, true
	}
	// A basic and an enhanced code of one class side by side are a reply
	// wherever they stand, whatever words (in whatever language) come
	// before them: "… zurückgegeben: '550 5.1.1 …'".
	for _, at := range codePairs(line, maxMarkers) {
		if r, ok := parseCodes(line, at); ok {
			return r, true
		}
	}
	return reply{}, false
}

// codePairs returns where, at most max times, a basic code and an
// enhanced code of the same class stand side by side in line, apart by a
// space or a dash and maybe a quote or "#" ("550 5.1.1", "550-'5.1.1"),
// and not inside a longer number or word. It is a loop rather than a
// pattern because it runs on every line that may hold a code, however
// long.
func codePairs(line string, max int) []int {
	var at []int
	for i := 0; i+8 <= len(line) && len(at) < max; i++ {
		c := line[i]
		if c < '2' || c > '5' || !isDigit(line[i+1]) || !isDigit(line[i+2]) {
			continue
		}
		if i > 0 && (isDigit(line[i-1]) || wordByte(line[i-1]) || line[i-1] == '.') {
			continue
		}
		if line[i+3] != ' ' && line[i+3] != '-' {
			continue
		}
		j := i + 4
		if line[j] == '\'' || line[j] == '"' || line[j] == '#' {
			j++
		}
		if j < len(line) && line[j] == c {
			if _, _, ok := smtp.ParseEnhanced(line[j:]); ok {
				at = append(at, i)
			}
		}
	}
	return at
}

// markedReply finds a reply after one of the words mail software puts
// before one: the leftmost marker that a code follows, after spaces and
// an opening quote or bracket.
//
// The fixed markers are found with strings.Index, the others with small
// patterns, each only on a line holding its word: one pattern of every
// marker, case-insensitive, took a hundred times longer on a log line
// (Go's regexp is linear, but its cost grows with the pattern's size
// times the line's).
func markedReply(line, low string) (reply, bool) {
	best := reply{start: -1}
	try := func(at int) {
		if best.start >= 0 && at >= best.start {
			return
		}
		at = afterOpeners(line, at)
		if at+3 > len(line) || !isCode(line, at) {
			return
		}
		if r, ok := parseCodes(line, at); ok {
			best = r
		}
	}
	for _, m := range fixedMarkers {
		for _, at := range wordsAt(low, m.word) {
			if end, ok := m.follow(low, at); ok {
				try(end)
			}
		}
	}
	for _, m := range markerRes {
		for _, at := range wordsAt(low, m.word) {
			if loc := m.re.FindStringIndex(low[at:]); loc != nil {
				try(at + loc[1])
			}
		}
	}
	return best, best.start >= 0
}

// wordsAt returns where word ends in low at its first maxMarkers
// occurrences that start a word.
func wordsAt(low, word string) []int {
	var ends []int
	for off := 0; len(ends) < maxMarkers; {
		k := strings.Index(low[off:], word)
		if k < 0 {
			break
		}
		k += off
		off = k + len(word)
		if k == 0 || !wordByte(low[k-1]) {
			ends = append(ends, off)
		}
	}
	return ends
}

// fixedMarkers are the fixed words before a reply, each with what may
// follow the word before the reply: "said:" or "said '…", "response was:".
var fixedMarkers = []struct {
	word   string
	follow func(low string, at int) (int, bool)
}{
	{"said", colonOrQuote}, {"returned", optional(" was", colonOrQuote)},
	{"error:", nothing}, {"smtp;", nothing}, {"server was:", nothing},
	{"response", optional(" was", optional(" is", colon))}, {"reply", optional(" was", colon)},
	{"replied", optional(" was", colon)}, {"status code:", nothing}, {"reason:", nothing},
	{"deferred:", nothing}, {"to talk to me:", nothing},
}

func nothing(_ string, at int) (int, bool) { return at, true }

func colon(low string, at int) (int, bool) {
	if at < len(low) && low[at] == ':' {
		return at + 1, true
	}
	return 0, false
}

// colonOrQuote: a colon right after the word, or a quote after spaces,
// which stays for parseCodes to see.
func colonOrQuote(low string, at int) (int, bool) {
	if end, ok := colon(low, at); ok {
		return end, true
	}
	k := at
	for k < len(low) && (low[k] == ' ' || low[k] == '\t') {
		k++
	}
	if k < len(low) && (low[k] == '\'' || low[k] == '"') {
		return k, true
	}
	return 0, false
}

// optional lets suffix stand between the word and what next accepts.
func optional(suffix string, next func(string, int) (int, bool)) func(string, int) (int, bool) {
	return func(low string, at int) (int, bool) {
		if strings.HasPrefix(low[at:], suffix) {
			if end, ok := next(low, at+len(suffix)); ok {
				return end, true
			}
		}
		return next(low, at)
	}
}

// afterOpeners skips the spaces and the one opening quote or bracket that
// may stand between a marker and the reply's code.
func afterOpeners(line string, at int) int {
	for at < len(line) && (line[at] == ' ' || line[at] == '\t') {
		at++
	}
	if at < len(line) && strings.IndexByte(`"'([<`, line[at]) >= 0 {
		at++
		for at < len(line) && (line[at] == ' ' || line[at] == '\t') {
			at++
		}
	}
	return at
}

// isCode reports whether line[at:] starts with a basic code followed by
// a space, a tab, a dash or the end of the line.
func isCode(line string, at int) bool {
	if line[at] < '2' || line[at] > '5' || !isDigit(line[at+1]) || !isDigit(line[at+2]) {
		return false
	}
	return at+3 == len(line) || line[at+3] == ' ' || line[at+3] == '\t' || line[at+3] == '-'
}

func wordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// asciiLower lowers ASCII letters only, so that offsets into the result
// are offsets into s.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// keyValueReply reads the reply of a key/value layout: Zoho's
// "ERROR_CODE :550, ERROR_CODE :5.1.1 <…>… User Unknown", "ResponseCode
// 421 …".
func keyValueReply(line, low string) (reply, bool) {
	if !strings.Contains(low, "error_code") && !strings.Contains(low, "responsecode") && !strings.Contains(low, "response code") {
		return reply{}, false
	}
	m := keyValueRe.FindStringSubmatchIndex(line)
	if m == nil {
		return reply{}, false
	}
	r := reply{start: m[2], basic: line[m[2]:m[3]]}
	rest := line[m[1]:]
	if m[4] >= 0 {
		r.enh = line[m[4]:m[5]]
	}
	r.text = strings.TrimSpace(rest)
	return r, true
}

// quotedReply finds a reply quoted within a sentence, in whatever language
// the sentence is: "Vom Remoteserver wurde '550 …' zurückgegeben", "リモート
// サーバーから '550 …' が返されました". The quote must close on the line,
// which tells a quoted reply from a number that happens to follow a quote
// mark.
func quotedReply(line string) (reply, bool) {
	if !strings.ContainsAny(line, `'"«„“‘「『`) {
		return reply{}, false
	}
	for _, m := range quotedCodeRe.FindAllStringSubmatchIndex(line, maxMarkers) {
		r, ok := parseCodes(line, m[2])
		if ok && r.quote != "" && strings.Contains(r.text, r.quote) {
			return r, true
		}
	}
	return reply{}, false
}

// mayHoldCode reports whether line has three digits that could be a basic
// code: [2-5][0-9][0-9], not inside a longer number, followed by a space, a
// tab, a dash or the end of the line. Most lines have none, and this test
// is far cheaper than the patterns that find replies.
func mayHoldCode(line string) bool {
	for i := 0; i+3 <= len(line); i++ {
		c := line[i]
		if c < '2' || c > '5' || !isDigit(line[i+1]) || !isDigit(line[i+2]) || (i > 0 && isDigit(line[i-1])) {
			continue
		}
		if i+3 == len(line) {
			return true
		}
		if n := line[i+3]; n == ' ' || n == '\t' || n == '-' || n == ':' || n == ',' || n == '\'' || n == '"' {
			return true
		}
	}
	return false
}

// lineStart is findReply for the continuation lines of a "550-" reply, which
// carry no markers.
func lineStart(line string) (reply, bool) {
	if m := lineStartRe.FindStringSubmatchIndex(line); m != nil {
		return parseCodes(line, m[2])
	}
	return reply{}, false
}

// parseCodes reads the codes at line[at:], where the patterns found three
// digits, and rejects what only looks like a reply: a phone number or a
// list of numbers ("555-0100", "200 300").
func parseCodes(line string, at int) (reply, bool) {
	r := reply{start: at, basic: line[at : at+3]}
	rest := line[at+3:]
	if rest != "" {
		switch rest[0] {
		case '-':
			r.dash = true
		case ' ', '\t', ':':
		default:
			return reply{}, false
		}
		rest = strings.TrimLeft(rest[1:], " \t")
		// Separators software puts between the code and the text:
		// "550 : User unknown", "550 - Requested action not taken".
		for _, sep := range []string{": ", "- ", "-- "} {
			if strings.HasPrefix(rest, sep) && !r.dash {
				rest = strings.TrimLeft(rest[len(sep):], " \t")
				break
			}
		}
		// A doubled code, "550 550 5.1.1 …": the reply quoted with its
		// code in front of it.
		if len(rest) > 3 && rest[:3] == r.basic && (rest[3] == ' ' || rest[3] == '-') {
			if rest[3] == '-' {
				r.dash = true
			}
			rest = strings.TrimLeft(rest[4:], " \t")
		}
	}
	if enh, after, ok := parseEnhancedMarked(rest); ok {
		r.enh, rest = enh, after
	} else if numberToken(rest) {
		return reply{}, false
	}
	r.text = rest
	r.quote = closingQuote(strings.TrimRight(line[:at], " \t"))
	return r, true
}

// quotePairs are the quote marks a reply is quoted in, in the languages
// bounces are written in, each with its closing mark.
var quotePairs = [...][2]string{
	{"'", "'"}, {`"`, `"`}, {"«", "»"}, {"„", "“"}, {"“", "”"}, {"‘", "’"}, {"「", "」"}, {"『", "』"},
}

// closingQuote returns the mark that closes the quote before ends with, or "".
func closingQuote(before string) string {
	for _, q := range quotePairs {
		if strings.HasSuffix(before, q[0]) {
			return q[1]
		}
	}
	return ""
}

// parseEnhancedMarked reads an enhanced code at the start of s, also when
// software marks it: "#5.1.0" (Exchange, qmail), "'5.2.2" (a quoted
// reply), "(5.1.1)".
func parseEnhancedMarked(s string) (code, rest string, ok bool) {
	if code, rest, ok = smtp.ParseEnhanced(s); ok {
		return code, rest, true
	}
	if s != "" && (s[0] == '#' || s[0] == '\'' || s[0] == '"') {
		return smtp.ParseEnhanced(s[1:])
	}
	return "", "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// numberToken reports whether s starts with a word made of digits and
// separators only, which a reply's text never does but phone numbers and
// columns of figures do.
func numberToken(s string) bool {
	end := strings.IndexAny(s, " \t")
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return false
	}
	for i := 0; i < end; i++ {
		if c := s[i]; !isDigit(c) && !strings.ContainsRune("-/:,", rune(c)) {
			return false
		}
	}
	return true
}

func indent(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t"))
}

func blank(line string) bool { return strings.TrimSpace(line) == "" }

// takeReply collects the reply starting in rec with its continuation lines
// and records it. It returns the first line after the reply.
func (s *scanner) takeReply(rec record, r reply) int {
	i := rec.first
	var b strings.Builder
	b.WriteString(strings.TrimSpace(r.text))
	appendPiece := func(p string) {
		if p = strings.TrimSpace(p); p != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p)
		}
	}
	enh := r.enh
	j := i + rec.n
	if r.dash {
		for j < len(s.lines) {
			n, ok := lineStart(s.lines[j])
			if !ok || n.basic != r.basic {
				break
			}
			appendPiece(n.text)
			if enh == "" {
				enh = n.enh
			}
			j++
			if !n.dash {
				break
			}
		}
	}
	// A reply is wrapped under the line that introduced it: Postfix may
	// break after "said:" and indent the reply and its continuation alike.
	base := indent(s.lines[j-1])
	if j-1 == i && i > 0 && r.start == indent(s.lines[i]) && strings.HasSuffix(strings.TrimSpace(s.lines[i-1]), ":") {
		base = min(base, indent(s.lines[i-1]))
	}
	// A reply whose first line ends in a colon goes on, and Exim wraps
	// it at the same indentation: "host … [192.0.2.32]: 554 5.7.1
	// <rcpt>:" then "    Recipient address rejected: Access denied".
	if j-1 == i && base > 0 && strings.HasSuffix(strings.TrimSpace(r.text), ":") {
		base--
	}
	if rec.n == 1 && (r.quote == "" || !strings.Contains(r.text, r.quote)) {
		for j < len(s.lines) && s.wrapped(s.lines[j], base) {
			appendPiece(s.lines[j])
			j++
		}
	}
	text, e, cmd := finishText(b.String(), r)
	if enh == "" {
		enh = e
	}
	f := Finding{Basic: r.basic, Enhanced: enh, Text: clip(text), Command: cmd, Line: rec.line(r.start) + 1}
	if f.Command == "" {
		f.Command = s.ctx.command
	}
	f.Recipient = s.ctx.recipient
	if f.Recipient == "" {
		f.Recipient = textRecipient(text, f.Command)
	}
	f.Host = s.ctx.host
	for k := j; f.Host == "" && k < len(s.lines) && k < j+trailerLines && !blank(s.lines[k]); k++ {
		if m := trailerRe.FindStringSubmatch(s.lines[k]); m != nil {
			f.Host = m[1]
		}
	}
	inner, quoted, ok := innerReply(f.Basic, f.Text)
	if ok && !quoted {
		// Two replies on one line, a banner and then a refusal, as a
		// transcript shows them when it loses a line break: the first
		// ends where the second begins.
		f.Text = strings.TrimSpace(f.Text[:inner.start])
	}
	s.add(candidate{f: f, first: i, last: j - 1})
	if ok {
		g := Finding{Basic: inner.basic, Enhanced: inner.enh, Text: clip(strings.TrimSpace(inner.text)),
			Recipient: f.Recipient, Host: f.Host, Line: f.Line}
		if quoted {
			g.QuotedIn = strings.TrimSpace(f.Basic + " " + f.Enhanced)
		} else {
			g.Command = s.ctx.command
		}
		s.add(candidate{f: g, first: i, last: j - 1})
	}
	return j
}

// innerReply finds a second reply within a reply's text: one quoted in
// it, "554 4.4.7 Message expired … <421 4.4.2 Connection timed out>",
// which is the remote server's last answer before the outer reply gave
// up, or, after a positive reply, a failure that follows it on the same
// line. Only a basic and an enhanced code of one class count, since a
// lone number in a reply's words is a limit, a port or a count.
func innerReply(outer, text string) (r reply, quoted, ok bool) {
	if !strings.Contains(text, ".") || !mayHoldCode(text) {
		return reply{}, false, false
	}
	for _, at := range codePairs(text, maxMarkers) {
		if at == 0 {
			continue
		}
		r, ok := parseCodes(text, at)
		if !ok || r.enh == "" {
			continue
		}
		if closer, found := closers[text[at-1]]; found {
			if k := strings.IndexByte(r.text, closer); k >= 0 {
				r.text = r.text[:k]
			}
			return r, true, true
		}
		positive := outer[0] == '2' || outer[0] == '3'
		return r, false, positive && (r.basic[0] == '4' || r.basic[0] == '5')
	}
	return reply{}, false, false
}

// closers close the brackets a reply is quoted in within another.
var closers = map[byte]byte{'<': '>', '[': ']', '(': ')', '\'': '\'', '"': '"'}

// wrapped reports whether line continues a reply whose lines are indented
// by base.
func (s *scanner) wrapped(line string, base int) bool {
	if blank(line) || indent(line) <= base || logLineRe.MatchString(line) || clientCmdRe.MatchString(line) {
		return false
	}
	if _, ok := findReply(line); ok {
		return false
	}
	if name, _, ok := field(line); ok && dsnKind(strings.ToLower(name)) != notDSN {
		return false
	}
	return true
}

// finishText turns the joined lines of a reply into its text, removing what
// the software that quoted the reply wrapped around it. It returns the
// enhanced code when a wrapped line, not the first, starts with it, and the
// command the wrapper names.
func finishText(t string, r reply) (text, enh, cmd string) {
	if r.dash {
		// Postfix and DSNs put a multi-line reply on one line, codes and all.
		t = stripRepeats(t, r.basic, r.enh)
	}
	if r.quote != "" {
		// A single quote may stand for an apostrophe inside the reply
		// ("user's mailbox"): the last one closes. Other marks rarely
		// occur in a reply's words, and the first one closes, which ends
		// the reply where a JSON string ends.
		k := strings.Index(t, r.quote)
		if r.quote == "'" || r.quote == "’" {
			k = strings.LastIndex(t, r.quote)
		}
		if k >= 0 {
			t = t[:k]
		}
	}
	if ms := inReplyRe.FindAllStringSubmatchIndex(t, -1); ms != nil {
		m := ms[len(ms)-1]
		cmd, _ = command(t[m[2]:m[3]])
		t = t[:m[0]]
	}
	if k := strings.Index(t, "; from=<"); k >= 0 {
		t = t[:k]
	}
	// An escaped quote ends a reply inside a JSON string inside another.
	if k := strings.Index(t, `\"`); k >= 0 {
		t = t[:k]
	}
	t = strings.TrimSpace(t)
	t = strings.TrimSpace(strings.TrimSuffix(t, "##"))
	t = trimClosers(t)
	if r.enh == "" {
		if e, rest, ok := parseEnhancedMarked(t); ok {
			enh, t = e, rest
		} else if m := markedEnhancedRe.FindStringSubmatch(t); m != nil {
			enh = m[1] // qmail's "(#5.1.1)", kept in the text
		}
	}
	return strings.TrimSpace(t), enh, cmd
}

// stripRepeats removes the codes that start each line of a multi-line
// reply after it was joined into one line.
func stripRepeats(t, basic, enh string) string {
	var b strings.Builder
	for {
		k := strings.Index(t, " "+basic)
		if k < 0 {
			b.WriteString(t)
			return b.String()
		}
		rest := t[k+1+len(basic):]
		if rest == "" || (rest[0] != '-' && rest[0] != ' ') {
			b.WriteString(t[:k+1+len(basic)])
			t = rest
			continue
		}
		rest = strings.TrimLeft(rest[1:], " \t")
		if enh != "" {
			e, after, ok := smtp.ParseEnhanced(rest)
			if !ok || e != enh {
				b.WriteString(t[:k+1+len(basic)])
				t = t[k+1+len(basic):]
				continue
			}
			rest = after
		}
		b.WriteString(t[:k])
		if rest != "" {
			b.WriteByte(' ')
		}
		t = rest
	}
}

// trimClosers drops closing brackets at the end of t that open before the
// reply: the ")" of Postfix's "status=bounced (…)", the ">" of Exchange's
// "#< … >".
func trimClosers(t string) string {
	pairs := [...][2]byte{{'(', ')'}, {'[', ']'}, {'<', '>'}}
	var surplus [len(pairs)]int
	for i, p := range pairs {
		surplus[i] = strings.Count(t, string(p[1])) - strings.Count(t, string(p[0]))
	}
	for t != "" {
		i := slices.IndexFunc(pairs[:], func(p [2]byte) bool { return p[1] == t[len(t)-1] })
		if i < 0 || surplus[i] <= 0 {
			break
		}
		surplus[i]--
		t = strings.TrimRightFunc(t[:len(t)-1], unicode.IsSpace)
	}
	return t
}

// clip bounds a text to maxText bytes without splitting a character.
func clip(t string) string {
	if len(t) <= maxText {
		return t
	}
	cut := maxText
	for k := 0; k < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(t[cut]); k++ {
		cut--
	}
	return strings.TrimRightFunc(t[:cut], unicode.IsSpace) + ellipsis
}

// textRecipient is the address a reply's text starts with, when the reply
// is about a recipient: "<bob@example.com>: Recipient address rejected" or
// sendmail's "bob@example.com... User unknown". The address in a reply to
// MAIL FROM, or one that talks about the sender, is the sender's.
func textRecipient(text, cmd string) string {
	if cmd == "MAIL FROM" {
		return ""
	}
	if strings.Contains(strings.ToLower(text), "sender") {
		return ""
	}
	if m := leadAddrRe.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// takeQmail records qmail's enhanced-only status, "Sorry, … (#5.1.2)".
func (s *scanner) takeQmail(rec record) {
	line := rec.text
	m := qmailRe.FindStringSubmatchIndex(line)
	if m == nil {
		s.takeEnhancedLine(rec)
		return
	}
	f := Finding{
		Enhanced:  line[m[2]:m[3]],
		Text:      clip(strings.TrimSpace(line[:m[0]])),
		Recipient: s.ctx.recipient,
		Host:      s.ctx.host,
		Command:   s.ctx.command,
		Line:      rec.line(m[2]) + 1,
	}
	s.add(candidate{f: f, first: rec.first, last: rec.first + rec.n - 1})
}

// provider names the provider behind a reply: the reply's own words first
// (Gmail signs its replies "gsmtp"), then the host that sent it, then the
// lines it was found on. Only a reply that names no host falls back to the
// provider that generated the bounce; a named host that is none of the
// providers' means a provider merely passed the reply on.
//
// A mail server program named by its wording ("Recipient address
// rejected" is Postfix's) yields to a provider named anywhere: providers
// run such programs, or copy their wording, and the provider is what the
// reader needs to know.
func (s *scanner) provider(c candidate) string {
	software, wrapper := "", false
	for i, t := range s.providerPlaces(c) {
		p := s.names.Named(t)
		if p == "" {
			continue
		}
		if pr, _ := s.providers.Get(p); pr.Kind != "mta" {
			return p
		}
		if software == "" {
			// Named by the line around the reply, not by the reply's
			// words or host: the program that wrote the bounce
			// ("Remote Server returned '…'" is Exchange's).
			software, wrapper = p, i >= 2
		}
	}
	if software != "" {
		// The service that wrote the bounce, for a reply that names no
		// host, over the program that wrote it.
		if pr, _ := s.providers.Get(s.doc); wrapper && c.f.Host == "" && s.doc != "" && pr.Kind != "mta" {
			return s.doc
		}
		return software
	}
	if c.f.Host == "" {
		if s.doc == "" && s.layout != "" && exchangeWrapped(s.lines[c.first]) {
			return s.layout
		}
		return s.doc
	}
	return ""
}

// exchangeWrapped reports whether line holds a reply as Exchange's reports
// wrap it, "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##" (some
// versions append the recipient: "##rfc822;…"), which only the report's
// own technical section does.
func exchangeWrapped(line string) bool {
	t := strings.TrimSpace(line)
	return strings.Contains(t, "#") && (strings.HasSuffix(t, "##") || strings.Contains(t, " ##"))
}

// providerPlaces are the texts that may name a reply's provider, in order.
func (s *scanner) providerPlaces(c candidate) []string {
	places := []string{c.f.Text, c.f.Host}
	for k := c.first; k <= c.last; k++ {
		places = append(places, s.lines[k])
	}
	return places
}

func (s *scanner) result() []Finding {
	for i := range s.found {
		s.found[i].f.Provider = s.provider(s.found[i])
	}
	slices.SortStableFunc(s.found, func(a, b candidate) int { return a.f.Line - b.f.Line })
	var out []Finding
	var keys []string
	var report []bool
	// A finding that states all four of basic and enhanced code,
	// recipient and text is the same reply as a sighting that states
	// them too only when they are equal (see same): such findings are
	// found by their signature, so that a paste of many replies is merged
	// in linear time; only the others are compared one by one.
	sigs := map[signature]int{}
	var partial []int
	for _, c := range s.found {
		key := textKey(c.f.Text)
		at := -1
		if sig, ok := signatureOf(c.f, key); ok {
			if k, found := sigs[sig]; found {
				at = k
			}
			for _, k := range partial {
				if k >= 0 && (at < 0 || k < at) && same(out[k], keys[k], c.f, key) {
					at = k
					break
				}
			}
		} else {
			for k := range out {
				if same(out[k], keys[k], c.f, key) {
					at = k
					break
				}
			}
		}
		if at < 0 {
			at = len(out)
			out = append(out, c.f)
			keys = append(keys, key)
			report = append(report, c.report)
			partial = append(partial, at)
		} else {
			out[at] = merge(out[at], c.f)
			if keys[at] == "" {
				keys[at] = key
			}
			report[at] = report[at] || c.report
		}
		if sig, ok := signatureOf(out[at], keys[at]); ok {
			if _, taken := sigs[sig]; !taken {
				sigs[sig] = at
			}
			if i := slices.Index(partial, at); i >= 0 {
				partial[i] = -1 // stays in place, so that partial keeps its order
			}
		}
	}
	out, report = mergeHalves(out, report)
	for i := range out {
		classify(&out[i])
		// One failed recipient named in the headers is the one every
		// failure without a recipient is about.
		if f := &out[i]; len(s.failed) == 1 && f.Recipient == "" && (f.Permanent || f.Temporary) {
			f.Recipient = s.failed[0][1]
		}
	}
	s.report = report
	return out
}

// signature is what tells apart two findings that state everything same
// compares.
type signature struct{ basic, enhanced, recipient, key string }

func signatureOf(f Finding, key string) (signature, bool) {
	if f.Basic == "" || f.Enhanced == "" || f.Recipient == "" || key == "" {
		return signature{}, false
	}
	return signature{f.Basic, f.Enhanced, strings.ToLower(f.Recipient), key}, true
}

// decidingFirst puts first the reply that decided the bounce, and says
// why: the report's final result for its first recipient; else, of the
// failures for the first failed recipient, the last (a retry transcript
// ends with the attempt that gave up); else the first reply.
func decidingFirst(out []Finding, report []bool) []Finding {
	if len(out) == 0 {
		return out
	}
	pick, why := 0, "first"
	if i := slices.Index(report, true); i >= 0 && out[i].QuotedIn == "" {
		pick, why = i, "report"
		// A report that gives only a Status ("4.0.0") confirms a reply
		// the bounce shows elsewhere with its codes: that one is the
		// reply, the report says it was final.
		if r := out[i]; r.Basic == "" {
			for j, f := range out {
				if f.Basic != "" && f.QuotedIn == "" && f.Basic[0] == r.Enhanced[0] && agree(strings.ToLower(f.Recipient), strings.ToLower(r.Recipient)) {
					pick = j
					break
				}
			}
		}
	} else {
		failed, first := -1, -1
		var rcpt string
		n := 0
		for i, f := range out {
			if (!f.Permanent && !f.Temporary) || f.QuotedIn != "" {
				continue
			}
			if first < 0 {
				first, failed, rcpt, n = i, i, f.Recipient, 1
				continue
			}
			// A later failure for the same recipient (or, without one,
			// with the same code) is a later attempt at the same
			// delivery; a permanent one decides over a later temporary
			// one, which cannot have bounced the message.
			if rcpt != "" && strings.EqualFold(f.Recipient, rcpt) || rcpt == "" && f.Basic == out[first].Basic && f.Recipient == "" {
				n++
				if f.Permanent || !out[failed].Permanent {
					failed = i
				}
			}
		}
		switch {
		case n == 1:
			pick, why = failed, "only"
		case n > 1:
			pick, why = failed, "last"
		}
	}
	f := out[pick]
	f.Why = why
	out = slices.Delete(out, pick, pick+1)
	return slices.Insert(out, 0, f)
}

// mergeHalves joins the two halves of one reply that a bounce shows apart:
// a basic code without an enhanced one ("550 Unknown user …") and an
// enhanced code without a basic one ("(#5.5.0)" on the next line, or the
// DSN's Status: for the same recipient), of one class. The joined finding
// stands where the basic code was.
func mergeHalves(out []Finding, report []bool) ([]Finding, []bool) {
	for i := 0; i < len(out); i++ {
		if out[i].Basic == "" || out[i].Enhanced != "" || out[i].QuotedIn != "" {
			continue
		}
		var halves []int
		for j, g := range out {
			if j != i && g.Basic == "" && g.Enhanced != "" && g.Enhanced[0] == out[i].Basic[0] &&
				agree(strings.ToLower(out[i].Recipient), strings.ToLower(g.Recipient)) {
				halves = append(halves, j)
			}
		}
		j := -1
		for _, k := range halves {
			sameRecipient := out[i].Recipient != "" && strings.EqualFold(out[i].Recipient, out[k].Recipient)
			if sameRecipient || abs(out[k].Line-out[i].Line) <= 3 {
				j = k
				break
			}
		}
		if j < 0 && len(halves) == 1 && countBasicOnly(out, out[i].Basic[0]) == 1 {
			j = halves[0] // the one of each in the bounce
		}
		if j < 0 {
			continue
		}
		g := out[j]
		out[i] = merge(out[i], g)
		out[i].Enhanced = g.Enhanced
		report[i] = report[i] || report[j]
		out = slices.Delete(out, j, j+1)
		report = slices.Delete(report, j, j+1)
		if j < i {
			i--
		}
	}
	return out, report
}

// countBasicOnly counts the findings of a class with a basic code and no
// enhanced one.
func countBasicOnly(out []Finding, class byte) int {
	n := 0
	for _, f := range out {
		if f.Basic != "" && f.Enhanced == "" && f.Basic[0] == class {
			n++
		}
	}
	return n
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// textKey is a text as compared for merging: the same reply is quoted with
// and without angle brackets, rewrapped, and prefixed with the recipient.
var angles = strings.NewReplacer("<", "", ">", "")

func textKey(t string) string {
	if m := leadAddrRe.FindStringSubmatchIndex(t); m != nil {
		t = strings.TrimLeft(t[m[3]:], ">:., \t")
	}
	t = angles.Replace(strings.ToLower(t))
	// Digits differ between sightings of one reply (a port, a queue id
	// shown in one part and not in the other): they do not tell replies
	// apart.
	t = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '0'
		}
		return r
	}, t)
	return strings.Join(strings.Fields(t), " ")
}

func same(a Finding, ak string, b Finding, bk string) bool {
	shared := (a.Basic != "" && a.Basic == b.Basic) || (a.Enhanced != "" && a.Enhanced == b.Enhanced)
	return shared &&
		agree(a.Basic, b.Basic) && agree(a.Enhanced, b.Enhanced) &&
		(a.Recipient == "" || b.Recipient == "" || strings.EqualFold(a.Recipient, b.Recipient)) &&
		agree(ak, bk)
}

func agree(a, b string) bool { return a == "" || b == "" || a == b }

func score(f Finding) int {
	n := 0
	for _, v := range [...]string{f.Command, f.Host, f.Recipient} {
		if v != "" {
			n += 2
		}
	}
	for _, v := range [...]string{f.Basic, f.Enhanced, f.Text} {
		if v != "" {
			n++
		}
	}
	return n
}

// merge keeps the more informative of two sightings of a reply, fills its
// blanks from the other, and puts it where the first one was, with the
// first one's text.
func merge(first, later Finding) Finding {
	w, o := first, later
	if score(later) > score(first) {
		w, o = later, first
	}
	for _, p := range [...]struct {
		dst *string
		src string
	}{
		{&w.Basic, o.Basic}, {&w.Enhanced, o.Enhanced}, {&w.Text, o.Text},
		{&w.Command, o.Command}, {&w.Host, o.Host}, {&w.Recipient, o.Recipient},
		{&w.Provider, o.Provider},
	} {
		if *p.dst == "" {
			*p.dst = p.src
		}
	}
	// The first sighting is usually the human-readable one, quoting the
	// server's words; later ones are summaries of it.
	if first.Text != "" {
		w.Text = first.Text
	}
	w.Line = first.Line
	return w
}

func classify(f *Finding) {
	var class byte
	switch {
	case f.Basic != "":
		class = f.Basic[0]
	case f.Enhanced != "":
		class = f.Enhanced[0]
	}
	f.Permanent = class == '5'
	f.Temporary = class == '4'
	f.Mismatch = f.Basic != "" && f.Enhanced != "" && f.Basic[0] != f.Enhanced[0]
	f.Phase = string(smtp.CommandPhase(f.Command))
}

// takeEnhancedLine records a line that starts with an enhanced code and no
// basic code: "5.1.1 <user@example.com>... User Unknown" (GMX, sendmail's
// DSN text).
func (s *scanner) takeEnhancedLine(rec record) {
	line := rec.text
	if !strings.Contains(line, ".") {
		return
	}
	m := enhancedLineRe.FindStringSubmatch(line)
	if m == nil {
		return
	}
	text := strings.TrimSpace(m[2])
	f := Finding{
		Enhanced:  m[1],
		Text:      clip(text),
		Recipient: s.ctx.recipient,
		Host:      s.ctx.host,
		Command:   s.ctx.command,
		Line:      rec.first + 1,
	}
	if f.Recipient == "" {
		f.Recipient = textRecipient(text, f.Command)
	}
	s.add(candidate{f: f, first: rec.first, last: rec.first + rec.n - 1})
}
