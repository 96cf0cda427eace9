package site

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
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
	// After a full-width stop, the next sentence follows without a space.
	if body := do(t, h, "GET", "/codes/250?lang=ja", nil).body; !strings.Contains(body, "本文の送信完了後。次のコマンドへの応答としても返されます：RSET、VRFY") {
		t.Error("250's Japanese timeline: sentences apart by a space, or commands not joined with 、")
	}
}

func TestDecodePage(t *testing.T) {
	h := testHandler(t)
	form := do(t, h, "GET", "/decode?lang=ja", nil)
	if form.status != 200 || !strings.Contains(form.body, `<form class="tool-form decode-form" action="/decode?lang=ja" method="post" enctype="multipart/form-data">`) || !strings.Contains(form.body, "バウンスメールの解析") {
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
			[]string{`href="/codes/5.1.1?lang=ja"`, "恒久的なエラー", "送信者が宛先アドレス", "最初に表示している理由：テキスト中で唯一のエラーです。"}, nil},
		{"quoted reply", func() response {
			return postForm(t, h, "/decode", url.Values{"text": {"554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>"}})
		}, 200, []string{`<h3 id="finding-0">554 4.4.7</h3>`, `<h3 id="finding-1">421 4.4.2</h3>`, "Quoted inside the reply 554 4.4.7: the remote server&#39;s last answer"}, nil},
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

// The pasted text, the uploaded file and its name never reach the log.
func TestDecodeTextNotLogged(t *testing.T) {
	var logs bytes.Buffer
	h, err := Open(siteRoot, Config{BaseURL: "https://smtp.example", Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	secret := "550 5.1.1 <private.person@example.org> unknown"
	postForm(t, h, "/decode", url.Values{"text": {secret}})
	do(t, h, "GET", "/decode?text="+url.QueryEscape(secret), nil)
	upload(t, h, "/decode", "", "private.person.eml", []byte("From: a@example.org\r\nTo: b@example.org\r\n\r\n"+secret))
	if strings.Contains(logs.String(), "private.person") || !strings.Contains(logs.String(), `"route":"/decode"`) {
		t.Errorf("log: %s", logs.String())
	}
}

// upload posts a multipart form as a browser does: the text field, and the
// file field (empty when no file was chosen).
func upload(t *testing.T, h http.Handler, target, text, name string, file []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("text", text)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	r := httptest.NewRequest("POST", target, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return response{w.Code, w.Result().Header, w.Body.String()}
}

// A saved bounce: a multipart/report whose human part is base64 and whose
// returned original must not be read.
var savedBounce = []byte("From: Mail Delivery System <MAILER-DAEMON@mail.example.net>\r\n" +
	"To: sender@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"BB\"\r\n\r\n" +
	"--BB\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
	"PGJvYkBleGFtcGxlLm5ldD46IGhvc3QgbXguZXhhbXBsZS5uZXRbMTk4LjUxLjEwMC43XSBzYWlkOiA1NTIg\r\nNS4yLjIgTWFpbGJveCBmdWxsIChpbiByZXBseSB0byBSQ1BUIFRPIGNvbW1hbmQpDQo=\r\n" +
	"--BB\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.net\r\n\r\n" +
	"Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n" +
	"--BB\r\nContent-Type: message/rfc822\r\n\r\nFrom: sender@example.org\r\nSubject: 550 5.7.1 not this\r\n\r\nbody\r\n--BB--\r\n")

func TestDecodeUpload(t *testing.T) {
	h := testHandler(t)
	res := upload(t, h, "/decode", "", "bounce.eml", savedBounce)
	if res.status != 200 {
		t.Fatalf("upload: %d", res.status)
	}
	checkBody(t, res.body, []string{"Decoded the file bounce.eml.", `<h3 id="finding-0">552 5.2.2</h3>`, "<code>bob@example.net</code>",
		"Listed first: the delivery status report gives this reply as the final result"}, []string{"5.7.1", `id="finding-1"`})
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("an upload's answer is cacheable: %q", res.header.Get("Cache-Control"))
	}
	// No file chosen: the text is decoded.
	res = upload(t, h, "/decode?lang=ja", postfixBounce, "", nil)
	checkBody(t, res.body, []string{`<h3 id="finding-0">550 5.1.1</h3>`}, []string{"を解析しました"})
	// A file over 2 MiB is refused with a notice.
	res = upload(t, h, "/decode", "", "big.eml", bytes.Repeat([]byte("x"), 2<<20+1))
	if res.status != 413 || !strings.Contains(res.body, "The file is larger than 2 MB.") {
		t.Errorf("big upload: %d", res.status)
	}
}

// countingBody fails the test when more than allowed bytes are read.
type countingBody struct {
	t       *testing.T
	read    int
	allowed int
}

func (b *countingBody) Read(p []byte) (int, error) {
	b.read += len(p)
	if b.read > b.allowed {
		b.t.Errorf("read %d bytes of a body announced too large", b.read)
		return 0, io.ErrUnexpectedEOF
	}
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// A body announced larger than the limit gets 413 before it is read.
func TestDecodeTooLargeUnread(t *testing.T) {
	h := testHandler(t)
	for _, target := range []string{"/decode", "/api/decode"} {
		for _, ctype := range []string{"multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "message/rfc822"} {
			body := &countingBody{t: t, allowed: 0}
			r := httptest.NewRequest("POST", target, body)
			r.ContentLength = 64 << 20
			r.Header.Set("Content-Type", ctype)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 413 {
				t.Errorf("%s %s: %d, want 413", target, ctype, w.Code)
			}
		}
	}
}

// POST /api/decode takes a whole message as message/rfc822.
func TestDecodeAPIMessage(t *testing.T) {
	h := testHandler(t)
	r := httptest.NewRequest("POST", "/api/decode", bytes.NewReader(savedBounce))
	r.Header.Set("Content-Type", "message/rfc822")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out struct {
		Findings []struct {
			Basic, Enhanced, Recipient, Why string
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != 200 {
		t.Fatalf("%d %v", w.Code, err)
	}
	if len(out.Findings) != 1 || out.Findings[0].Basic != "552" || out.Findings[0].Recipient != "bob@example.net" || out.Findings[0].Why != "report" {
		t.Errorf("findings %+v", out.Findings)
	}
	r = httptest.NewRequest("POST", "/api/decode", bytes.NewReader(bytes.Repeat([]byte("x"), 2<<20+1)))
	r.Header.Set("Content-Type", "message/rfc822")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 413 {
		t.Errorf("oversized message: %d", w.Code)
	}
}
