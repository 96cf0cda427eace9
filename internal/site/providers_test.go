package site

import (
	"encoding/json"
	stdhtml "html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The catalogue's pages, as readers reach them.
func TestProviderPages(t *testing.T) {
	h := testHandler(t)
	for _, tt := range []struct {
		name         string
		target       string
		wantStatus   int
		wantLocation string
		want, absent []string
	}{
		{name: "index", target: "/providers?lang=en", wantStatus: 200,
			want: []string{"<h1>What mail systems really send</h1>", `href="/providers/gmail?lang=en">Gmail</a>`, "Mailbox providers", "Security gateways", "Mail server software", "reply lines", "192.0.2.1"}},
		{name: "index ja", target: "/providers?lang=ja", wantStatus: 200,
			want: []string{"メールシステムが実際に返す応答", `href="/providers/yahoo?lang=ja"`, "応答 "}},
		{name: "provider", target: "/providers/yahoo?lang=en", wantStatus: 200,
			want: []string{"<h1>Yahoo and AOL</h1>", `<h2 id="code-421">`, `href="/providers/yahoo/tss04-complaints?lang=en"`, `href="https://senders.yahooinc.com/"`}},
		{name: "family", target: "/providers/yahoo/tss04-complaints?lang=en", wantStatus: 200,
			want: []string{"Deferred because of complaints", `id="line-`, "[TSS04] Messages from 192.0.2.1 temporarily deferred", `<h2 id="meaning">What it means`, `<h2 id="tell">What to tell the person whose mail bounced`, `<h2 id="fix">How to fix`, "Does the sending server try again?", "RFC 5321 §4.5.4.1", `href="/codes/421?lang=en"`, `href="/compare/421-vs-4.7.0?lang=en"`, `<h2 id="sources">`, "KumoMTA"}},
		{name: "family ja keeps the reply verbatim", target: "/providers/yahoo/tss04-complaints?lang=ja", wantStatus: 200,
			want: []string{`<html lang="ja">`, "[TSS04] Messages from 192.0.2.1 temporarily deferred", "送信側サーバーは再送しますか"}},
		{name: "unregistered number", target: "/providers/microsoft/banned-sending-ip?lang=en", wantStatus: 200,
			want: []string{"5.7.606", "Not in the IANA registry"}},
		{name: "cased id redirects", target: "/providers/Yahoo/TSS04-Complaints?lang=ja", wantStatus: 301, wantLocation: "/providers/yahoo/tss04-complaints?lang=ja"},
		{name: "cased provider redirects", target: "/providers/GMAIL", wantStatus: 301, wantLocation: "/providers/gmail"},
		{name: "unknown family", target: "/providers/yahoo/no-such-family?lang=ja", wantStatus: 404, want: []string{"ページが見つかりません"}},
		{name: "unknown provider", target: "/providers/hotmail-classic", wantStatus: 404},
		{name: "provider without lines", target: "/providers/nobody", wantStatus: 404},
		{name: "code page lists its real replies", target: "/codes/550?lang=en", wantStatus: 200,
			want: []string{`<h2 id="responses">What mail systems send with this code`, `<h3><a href="/providers/gmail?lang=en">Gmail</a></h3>`, `<h3><a href="/providers/microsoft?lang=en">Microsoft 365</a></h3>`, `<h3><a href="/providers/yahoo?lang=en">Yahoo and AOL</a></h3>`}},
		{name: "enhanced code page lists its real replies", target: "/codes/5.1.1?lang=en", wantStatus: 200,
			want: []string{`id="responses"`, `href="/providers/gmail/no-such-user?lang=en"`}},
		{name: "registry page names the providers that differ", target: "/codes/5.7.26?lang=en", wantStatus: 200,
			want: []string{"Mail systems that use this number with a meaning of their own:"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, "GET", tt.target, nil)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, tt.wantStatus)
			}
			if got := res.header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			checkBody(t, res.body, tt.want, tt.absent)
		})
	}
}

// Every family page exists in every language, with its lines verbatim.
func TestEveryFamilyPage(t *testing.T) {
	s := testHandler(t).(*Server)
	for _, r := range s.store.Responses() {
		for _, l := range s.locales.Langs() {
			resp, ok, err := s.pages.get(responseURL(r), l)
			if !ok || err != nil {
				t.Fatalf("%s has no page in %s: %v", responseURL(r), l.Code, err)
			}
			body, _, _ := resp.Variant("")
			for _, ln := range r.Lines {
				if !strings.Contains(stdhtml.UnescapeString(string(body)), ln.Reply) {
					t.Errorf("%s?lang=%s lacks line %s verbatim", responseURL(r), l.Code, ln.ID)
				}
			}
			if p, fallback := r.Page(l.Code); fallback && l.Code != "en" {
				t.Errorf("%s has no %s translation (%s)", responseURL(r), l.Code, p.File)
			}
		}
	}
}

