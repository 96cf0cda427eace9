package smtp

// Phase is a point in an SMTP session where a reply can be returned: the
// connection greeting, the answer to a command, or the reply after the end of
// the message data.
type Phase string

// The phases, in the order a session meets them: the commands of a mail
// transaction first (they make the session timeline), then the others.
const (
	Connect   Phase = "connect"
	EHLO      Phase = "ehlo"
	StartTLS  Phase = "starttls"
	Auth      Phase = "auth"
	Mail      Phase = "mail"
	Rcpt      Phase = "rcpt"
	Data      Phase = "data"
	BDAT      Phase = "bdat"
	EndOfData Phase = "eod"
	Quit      Phase = "quit"
	Rset      Phase = "rset"
	Vrfy      Phase = "vrfy"
	Expn      Phase = "expn"
	Help      Phase = "help"
	Noop      Phase = "noop"
	ETRN      Phase = "etrn"
	ATRN      Phase = "atrn"
	// Any means any command: RFC 5321 §4.3.2 lets 421, 500 and 501 answer
	// every command.
	Any Phase = "any"
)

var allPhases = []Phase{Connect, EHLO, StartTLS, Auth, Mail, Rcpt, Data, BDAT, EndOfData, Quit, Rset, Vrfy, Expn, Help, Noop, ETRN, ATRN, Any}

// Phases returns every phase in session order.
func Phases() []Phase { return append([]Phase(nil), allPhases...) }

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool {
	for _, q := range allPhases {
		if p == q {
			return true
		}
	}
	return false
}

// commandPhases maps the commands a bounce or log names (as the decoder
// spells them) to their phase.
var commandPhases = map[string]Phase{
	"CONNECT":     Connect,
	"EHLO":        EHLO,
	"HELO":        EHLO,
	"STARTTLS":    StartTLS,
	"AUTH":        Auth,
	"MAIL FROM":   Mail,
	"RCPT TO":     Rcpt,
	"DATA":        Data,
	"END OF DATA": EndOfData,
	"BDAT":        BDAT,
	"QUIT":        Quit,
}

// CommandPhase returns the phase of a command named as "MAIL FROM",
// "RCPT TO", "END OF DATA", "CONNECT" (the greeting) and so on, or "".
func CommandPhase(cmd string) Phase { return commandPhases[cmd] }
