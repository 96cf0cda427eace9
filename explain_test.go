package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// runCmd runs the command line as main does and returns its output and
// exit status.
func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut strings.Builder
	err := run(args, strings.NewReader(stdin), &out, &errOut)
	status = exitStatus(err)
	if err != nil && status == 1 {
		if _, chosen := err.(exitCode); !chosen {
			t.Fatalf("%v: %v\n%s", args, err, errOut.String())
		}
	}
	return out.String(), errOut.String(), status
}

// exitStatus is the status main exits with for err.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	if c, ok := err.(exitCode); ok {
		return int(c)
	}
	return 1
}

const logBounce = `Oct 14 09:12:03 mail postfix/smtp[2841]: 3F1A2C0D21: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`

func TestExplain(t *testing.T) {
	eml, err := os.ReadFile("internal/decode/testdata/bounces/cws-bounce_511_001.eml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		want   []string // in stdout
		absent []string // from stdout
		errOut []string // in stderr
	}{
		{name: "two codes", args: []string{"explain", "550", "5.1.1"}, status: 0,
			want: []string{"550  Mailbox Unavailable", "RFC 5321 §4.2.3: Requested action not taken: mailbox unavailable", "http://localhost:8080/codes/550?lang=en",
				"5.1.1  Bad Destination Mailbox Address", "IANA X.1.1", "http://localhost:8080/compare/550-vs-5.1.1?lang=en"},
			absent: []string{"\x1b["}},
		{name: "japanese", args: []string{"explain", "--lang", "ja", "421"}, status: 0,
			want: []string{"421  サービス利用不可", "4xx 一時的な否定応答", "RFC 5321 §4.2.3", "http://localhost:8080/codes/421?lang=ja"}},
		{name: "flag after the code", args: []string{"explain", "421", "-lang", "jp"}, status: 0, want: []string{"サービス利用不可"}},
		{name: "base url", args: []string{"-base-url", "https://smtp.example", "explain", "5.7.26"}, status: 0, want: []string{"https://smtp.example/codes/5.7.26?lang=en"}},
		{name: "leading zeros", args: []string{"explain", "0421"}, status: 0, want: []string{"421  Service Not Available"}},
		{name: "unknown code", args: []string{"explain", "421", "299"}, status: 1,
			want: []string{"421  Service Not Available"}, errOut: []string{"code 299: the reference has no page for it"}},
		{name: "not a code", args: []string{"explain", "hello"}, status: 1, errOut: []string{`"hello" is not an SMTP reply code`}},
		{name: "no code", args: []string{"explain"}, status: 2, errOut: []string{"no code given", "usage: smtpcodes explain"}},
		{name: "bad flag", args: []string{"explain", "-x", "421"}, status: 2, errOut: []string{"flag provided but not defined: -x"}},
		{name: "bad language", args: []string{"explain", "-lang", "xx", "421"}, status: 2, errOut: []string{`unsupported language "xx" (supported: en, `}},
		{name: "stdin and codes", args: []string{"explain", "-", "421"}, status: 2, errOut: []string{"cannot be combined"}},
		{name: "log from stdin", args: []string{"explain", "-"}, stdin: logBounce, status: 0,
			want: []string{"550 5.1.1  <bob@example.net>: Recipient address rejected", "permanent · sender · RCPT TO · bob@example.net", "5.1.1  Bad Destination Mailbox Address", "http://localhost:8080/codes/5.1.1?lang=en", "postfix/unknown-recipient"}},
		{name: "message from stdin", args: []string{"explain", "-lang", "ja", "-"}, stdin: string(eml), status: 0,
			want: []string{"5.1.1  Sorry, no mailbox here by that name.", "http://localhost:8080/codes/5.1.1?lang=ja"}},
		{name: "unregistered code from stdin", args: []string{"explain", "-"}, stdin: "550 5.1.99 weird thing\n", status: 1,
			want: []string{"550  Mailbox Unavailable", "! 5.1.99 is not in the IANA registry"}},
		{name: "nothing in stdin", args: []string{"explain", "-"}, stdin: "hello\n", status: 1, errOut: []string{"no SMTP reply found"}},
		{name: "empty stdin", args: []string{"explain", "-"}, stdin: "", status: 2, errOut: []string{"the text is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runCmd(t, tt.stdin, tt.args...)
			if status != tt.status {
				t.Errorf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, tt.status, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("stdout has %q:\n%s", a, out)
				}
			}
			for _, w := range tt.errOut {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestExplainJSON(t *testing.T) {
	out, _, status := runCmd(t, "", "explain", "-json", "-lang", "ja", "421", "299")
	var got struct {
		Lang  string
		Codes []struct {
			Code, Title, URL string
			Sources          []string
		}
		Unknown []string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if status != 1 || got.Lang != "ja" || len(got.Codes) != 1 || got.Codes[0].Code != "421" || got.Codes[0].URL != "http://localhost:8080/codes/421?lang=ja" ||
		len(got.Codes[0].Sources) == 0 || got.Codes[0].Sources[0] != "RFC 5321 §4.2.3" || len(got.Unknown) != 1 || got.Unknown[0] != "299" {
		t.Errorf("status %d, %+v", status, got)
	}

	out, _, status = runCmd(t, logBounce, "explain", "-json", "-")
	var dec struct {
		Lang     string
		Findings []struct{ Basic, Enhanced, Outcome, BasicURL string }
	}
	if err := json.Unmarshal([]byte(out), &dec); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if status != 0 || len(dec.Findings) == 0 || dec.Findings[0].Basic != "550" || dec.Findings[0].Outcome != "permanent" {
		t.Errorf("status %d, %+v", status, dec)
	}
}

// Colour goes only to a terminal: explain colours codes by class when
// asked, and run asks only when stdout is a character device and NO_COLOR
// is unset.
func TestExplainColor(t *testing.T) {
	var out, errOut strings.Builder
	if err := explain(files, []string{"550", "250"}, "https://smtp.example", strings.NewReader(""), &out, &errOut, true); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"\x1b[1;31m550\x1b[0m", "\x1b[1;32m250\x1b[0m", "\x1b[2mhttps://smtp.example/codes/550?lang=en\x1b[0m"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("coloured output lacks %q:\n%s", w, out.String())
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&out) {
		t.Error("a file or a buffer is taken for a terminal")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !isTerminal(tty) {
			t.Error("/dev/tty is not taken for a terminal")
		}
	}
}

// smtpcodes mcp speaks MCP on stdin and stdout: a client connected to
// those streams lists the tools and calls one; closing the stream ends
// the command cleanly.
func TestMCPCommand(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var errOut strings.Builder
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-base-url", "https://smtp.example", "mcp"}, inR, outW, &errOut)
		outW.Close()
	}()
	ctx := context.Background()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "test"}, nil).Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "lookup_code", Arguments: map[string]any{"code": "421", "lang": "ja"}})
	if err != nil {
		t.Fatal(err)
	}
	text := res.Content[0].(*mcp.TextContent).Text
	if res.IsError || !strings.Contains(text, "421 — サービス利用不可") || !strings.Contains(text, "https://smtp.example/codes/421?lang=ja") {
		t.Errorf("lookup_code: %s", text)
	}
	cs.Close()
	if err := <-done; err != nil {
		t.Errorf("mcp command: %v (stderr %s)", err, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Errorf("mcp wrote to stderr: %s", errOut.String())
	}
}