func TestProvidersJSON(t *testing.T) {
	h := testHandler(t)
	res := do(t, h, "GET", "/providers.json?lang=ja", nil)
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("status %d, CORS %q", res.status, res.header.Get("Access-Control-Allow-Origin"))
	}
	var all struct {
		Lang  string
		Lines []map[string]any
	}
	if err := json.Unmarshal([]byte(res.body), &all); err != nil {
		t.Fatal(err)
	}
	if all.Lang != "ja" || len(all.Lines) < 500 {
		t.Fatalf("lang %q, %d lines", all.Lang, len(all.Lines))
	}
	for _, key := range []string{"id", "provider", "family", "reply", "basic", "source_url", "retrieved", "license", "url", "urls"} {
		if _, ok := all.Lines[0][key]; !ok {
			t.Errorf("a line has no %q: %v", key, all.Lines[0])
		}
	}
	if u := all.Lines[0]["url"].(string); !strings.Contains(u, "?lang=ja#line-") {
		t.Errorf("url = %q, want the line's anchor on the ja page", u)
	}
	res = do(t, h, "GET", "/providers/yahoo/tss04-complaints.json", http.Header{"Accept-Language": {"ja"}})
	var fam struct {
		Provider, Family, Lang, Title string
		WhoActs                       string `json:"who_acts"`
		Lines                         []struct{ Reply, Token string }
		Sections                      []struct{ ID, Heading string }
	}
	if err := json.Unmarshal([]byte(res.body), &fam); err != nil {
		t.Fatal(err)
	}
	if res.status != 200 || fam.Lang != "ja" || fam.Provider != "yahoo" || fam.WhoActs != "sending_admin" || len(fam.Lines) == 0 || len(fam.Sections) != 3 {
		t.Errorf("family JSON: %d %+v", res.status, fam)
	}
	if res := do(t, h, "GET", "/providers/yahoo/nope.json", nil); res.status != 404 || !strings.Contains(res.body, `"status":404`) {
		t.Errorf("unknown family JSON: %d %s", res.status, res.body)
	}
}

// Search finds a family from a fragment of its reply or its token.
func TestSearchFindsResponses(t *testing.T) {
	h := testHandler(t)
	for _, tt := range []struct{ q, want string }{
		{"TSS04", `/providers/yahoo/tss04-complaints?lang=en`},
		{"unusual rate of unsolicited mail", `/providers/gmail/`},
		{"S3150", `/providers/outlook/`},
		{"Relay access denied", `/providers/postfix/`},
	} {
		res := do(t, h, "GET", "/search?lang=en&q="+strings.ReplaceAll(tt.q, " ", "+"), nil)
		if !strings.Contains(res.body, `href="`+tt.want) {
			t.Errorf("search %q finds no %s", tt.q, tt.want)
		}
	}
	res := do(t, h, "GET", "/search?lang=ja&q=TSS04", nil)
	if !strings.Contains(res.body, `/providers/yahoo/tss04-complaints?lang=ja`) {
		t.Error("search in Japanese finds no Yahoo family for TSS04")
	}
}

// The decoder names the catalogued reply a pasted bounce holds.
func TestDecoderLinksResponses(t *testing.T) {
	h := testHandler(t)
	res := do(t, h, "GET", "/decode?lang=en&text="+url.QueryEscape("421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"), nil)
	checkBody(t, res.body, []string{"This is a catalogued reply of Yahoo and AOL:", `href="/providers/yahoo/tss04-complaints?lang=en#line-`}, nil)
}

// A code page lists at most three of a system's explanations and links to
// the rest: the system's page at the code's own section, which has them all.
func TestCodePageListsFewResponsesPerSystem(t *testing.T) {
	h := testHandler(t)
	res := do(t, h, "GET", "/codes/550?lang=en", nil)
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	more := `<li class="more"><a href="/providers/gmail?lang=en#code-550">All Gmail explanations with 550</a></li>`
	checkBody(t, res.body, []string{more}, nil)
	i := strings.Index(res.body, `<h3><a href="/providers/gmail?lang=en">Gmail</a></h3>`)
	j := strings.Index(res.body, more)
	if i < 0 || j < i {
		t.Fatal("no Gmail list before its link to the rest")
	}
	if n := strings.Count(res.body[i:j], "<li>"); n != maxFamiliesShown {
		t.Errorf("Gmail's list on /codes/550 has %d explanations, want %d", n, maxFamiliesShown)
	}
	provider := do(t, h, "GET", "/providers/gmail?lang=en", nil)
	checkBody(t, provider.body, []string{`id="code-550"`}, nil)
	// An enhanced code's link goes to the system's page: its sections are
	// basic codes.
	enhanced := do(t, h, "GET", "/codes/5.7.1?lang=ja", nil)
	if strings.Contains(enhanced.body, `#code-5.7.1"`) {
		t.Error("/codes/5.7.1 links to a provider section that does not exist")
	}
}
