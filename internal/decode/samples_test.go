package decode

import "strings"

// sample is a text a reader might paste, with every reply in it.
type sample struct {
	name string
	text string
	want []Finding
}

// samples are realistic texts from each family of mail software the
// package knows, written for these tests with documentation-only names and
// addresses. They are also the fuzzer's seeds.
var samples = []sample{
	{
		name: "plain reply about a recipient",
		text: "550 5.1.1 <user@example.com>: Recipient address rejected: User unknown",
		want: []Finding{{
			Provider: "postfix",
			Basic:    "550", Enhanced: "5.1.1",
			Text:      "<user@example.com>: Recipient address rejected: User unknown",
			Recipient: "user@example.com",
			Permanent: true, Line: 1,
		}},
	},
	{
		name: "plain reply without enhanced code",
		text: "554 Transaction failed\n",
		want: []Finding{{Basic: "554", Text: "Transaction failed", Permanent: true, Line: 1}},
	},
	{
		name: "multi-line reply joined",
		text: `550-5.7.26 This mail has been blocked because the sender is unauthenticated.
550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.
550-5.7.26
550 5.7.26 Authentication results: DKIM = did not pass SPF [example.org] with ip: [192.0.2.25] = did not pass d75a77b69052e-4b2f1c0e7d1si123456 - gsmtp
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.7.26",
			Text:      "This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [example.org] with ip: [192.0.2.25] = did not pass d75a77b69052e-4b2f1c0e7d1si123456 - gsmtp",
			Provider:  "gmail",
			Permanent: true, Line: 1,
		}},
	},
	{
		name: "multi-line reply cut short by the paste",
		text: "421-4.7.0 Too many connections\n421-4.7.0 from your IP address\n",
		want: []Finding{{Basic: "421", Enhanced: "4.7.0", Text: "Too many connections from your IP address", Temporary: true, Line: 1}},
	},
	{
		name: "codes inside quotes and brackets",
		text: `The server answered:
"421 4.7.0 Try again later, closing connection."
[451 4.3.0 Temporary lookup failure]
(452 4.3.1 Insufficient system storage)
The server said "550 5.1.1 User unknown" and hung up.
`,
		want: []Finding{
			{Basic: "421", Enhanced: "4.7.0", Text: "Try again later, closing connection.", Temporary: true, Line: 2},
			{Basic: "451", Enhanced: "4.3.0", Text: "Temporary lookup failure", Temporary: true, Line: 3},
			{Basic: "452", Enhanced: "4.3.1", Text: "Insufficient system storage", Temporary: true, Line: 4},
			{Basic: "550", Enhanced: "5.1.1", Text: "User unknown", Permanent: true, Line: 5},
		},
	},
	{
		name: "reply quoted in a support email",
		text: `Hi team,

Since this morning every message to our partner bounces with:

> 550 5.7.1 <bob@example.com>: Recipient address rejected: Access denied

Can you help?
`,
		want: []Finding{{
			Provider: "postfix",
			Basic:    "550", Enhanced: "5.7.1",
			Text:      "<bob@example.com>: Recipient address rejected: Access denied",
			Recipient: "bob@example.com",
			Permanent: true, Line: 5,
		}},
	},
	{
		name: "CRLF line endings",
		text: "550 5.1.1 <bob@example.com>: User unknown\r\n554 5.7.1 Rejected\r\n",
		want: []Finding{
			{Basic: "550", Enhanced: "5.1.1", Text: "<bob@example.com>: User unknown", Recipient: "bob@example.com", Permanent: true, Line: 1},
			{Basic: "554", Enhanced: "5.7.1", Text: "Rejected", Permanent: true, Line: 2},
		},
	},
	{
		name: "long reply cut at a character boundary",
		text: "554 5.7.1 x" + strings.Repeat("é", 200),
		want: []Finding{{Basic: "554", Enhanced: "5.7.1", Text: "x" + strings.Repeat("é", 149) + "…", Permanent: true, Line: 1}},
	},
	{
		name: "postfix log: bounced at RCPT TO",
		text: `Nov 28 10:15:42 mail postfix/smtp[12345]: 4F2A1C0123: to=<bob@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.10] said: 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`,
		want: []Finding{{
			Provider: "postfix",
			Basic:    "550", Enhanced: "5.1.1",
			Text:    "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
			Command: "RCPT TO", Phase: "rcpt",
			Recipient: "bob@example.com", Host: "mx.example.com",
			Permanent: true, Line: 1,
		}},
	},
	{
		name: "postfix log: end of DATA, MAIL FROM and DATA",
		text: `Nov 28 10:16:03 mail postfix/smtp[12346]: 5B3C2D0456: to=<carol@example.net>, relay=mx.example.net[198.51.100.20]:25, delay=2.4, delays=0.1/0/0.8/1.5, dsn=5.7.1, status=bounced (host mx.example.net[198.51.100.20] said: 550 5.7.1 Message rejected as spam by content filter (in reply to end of DATA command))
Nov 28 10:16:09 mail postfix/smtp[12347]: 6C4D3E0789: to=<dave@example.org>, relay=mx.example.org[203.0.113.7]:25, delay=0.9, delays=0.1/0/0.4/0.4, dsn=5.1.8, status=bounced (host mx.example.org[203.0.113.7] said: 553 5.1.8 <alice@example.com>: Sender address rejected: Domain not found (in reply to MAIL FROM command))
Nov 28 10:16:15 mail postfix/smtp[12348]: 7D5E4F0ABC: to=<erin@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=5.5.1, status=bounced (host mx.example.com[192.0.2.10] said: 554 5.5.1 Error: no valid recipients (in reply to DATA command))
`,
		want: []Finding{
			{
				Basic: "550", Enhanced: "5.7.1", Text: "Message rejected as spam by content filter",
				Command: "END OF DATA", Phase: "eod", Recipient: "carol@example.net", Host: "mx.example.net",
				Permanent: true, Line: 1,
			},
			{
				Provider: "postfix",
				Basic:    "553", Enhanced: "5.1.8", Text: "<alice@example.com>: Sender address rejected: Domain not found",
				Command: "MAIL FROM", Phase: "mail", Recipient: "dave@example.org", Host: "mx.example.org",
				Permanent: true, Line: 2,
			},
			{
				Basic: "554", Enhanced: "5.5.1", Text: "Error: no valid recipients",
				Command: "DATA", Phase: "data", Recipient: "erin@example.com", Host: "mx.example.com",
				Permanent: true, Line: 3,
			},
		},
	},
	{
		name: "postfix log: deferred, then a timeout without a reply",
		text: `Nov 28 10:20:01 mail postfix/smtp[12350]: 8E6F5A0DEF: to=<frank@example.net>, relay=mx.example.net[198.51.100.20]:25, delay=5.3, delays=0.1/0/0.3/4.9, dsn=4.7.0, status=deferred (host mx.example.net[198.51.100.20] said: 421 4.7.0 Try again later, closing connection. (in reply to RCPT TO command))
Nov 28 10:20:31 mail postfix/smtp[12351]: 9F7A6B0E01: to=<grace@example.org>, relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[203.0.113.7]:25: Connection timed out)
`,
		want: []Finding{{
			Basic: "421", Enhanced: "4.7.0", Text: "Try again later, closing connection.",
			Command: "RCPT TO", Phase: "rcpt", Recipient: "frank@example.net", Host: "mx.example.net",
			Temporary: true, Line: 1,
		}},
	},
	{
		name: "postfix log: smtpd rejecting a client",
		text: `Nov 28 11:02:17 mx postfix/smtpd[23456]: NOQUEUE: reject: RCPT from unknown[198.51.100.77]: 554 5.7.1 <spam@example.net>: Relay access denied; from=<promo@example.org> to=<spam@example.net> proto=ESMTP helo=<client.example.org>`,
		want: []Finding{{
			Provider: "postfix",
			Basic:    "554", Enhanced: "5.7.1", Text: "<spam@example.net>: Relay access denied",
			Command: "RCPT TO", Phase: "rcpt", Recipient: "spam@example.net",
			Permanent: true, Line: 1,
		}},
	},
	{
		name: "postfix log: reply from Gmail, next record from elsewhere",
		text: `Nov 28 10:30:12 mail postfix/smtp[13001]: A1B2C3D4E5: to=<bob@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=0.8, delays=0.1/0/0.3/0.4, dsn=5.7.26, status=bounced (host mx.example.com[192.0.2.10] said: 550-5.7.26 This mail has been blocked because the sender is unauthenticated. 550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM. 550 5.7.26 d2e1a72fcca58-7a3b4c5d6e7si123456 - gsmtp (in reply to end of DATA command))
