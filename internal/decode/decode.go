// Package decode finds SMTP replies in text a reader pastes: a bounce
// message, the machine-readable part of a delivery status notification
// (RFC 3464), a mail-server log, or a session transcript.
//
// # Findings
//
// A Finding is one reply a server gave, reported once however often the
// text repeats it. It holds the three-digit basic code and the enhanced
// status code (RFC 3463) when the text shows them, the server's words after
// the codes, and what the surrounding text says about the reply: the
// command it answered, the recipient it concerns, the host that sent it and
// the mail provider behind it. The site links the codes itself; this
// package knows nothing of pages.
//
// # Scanning
//
// The text is read top to bottom, one line at a time, except that a Postfix
// bounce paragraph ("<rcpt>: host … said: …" and its indented lines) is
// unfolded and read as one line, because Postfix wraps it at any space. A
// line starts a reply when three digits [2-5][0-9][0-9] stand at its start
// (after indentation, a quote mark, a bracket, or transcript arrows such as
// "<<<") or right after a marker that mail software puts before a reply
// ("said:", "Remote Server returned '", "Error:", "after RCPT TO:<…>:" and a
// few more), followed by a space, a dash or the end of the line. Digits
// anywhere else are dates, sizes, ports or addresses. The lines after a
// reply belong to it when they continue it: "550-" lines up to the final
// "550 " line, or lines indented deeper than the reply, which is how long
// replies get wrapped.
//
// Lines that are not replies update a small context that the next reply
// picks up: the recipient, the remote host, the last command. A new
// recipient, a log record, a transcript, a DSN part, or a blank line after
// a reply starts the context afresh, so that one recipient's host never
// attaches to the next recipient's reply. The per-recipient blocks of a DSN
// are read as a unit, because their Status and Diagnostic-Code fields only
// together describe a reply.
//
// The provider of a reply is the one its own words, its host or its lines
// name ("gsmtp", "protection.outlook.com", "Remote Server returned"): the
// hosts and markers of the site's one list of providers, which the Decoder
// is built with (smtp.Providers.Named).
// Only a reply that names no host falls back to the provider that wrote the
// bounce (its From:, Generating server:, Reporting-MTA:): when Gmail
// reports that mx.example.com refused a message, the reply is
// mx.example.com's, not Google's.
//
// When the same reply appears twice, typically in the human-readable part
// of a bounce and again in its DSN part, the two sightings are merged.
//
// # Cost
//
// The input comes from strangers, so the work must not depend on what it
// holds, only on its size. Everything is line-oriented: each line is looked
// at a fixed number of times, the continuation lines of a reply are
// consumed by it and never read again, and every regular expression is RE2,
// linear in its input. Input past MaxInput is ignored and the findings are
// capped, which bounds the pairwise merge. Cheap substring tests run before
// the patterns, because most lines of a bounce hold no reply and Go's
// regular expressions, though linear, are slow.
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
// replies it can name (the site's one list of providers); it is immutable
// and safe for concurrent use.
type Decoder struct {
	providers smtp.Providers
}

