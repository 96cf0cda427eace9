// Package mcpserver is the Model Context Protocol server of `smtpcodes
// mcp`: the reference's tools for assistants and agents, on the official
// Go SDK (github.com/modelcontextprotocol/go-sdk).
//
// # The model
//
// Each tool is a typed input struct (its JSON schema is inferred from the
// struct, descriptions from the jsonschema tags; the SDK validates the
// arguments against it), one question to the reference.Client, and an
// answer that is both readable text and structured content. The facts all
// come from the client, which asks the site's JSON API in-process: the
// tools say what the pages say, in the same language, with the page URL
// and the documents that define each code (RFC 5321 §4.2.3, RFC 3463, the
// IANA registry entry). Nothing here knows a code's meaning.
//
// The text is laid out without English labels where it can be: titles,
// headings and summaries come localized from the site, and the rest is
// codes, citations and URLs, which read the same in every language.
//
// Every failure a caller can cause (a malformed code, an unknown code or
// language, an empty query) is returned as an error from the handler,
// which the SDK turns into a tool result with IsError set and the message
// as its text: the model sees what was wrong and can correct itself.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"smtpcodes.dev/internal/reference"
	"smtpcodes.dev/internal/smtp"
)

// New returns the MCP server with every tool, answering from ref.
// version is the server's version as the client sees it.
func New(ref *reference.Client, version string) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "smtpcodes", Title: "SMTP reply code reference", Version: version}, &mcp.ServerOptions{
		Instructions: "A reference of SMTP reply codes (basic codes such as 421 from RFC 5321, enhanced status codes such as 5.7.26 from RFC 3463 and the IANA registry) and of catalogued provider responses, with a bounce decoder. Every answer cites the page URL and the defining documents; quote those rather than paraphrasing from memory.",
	})
	t := tools{ref: ref}
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}
	mcp.AddTool(s, &mcp.Tool{
		Name:        "lookup_code",
		Title:       "Look up an SMTP code",
		Annotations: readOnly,
		Description: "What an SMTP reply code means: a basic reply code (three digits, e.g. 421, 550) or an enhanced status code (class.subject.detail, e.g. 5.7.26, 4.2.2). " +
			"Returns the title, summary, the defining documents (RFC and section, or the IANA registry entry), the session phases it occurs in, related codes, the page's sections (description, when it happens, how to fix it by audience) and the page URL.",
	}, t.lookupCode)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "compare_codes",
		Title:       "Compare two SMTP codes",
		Annotations: readOnly,
		Description: "How two SMTP codes differ (e.g. 421 and 556, or 4.2.2 and 5.2.2), or, for a basic and an enhanced code (550 and 5.1.1), how they combine in one reply. " +
			"Returns the comparison table, the written notes on which to use, the comparison page URL and the defining documents of both codes.",
	}, t.compareCodes)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "decode_bounce",
		Title:       "Decode a bounce",
		Annotations: readOnly,
		Description: "Finds the SMTP replies in a bounce message, a delivery status notification (RFC 3464), pasted mail log lines (Postfix, Exim, Exchange, ...) or a JSON notification, at most 64 KiB of text. " +
			"Returns each finding (basic and enhanced code, reply text, recipient, the command it answered, permanent/temporary, who has to act), the first being the reply that decided the bounce, with the code pages, the catalogued provider response when recognised, and the defining documents.",
	}, t.decodeBounce)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "search",
		Title:       "Search the reference",
		Annotations: readOnly,
		Description: "Searches code pages and provider response pages in one language: by code (421, 5.7.26), by code prefix (4.7 lists 4.7.x), or by words of a title or text (\"mailbox full\", \"greylisting\", a fragment of a provider's reply). " +
			"Returns up to 50 ranked results with title, snippet and page URL; code results also cite their defining documents.",
	}, t.search)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "list_codes",
		Title:       "List SMTP codes",
		Annotations: readOnly,
		Description: "Lists the codes the reference has, filtered by class (2 success, 3 intermediate, 4 temporary failure, 5 permanent failure), by subject of enhanced codes (0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network and routing, 5 mail delivery protocol, 6 message content, 7 security or policy; RFC 3463 §3) and by kind (basic, enhanced, provider). " +
			"Returns each code's title, summary, page URL and defining documents.",
	}, t.listCodes)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "lookup_response",
		Title:       "Look up a provider's response",
		Annotations: readOnly,
		Description: "A mail provider's catalogued reply (Gmail, Microsoft, Yahoo, Postfix, ...): either by provider and response id (gmail and bad-credentials, as in /providers/gmail/bad-credentials), or by a reply line or a provider token (\"550 5.7.1 [CS01] ...\", \"CS01\"). " +
			"Returns the family's explanation, its verbatim lines with their sources and retrieval dates, who has to act, whether the provider's meaning matches the registry, the page URL and the codes' defining documents.",
	}, t.lookupResponse)
	return s
}