Nov 28 10:30:14 mail postfix/smtp[13002]: B2C3D4E5F6: to=<carol@example.net>, relay=mx.example.net[198.51.100.20]:25, delay=0.6, delays=0.1/0/0.2/0.3, dsn=5.7.1, status=bounced (host mx.example.net[198.51.100.20] said: 550 5.7.1 Message rejected by policy (in reply to end of DATA command))
`,
		want: []Finding{
			{
				Basic: "550", Enhanced: "5.7.26",
				Text:    "This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. d2e1a72fcca58-7a3b4c5d6e7si123456 - gsmtp",
				Command: "END OF DATA", Phase: "eod", Recipient: "bob@example.com", Host: "mx.example.com", Provider: "gmail",
				Permanent: true, Line: 1,
			},
			{
				Basic: "550", Enhanced: "5.7.1", Text: "Message rejected by policy",
				Command: "END OF DATA", Phase: "eod", Recipient: "carol@example.net", Host: "mx.example.net",
				Permanent: true, Line: 2,
			},
		},
	},
	{
		name: "postfix log: Yahoo deferral",
		text: `Nov 28 13:45:10 mail postfix/smtp[15001]: D4E5F6A7B8: to=<henry@example.com>, relay=mta7.am0.yahoodns.example.net[198.51.100.45]:25, delay=3.1, delays=0.1/0/1.2/1.8, dsn=4.7.0, status=deferred (host mta7.am0.yahoodns.example.net[198.51.100.45] said: 421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.example.com/error-codes (in reply to end of DATA command))`,
		want: []Finding{{
			Basic: "421", Enhanced: "4.7.0",
			Text:    "[TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.example.com/error-codes",
			Command: "END OF DATA", Phase: "eod", Recipient: "henry@example.com", Host: "mta7.am0.yahoodns.example.net", Provider: "yahoo",
			Temporary: true, Line: 1,
		}},
	},
	{
		name: "postfix: mismatched classes",
		text: "host mx.example.com[192.0.2.10] said: 550 4.2.2 <bob@example.com>: Mailbox full (in reply to RCPT TO command)",
		want: []Finding{{
			Basic: "550", Enhanced: "4.2.2", Text: "<bob@example.com>: Mailbox full",
			Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
			Mismatch: true, Permanent: true, Line: 1,
		}},
	},
	{
		name: "postfix bounce: two recipients, human-readable and DSN parts",
		text: postfixBounce,
		want: []Finding{
			{
				Provider: "postfix",
				Basic:    "550", Enhanced: "5.1.1",
				Text:    "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
				Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
				Permanent: true, Line: 25,
			},
			{
				Provider: "postfix",
				Basic:    "452", Enhanced: "4.2.2",
				Text:    "<carol@example.com>: Recipient address rejected: Mailbox full",
				Command: "RCPT TO", Phase: "rcpt", Recipient: "carol@example.com", Host: "mx.example.com",
				Temporary: true, Line: 29,
			},
		},
	},
	{
		name: "postfix bounce: greeting refused, reply wrapped before the enhanced code",
		text: `<bob@example.com>: host mx.example.com[192.0.2.10] refused to talk to me: 554
    5.7.1 Service unavailable; Client host [198.51.100.7] blocked using
    zen.example.org
