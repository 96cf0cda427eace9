package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/mail"
	"os"
	"slices"
	"strings"

	"smtpcodes.dev/internal/decode"
	"smtpcodes.dev/internal/reference"
)

// Exit statuses of explain.
const (
	explainOK      = 0 // everything was explained
	explainUnknown = 1 // a code the reference has no page for, or no reply in the input
	explainUsage   = 2 // bad flags, arguments or language
)

const explainUsageText = `usage: smtpcodes explain [-lang LANG] [-json] CODE...
       smtpcodes explain [-lang LANG] [-json] -    (decode a bounce or mail log from stdin)

Explains basic reply codes (421) and enhanced status codes (5.7.26) from the
reference built into this binary. Exit status 0 when everything was
explained, 1 when a code is unknown or the input holds no reply, 2 on bad usage.
`

// explain is the explain command: the codes given, or the replies the
// decoder finds on stdin, in the terminal. color says whether stdout
// takes ANSI colours (a terminal, and NO_COLOR unset).
func explain(root fs.FS, args []string, baseURL string, stdin io.Reader, stdout, stderr io.Writer, color bool) error {
	fl := flag.NewFlagSet("explain", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, explainUsageText) }
	lang := fl.String("lang", "", "language of the answer: en or ja (also ja-JP, jp); default en")
	asJSON := fl.Bool("json", false, "print JSON instead of text")
	// Flags may come after the codes (explain 421 --lang ja): parse,
	// take the arguments up to the next flag, parse again.
	var codes []string
	rest := args
	for {
		if err := fl.Parse(rest); err != nil {
			return exitCode(explainUsage)
		}
		rest = fl.Args()
		for len(rest) > 0 && (rest[0] == "-" || !strings.HasPrefix(rest[0], "-")) {
			codes, rest = append(codes, rest[0]), rest[1:]
		}
		if len(rest) == 0 {
			break
		}
	}
	usage := func(msg string) error {
		fmt.Fprintf(stderr, "smtpcodes explain: %s\n\n%s", msg, explainUsageText)
		return exitCode(explainUsage)
	}
	switch {
	case len(codes) == 0:
		return usage("no code given")
	case len(codes) > 1 && slices.Contains(codes, "-"):
		return usage("- (read stdin) cannot be combined with codes")
	}
	ref, err := openReference(root, baseURL)
	if err != nil {
		return err
	}
	l, err := ref.Lang(*lang)
	if err != nil {
		return usage(err.Error())
	}
	p := printer{w: stdout, color: color}
	ctx := context.Background()
	if codes[0] == "-" {
		return explainInput(ctx, ref, l, stdin, p, stderr, *asJSON)
	}
	return explainCodes(ctx, ref, l, codes, p, stderr, *asJSON)
}

// explainCodes explains each code given; unknown ones are reported on
// stderr and make the status 1, the others are still explained.
func explainCodes(ctx context.Context, ref *reference.Client, lang string, args []string, p printer, stderr io.Writer, asJSON bool) error {
	out := struct {
		Lang    string           `json:"lang"`
		Codes   []reference.Code `json:"codes"`
		Unknown []string         `json:"unknown"`
	}{Lang: lang, Codes: []reference.Code{}, Unknown: []string{}}
	for _, a := range args {
		c, err := ref.Code(ctx, a, lang)
		if err != nil {
			if !errors.Is(err, reference.ErrNotFound) && !errors.Is(err, reference.ErrNotCode) {
				return err
			}
			fmt.Fprintf(stderr, "smtpcodes explain: %v\n", err)
			out.Unknown = append(out.Unknown, a)
			continue
		}
		out.Codes = append(out.Codes, c)
	}
	if asJSON {
		if err := p.json(out); err != nil {
			return err
		}
	} else {
		for i, c := range out.Codes {
			if i > 0 {
				p.line("")
			}
			p.code(c)
		}
		// Two codes: where the site compares them (or, for a basic and
		// an enhanced code, explains how they share one reply).
		if len(out.Codes) == 2 && out.Codes[0].Code != out.Codes[1].Code {
			cmp, err := ref.Compare(ctx, out.Codes[0].Code, out.Codes[1].Code, lang)
			if err != nil {
				return err
			}
			p.line("")
			p.line(p.bold(cmp.Title))
			p.line("  " + p.dim(cmp.URL))
		}
	}
	if len(out.Unknown) > 0 {
		return exitCode(explainUnknown)
	}
	return nil
}