func ptr[T any](v T) *T { return &v }

type tools struct{ ref *reference.Client }

// text wraps a readable answer.
func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

// codeSources looks the codes up and returns their citations by code;
// a code the reference has no page for has none.
func (t tools) codeSources(ctx context.Context, lang string, codes ...string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range codes {
		if id == "" {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		c, err := t.ref.Code(ctx, id, lang)
		switch {
		case errors.Is(err, reference.ErrNotFound) || errors.Is(err, reference.ErrNotCode):
			out[id] = []string{}
			continue
		case err != nil:
			return nil, err
		}
		out[id] = c.Sources
	}
	return out, nil
}

type codeInput struct {
	Code string `json:"code" jsonschema:"the code: a basic reply code such as 421 or an enhanced status code such as 5.7.26"`
	Lang string `json:"lang,omitempty" jsonschema:"language of the answer: en or ja (also ja-JP, JA, ja_JP, jp); default en"`
}

func (t tools) lookupCode(ctx context.Context, _ *mcp.CallToolRequest, in codeInput) (*mcp.CallToolResult, reference.Code, error) {
	c, err := t.ref.Code(ctx, in.Code, in.Lang)
	if err != nil {
		return nil, reference.Code{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n%s\n\n%s\n\n", c.Code, c.Title, c.ClassName, c.Summary)
	writeDefinitions(&b, c)
	fmt.Fprintf(&b, "%s\n", c.URL)
	for _, s := range c.Sections {
		fmt.Fprintf(&b, "\n## %s\n%s\n", s.Heading, strings.TrimSpace(s.Text))
	}
	if len(c.Related) > 0 {
		var rel []string
		for _, r := range c.Related {
			rel = append(rel, r.Code)
		}
		fmt.Fprintf(&b, "\n→ %s\n", strings.Join(rel, ", "))
	}
	return text(b.String()), c, nil
}

// writeDefinitions writes a code's defining documents, one a line, with
// the reply text each gives.
func writeDefinitions(b *strings.Builder, c reference.Code) {
	for _, d := range c.Definitions {
		line := d.Cite()
		if d.Context != "" {
			line += " (" + d.Context + ")"
		}
		if d.Text != "" {
			line += ": " + d.Text
		}
		fmt.Fprintln(b, line)
	}
	if r := c.Registry; r != nil {
		fmt.Fprintf(b, "IANA %s: %s", r.Entry, r.Name)
		if r.Status != "" {
			fmt.Fprintf(b, " (%s)", r.Status)
		}
		fmt.Fprintln(b)
	}
	if p := c.Provider; p != nil {
		fmt.Fprintf(b, "%s: %s\n", p.Name, p.Doc)
	}
}

type compareInput struct {
	A    string `json:"a" jsonschema:"the first code, e.g. 421 or 550"`
	B    string `json:"b" jsonschema:"the second code, e.g. 556 or 5.1.1"`
	Lang string `json:"lang,omitempty" jsonschema:"language of the answer: en or ja (also ja-JP, JA, ja_JP, jp); default en"`
}

type compareAnswer struct {
	reference.Comparison
	Sources map[string][]string `json:"sources" jsonschema:"the defining documents of each code, by code"`
}

func (t tools) compareCodes(ctx context.Context, _ *mcp.CallToolRequest, in compareInput) (*mcp.CallToolResult, compareAnswer, error) {
	c, err := t.ref.Compare(ctx, in.A, in.B, in.Lang)
	if err != nil {
		return nil, compareAnswer{}, err
	}
	src, err := t.codeSources(ctx, in.Lang, c.A.Code, c.B.Code)
	if err != nil {
		return nil, compareAnswer{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n\n", c.Title, c.Summary)
	for _, r := range c.Differences {
		fmt.Fprintf(&b, "- %s: %s | %s\n", r.Label, r.A, r.B)
	}
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "\n## %s\n%s\n", n.Heading, strings.TrimSpace(n.Text))
	}
	fmt.Fprintf(&b, "\n%s\n", c.URL)
	for _, l := range []reference.Link{c.A, c.B} {
		fmt.Fprintf(&b, "%s: %s %s\n", l.Code, strings.Join(src[l.Code], "; "), l.URL)
	}
	return text(b.String()), compareAnswer{Comparison: c, Sources: src}, nil
}

type decodeInput struct {
	Text string `json:"text" jsonschema:"the bounce message, delivery status notification, mail log lines or JSON notification, as text (at most 64 KiB)"`
	Lang string `json:"lang,omitempty" jsonschema:"language of the answer: en or ja (also ja-JP, JA, ja_JP, jp); default en"`
}

type decodeAnswer struct {
	reference.Decoded
	Titles  map[string]string   `json:"titles" jsonschema:"the title of each code found, by code"`
	Sources map[string][]string `json:"sources" jsonschema:"the defining documents of each code found, by code; empty for a code no RFC or registry defines"`
}

func (t tools) decodeBounce(ctx context.Context, _ *mcp.CallToolRequest, in decodeInput) (*mcp.CallToolResult, decodeAnswer, error) {
	d, err := t.ref.Decode(ctx, in.Text, in.Lang)
	if err != nil {
		return nil, decodeAnswer{}, err
	}
	out := decodeAnswer{Decoded: d, Titles: map[string]string{}, Sources: map[string][]string{}}
	for _, f := range d.Findings {
		for _, id := range []string{f.Basic, f.Enhanced} {
			if id == "" {
				continue
			}
			if _, done := out.Sources[id]; done {
				continue
			}
			c, err := t.ref.Code(ctx, id, in.Lang)
			switch {
			case errors.Is(err, reference.ErrNotFound):
				out.Sources[id] = []string{}
				continue
			case err != nil:
				return nil, decodeAnswer{}, err
			}
			out.Titles[id], out.Sources[id] = c.Title, c.Sources
		}
	}
	if len(d.Findings) == 0 {
		return text("No SMTP reply code found in the text."), out, nil
	}
	var b strings.Builder
	for i, f := range d.Findings {
		fmt.Fprintf(&b, "%d. %s\n", i+1, strings.TrimSpace(strings.Join([]string{f.Basic, f.Enhanced, f.Text}, " ")))
		var facts []string
		for _, kv := range [][2]string{{"outcome", f.Outcome}, {"who_acts", f.WhoActs}, {"command", f.Command}, {"recipient", f.Recipient}, {"host", f.Host}, {"provider", f.Provider}, {"why", f.Why}, {"quoted_in", f.QuotedIn}} {
			if kv[1] != "" {
				facts = append(facts, kv[0]+"="+kv[1])
			}
		}
		fmt.Fprintf(&b, "   %s (line %d)\n", strings.Join(facts, ", "), f.Line)
		for _, c := range []struct{ id, url string }{{f.Basic, f.BasicURL}, {f.Enhanced, f.EnhancedURL}} {
			if c.id == "" || c.url == "" {
				continue
			}
			fmt.Fprintf(&b, "   %s — %s: %s %s\n", c.id, out.Titles[c.id], strings.Join(out.Sources[c.id], "; "), c.url)
		}
		if f.ResponseURL != "" {
			fmt.Fprintf(&b, "   %s/%s: %s\n", f.ResponseProvider, f.ResponseFamily, f.ResponseURL)
		}
		for _, n := range f.Notes {
			fmt.Fprintf(&b, "   ! %s\n", n)
		}
	}
	return text(b.String()), out, nil
}

type searchInput struct {
	Query string `json:"query" jsonschema:"a code (421, 5.7.26), a code prefix (4.7) or words of a title or text"`
	Lang  string `json:"lang,omitempty" jsonschema:"language of the pages searched and of the answer: en or ja (also ja-JP, JA, ja_JP, jp); default en"`
}

type searchAnswer struct {
	Lang      string      `json:"lang"`
	Query     string      `json:"query"`
	Truncated bool        `json:"truncated" jsonschema:"the query was longer than 100 characters and was cut"`
	Results   []searchHit `json:"results"`
}

type searchHit struct {
	reference.SearchResult
	Sources []string `json:"sources" jsonschema:"the documents that define the code, or the codes of a provider family's first line"`
}

func (t tools) search(ctx context.Context, _ *mcp.CallToolRequest, in searchInput) (*mcp.CallToolResult, searchAnswer, error) {
	res, err := t.ref.Search(ctx, in.Query, in.Lang)
	if err != nil {
		return nil, searchAnswer{}, err
	}
	out := searchAnswer{Lang: res.Lang, Query: res.Query, Truncated: res.Truncated, Results: []searchHit{}}
	var b strings.Builder
	for i, r := range res.Results {
		// A code page's label is its code; a family's, the codes of its
		// first line ("550 5.7.1"): cite what defines them.
		hit := searchHit{SearchResult: r, Sources: []string{}}
		codes := strings.Fields(r.Label)
		src, err := t.codeSources(ctx, in.Lang, codes...)
		if err != nil {
			return nil, searchAnswer{}, err
		}
		for _, id := range codes {
			for _, s := range src[id] {
				if !slices.Contains(hit.Sources, s) {
					hit.Sources = append(hit.Sources, s)
				}
			}
		}
		out.Results = append(out.Results, hit)
		fmt.Fprintf(&b, "%d. %s — %s (%s)\n", i+1, r.Label, r.Title, r.Hint)
		if len(hit.Sources) > 0 {
			fmt.Fprintf(&b, "   %s\n", strings.Join(hit.Sources, "; "))
		}
		if r.Snippet != "" {
			fmt.Fprintf(&b, "   %s\n", r.Snippet)
		}
		fmt.Fprintf(&b, "   %s\n", r.URL)
	}
	if len(res.Results) == 0 {
		return text(fmt.Sprintf("Nothing matches %q.", res.Query)), out, nil
	}
	return text(b.String()), out, nil
}

type listInput struct {
	Class   *int   `json:"class,omitempty" jsonschema:"only codes of this class: 2, 3, 4 or 5 (the first digit)"`
	Subject *int   `json:"subject,omitempty" jsonschema:"only enhanced codes of this subject, 0 to 7 (the second number: 7 for 5.7.26)"`
	Kind    string `json:"kind,omitempty" jsonschema:"only codes of this kind: basic, enhanced or provider (a provider's code that is not in the registry)"`
	Lang    string `json:"lang,omitempty" jsonschema:"language of the answer: en or ja (also ja-JP, JA, ja_JP, jp); default en"`
}

type listAnswer struct {
	Lang  string     `json:"lang"`
	Codes []listItem `json:"codes"`
}

type listItem struct {
	Code      string   `json:"code"`
	Kind      string   `json:"kind"`
	Class     int      `json:"class"`
	ClassName string   `json:"class_name"`
	Title     string   `json:"title"`
	Summary   string   `json:"summary"`
	URL       string   `json:"url"`
	Sources   []string `json:"sources"`
}

func (t tools) listCodes(ctx context.Context, _ *mcp.CallToolRequest, in listInput) (*mcp.CallToolResult, listAnswer, error) {
	if in.Class != nil && !slices.Contains(smtp.BasicClasses, *in.Class) {
		return nil, listAnswer{}, fmt.Errorf("class %d: want 2, 3, 4 or 5", *in.Class)
	}
	if in.Subject != nil && !slices.Contains(smtp.Subjects, *in.Subject) {
		return nil, listAnswer{}, fmt.Errorf("subject %d: want 0 to 7 (RFC 3463 §3)", *in.Subject)
	}
	switch in.Kind {
	case "", "basic", "enhanced", "provider":
	default:
		return nil, listAnswer{}, fmt.Errorf("kind %q: want basic, enhanced or provider", in.Kind)
	}
	lang, err := t.ref.Lang(in.Lang)
	if err != nil {
		return nil, listAnswer{}, err
	}
	codes, err := t.ref.Codes(ctx, lang)
	if err != nil {
		return nil, listAnswer{}, err
	}
	out := listAnswer{Lang: lang, Codes: []listItem{}}
	var b strings.Builder
	for _, c := range codes {
		if (in.Class != nil && c.Class != *in.Class) || (in.Subject != nil && smtp.Subject(c.Code) != *in.Subject) || (in.Kind != "" && c.Kind != in.Kind) {
			continue
		}
		item := listItem{Code: c.Code, Kind: c.Kind, Class: c.Class, ClassName: c.ClassName, Title: c.Title, Summary: c.Summary, URL: c.URL, Sources: c.Sources}
		out.Codes = append(out.Codes, item)
		fmt.Fprintf(&b, "%s — %s [%s] %s\n", c.Code, c.Title, strings.Join(item.Sources, "; "), c.URL)
	}
	if len(out.Codes) == 0 {
		return text("No code matches these filters."), out, nil
	}
	return text(b.String()), out, nil
}

type responseInput struct {
	Provider string `json:"provider,omitempty" jsonschema:"the provider's id, e.g. gmail, microsoft, yahoo, postfix (with id)"`
	ID       string `json:"id,omitempty" jsonschema:"the response's id within the provider, e.g. bad-credentials (with provider)"`
	Reply    string `json:"reply,omitempty" jsonschema:"instead of provider and id: a reply line as a server sent it, or a provider's token such as CS01"`
	Lang     string `json:"lang,omitempty" jsonschema:"language of the answer: en or ja (also ja-JP, JA, ja_JP, jp); default en"`
}

type responseAnswer struct {
	Responses []responseHit `json:"responses" jsonschema:"the matching families: one for provider and id, one or more for a reply or token"`
}

type responseHit struct {
	reference.Response
	MatchedLine string              `json:"matched_line,omitempty" jsonschema:"the id of the catalogued line the reply or token matched"`
	Sources     map[string][]string `json:"sources" jsonschema:"the defining documents of the family's codes, by code"`
}

func (t tools) lookupResponse(ctx context.Context, _ *mcp.CallToolRequest, in responseInput) (*mcp.CallToolResult, responseAnswer, error) {
	type key struct{ provider, family, line string }
	var keys []key
	reply := strings.TrimSpace(in.Reply)
	switch {
	case reply != "" && (in.Provider != "" || in.ID != ""):
		return nil, responseAnswer{}, errors.New("give either provider and id, or reply, not both")
	case reply != "":
		// A whole reply: the decoder recognises catalogued lines.
		d, err := t.ref.Decode(ctx, reply, in.Lang)
		if err != nil {
			return nil, responseAnswer{}, err
		}
		for _, f := range d.Findings {
			if f.ResponseFamily != "" {
				keys = append(keys, key{f.ResponseProvider, f.ResponseFamily, f.ResponseLine})
				break
			}
		}
		// A token alone: the lines that carry it.
		if len(keys) == 0 {
			lines, err := t.ref.Lines(ctx, in.Lang)
			if err != nil {
				return nil, responseAnswer{}, err
			}
			for _, ln := range lines {
				if ln.Token != "" && strings.EqualFold(ln.Token, reply) {
					keys = append(keys, key{ln.Provider, ln.Family, ln.ID})
				}
			}
		}
		if len(keys) == 0 {
			return nil, responseAnswer{}, fmt.Errorf("no catalogued provider response matches %q: give a whole reply line (code and text) or a provider's token, or search for a fragment with the search tool", reply)
		}
	case in.Provider == "" || in.ID == "":
		return nil, responseAnswer{}, errors.New("give provider and id (e.g. gmail and bad-credentials), or reply (a reply line or token)")
	default:
		keys = append(keys, key{strings.ToLower(strings.TrimSpace(in.Provider)), strings.ToLower(strings.TrimSpace(in.ID)), ""})
	}
	out := responseAnswer{Responses: []responseHit{}}
	var b strings.Builder
	seen := map[key]bool{}
	for _, k := range keys {
		fam := key{k.provider, k.family, ""}
		if seen[fam] {
			continue
		}
		seen[fam] = true
		r, err := t.ref.Response(ctx, k.provider, k.family, in.Lang)
		if err != nil {
			return nil, responseAnswer{}, err
		}
		src, err := t.codeSources(ctx, in.Lang, r.Codes...)
		if err != nil {
			return nil, responseAnswer{}, err
		}
		out.Responses = append(out.Responses, responseHit{Response: r, MatchedLine: k.line, Sources: src})
		if b.Len() > 0 {
			b.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&b, "%s — %s\n%s\nwho_acts=%s, registry=%s\n\n", r.ProviderName, r.Title, r.Summary, r.WhoActs, r.Registry)
		for _, ln := range r.Lines {
			mark := "-"
			if ln.ID == k.line {
				mark = "*"
			}
			fmt.Fprintf(&b, "%s %s\n  %s (%s, %s) %s\n", mark, ln.Reply, ln.Source, ln.Retrieved, ln.License, ln.SourceURL)
		}
		for _, id := range r.Codes {
			fmt.Fprintf(&b, "%s: %s\n", id, strings.Join(src[id], "; "))
		}
		for _, s := range r.Sections {
			fmt.Fprintf(&b, "\n## %s\n%s\n", s.Heading, strings.TrimSpace(s.Text))
		}
		fmt.Fprintf(&b, "\n%s\n", r.URL)
	}
	return text(b.String()), out, nil
}