`,
		want: []Finding{{
			Provider: "postfix",
			Basic:    "554", Enhanced: "5.7.1",
			Text:    "Service unavailable; Client host [198.51.100.7] blocked using zen.example.org",
			Command: "CONNECT", Phase: "connect", Recipient: "bob@example.com", Host: "mx.example.com",
			Permanent: true, Line: 1,
		}},
	},
	{
		name: "postfix bounce: wrapped right after said:",
		text: `<bob@example.com>: host mx.example.com[192.0.2.10] said:
    550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in
    virtual mailbox table (in reply to RCPT TO command)
`,
		want: []Finding{{
			Provider: "postfix",
			Basic:    "550", Enhanced: "5.1.1",
			Text:    "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
			Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
			Permanent: true, Line: 2,
		}},
	},
	{
		name: "postfix bounce: alias, wrapped inside the host, joined multi-line reply, DSN",
		text: `<bob@example.com> (expanded from <info@example.org>): host
    mx.example.com[192.0.2.10] said: 550-5.7.1 [198.51.100.7] The IP you're
    using to send mail is not authorized 550-5.7.1 to send email directly to
    our servers. Please use the SMTP relay at your service provider instead.
    550 5.7.1 d2si123456 - gsmtp (in reply to end of DATA command)

Reporting-MTA: dns; mail.example.org

