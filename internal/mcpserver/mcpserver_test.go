package mcpserver

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"smtpcodes.dev/internal/reference"
	"smtpcodes.dev/internal/site"
)

const base = "https://smtp.example"

var sharedSite = sync.OnceValues(func() (*site.Server, error) {
	return site.Open(os.DirFS("../.."), site.Config{BaseURL: base})
})

// connect runs the server on the SDK's in-memory transport and returns a
// client session to it, as an MCP client would see it.
func connect(t *testing.T) *mcp.ClientSession {
	t.Helper()
	srv, err := sharedSite()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := New(reference.New(srv, srv.Locales()), "test").Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "test"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool and returns its text and its structured content
// decoded into out (if not nil). A protocol error fails the test: every
// failure must be a tool result.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, out any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: protocol error: %v", tool, args, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if out != nil && !res.IsError {
		b, err := json.Marshal(res.StructuredContent)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: structured content: %v\n%s", tool, err, b)
		}
	}
	return text.String(), res.IsError
}

func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func TestListTools(t *testing.T) {
	cs := connect(t)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil || tool.OutputSchema == nil {
			t.Errorf("%s: description, input or output schema missing", tool.Name)
		}
	}
	for _, want := range []string{"lookup_code", "compare_codes", "decode_bounce", "search", "list_codes", "lookup_response"} {
		if !slices.Contains(names, want) {
			t.Errorf("no tool %s in %v", want, names)
		}
	}
	// The schema says which arguments a client must give.
	for _, tool := range res.Tools {
		if tool.Name != "lookup_code" {
			continue
		}
		b, _ := json.Marshal(tool.InputSchema)
		contains(t, "lookup_code schema", string(b), `"required":["code"]`, `"lang"`, "5.7.26")
	}
}

