package site

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

const postfixBounce = `Oct 14 09:12:03 mail postfix/smtp[2841]: 3F1A2C0D21: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`

func postForm(t *testing.T, h http.Handler, target string, form url.Values) response {
	t.Helper()
	r := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return response{w.Code, w.Result().Header, w.Body.String()}
}

// timelineMarks returns which columns of the first timeline row with label
// are marked, as a string of 0s and 1s.
func timelineMarks(t *testing.T, body, label string) string {
	t.Helper()
	re := regexp.MustCompile(`<tr><th scope="row">` + regexp.QuoteMeta(label) + `</th>(.*?)</tr>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no timeline row for %s", label)
	}
	var marks strings.Builder
	for _, cell := range strings.Split(m[1], "</td>") {
		if strings.HasPrefix(cell, "<td") {
			if strings.HasPrefix(cell, `<td class="on">`) {
				marks.WriteByte('1')
			} else {
				marks.WriteByte('0')
			}
		}
	}
	return marks.String()
}

func TestTimeline(t *testing.T) {
	h := testHandler(t)
	// Columns: greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA/BDAT, end of data, QUIT.
	for _, tt := range []struct{ target, label, want string }{
		{"/codes/421", "421", "111111111"},
		{"/codes/556", "556", "000001000"},
		{"/codes/220?lang=ja", "220", "101000000"},
		{"/codes/354", "354", "000000100"},
		{"/codes/535", "535", "000100000"},
		{"/codes/5.1.1", "5.1.1", "010011010"}, // from 550's phases (the registry pairs X.1.1 with 550)
		{"/compare/421-vs-556", "421", "111111111"},
		{"/compare/421-vs-556", "556", "000001000"},
		{"/compare/550-vs-5.1.1", "550", "010011010"},
	} {
		body := do(t, h, "GET", tt.target, nil).body
		if got := timelineMarks(t, body, tt.label); got != tt.want {
			t.Errorf("%s: timeline of %s = %s, want %s", tt.target, tt.label, got, tt.want)
		}
	}
	body := do(t, h, "GET", "/codes/556?lang=ja", nil).body
	for _, want := range []string{"<caption>SMTP セッションの中でこのコードが返されうる場面</caption>", "556 が返されうる場面：RCPT TO。", `<span class="visually-hidden">返されうる</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("556 ja timeline lacks %q", want)
		}
	}
	if body := do(t, h, "GET", "/codes/250", nil).body; !strings.Contains(body, "Also in reply to: RSET, VRFY, EXPN, NOOP, ETRN.") {
		t.Error("250's timeline does not list the commands outside the transaction")
	}
}

func TestDecodePage(t *testing.T) {
	h := testHandler(t)
	form := do(t, h, "GET", "/decode?lang=ja", nil)
	if form.status != 200 || !strings.Contains(form.body, `<form class="tool-form decode-form" action="/decode?lang=ja" method="post">`) || !strings.Contains(form.body, "バウンスメールの解析") {
		t.Fatalf("decode form: %d", form.status)
	}
	tests := []struct {
		name   string
		res    func() response
		status int
		want   []string
		absent []string
	}{
		{"linked example", func() response { return do(t, h, "GET", "/decode?lang=en&text="+url.QueryEscape(postfixBounce), nil) }, 200,
			[]string{`<h3 id="finding-0">550 5.1.1</h3>`, `href="/codes/550?lang=en"`, `href="/codes/5.1.1?lang=en"`, "Permanent: the message was not delivered.", "The sender should check the address", "<dd>RCPT TO</dd>", "<code>bob@example.net</code>", "<code>mx.example.net</code>", "Where in the SMTP session the bounce says this reply came"}, nil},
		{"posted ja", func() response { return postForm(t, h, "/decode?lang=ja", url.Values{"text": {postfixBounce}}) }, 200,
			[]string{`href="/codes/5.1.1?lang=ja"`, "恒久的なエラー", "送信者が宛先アドレス"}, nil},
		{"temporary", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"status=deferred (host mx.example.com[192.0.2.1] said: 421 4.7.0 Try again later (in reply to end of DATA command))"}})
		}, 200, []string{"Temporary: the sending server will retry", "Usually nobody needs to act"}, nil},
		{"mismatch", func() response { return postForm(t, h, "/decode", url.Values{"text": {"550 4.2.2 mailbox full"}}) }, 200,
			[]string{"The classes disagree: 550 and 4.2.2"}, nil},
		{"not in any RFC", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"571 5.7.1 Delivery not authorized, message refused"}})
		}, 200,
			[]string{"571 is not defined by any RFC"}, []string{`href="/codes/571`}},
		{"provider meaning", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"550-5.7.27 This message was blocked because it didn't pass SPF\n550 5.7.27 authentication. a1b2c3 - gsmtp"}})
		}, 200, []string{"Gmail: <span>SPF Did Not Pass</span>", "<dd>Gmail</dd>", "Gmail SMTP errors and codes"}, nil},
		{"provider-only code", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"Remote Server returned '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.'"}})
		}, 200, []string{"Not in the IANA registry: used by Microsoft 365", `href="/codes/5.7.708?lang=en"`}, nil},
		{"no code", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"Hi, my email bounced on 2026-11-28 at 10:15, what do I do?"}})
		}, 200,
			[]string{"No SMTP reply code was found"}, []string{`class="finding`}},
		{"markup escaped", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"550 5.1.1 <script>alert(1)</script>"}})
		}, 200,
			[]string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>alert"}},
		{"too long", func() response { return postForm(t, h, "/decode", url.Values{"text": {strings.Repeat("a", 70000)}}) }, 413,
			[]string{"longer than 64 KB"}, []string{"aaaaaaaaaa"}},
		{"query too long", func() response { return do(t, h, "GET", "/decode?text="+strings.Repeat("a", 5000), nil) }, 414,
			[]string{"longer than 64 KB"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res()
			if res.status != tt.status {
				t.Fatalf("status %d, want %d", res.status, tt.status)
			}
			checkBody(t, res.body, tt.want, tt.absent)
			if res.header.Get("Cache-Control") != "no-store" {
				t.Errorf("a decoded text is cacheable: %q", res.header.Get("Cache-Control"))
			}
			checkSafeResponse(t, res.header)
		})
	}
}