Final-Recipient: rfc822; bob@example.com
Original-Recipient: rfc822;info@example.org
Action: failed
Status: 5.7.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550-5.7.1 [198.51.100.7] The IP you're using to send
    mail is not authorized 550-5.7.1 to send email directly to our servers.
    Please use the SMTP relay at your service provider instead. 550 5.7.1
    d2si123456 - gsmtp
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.7.1",
			Text:    "[198.51.100.7] The IP you're using to send mail is not authorized to send email directly to our servers. Please use the SMTP relay at your service provider instead. d2si123456 - gsmtp",
			Command: "END OF DATA", Phase: "eod", Recipient: "bob@example.com", Host: "mx.example.com", Provider: "gmail",
			Permanent: true, Line: 2,
		}},
	},
	{
		name: "postfix log: delivered, and a reply without a recipient",
		text: `Nov 28 10:15:42 mail postfix/smtp[2001]: 1A2B3C4D5E: to=<alice@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9Z8Y7X6W5V)
Nov 28 10:15:43 mail postfix/smtp[2002]: 2B3C4D5E6F: host mx.example.net[198.51.100.20] said: 450 4.2.1 The user you are trying to contact is receiving mail too quickly (in reply to RCPT TO command)
`,
		want: []Finding{
			{
				Basic: "250", Enhanced: "2.0.0", Text: "Ok: queued as 9Z8Y7X6W5V",
				Recipient: "alice@example.com", Host: "mx.example.com", Line: 1,
			},
			{
				Basic: "450", Enhanced: "4.2.1", Text: "The user you are trying to contact is receiving mail too quickly",
				Command: "RCPT TO", Phase: "rcpt", Host: "mx.example.net", Temporary: true, Line: 2,
			},
		},
	},
	{
		name: "exim bounce: two recipients, RCPT TO and end of data",
		text: `This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  bob@example.com
    host mx.example.com [192.0.2.10]
    SMTP error from remote mail server after RCPT TO:<bob@example.com>:
    550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table

  carol@example.net
    host mx.example.net [198.51.100.20]
    SMTP error from remote mail server after end of data:
    550-5.7.1 [198.51.100.7] Our system has detected that this message is
    550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to
    550 5.7.1 this server, this message has been blocked.
`,
		want: []Finding{
			{
				Provider: "postfix",
				Basic:    "550", Enhanced: "5.1.1",
				Text:    "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
				Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
				Permanent: true, Line: 9,
			},
			{
				Basic: "550", Enhanced: "5.7.1",
				Text:    "[198.51.100.7] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to this server, this message has been blocked.",
				Command: "END OF DATA", Phase: "eod", Recipient: "carol@example.net", Host: "mx.example.net",
				Permanent: true, Line: 14,
			},
		},
	},
	{
		name: "exim bounce: older layout with the reply after the host",
		text: `  bob@example.com
    SMTP error from remote mail server after RCPT TO:<bob@example.com>:
    host mx.example.com [192.0.2.10]: 550 5.1.1 <bob@example.com>... User unknown
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.1.1", Text: "<bob@example.com>... User unknown",
			Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
			Permanent: true, Line: 3,
		}},
	},
	{
		name: "exim log: pipelined RCPT TO, MAIL FROM with SIZE, initial connection",
		text: `2026-11-28 10:15:42 1vAbCd-000Abc-12 ** bob@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.10] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes: SMTP error from remote mail server after pipelined RCPT TO:<bob@example.com>: 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table
2026-11-28 10:16:05 1vAbCe-000Abd-34 == carol@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net [198.51.100.20]: SMTP error from remote mail server after MAIL FROM:<alice@example.org> SIZE=2048: 451 4.7.1 Greylisting in action, please come back later
2026-11-28 10:17:30 1vAbCf-000Abe-56 ** dave@example.org R=dnslookup T=remote_smtp H=mx.example.org [203.0.113.7]: SMTP error from remote mail server after initial connection: 554 5.7.1 mx.example.org ESMTP not accepting messages from 198.51.100.7
`,
		want: []Finding{
			{
				Provider: "postfix",
				Basic:    "550", Enhanced: "5.1.1",
				Text:    "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
				Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
				Permanent: true, Line: 1,
			},
			{
				Basic: "451", Enhanced: "4.7.1", Text: "Greylisting in action, please come back later",
				Command: "MAIL FROM", Phase: "mail", Recipient: "carol@example.net", Host: "mx.example.net",
				Temporary: true, Line: 2,
			},
			{
				Basic: "554", Enhanced: "5.7.1", Text: "mx.example.org ESMTP not accepting messages from 198.51.100.7",
				Command: "CONNECT", Phase: "connect", Recipient: "dave@example.org", Host: "mx.example.org",
				Permanent: true, Line: 3,
			},
		},
	},
	{
		name: "exchange NDR: Remote Server returned",
		text: `Delivery has failed to these recipients or groups:

