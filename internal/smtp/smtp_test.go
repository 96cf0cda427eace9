package smtp

import "testing"

func TestParseEnhanced(t *testing.T) {
	for _, tc := range []struct {
		in, code, rest string
		ok             bool
	}{
		{"5.1.1 User unknown", "5.1.1", "User unknown", true},
		{"4.7.26", "4.7.26", "", true},
		{"5.7.708 Service unavailable", "5.7.708", "Service unavailable", true},
		{"5.1.1.1 x", "", "", false},   // a longer dotted number
		{"10.5.1.2", "", "", false},    // an IP address
		{"5.1.1x", "", "", false},      // run into a word
		{"3.1.1 Nope", "", "", false},  // class 3 has no enhanced codes
		{"5.1234.1", "", "", false},    // four digits
		{"5.1.1,", "5.1.1", ",", true}, // punctuation ends it
		{"2.0.0 Ok", "2.0.0", "Ok", true},
	} {
		code, rest, ok := ParseEnhanced(tc.in)
		if code != tc.code || rest != tc.rest || ok != tc.ok {
			t.Errorf("ParseEnhanced(%q) = %q, %q, %v; want %q, %q, %v", tc.in, code, rest, ok, tc.code, tc.rest, tc.ok)
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"0421": "421", "05.01.1": "5.1.1", "5.7.026": "5.7.26", "421": "421", "5.0.00": "5.0.0",
		"5.1": "", "5.1.1.1": "", "42a": "", "": "", "5..1": "", "5.1.0001": "5.1.1", "5.1.1234": "",
	} {
		got, ok := Canonical(in)
		if got != want || ok != (want != "") {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestIsBasicIsEnhanced(t *testing.T) {
	for _, s := range []string{"250", "421", "599"} {
		if !IsBasic(s) || IsEnhanced(s) {
			t.Errorf("%s: want basic only", s)
		}
	}
	for _, s := range []string{"5.7.26", "2.0.0", "4.4.7"} {
		if IsBasic(s) || !IsEnhanced(s) {
			t.Errorf("%s: want enhanced only", s)
		}
	}
	for _, s := range []string{"199", "600", "42", "5.07.1", "5.7", "1.1.1"} {
		if IsBasic(s) || IsEnhanced(s) {
			t.Errorf("%s: want neither", s)
		}
	}
}

func TestLess(t *testing.T) {
	ordered := []string{"220", "421", "550", "2.0.0", "4.7.1", "4.7.26", "5.1.1", "5.1.10", "5.7.1"}
	for i := range ordered {
		for j := range ordered {
			if got := Less(ordered[i], ordered[j]); got != (i < j) {
				t.Errorf("Less(%s, %s) = %v", ordered[i], ordered[j], got)
			}
		}
	}
}

func TestWhoActs(t *testing.T) {
	for _, tc := range []struct {
		basic, enhanced string
		want            Actor
	}{
		{"250", "2.0.0", NoOne},
		{"421", "4.7.0", Wait},
		{"452", "4.2.2", Recipient}, // a full mailbox does not empty itself
		{"550", "5.1.1", Sender},
		{"552", "5.2.2", Recipient},
		{"550", "5.7.26", SendingAdmin},
		{"554", "5.3.4", ReceivingAdmin},
		{"535", "", SenderClient},
		{"550", "", Sender},
		{"554", "", SendingAdmin},
		{"", "5.1.1", Sender},
		{"", "4.4.7", Wait},
	} {
		if got := WhoActs(tc.basic, tc.enhanced); got != tc.want {
			t.Errorf("WhoActs(%q, %q) = %s, want %s", tc.basic, tc.enhanced, got, tc.want)
		}
	}
}

func TestProvidersNamed(t *testing.T) {
	ps := Providers{
		{ID: "gmail", Hosts: []string{"google.com", "googlemail.com"}, Markers: []string{"gsmtp"}},
		{ID: "microsoft", Hosts: []string{"outlook.com"}, Markers: []string{"Remote Server returned"}},
	}
	for text, want := range map[string]string{
		"550 5.1.1 … - gsmtp":                        "gmail",
		"host gmail-smtp-in.l.google.com[192.0.2.1]": "gmail",
		"mx.example.com said … gsmtpx":               "",
		"notgoogle.com":                              "",
		"Remote Server returned '550 5.1.10'":        "microsoft",
		"outlook.com then google.com":                "microsoft", // the earliest wins
		"google.com.example.net":                     "",          // another domain
		"送信できませんでした（gsmtp）":                          "gmail",
		"x.protection.outlook.com":                   "microsoft",
	} {
		if got := ps.Named(text); got != want {
			t.Errorf("Named(%q) = %q, want %q", text, got, want)
		}
	}
	if !ps[0].HostOf("ASPMX.L.Google.com.") || ps[0].HostOf("google.com.evil.example") {
		t.Error("HostOf")
	}
}