// New returns a Decoder that names the providers in ps.
func New(ps smtp.Providers) *Decoder { return &Decoder{providers: ps} }

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
	Provider  string // the id of the provider whose hosts or markers the reply, its host or its lines name (see Decoder), else ""
	Mismatch  bool   // the enhanced code's class differs from the basic code's first digit (e.g. "550 4.2.2")
	Permanent bool   // the class that decides the outcome (basic code's first digit when present, else the enhanced class) is 5
	Temporary bool   // that class is 4
	Line      int    // 1-based line number in the input where the reply starts
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
func (d *Decoder) Decode(text string) []Finding {
	if len(text) > MaxInput {
		text = text[:MaxInput]
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i]
		}
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	s := scanner{lines: lines, providers: d.providers}
	s.scan()
	return s.result()
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
	lineStartRe = regexp.MustCompile(`^[ \t]*(?:(?:<<<|<\*\*|<~\*|<-|<~|>|#|[Ss]:|["'(\[])[ \t]*)*([2-5][0-9]{2})(?:[ \t-]|$)`)

	// A code right after the words mail software puts in front of a reply.
	markerRe = regexp.MustCompile(`(?i)(?:` +
		`\bsaid:|\bsaid[ \t]*['"]|\breturned(?: was)?:|\breturned[ \t]*['"]|\berror:|\bsmtp;|` +
		`\bresponse(?: was| is)?:|\bserver was:|\brepl(?:y|ied)(?: was)?:|` +
		`\bstatus code:|\breason:|\bdeferred:|\bto talk to me:|\bstatus=[a-z]+ \(|` +
		`\breject: [a-z-]+ from [^ \t\[]*\[[^\]]*\](?::[0-9]+)?:|` +
		`\bhost [^ \t\[]+ \[[^\]]*\]:|` +
		`\bafter (?:pipelined )?(?:rcpt to|mail from)(?::?[ \t]*<[^>]*>)?[^:]*:|` +
		`\bafter (?:pipelined )?(?:end of data|initial connection|ehlo|helo|starttls|auth|data|bdat|quit)[^:]*:` +
		`)[ \t]*(?:["'(\[<][ \t]*)?([2-5][0-9]{2})(?:[ \t-]|$)`)

	// A syslog or ISO timestamp: each log record is a context of its own.
	logLineRe = regexp.MustCompile(`^(?:[A-Z][a-z]{2}[ \t]+[0-9]{1,2}[ \t]+[0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2})`)

	// Lines that name the recipient a block of the bounce is about.
	recipientRes = []*regexp.Regexp{
		regexp.MustCompile(`^[ \t]*<?(` + addr + `)>?:?[ \t]*(?:<mailto:[^>]*>[ \t]*)?$`),
		regexp.MustCompile(`^<(` + addr + `)>(?:[ \t]*\(expanded from <[^>]*>\))?:`),
		regexp.MustCompile(`(?i)\byour message (?:to|(?:wasn't|was not|couldn't be|could not be) delivered to) <?(` + addr + `)`),
		regexp.MustCompile(`(?i)^[ \t]*recipient address[ \t]*:[ \t]*<?(` + addr + `)`),
		regexp.MustCompile(`(?:^|[ \t])(?:\*\*|==)[ \t]+<?(` + addr + `)`),
	}
	// The first line of a paragraph of a Postfix bounce.
	paragraphRe = regexp.MustCompile(`^<` + addr + `>(?:[ \t]|:)`)
	// Postfix's to= field may come after the reply (smtpd reject lines), so
	// it is read from the whole line.
	toFieldRe = regexp.MustCompile(`\bto=<(` + addr + `)>`)

	hostRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bhost[ \t]+` + host + `[ \t]?\[[0-9A-Fa-f:.]+\]`),
		regexp.MustCompile(`\brelay=` + host + `[ \t]?\[`),
		regexp.MustCompile(`\bH=` + host + `[ \t]\[`),
		regexp.MustCompile(`(?i)\bfor the recipient domain [^ \t]+ by ` + host + `[ \t]*\[`),
		regexp.MustCompile(`^([0-9]{1,3}(?:\.[0-9]{1,3}){3}) does not like recipient\.`),
		regexp.MustCompile(`^Connected to ([0-9]{1,3}(?:\.[0-9]{1,3}){3}) but `),
	}
	talkingRe = regexp.MustCompile(`(?i)\bwhile talking to ` + host + `:`)
	trailerRe = regexp.MustCompile(`(?i)^[ \t]*message rejected by[ \t]*:[ \t]*([A-Za-z0-9][A-Za-z0-9.-]*)`)

	clientCmdRe   = regexp.MustCompile(`^[ \t]*(?:>>>|->|~>|C:)[ \t]*(.*)$`)
	afterRe       = regexp.MustCompile(`(?i)\bafter (?:pipelined )?(rcpt to|mail from|end of data|initial connection|ehlo|helo|starttls|auth|data|bdat|quit)\b(?::?[ \t]*<(` + addr + `)>)?`)
	smtpdRejectRe = regexp.MustCompile(`(?i)\breject: ([a-z-]+) from `)
	inReplyRe     = regexp.MustCompile(`(?i)\(in reply to (?:the )?([a-z][a-z .-]*?)(?: command)?\)`)

	qmailRe     = regexp.MustCompile(`\(#([245]\.[0-9]{1,3}\.[0-9]{1,3})\)`)
	fieldRe     = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]{0,40})[ \t]*:[ \t]*(.*)$`)
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
}

type scanner struct {
	providers smtp.Providers
	lines     []string
	ctx       session
	dsn       dsnBlock
	doc       string // provider named by the bounce's generator lines
	original  bool   // inside the returned original message
	used      bool   // a reply took its context from ctx since the last blank line
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
		s.doc = s.providers.Named(line)
	}
}

// originalMarkers start the returned original message, whose headers say
// who sent it, not who bounced it.
var originalMarkers = [...]string{
	"message/rfc822", "text/rfc822-headers", "original message headers",
	"copy of the message", "original message follows", "original message --",
}

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
		s.ctx = session{}
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
	}
	if strings.Contains(prefix, "[") || strings.HasPrefix(prefix, "Connected to ") || (prefix != "" && isDigit(prefix[0])) {
		if h := firstSubmatch(hostRes, prefix); h != "" {
			s.ctx.host = h
		}
	}
	if m := find(talkingRe, prefix, low, "while talking to"); m != nil {
		// A sendmail transcript starts here; a reply before any ">>>"
		// command is the server's greeting.
		s.ctx = session{host: m[1], command: "CONNECT"}
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

// find runs re on s only when low, s in lower case, holds word, which
// every match of re contains.
func find(re *regexp.Regexp, s, low, word string) []string {
	if !strings.Contains(low, word) {
		return nil
	}
	return re.FindStringSubmatch(s)
}

func firstSubmatch(res []*regexp.Regexp, s string) string {
	for _, re := range res {
		if m := re.FindStringSubmatch(s); m != nil {
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
	quote byte   // the quote mark right before the code, which ends the reply where it closes
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
	low := strings.ToLower(line)
	if !slices.ContainsFunc(markerWords[:], func(w string) bool { return strings.Contains(low, w) }) {
		return reply{}, false
	}
	// The first marker nearly always leads to a reply; looking for more
	// only when it does not halves the work on lines that have one.
	m := markerRe.FindStringSubmatchIndex(line)
	if m == nil {
		return reply{}, false
	}
	if r, ok := parseCodes(line, m[2]); ok {
		return r, true
	}
	off := m[1]
	for _, m := range markerRe.FindAllStringSubmatchIndex(line[off:], maxMarkers) {
		if r, ok := parseCodes(line, off+m[2]); ok {
			return r, true
		}
	}
	return reply{}, false
}

// markerWords are words every match of markerRe contains.
var markerWords = [...]string{
	"said", "returned", "error:", "smtp;", "response", "server was:", "repl",
	"status code:", "reason:", "deferred:", "to talk to me:", "status=", "reject: ", "host ", "after ",
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
		if n := line[i+3]; n == ' ' || n == '\t' || n == '-' {
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
		case ' ', '\t':
		default:
			return reply{}, false
		}
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	if enh, after, ok := smtp.ParseEnhanced(rest); ok {
		r.enh, rest = enh, after
	} else if numberToken(rest) {
		return reply{}, false
	}
	r.text = rest
	k := at - 1
	for k >= 0 && (line[k] == ' ' || line[k] == '\t') {
		k--
	}
	if k >= 0 && (line[k] == '\'' || line[k] == '"') {
		r.quote = line[k]
	}
	return r, true
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
	if rec.n == 1 && (r.quote == 0 || strings.IndexByte(r.text, r.quote) < 0) {
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
	s.add(candidate{f: f, first: i, last: j - 1})
	return j
}

// wrapped reports whether line continues a reply whose lines are indented
// by base.
func (s *scanner) wrapped(line string, base int) bool {
	if blank(line) || indent(line) <= base || logLineRe.MatchString(line) || clientCmdRe.MatchString(line) {
		return false
	}
	if _, ok := findReply(line); ok {
		return false
	}
	if m := fieldRe.FindStringSubmatch(line); m != nil && dsnKind(strings.ToLower(m[1])) != notDSN {
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
	if r.quote != 0 {
		if k := strings.LastIndexByte(t, r.quote); k >= 0 {
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
	t = strings.TrimSpace(t)
	t = strings.TrimSpace(strings.TrimSuffix(t, "##"))
	t = trimClosers(t)
	if r.enh == "" {
		if e, rest, ok := smtp.ParseEnhanced(t); ok {
			enh, t = e, rest
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
func (s *scanner) provider(c candidate) string {
	if p := s.providers.Named(c.f.Text); p != "" {
		return p
	}
	if p := s.providers.Named(c.f.Host); p != "" {
		return p
	}
	for k := c.first; k <= c.last; k++ {
		if p := s.providers.Named(s.lines[k]); p != "" {
			return p
		}
	}
	if c.f.Host == "" {
		return s.doc
	}
	return ""
}

func (s *scanner) result() []Finding {
	for i := range s.found {
		s.found[i].f.Provider = s.provider(s.found[i])
	}
	slices.SortStableFunc(s.found, func(a, b candidate) int { return a.f.Line - b.f.Line })
	var out []Finding
	var keys []string
	for _, c := range s.found {
		key := textKey(c.f.Text)
		merged := false
		for k := range out {
			if same(out[k], keys[k], c.f, key) {
				out[k] = merge(out[k], c.f)
				if keys[k] == "" {
					keys[k] = key
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, c.f)
			keys = append(keys, key)
		}
	}
	for i := range out {
		classify(&out[i])
	}
	return out
}

// textKey is a text as compared for merging: the same reply is quoted with
// and without angle brackets, rewrapped, and prefixed with the recipient.
var angles = strings.NewReplacer("<", "", ">", "")

func textKey(t string) string {
	if m := leadAddrRe.FindStringSubmatchIndex(t); m != nil {
		t = strings.TrimLeft(t[m[3]:], ">:., \t")
	}
	t = angles.Replace(strings.ToLower(t))
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
