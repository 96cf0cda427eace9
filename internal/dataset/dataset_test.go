package dataset

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

// A reply with the characters CSV quotes comes back verbatim, and a
// record's several sources share one cell.
func TestCSVQuoting(t *testing.T) {
	reply := `550 5.7.1 "Blocked", see https://example.com/?a=1,b=2`
	d := &Dataset{Responses: []Line{{
		Provider: "gmail", Family: "blocked", ID: "blocked-1", Reply: reply, Basic: "550", Enhanced: "5.7.1",
		Sources: []Source{{Kind: "web", Title: "A page, quoted", URL: "https://example.com/page", License: "CC BY 4.0", Retrieved: "2026-12-02"}},
		Text:    map[string]*Text{"ja": {Lang: "en", Title: "Blocked", URLs: []string{"https://smtp.example/providers/gmail/blocked?lang=ja#line-blocked-1"}}},
	}}}
	table := Tables()[slices.IndexFunc(Tables(), func(t Table) bool { return t.Name == "responses.csv" })]
	out, err := d.CSV(table, "ja")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rows[1]) != len(table.Header) {
		t.Fatalf("rows %q", rows)
	}
	row := map[string]string{}
	for i, h := range table.Header {
		row[h] = rows[1][i]
	}
	if row["reply"] != reply || row["source_title"] != "A page, quoted" || row["text_lang"] != "en" || row["license"] != "CC BY 4.0" {
		t.Errorf("row %v", row)
	}
	if !strings.Contains(string(out), "\r\n") {
		t.Error("no CRLF line ends")
	}

	cells, urls := sourceCells([]Source{rfcSource("RFC 5321", "4.2.3"), rfcSource("RFC 3463", ""), rfcSource("draft-levine-mailbomb-header-00", "")})
	if cells != "RFC 5321 §4.2.3 | RFC 3463 | draft-levine-mailbomb-header-00" ||
		urls != "https://www.rfc-editor.org/rfc/rfc5321#section-4.2.3 | https://www.rfc-editor.org/rfc/rfc3463 | https://datatracker.ietf.org/doc/draft-levine-mailbomb-header-00/" {
		t.Errorf("sources %q, urls %q", cells, urls)
	}
}

// Every table has a header without duplicates, and the JSON is not
// HTML-escaped (reply lines keep < and >).
func TestTablesAndJSON(t *testing.T) {
	for _, table := range Tables() {
		seen := map[string]bool{}
		for _, h := range table.Header {
			if seen[h] || h == "" {
				t.Errorf("%s: column %q twice or empty", table.Name, h)
			}
			seen[h] = true
		}
	}
	d := &Dataset{Codes: []Code{{Code: "220", Defs: []Def{{Ref: "RFC 5321 §4.2.3", Reply: "<domain> Service ready"}}}}}
	out, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"reply": "<domain> Service ready"`) {
		t.Errorf("JSON %s", out)
	}
}