bob@example.com<mailto:bob@example.com>
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.

Diagnostic information for administrators:

Generating server: AM0PR01MB1234.eurprd01.prod.example.com

bob@example.com
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

Original message headers:

Received: from AM0PR01MB5678.eurprd01.prod.example.com by AM0PR01MB1234.eurprd01.prod.example.com with mapi id 15.20.8000.010; Sat, 28 Nov 2026 10:15:42 +0000
From: Alice <alice@example.org>
To: Bob <bob@example.com>
Subject: Quarterly report
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.1.10",
			Text:      "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
			Recipient: "bob@example.com", Provider: "microsoft",
			Permanent: true, Line: 11,
		}},
	},
	{
		name: "exchange NDR with its DSN part, then the reader's own words",
		text: `Diagnostic information for administrators:

Generating server: DM6PR01MB1234.namprd01.prod.example.com

bob@example.com
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

Reporting-MTA: dns;DM6PR01MB1234.namprd01.prod.example.com
Received-From-MTA: dns;DM6PR01MB5678.namprd01.prod.example.com
Arrival-Date: Sat, 28 Nov 2026 10:15:42 +0000

Final-Recipient: rfc822;bob@example.com
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

I forwarded it and got this error: 550 5.7.1 Message rejected due to content restrictions
`,
		want: []Finding{
			{
				Basic: "550", Enhanced: "5.1.10",
				Text:      "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
				Recipient: "bob@example.com", Provider: "microsoft",
				Permanent: true, Line: 6,
			},
			{Basic: "550", Enhanced: "5.7.1", Text: "Message rejected due to content restrictions", Permanent: true, Line: 17},
		},
	},
	{
		name: "exchange NDR: mailbox full",
		text: `Diagnostic information for administrators:

Generating server: mail.example.org

carol@example.org
Remote server returned '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=carol. 16.55847:A0010000'
`,
		want: []Finding{{
			Basic: "554", Enhanced: "5.2.2",
			Text:      "mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=carol. 16.55847:A0010000",
			Recipient: "carol@example.org", Provider: "exchange",
			Permanent: true, Line: 6,
		}},
	},
	{
		name: "exchange 2010 NDR: hash-wrapped reply",
		text: `Generating server: mail.example.org

bob@example.com
#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.1.1", Text: "RESOLVER.ADR.RecipNotFound; not found",
			Recipient: "bob@example.com", Permanent: true, Line: 4,
		}},
	},
	{
		name: "microsoft 365 NDR: status code and error details",
		text: `From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.org>
To: Alice <alice@example.org>
Subject: Undeliverable: Quarterly report

Your message to bob@example.com couldn't be delivered.
Microsoft 365 has blocked the sender's IP address.

alice        Office 365        bob
Action Required                 Sender

How to Fix It
Contact your email admin.

More Info for Email Admins
Status code: 550 5.7.708

Original Message Details
Created Date:    11/28/2026 10:15:42 AM
Sender Address:  alice@example.org
Recipient Address:  bob@example.com
Subject:  Quarterly report

Error Details
Error:  550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to https://example.com/fwlink/?LinkId=526653 AS(7230)

Notification Details
Sent by:  AM0PR01MB5678.eurprd01.prod.example.com
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.7.708",
			Text:      "Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to https://example.com/fwlink/?LinkId=526653 AS(7230)",
			Recipient: "bob@example.com", Provider: "microsoft",
			Permanent: true, Line: 15,
		}},
	},
	{
		name: "microsoft 365 NDR: server named after the error",
		text: `Error Details
Error:  550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent.
Message rejected by:  mx1.example.net
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.7.1",
			Text: "Unfortunately, messages from [198.51.100.7] weren't sent.",
			Host: "mx1.example.net", Permanent: true, Line: 2,
		}},
	},
	{
		name: "sendmail bounce: RCPT TO, summary and DSN",
		text: `The original message was received at Sat, 28 Nov 2026 10:15:40 GMT
from client.example.org [198.51.100.7]

   ----- The following addresses had permanent fatal errors -----
<bob@example.com>
    (reason: 550 5.1.1 <bob@example.com>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.example.com.:
>>> RCPT To:<bob@example.com>
<<< 550 5.1.1 <bob@example.com>... User unknown
550 5.1.1 bob@example.com... User unknown

--4ASABCD012345.1764324942/mail.example.org
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.org
Received-From-MTA: DNS; client.example.org
Arrival-Date: Sat, 28 Nov 2026 10:15:40 GMT

Final-Recipient: RFC822; bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mx.example.com
Diagnostic-Code: SMTP; 550 5.1.1 <bob@example.com>... User unknown
Last-Attempt-Date: Sat, 28 Nov 2026 10:15:42 GMT
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.1.1", Text: "<bob@example.com>... User unknown",
			Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Host: "mx.example.com",
			Permanent: true, Line: 6,
		}},
	},
	{
		name: "sendmail transcript: rejected after the message data",
		text: `   ----- Transcript of session follows -----
... while talking to mx.example.net.:
>>> DATA
<<< 354 Enter mail, end with "." on a line by itself
>>> .
<<< 554 5.7.1 Message rejected: spam content detected
554 5.7.1 carol@example.net... Message rejected: spam content detected
`,
		want: []Finding{
			{
				Basic: "354", Text: `Enter mail, end with "." on a line by itself`,
				Command: "DATA", Phase: "data", Host: "mx.example.net", Line: 4,
			},
			{
				Basic: "554", Enhanced: "5.7.1", Text: "Message rejected: spam content detected",
				Command: "END OF DATA", Phase: "eod", Recipient: "carol@example.net", Host: "mx.example.net",
				Permanent: true, Line: 6,
			},
		},
	},
	{
		name: "sendmail transcript: greeting refused",
		text: `   ----- Transcript of session follows -----
... while talking to mx.example.org.:
<<< 554 5.7.1 mx.example.org ESMTP not accepting messages
554 5.0.0 Service unavailable
`,
		want: []Finding{
			{
				Basic: "554", Enhanced: "5.7.1", Text: "mx.example.org ESMTP not accepting messages",
				Command: "CONNECT", Phase: "connect", Host: "mx.example.org", Permanent: true, Line: 3,
			},
			{
				Basic: "554", Enhanced: "5.0.0", Text: "Service unavailable",
				Command: "CONNECT", Phase: "connect", Host: "mx.example.org", Permanent: true, Line: 4,
			},
		},
	},
	{
		name: "session transcript: EHLO, STARTTLS, HELO, AUTH, BDAT, QUIT",
		text: `... while talking to smtp.example.com.:
>>> EHLO client.example.org
<<< 250-smtp.example.com Hello client.example.org [198.51.100.7]
<<< 250-STARTTLS
<<< 250 CHUNKING
>>> STARTTLS
<<< 454 4.7.0 TLS not available due to local problem
>>> HELO client.example.org
<<< 550 5.7.1 Access denied
>>> AUTH PLAIN AGFsaWNlAHNlY3JldA==
<<< 535 5.7.8 Authentication credentials invalid
>>> BDAT 4096 LAST
<<< 552 5.3.4 Message size exceeds fixed limit
>>> QUIT
<<< 221 2.0.0 Bye
`,
		want: []Finding{
			{
				Basic: "250", Text: "smtp.example.com Hello client.example.org [198.51.100.7] STARTTLS CHUNKING",
				Command: "EHLO", Phase: "ehlo", Host: "smtp.example.com", Line: 3,
			},
			{
				Basic: "454", Enhanced: "4.7.0", Text: "TLS not available due to local problem",
				Command: "STARTTLS", Phase: "starttls", Host: "smtp.example.com", Temporary: true, Line: 7,
			},
			{
				Basic: "550", Enhanced: "5.7.1", Text: "Access denied",
				Command: "HELO", Phase: "ehlo", Host: "smtp.example.com", Permanent: true, Line: 9,
			},
			{
				Basic: "535", Enhanced: "5.7.8", Text: "Authentication credentials invalid",
				Command: "AUTH", Phase: "auth", Host: "smtp.example.com", Permanent: true, Line: 11,
			},
			{
				Basic: "552", Enhanced: "5.3.4", Text: "Message size exceeds fixed limit",
				Command: "BDAT", Phase: "bdat", Host: "smtp.example.com", Permanent: true, Line: 13,
			},
			{
				Basic: "221", Enhanced: "2.0.0", Text: "Bye",
				Command: "QUIT", Phase: "quit", Host: "smtp.example.com", Line: 15,
			},
		},
	},
	{
		name: "swaks transcript",
		text: `=== Trying mx.example.com:25...
=== Connected to mx.example.com.
<-  220 mx.example.com ESMTP Postfix
 -> EHLO client.example.org
<-  250-mx.example.com
<-  250-PIPELINING
<-  250 8BITMIME
 -> MAIL FROM:<alice@example.org>
<-  250 2.1.0 Ok
 -> RCPT TO:<bob@example.com>
<** 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table
 -> QUIT
<-  221 2.0.0 Bye
=== Connection closed with remote host.
`,
		want: []Finding{
			{Basic: "220", Text: "mx.example.com ESMTP Postfix", Command: "CONNECT", Phase: "connect", Provider: "postfix", Line: 3},
			{Basic: "250", Text: "mx.example.com PIPELINING 8BITMIME", Command: "EHLO", Phase: "ehlo", Line: 5},
			{Basic: "250", Enhanced: "2.1.0", Text: "Ok", Command: "MAIL FROM", Phase: "mail", Line: 9},
			{
				Provider: "postfix",
				Basic:    "550", Enhanced: "5.1.1",
				Text:    "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
				Command: "RCPT TO", Phase: "rcpt", Recipient: "bob@example.com", Permanent: true, Line: 11,
			},
			{Basic: "221", Enhanced: "2.0.0", Text: "Bye", Command: "QUIT", Phase: "quit", Line: 13},
		},
	},
	{
		name: "qmail bounce: remote reply and enhanced-only code",
		text: `Hi. This is the qmail-send program at mail.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<bob@example.com>:
192.0.2.10 does not like recipient.
Remote host said: 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown
Giving up on 192.0.2.10.

<carol@example.net>:
Sorry, I couldn't find any host named mail.example.net. (#5.1.2)

--- Below this line is a copy of the message.
`,
		want: []Finding{
			{
				Provider: "postfix",
				Basic:    "550", Enhanced: "5.1.1", Text: "<bob@example.com>: Recipient address rejected: User unknown",
				Recipient: "bob@example.com", Host: "192.0.2.10", Permanent: true, Line: 7,
			},
			{
				Enhanced: "5.1.2", Text: "Sorry, I couldn't find any host named mail.example.net.",
				Recipient: "carol@example.net", Permanent: true, Line: 11,
			},
		},
	},
	{
		name: "gmail bounce: response from the remote server",
		text: `Delivered-To: alice@example.org
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: alice@example.org
Subject: Delivery Status Notification (Failure)

** Address not found **

Your message wasn't delivered to bob@example.com because the address couldn't be found, or is unable to receive mail.

Learn more here: https://support.example.com/mail/?p=NoSuchUser

The response from the remote server was:
550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.1.1",
			Text:      "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
			Recipient: "bob@example.com", Provider: "postfix",
			Permanent: true, Line: 13,
		}},
	},
	{
		name: "gmail bounce: older layout, another server's multi-line reply",
		text: `Delivery to the following recipient failed permanently:

     bob@example.com

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the recipient domain example.com by mx.example.com. [192.0.2.10].

The error that the other server returned was:
550-5.1.1 <bob@example.com>: Recipient address rejected: User unknown in
550 5.1.1 virtual mailbox table
`,
		want: []Finding{{
			Provider: "postfix",
			Basic:    "550", Enhanced: "5.1.1",
			Text:      "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
			Recipient: "bob@example.com", Host: "mx.example.com",
			Permanent: true, Line: 9,
		}},
	},
	{
		name: "DSN: three recipient blocks",
		text: `Reporting-MTA: dns; mail.example.org
Arrival-Date: Sat, 28 Nov 2026 09:02:11 +0000

Final-Recipient: rfc822; bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown

Final-Recipient: rfc822; carol@example.net
Action: delayed
Status: 4.2.2
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
Will-Retry-Until: Sat, 3 Dec 2026 09:02:11 +0000

Final-Recipient: rfc822; dave@example.org
Action: failed
Status: 5.4.7
Diagnostic-Code: X-Postfix; delivery temporarily suspended: connect to
    mx.example.org[203.0.113.7]:25: Connection timed out
`,
		want: []Finding{
			{
				Provider: "postfix",
				Basic:    "550", Enhanced: "5.1.1", Text: "<bob@example.com>: Recipient address rejected: User unknown",
				Recipient: "bob@example.com", Host: "mx.example.com", Permanent: true, Line: 8,
			},
			{
				Basic: "452", Enhanced: "4.2.2", Text: "Mailbox full",
				Recipient: "carol@example.net", Host: "mx.example.net", Temporary: true, Line: 14,
			},
			{
				Enhanced: "5.4.7", Text: "delivery temporarily suspended: connect to mx.example.org[203.0.113.7]:25: Connection timed out",
				Recipient: "dave@example.org", Permanent: true, Line: 19,
			},
		},
	},
	{
		name: "DSN: status without diagnostic code",
		text: `Final-Recipient: rfc822; erin@example.org
Action: failed
Status: 5.1.2
Remote-MTA: dns; mx.example.org
`,
		want: []Finding{{Enhanced: "5.1.2", Recipient: "erin@example.org", Host: "mx.example.org", Permanent: true, Line: 3}},
	},
	{
		name: "DSN: enhanced code only in Status, folded multi-line diagnostic",
		text: `Final-Recipient: rfc822; bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com. (192.0.2.10, the server for the domain example.com.)
Diagnostic-Code: smtp; 550-The email account that you tried to reach does not exist. Please try
 550-double-checking the recipient's email address for typos or
 550 unnecessary spaces. d2si123456 - gsmtp
Last-Attempt-Date: Sat, 28 Nov 2026 02:15:42 -0800 (PST)
`,
		want: []Finding{{
			Basic: "550", Enhanced: "5.1.1",
			Text:      "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. d2si123456 - gsmtp",
			Recipient: "bob@example.com", Host: "mx.example.com", Provider: "gmail",
			Permanent: true, Line: 5,
		}},
	},
	{
		name: "no code: a question",
		text: "Hi, my mail bounced, what do I do?\nI sent it to bob@example.com yesterday at 10:15 and got nothing back.\n",
	},
	{
		name: "no code: timeouts",
		text: `Nov 28 10:20:31 mail postfix/smtp[12351]: 9F7A6B0E01: to=<grace@example.org>, relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[203.0.113.7]:25: Connection timed out)
