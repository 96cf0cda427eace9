package site

import (
	"os"
	"strings"
	"testing"

	"smtpcodes.dev/internal/content"
)

// Every registry entry has a page in each of its classes and languages,
// and the page states the registry name verbatim and its defining document.
func TestEveryRegistryEntryPage(t *testing.T) {
	h := testHandler(t)
	facts, err := content.LoadFacts(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	if len(facts.Registry) != 81 {
		t.Errorf("registry has %d entries, want the 81 of the IANA registry", len(facts.Registry))
	}
	for _, e := range facts.Registry {
		for _, class := range e.Classes {
			id := string(rune('0'+class)) + strings.TrimPrefix(e.Code, "X")
			for _, lang := range []string{"en", "ja"} {
				res := do(t, h, "GET", "/codes/"+id+"?lang="+lang, nil)
				if res.status != 200 {
					t.Errorf("/codes/%s?lang=%s: status %d", id, lang, res.status)
					continue
				}
				if e.Name != "" && !strings.Contains(res.body, "“"+htmlEscape(e.Name)+"”") {
					t.Errorf("/codes/%s?lang=%s does not state the registry name %q", id, lang, e.Name)
				}
				if !strings.Contains(res.body, e.Refs[0]) {
					t.Errorf("/codes/%s?lang=%s does not name %s", id, lang, e.Refs[0])
				}
				if strings.Contains(res.body, "翻訳されていません") || strings.Contains(res.body, "not been translated") {
					t.Errorf("/codes/%s?lang=%s is an untranslated fallback", id, lang)
				}
			}
		}
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

func TestEnhancedPages(t *testing.T) {
	h := testHandler(t)
	tests := []struct {
		name         string
		target       string
		wantStatus   int
		wantLocation string
		want         []string
	}{
		{name: "basic lists its enhanced codes", target: "/codes/550", wantStatus: 200, want: []string{`<h2 id="seen-with">`, `href="/codes/5.1.1?lang=en"`, `href="/codes/5.7.1?lang=en"`, "commonly seen together, not always"}},
		{name: "enhanced lists its basic codes", target: "/codes/5.1.1?lang=ja", wantStatus: 200, want: []string{`href="/codes/550?lang=ja"`, "アドレスの状態", "5.x.x 恒久的なエラー"}},
		{name: "class framing transient", target: "/codes/4.2.2", wantStatus: 200, want: []string{"4.x.x Persistent Transient Failure", "Keeps the message in its queue"}},
		{name: "subject page", target: "/codes/5.7.0", wantStatus: 200, want: []string{"Security or Policy Status", "“Other or undefined security status”"}},
		{name: "subject crumb", target: "/codes/5.7.26", wantStatus: 200, want: []string{`<a href="/codes/5.7.0?lang=en">X.7.x Security or Policy Status</a>`}},
		{name: "deprecated", target: "/codes/5.6.10", wantStatus: 200, want: []string{"Deprecated", `href="/codes/5.6.8?lang=en"`}},
		{name: "deprecated ja", target: "/codes/5.6.10?lang=ja", wantStatus: 200, want: []string{"非推奨", `href="/codes/5.6.8?lang=ja"`}},
		{name: "draft", target: "/codes/5.7.28", wantStatus: 200, want: []string{"Registered from an Internet-Draft, not an RFC: draft-levine-mailbomb-header-00."}},
		{name: "provider panel", target: "/codes/5.7.27", wantStatus: 200, want: []string{`<h2 id="providers">What providers mean by it <a class="permalink"`, "“Sender address has null MX”", "Gmail: ", "Gmail SMTP errors and codes", "SPF"}},
		{name: "provider panel ja", target: "/codes/5.7.27?lang=ja", wantStatus: 200, want: []string{"プロバイダーによる独自の意味", "Gmail: "}},
		{name: "provider panel microsoft", target: "/codes/5.1.10", wantStatus: 200, want: []string{"Microsoft 365: ", "“Recipient address has null MX”"}},
		{name: "provider only", target: "/codes/5.7.708", wantStatus: 200, want: []string{"Not in the IANA registry: used by Microsoft 365", "Fix NDR error codes 550 5.7.703, 550 5.7.705, 550 5.7.708, and 550 5.7.750"}},
		{name: "provider only ja", target: "/codes/5.7.708?lang=ja", wantStatus: 200, want: []string{"IANA レジストリにはないコード（Microsoft 365 が使用）"}},
		{name: "home by subject", target: "/", wantStatus: 200, want: []string{"X.7.x Security or Policy Status", "X.1.x Addressing Status", `href="/codes/5.7.26?lang=en"`, "Provider-specific codes", `href="/codes/5.7.708?lang=en"`}},
		{name: "compare enhanced", target: "/compare/5.1.1-vs-5.7.1", wantStatus: 200, want: []string{`<h2 id="differences">`, "Bad destination mailbox address", "Delivery not authorized, message refused", "Addressing Status"}},
		{name: "compare enhanced reversed", target: "/compare/5.7.1-vs-5.1.1?lang=ja", wantStatus: 301, wantLocation: "/compare/5.1.1-vs-5.7.1?lang=ja"},
		{name: "compare basic with enhanced", target: "/compare/550-vs-5.1.1", wantStatus: 200, want: []string{"are not alternatives", "“550 5.1.1”", "The classes agree", "The IANA registry lists 550 among the basic codes associated with X.1.1"}},
		{name: "compare basic with enhanced reversed", target: "/compare/5.1.1-vs-550", wantStatus: 301, wantLocation: "/compare/550-vs-5.1.1"},
		{name: "compare classes disagree", target: "/compare/550-vs-4.2.2", wantStatus: 200, want: []string{"The classes disagree", "RFC 3463"}},
		{name: "leading zero", target: "/codes/5.01.1", wantStatus: 301, wantLocation: "/codes/5.1.1"},
		{name: "leading zero basic", target: "/codes/0421?lang=ja", wantStatus: 301, wantLocation: "/codes/421?lang=ja"},
		{name: "leading zero compare", target: "/compare/421-vs-05.1.1", wantStatus: 301, wantLocation: "/compare/421-vs-5.1.1"},
		{name: "two parts", target: "/codes/5.1", wantStatus: 404},
		{name: "bad class", target: "/codes/9.1.1", wantStatus: 404},
		{name: "class without page", target: "/codes/2.1.1", wantStatus: 404},
		{name: "bad subject", target: "/codes/5.99.1", wantStatus: 404},
		{name: "four parts", target: "/codes/5.1.1.1", wantStatus: 404},
		{name: "over-long", target: "/codes/5.1.10000", wantStatus: 404},
		{name: "over-long zeros", target: "/codes/5.1.000000000000000000000000001", wantStatus: 404},
		{name: "negative", target: "/codes/-5.1.1", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", tt.target, nil)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, tt.wantStatus)
			}
			if got := res.header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			checkBody(t, res.body, tt.want, nil)
		})
	}
}