func TestDecodeAPI(t *testing.T) {
	h := testHandler(t)
	type result struct {
		Lang     string
		Findings []struct {
			Basic, Enhanced, Command, Phase, Recipient, Outcome string
			WhoActs                                             string `json:"who_acts"`
			BasicURL                                            string `json:"basic_url"`
		}
	}
	post := func(ctype, body string) (int, result, http.Header) {
		r := httptest.NewRequest("POST", "/api/decode?lang=ja", strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var out result
		json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out, w.Result().Header
	}
	jsonBody, _ := json.Marshal(map[string]string{"text": postfixBounce})
	for _, tt := range []struct{ ctype, body string }{
		{"application/json", string(jsonBody)},
		{"application/x-www-form-urlencoded", url.Values{"text": {postfixBounce}}.Encode()},
		{"text/plain; charset=utf-8", postfixBounce},
	} {
		status, out, hdr := post(tt.ctype, tt.body)
		if status != 200 || out.Lang != "ja" || len(out.Findings) != 1 || hdr.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("%s: %d %+v", tt.ctype, status, out)
		}
		f := out.Findings[0]
		if f.Basic != "550" || f.Enhanced != "5.1.1" || f.Phase != "rcpt" || f.Recipient != "bob@example.net" || f.Outcome != "permanent" || f.WhoActs != "sender" || f.BasicURL != "https://smtp.example/codes/550?lang=ja" {
			t.Errorf("%s: finding %+v", tt.ctype, f)
		}
	}
	if status, _, _ := post("text/plain", strings.Repeat("x", 70000)); status != 413 {
		t.Errorf("oversized text: %d, want 413", status)
	}
	res := do(t, h, "GET", "/api/decode", nil)
	if res.status != 405 || !strings.Contains(res.header.Get("Allow"), "POST") || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Errorf("GET /api/decode: %d Allow %q", res.status, res.header.Get("Allow"))
	}
	if res := do(t, h, "OPTIONS", "/api/decode", nil); res.status != 204 || res.header.Get("Access-Control-Allow-Methods") != "POST" {
		t.Errorf("preflight: %d", res.status)
	}
}

// The pasted text never reaches the log.
func TestDecodeTextNotLogged(t *testing.T) {
	var logs bytes.Buffer
	h, err := Open(siteRoot, Config{BaseURL: "https://smtp.example", Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	secret := "550 5.1.1 <private.person@example.org> unknown"
	postForm(t, h, "/decode", url.Values{"text": {secret}})
	do(t, h, "GET", "/decode?text="+url.QueryEscape(secret), nil)
	if strings.Contains(logs.String(), "private.person") || !strings.Contains(logs.String(), `"route":"/decode"`) {
		t.Errorf("log: %s", logs.String())
	}
}