2026-11-28 10:21:00 1vAbCg-000Abf-78 mx.example.org [203.0.113.7] Connection timed out
<grace@example.org>: connect to mx.example.org[203.0.113.7]:25: Connection timed out
`,
	},
	{
		name: "no code: numbers that are not replies",
		text: `2026-11-28 10:15:42 connection from [192.0.2.10]:587
192.0.2.10 - - [28/Nov/2026:10:15:42 +0000] "GET /status HTTP/1.1" 200 512
HTTP/1.1 200 OK
Content-Length: 4521
size=4521, nrcpt=1 (queue active)
Queue ID: 4F2A1C0123
452ABC0123: removed
Call us on 555-0100 or +1 555 010 0199.
555-0100
(555) 010-0199
200 300 400
Postfix 3.8.4 and Dovecot 2.3.21 are installed; firmware 5.1.1.1, kernel 10.5.1.2
5.1.1.1 is not a status code
X-Spam-Score: 4.2.1
Date: Sat, 28 Nov 2026 10:15:42 +0000
Port 465 and port 587 are open.
Received: from client.example.org (client.example.org [198.51.100.7]) by mx.example.com (Postfix) with ESMTPS id 4F2A1C0123 for <bob@example.com>; Sat, 28 Nov 2026 10:15:42 +0000 (UTC)
`,
	},
}

// postfixBounce is a whole Postfix bounce as a mail client shows its
// source: every reply is in it twice.
const postfixBounce = `From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: alice@example.org
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4F2A1C0123.1764324942/mail.example.org"

