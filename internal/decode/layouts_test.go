package decode

import (
	"encoding/base64"
	"strings"
	"testing"
)

// The layouts real bounces write replies in (the issue that asked for them
// lists each); every one must give the reply with its codes.
func TestLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, text            string
		basic, enhanced, rcpt string
	}{
		{"after a recipient address", "user@example.com: 550 5.1.1 Mailbox unavailable", "550", "5.1.1", "user@example.com"},
		{"after a bracketed recipient", "<user@example.com>: 550 User unknown", "550", "", "user@example.com"},
		{"colon after the code", "550: 5.2.2 Mailbox full", "550", "5.2.2", ""},
		{"spaced colon", "550 : User unknown", "550", "", ""},
		{"dash separator", "550 - Requested action not taken: no such user here", "550", "", ""},
		{"doubled code", "The error that the other server returned was: 550 550 5.1.1 user unknown (state 14).", "550", "5.1.1", ""},
		{"failed with", "Delivery to user@example.com failed with: 550 5.1.1 No such user", "550", "5.1.1", ""},
		{"responded with failure", "The remote server responded with failure: 554 5.7.1 Rejected", "554", "5.7.1", ""},
		{"host said with ip", "host mx.example.com [192.0.2.1] said: 451 4.3.0 Try later", "451", "4.3.0", ""},
		{"host said without ip", "host mx.example.com said: 452 4.2.2 Over quota", "452", "4.2.2", ""},
		{"responded as follows", "It responded as follows: [550 5.7.1 Blocked]", "550", "5.7.1", ""},
		{"following error message", "with the following error message: [554 5.7.1 Spam]", "554", "5.7.1", ""},
		{"transcript Out", "Out: 451 4.7.1 Greylisted", "451", "4.7.1", ""},
		{"transcript arrows", "<<< 550 5.1.1 User unknown", "550", "5.1.1", ""},
		{"zoho key/value", "user@example.com Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <user@example.com>... User Unknown", "550", "5.1.1", ""},
		{"response code key", "ResponseCode 421 Service not available", "421", "", ""},
		{"json smtpResponse", `{"bounce":{"bouncedRecipients":[{"emailAddress":"user@example.com","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}`, "550", "5.1.1", ""},
		{"json smtpResponse key", `{"smtpResponse":"550 5.1.1 <user@example.com>: Recipient address rejected"}`, "550", "5.1.1", ""},
		{"hash enhanced", "550 #5.1.0 Address rejected.", "550", "5.1.0", ""},
		{"qmail enhanced in text", "550 sorry, no mailbox here by that name (#5.1.1 - chkuser)", "550", "5.1.1", ""},
		{"bracketed hash enhanced", "451 Temporary failure [#4.1.9]", "451", "4.1.9", ""},
		{"enhanced at line start", "5.1.1 <user@example.com>... User Unknown", "", "5.1.1", "user@example.com"},
		{"localized wrapper", "Vom Remoteserver wurde '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found' zurückgegeben.", "550", "5.1.10", ""},
		{"banner and refusal on one line", "220 mx.example.com ESMTP ready 554 5.7.1 Access denied", "554", "5.7.1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := testDecoder.Decode(tc.text)
			if len(got) == 0 {
				t.Fatalf("no finding in %q", tc.text)
			}
			var f *Finding
			for i := range got {
				if got[i].Basic == tc.basic && got[i].Enhanced == tc.enhanced {
					f = &got[i]
				}
			}
			if f == nil {
				t.Fatalf("findings %+v, want %s %s", got, tc.basic, tc.enhanced)
			}
			if tc.rcpt != "" && f.Recipient != tc.rcpt {
				t.Errorf("recipient %q, want %q", f.Recipient, tc.rcpt)
			}
		})
	}
}

// A reply quoted inside another is reported too, and says which quotes it.
func TestQuotedReply(t *testing.T) {
	got := testDecoder.Decode("554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>")
	if len(got) != 2 || got[0].Basic != "554" || got[1].Basic != "421" || got[1].Enhanced != "4.4.2" || got[1].QuotedIn != "554 4.4.7" {
		t.Fatalf("findings %+v", got)
	}
	if got[0].Why == "" {
		t.Error("the deciding reply says nothing of why it is first")
	}
}

// The first finding is the reply that decided the bounce.
func TestDecidingFirst(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		first, why string
	}{
		{"report over the human part", "Final-Recipient: rfc822; user@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 No such user\n", "550 5.1.1", "report"},
		{"last attempt of a transcript", "<<< 451 4.7.1 Greylisted, come back later\n<<< 451 4.7.1 Try again in 300 seconds\n", "451 4.7.1", "last"},
		{"a failure over a success before it", "250 2.1.0 Ok\n550 5.1.1 <user@example.com>: User unknown\n", "550 5.1.1", "only"},
		{"a permanent failure over a later temporary one", "<user@example.com>: 550 5.1.1 User unknown\n<user@example.com>: 421 4.4.2 Connection timed out\n", "550 5.1.1", "last"},
		{"nothing failed", "250 2.0.0 Ok: queued as ID\n", "250 2.0.0", "first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := testDecoder.Decode(tc.text)
			if len(got) == 0 {
				t.Fatal("no finding")
			}
			if f := strings.TrimSpace(got[0].Basic + " " + got[0].Enhanced); f != tc.first || got[0].Why != tc.why {
				t.Errorf("first %s (why %q), want %s (%q)", f, got[0].Why, tc.first, tc.why)
			}
		})
	}
}