// explainInput decodes a bounce, a DSN or log lines read from stdin. A
// whole message (headers first) goes to the decoder as an upload, so that
// its MIME parts are taken apart; anything else as pasted text.
func explainInput(ctx context.Context, ref *reference.Client, lang string, stdin io.Reader, p printer, stderr io.Writer, asJSON bool) error {
	in, err := io.ReadAll(io.LimitReader(stdin, decode.MaxMessage+1))
	if err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	var d reference.Decoded
	if isMessage(in) {
		d, err = ref.DecodeMessage(ctx, in, lang)
	} else {
		d, err = ref.Decode(ctx, string(in), lang)
	}
	if err != nil {
		fmt.Fprintf(stderr, "smtpcodes explain: %v\n", err)
		return exitCode(explainUsage)
	}
	if asJSON {
		if err := p.json(d); err != nil {
			return err
		}
	} else {
		for i, f := range d.Findings {
			if i > 0 {
				p.line("")
			}
			if err := p.finding(ctx, ref, lang, f); err != nil {
				return err
			}
		}
	}
	if len(d.Findings) == 0 {
		fmt.Fprintln(stderr, "smtpcodes explain: no SMTP reply found in the input")
		return exitCode(explainUnknown)
	}
	for _, f := range d.Findings {
		if (f.Basic != "" && f.BasicURL == "") || (f.Enhanced != "" && f.EnhancedURL == "") {
			return exitCode(explainUnknown) // the finding's notes say which code no RFC or registry defines
		}
	}
	return nil
}

// isMessage reports whether the input starts with a mail header block.
func isMessage(b []byte) bool {
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return false
	}
	for _, h := range []string{"From", "Received", "Content-Type", "Return-Path", "Message-Id"} {
		if m.Header.Get(h) != "" {
			return true
		}
	}
	return false
}

// printer writes terminal text, in colour when asked.
type printer struct {
	w     io.Writer
	color bool
}

func (p printer) line(s string) { fmt.Fprintln(p.w, s) }

func (p printer) sgr(code, s string) string {
	if !p.color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p printer) bold(s string) string { return p.sgr("1", s) }
func (p printer) dim(s string) string  { return p.sgr("2", s) }

// codeColor colours a code by its class: green for success, yellow for a
// temporary failure, red for a permanent one.
func (p printer) codeColor(code string) string {
	switch {
	case strings.HasPrefix(code, "2"):
		return p.sgr("1;32", code)
	case strings.HasPrefix(code, "3"):
		return p.sgr("1;36", code)
	case strings.HasPrefix(code, "4"):
		return p.sgr("1;33", code)
	case strings.HasPrefix(code, "5"):
		return p.sgr("1;31", code)
	}
	return code
}

func (p printer) json(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// code writes a code: its title and class, its summary, its defining
// documents and its page.
func (p printer) code(c reference.Code) {
	p.line(p.codeColor(c.Code) + "  " + p.bold(c.Title))
	p.line("  " + c.ClassName)
	p.line("  " + c.Summary)
	for _, d := range c.Definitions {
		line := d.Cite()
		if d.Text != "" {
			line += ": " + d.Text
		}
		p.line("  " + line)
	}
	if r := c.Registry; r != nil {
		p.line("  IANA " + r.Entry + ": " + r.Name)
	}
	if pr := c.Provider; pr != nil {
		p.line("  " + pr.Name + ": " + pr.Doc)
	}
	p.line("  " + p.dim(c.URL))
}

// finding writes a reply the decoder found, with the titles and pages of
// its codes.
func (p printer) finding(ctx context.Context, ref *reference.Client, lang string, f reference.Finding) error {
	head := strings.TrimSpace(p.codeColor(f.Basic) + " " + p.codeColor(f.Enhanced))
	p.line(head + "  " + f.Text)
	var facts []string
	for _, v := range []string{f.Outcome, f.WhoActs, f.Command, f.Recipient} {
		if v != "" {
			facts = append(facts, v)
		}
	}
	p.line("  " + strings.Join(facts, " · ") + p.dim(fmt.Sprintf("  (line %d)", f.Line)))
	for _, c := range []struct{ id, url string }{{f.Basic, f.BasicURL}, {f.Enhanced, f.EnhancedURL}} {
		if c.id == "" || c.url == "" {
			continue
		}
		code, err := ref.Code(ctx, c.id, lang)
		if err != nil {
			return err
		}
		p.line("  " + c.id + "  " + code.Title + "  " + strings.Join(code.Sources, "; ") + "  " + p.dim(c.url))
	}
	if f.ResponseURL != "" {
		p.line("  " + f.ResponseProvider + "/" + f.ResponseFamily + "  " + p.dim(f.ResponseURL))
	}
	for _, n := range f.Notes {
		p.line("  ! " + n)
	}
	return nil
}

// isTerminal reports whether w is a terminal (a character device), the
// only place colour belongs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