This is a MIME-encapsulated message.

--4F2A1C0123.1764324942/mail.example.org
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<bob@example.com>: host mx.example.com[192.0.2.10] said: 550 5.1.1
    <bob@example.com>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

<carol@example.com>: host mx.example.com[192.0.2.10] said: 452 4.2.2
    <carol@example.com>: Recipient address rejected: Mailbox full (in reply to
    RCPT TO command)

--4F2A1C0123.1764324942/mail.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.org
X-Postfix-Queue-ID: 4F2A1C0123
X-Postfix-Sender: rfc822; alice@example.org
Arrival-Date: Sat, 28 Nov 2026 10:15:40 +0000 (UTC)

Final-Recipient: rfc822; bob@example.com
Original-Recipient: rfc822;bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address
    rejected: User unknown in virtual mailbox table

Final-Recipient: rfc822; carol@example.com
Original-Recipient: rfc822;carol@example.com
Action: failed
Status: 4.2.2
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 452 4.2.2 <carol@example.com>: Recipient address
    rejected: Mailbox full

--4F2A1C0123.1764324942/mail.example.org
Content-Description: Undelivered Message
Content-Type: message/rfc822

Return-Path: <alice@example.org>
Received: by mail.example.org (Postfix, from userid 1000)
	id 4F2A1C0123; Sat, 28 Nov 2026 10:15:40 +0000 (UTC)
Date: Sat, 28 Nov 2026 10:15:40 +0000
From: Alice <alice@example.org>
To: bob@example.com, carol@example.com
Subject: Quarterly report
Message-Id: <20261128101540.4F2A1C0123@mail.example.org>

Hi Bob, hi Carol, the report is attached.
`