func TestLookupCode(t *testing.T) {
	cs := connect(t)
	var got reference.Code
	text, isErr := call(t, cs, "lookup_code", map[string]any{"code": "421"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	if got.Code != "421" || got.Lang != "en" || got.URL != base+"/codes/421?lang=en" || !slices.Contains(got.Sources, "RFC 5321 §4.2.3") {
		t.Errorf("structured: code %s lang %s url %s sources %v", got.Code, got.Lang, got.URL, got.Sources)
	}
	contains(t, "text", text, "421 — Service Not Available", "4xx Transient Negative", "RFC 5321 §4.2.3", base+"/codes/421?lang=en", "## ")

	// Japanese, with a spelling ?lang= accepts; an enhanced code cites
	// the registry.
	text, isErr = call(t, cs, "lookup_code", map[string]any{"code": "5.7.26", "lang": "ja-JP"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	if got.Lang != "ja" || got.URL != base+"/codes/5.7.26?lang=ja" || got.Registry == nil || got.Registry.Entry != "X.7.26" {
		t.Errorf("ja structured: lang %s url %s registry %+v", got.Lang, got.URL, got.Registry)
	}
	contains(t, "ja text", text, "X.7.26", base+"/codes/5.7.26?lang=ja")
	if !strings.ContainsAny(got.Title+got.Summary, "のをはが") {
		t.Errorf("ja answer not in Japanese: %q %q", got.Title, got.Summary)
	}
	contains(t, "ja sources", strings.Join(got.Sources, ";"), "IANA SMTP Enhanced Status Codes registry X.7.26")
}

// Bad arguments are tool errors that say what was wrong.
func TestBadArguments(t *testing.T) {
	cs := connect(t)
	tests := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"lookup_code", map[string]any{"code": "hello"}, `"hello" is not an SMTP reply code`},
		{"lookup_code", map[string]any{"code": "299"}, "code 299: the reference has no page for it"},
		{"lookup_code", map[string]any{"code": "421", "lang": "xx"}, `unsupported language "xx" (supported: en, `},
		{"lookup_code", map[string]any{}, "code"},
		{"lookup_code", map[string]any{"code": 421}, "code"},
		{"compare_codes", map[string]any{"a": "421", "b": "0421"}, "two different codes"},
		{"decode_bounce", map[string]any{"text": "  "}, "the text is empty"},
		{"decode_bounce", map[string]any{"text": strings.Repeat("550 5.1.1 no\n", 6000)}, "the input is too large"},
		{"search", map[string]any{"query": ""}, "the query is empty"},
		{"list_codes", map[string]any{"class": 6}, "class 6: want 2, 3, 4 or 5"},
		{"list_codes", map[string]any{"subject": 9}, "subject 9: want 0 to 7"},
		{"list_codes", map[string]any{"kind": "weird"}, `kind "weird"`},
		{"lookup_response", map[string]any{}, "give provider and id"},
		{"lookup_response", map[string]any{"provider": "gmail", "id": "no-such-thing"}, `provider "gmail" has no catalogued response "no-such-thing"`},
		{"lookup_response", map[string]any{"provider": "../x", "id": "y"}, "want lower-case ids"},
		{"lookup_response", map[string]any{"reply": "zzqqxx"}, `no catalogued provider response matches "zzqqxx"`},
	}
	for _, tt := range tests {
		text, isErr := call(t, cs, tt.tool, tt.args, nil)
		if !isErr {
			t.Errorf("%s %v: not an error: %s", tt.tool, tt.args, text)
			continue
		}
		if !strings.Contains(text, tt.want) {
			t.Errorf("%s %v: error %q, want %q", tt.tool, tt.args, text, tt.want)
		}
	}
}

func TestCompareCodes(t *testing.T) {
	cs := connect(t)
	var got compareAnswer
	// The other order: the site's canonical comparison.
	text, isErr := call(t, cs, "compare_codes", map[string]any{"a": "556", "b": "421"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	if got.Kind != "compare" || got.URL != base+"/compare/421-vs-556?lang=en" || got.A.Code != "421" || len(got.Differences) == 0 {
		t.Errorf("structured: %+v", got.Comparison)
	}
	if !slices.Contains(got.Sources["421"], "RFC 5321 §4.2.3") || len(got.Sources["556"]) == 0 {
		t.Errorf("sources %v", got.Sources)
	}
	contains(t, "text", text, base+"/compare/421-vs-556?lang=en", "421: RFC 5321 §4.2.3")

	text, isErr = call(t, cs, "compare_codes", map[string]any{"a": "550", "b": "5.1.1", "lang": "jp"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	if got.Kind != "combined" || got.Lang != "ja" || got.URL != base+"/compare/550-vs-5.1.1?lang=ja" {
		t.Errorf("combined: kind %s lang %s url %s", got.Kind, got.Lang, got.URL)
	}
}

func TestDecodeBounce(t *testing.T) {
	cs := connect(t)
	const bounce = `Oct 14 09:12:03 mail postfix/smtp[2841]: 3F1A2C0D21: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`
	var got decodeAnswer
	text, isErr := call(t, cs, "decode_bounce", map[string]any{"text": bounce, "lang": "ja"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	if got.Lang != "ja" || len(got.Findings) == 0 {
		t.Fatalf("structured: %+v", got.Decoded)
	}
	f := got.Findings[0]
	if f.Basic != "550" || f.Enhanced != "5.1.1" || f.Outcome != "permanent" || f.Command != "RCPT TO" || f.BasicURL != base+"/codes/550?lang=ja" {
		t.Errorf("first finding %+v", f)
	}
	if !slices.Contains(got.Sources["550"], "RFC 5321 §4.2.3") || got.Titles["5.1.1"] == "" {
		t.Errorf("sources %v titles %v", got.Sources, got.Titles)
	}
	contains(t, "text", text, "1. 550 5.1.1", "outcome=permanent", "command=RCPT TO", base+"/codes/5.1.1?lang=ja", got.Titles["5.1.1"])

	text, isErr = call(t, cs, "decode_bounce", map[string]any{"text": "hello, nothing here"}, &got)
	if isErr || len(got.Findings) != 0 || !strings.Contains(text, "No SMTP reply code found") {
		t.Errorf("no findings: %v %s %+v", isErr, text, got.Findings)
	}
}

func TestSearch(t *testing.T) {
	cs := connect(t)
	var got searchAnswer
	text, isErr := call(t, cs, "search", map[string]any{"query": "mailbox full"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	var urls []string
	for _, r := range got.Results {
		urls = append(urls, r.URL)
	}
	if !slices.Contains(urls, base+"/codes/4.2.2?lang=en") {
		t.Errorf("results %v lack 4.2.2", urls)
	}
	contains(t, "text", text, base+"/codes/4.2.2?lang=en", "RFC 3463")
	// A provider family's result cites the codes of its first line.
	text, _ = call(t, cs, "search", map[string]any{"query": "greylisting"}, &got)
	var family *searchHit
	for i, r := range got.Results {
		if strings.Contains(r.URL, "/providers/") {
			family = &got.Results[i]
			break
		}
	}
	if family == nil || len(family.Sources) == 0 || !strings.HasPrefix(family.Sources[0], "RFC 5321") {
		t.Errorf("greylisting: family result %+v\n%s", family, text)
	}

	text, isErr = call(t, cs, "search", map[string]any{"query": "容量", "lang": "ja"}, &got)
	if isErr || got.Lang != "ja" || len(got.Results) == 0 || !strings.HasSuffix(got.Results[0].URL, "?lang=ja") {
		t.Errorf("ja search: %v %s %+v", isErr, text, got)
	}
	text, _ = call(t, cs, "search", map[string]any{"query": "zzqqxx"}, &got)
	if len(got.Results) != 0 || !strings.Contains(text, `Nothing matches "zzqqxx"`) {
		t.Errorf("no results: %s", text)
	}
}

func TestListCodes(t *testing.T) {
	cs := connect(t)
	var got listAnswer
	text, isErr := call(t, cs, "list_codes", map[string]any{"class": 4, "kind": "basic"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	var codes []string
	for _, c := range got.Codes {
		codes = append(codes, c.Code)
		if c.Class != 4 || c.Kind != "basic" {
			t.Errorf("%s: class %d kind %s", c.Code, c.Class, c.Kind)
		}
	}
	if !slices.Contains(codes, "421") || !slices.Contains(codes, "450") || slices.Contains(codes, "550") {
		t.Errorf("class 4 basic codes: %v", codes)
	}
	contains(t, "text", text, "421 — ", base+"/codes/421?lang=en", "RFC 5321")

	// Subject 0 is a real subject (X.0.Y), not "no filter".
	text, isErr = call(t, cs, "list_codes", map[string]any{"subject": 0, "class": 5, "lang": "ja"}, &got)
	if isErr || got.Lang != "ja" || len(got.Codes) == 0 {
		t.Fatalf("subject 0: %v %s", isErr, text)
	}
	for _, c := range got.Codes {
		if !strings.HasPrefix(c.Code, "5.0.") || !strings.HasSuffix(c.URL, "?lang=ja") {
			t.Errorf("subject 0 class 5: %s %s", c.Code, c.URL)
		}
	}
}

func TestLookupResponse(t *testing.T) {
	cs := connect(t)
	var got responseAnswer
	text, isErr := call(t, cs, "lookup_response", map[string]any{"provider": "gmail", "id": "bad-credentials"}, &got)
	if isErr {
		t.Fatalf("error: %s", text)
	}
	if len(got.Responses) != 1 || got.Responses[0].URL != base+"/providers/gmail/bad-credentials?lang=en" || len(got.Responses[0].Lines) == 0 {
		t.Fatalf("structured: %+v", got)
	}
	r := got.Responses[0]
	contains(t, "text", text, r.Title, r.Lines[0].Reply, r.Lines[0].SourceURL, r.URL)
	for _, c := range r.Codes {
		if _, ok := r.Sources[c]; !ok {
			t.Errorf("no sources for %s: %v", c, r.Sources)
		}
	}

	// By token: the iCloud lines that carry CS01, marked.
	text, isErr = call(t, cs, "lookup_response", map[string]any{"reply": "cs01", "lang": "ja"}, &got)
	if isErr || len(got.Responses) == 0 {
		t.Fatalf("token: %v %s", isErr, text)
	}
	if got.Responses[0].Provider != "icloud" || got.Responses[0].MatchedLine == "" || got.Responses[0].Lang != "ja" {
		t.Errorf("token: %+v", got.Responses[0])
	}
	contains(t, "token text", text, "* ", "[CS01]", "?lang=ja")

	// By a whole reply line: the decoder recognises it.
	text, isErr = call(t, cs, "lookup_response", map[string]any{"reply": "550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137"}, &got)
	if isErr || len(got.Responses) != 1 || got.Responses[0].Provider != "icloud" || got.Responses[0].MatchedLine == "" {
		t.Errorf("reply: %v %s %+v", isErr, text, got.Responses)
	}
}

// Every code and every catalogued family answers in every language with
// structured content that passes the tool's output schema (the SDK
// checks it; a mismatch would be a protocol error, not an answer).
func TestEveryPage(t *testing.T) {
	cs := connect(t)
	for _, lang := range []string{"en", "ja"} {
		var list listAnswer
		if text, isErr := call(t, cs, "list_codes", map[string]any{"lang": lang}, &list); isErr || len(list.Codes) < 100 {
			t.Fatalf("list_codes %s: %d codes, %s", lang, len(list.Codes), text)
		}
		for _, c := range list.Codes {
			var got reference.Code
			text, isErr := call(t, cs, "lookup_code", map[string]any{"code": c.Code, "lang": lang}, &got)
			if isErr || got.Code != c.Code || got.URL != c.URL || len(got.Sources) == 0 {
				t.Errorf("lookup_code %s %s: %s, sources %v", c.Code, lang, text, got.Sources)
			}
		}
		srv, _ := sharedSite()
		lines, err := reference.New(srv, srv.Locales()).Lines(context.Background(), lang)
		if err != nil || len(lines) == 0 {
			t.Fatalf("lines: %v", err)
		}
		seen := map[string]bool{}
		for _, ln := range lines {
			if seen[ln.Provider+"/"+ln.Family] {
				continue
			}
			seen[ln.Provider+"/"+ln.Family] = true
			var got responseAnswer
			text, isErr := call(t, cs, "lookup_response", map[string]any{"provider": ln.Provider, "id": ln.Family, "lang": lang}, &got)
			if isErr || len(got.Responses) != 1 || got.Responses[0].Lang != lang {
				t.Errorf("lookup_response %s/%s %s: %s", ln.Provider, ln.Family, lang, text)
			}
		}
	}
}