// Messages: MIME parts, transfer encodings and charsets are undone before
// the text is read; the returned original message is not read.
func TestMessages(t *testing.T) {
	dsn := "Reporting-MTA: dns; mail.example.net\r\n\r\nFinal-Recipient: rfc822; user@example.com\r\nAction: failed\r\nStatus: 5.=\r\n3.5\r\nDiagnostic-Code: smtp; 550=\r\n 5.3.5 System incorrectly configured\r\n"
	human := base64.StdEncoding.EncodeToString([]byte("Die Nachricht konnte nicht zugestellt werden.\r\nDiagnoseinformationen für Administratoren:\r\nuser@example.com: 550 5.3.5 System incorrectly configured\r\n"))
	msg := "From: MAILER-DAEMON@mail.example.net\r\nTo: sender@example.net\r\nSubject: =?ISO-8859-1?Q?Unzustellbar?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + human + "\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + dsn +
		"--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: sender@example.net\r\nSubject: 550 5.7.1 must not be read\r\n\r\n451 4.3.0 nor this\r\n--B--\r\n"
	got := testDecoder.DecodeMessage([]byte(msg))
	if len(got) != 1 {
		t.Fatalf("findings %+v, want one reply (the DSN and the text are one reply; the original is not read)", got)
	}
	if f := got[0]; f.Basic != "550" || f.Enhanced != "5.3.5" || f.Recipient != "user@example.com" || f.Why != "report" {
		t.Errorf("finding %+v", f)
	}
	// A Japanese bounce in ISO-2022-JP, and one in Shift_JIS without MIME
	// encoding, are decoded from their charsets.
	iso := "From: postmaster@example.jp\r\nTo: sender@example.net\r\nSubject: test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$B%a!<%k$rAw?.$G$-$^$;$s$G$7$?\x1b(B\r\n550 5.1.1 <user@example.jp>... User unknown\r\n"
	if got := testDecoder.DecodeMessage([]byte(iso)); len(got) != 1 || got[0].Enhanced != "5.1.1" {
		t.Errorf("ISO-2022-JP message: %+v", got)
	}
	if text, ok := messageText([]byte(iso)); !ok || !strings.Contains(text, "メールを送信できませんでした") {
		t.Errorf("ISO-2022-JP text not decoded: %q", text)
	}
}

// JSON notifications: each recipient's reply keeps its recipient, and a
// finding's line is the line of the input its value is on.
func TestJSONNotifications(t *testing.T) {
	ses := `{
  "notificationType": "Bounce",
  "bounce": {
    "bounceType": "Permanent",
    "bouncedRecipients": [
      {"emailAddress": "alice@example.com", "action": "failed", "status": "5.1.1",
       "diagnosticCode": "smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown"},
      {"emailAddress": "bob@example.org", "action": "failed", "status": "5.2.2",
       "diagnosticCode": "smtp; 552 5.2.2 Mailbox full"}
    ],
    "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com"
  }
}`
	got := testDecoder.Decode(ses)
	if len(got) != 2 {
		t.Fatalf("findings %+v, want two", got)
	}
	if f := got[0]; f.Basic != "550" || f.Enhanced != "5.1.1" || f.Recipient != "alice@example.com" || f.Line != 7 {
		t.Errorf("first finding %+v", f)
	}
	if f := got[1]; f.Basic != "552" || f.Recipient != "bob@example.org" || f.Text != "Mailbox full" || f.Line != 9 {
		t.Errorf("second finding %+v", f)
	}
	// A code and a message given apart are one reply.
	apart := `{"event": "failed", "recipient": "carol@example.net", "delivery-status": {"code": 550, "message": "5.7.1 Message rejected as spam"}}`
	if got := testDecoder.Decode(apart); len(got) != 1 || got[0].Basic != "550" || got[0].Enhanced != "5.7.1" || got[0].Recipient != "carol@example.net" {
		t.Errorf("code and message apart: %+v", got)
	}
	// JSON that does not parse is read as text.
	broken := `{"smtpResponse":"550 5.1.1 <user@example.com>: Recipient address rejected", "timestamp": `
	if got := testDecoder.Decode(broken); len(got) != 1 || got[0].Text != "<user@example.com>: Recipient address rejected" {
		t.Errorf("broken JSON: %+v", got)
	}
}
