package decode

import (
	"strings"
	"testing"
)

// The sentences around the reply that Microsoft's localized figures of a
// report show (see labels.go for the source); where none is known, reports
// keep the English one, as the real French and Italian ones do.
var returnedSentences = map[string]string{
	"de":      "Remoteserver hat „{reply}“ zurückgegeben.",
	"es":      "El servidor remoto devolvió “{reply}”",
	"pt":      "O Servidor Remoto retornou “{reply}”",
	"it":      "Il server remoto ha restituito l’errore “{reply}”",
	"fr":      "Le serveur distant a renvoyé '{reply}'",
	"ja":      "リモート サーバーが '{reply}' を返しました。",
	"zh-Hans": "远程服务器返回了“{reply}”",
	"ru":      "Удаленный сервер возвратил ошибку “{reply}”",
}

// A report in each language its labels are known in: the reply inside is
// found with its recipient, the generating server names the provider, and
// the returned original's headers after the localized heading are not
// read. The reply has no enhanced code, so the quotes alone must show it.
func TestLocalizedReports(t *testing.T) {
	for _, l := range exchangeLabels {
		t.Run(l.lang, func(t *testing.T) {
			sentence := returnedSentences[l.lang]
			if sentence == "" {
				sentence = "Remote Server returned '{reply}'"
			}
			var b strings.Builder
			b.WriteString(l.heading[0] + ":\n\n")
			if len(l.generator) > 0 {
				b.WriteString(l.generator[0] + ": AM0PR01MB1234.eurprd01.prod.outlook.com\n\n")
			}
			b.WriteString("bob@example.com\n")
			b.WriteString(strings.Replace(sentence, "{reply}", "550 Requested action not taken: mailbox unavailable", 1) + "\n\n")
			b.WriteString(l.original[0] + ":\n\nReceived: from mail.example.org\nSubject: 554 5.7.1 not this\n\n452 4.2.2 nor this\n")
			got := testDecoder.Decode(b.String())
			if len(got) != 1 {
				t.Fatalf("findings %+v in\n%s", got, b.String())
			}
			f := got[0]
			if f.Basic != "550" || f.Text != "Requested action not taken: mailbox unavailable" || f.Recipient != "bob@example.com" {
				t.Errorf("finding %+v", f)
			}
			if want := "microsoft"; len(l.generator) > 0 && f.Provider != want {
				t.Errorf("provider %q, want %q (the generating server's)", f.Provider, want)
			}
		})
	}
}
