package markdown

import (
	"fmt"
	"strings"
	"testing"
)

func TestSections(t *testing.T) {
	body := "\n::: description\nSome *text* and `code`.\n\n::: examples\nA reply:\n\n```text\n::: not a marker inside a fence\n421 4.7.0 Try later\n```\n"
	secs, err := New().Sections([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].ID != "description" || secs[1].ID != "examples" {
		t.Fatalf("sections = %+v", secs)
	}
	if !strings.Contains(string(secs[0].HTML), "<em>text</em>") || secs[0].Text != "Some text and code." {
		t.Errorf("description = %q / %q", secs[0].HTML, secs[0].Text)
	}
	if len(secs[1].Code) != 1 || secs[1].Code[0] != "::: not a marker inside a fence\n421 4.7.0 Try later\n" {
		t.Errorf("examples code = %q", secs[1].Code)
	}
	// The source is kept as written, without the marker and the blank
	// lines around it.
	if secs[0].Source != "Some *text* and `code`." || secs[1].Source != "A reply:\n\n```text\n::: not a marker inside a fence\n421 4.7.0 Try later\n```" {
		t.Errorf("sources = %q, %q", secs[0].Source, secs[1].Source)
	}
}

// AfterBlocks puts a paragraph after each top-level fenced block, and
// none where the callback gives none; text right after a block stays a
// paragraph of its own.
func TestAfterBlocks(t *testing.T) {
	src := "Two replies:\n\n```text\n421 Try later\n~~~\n```\n\nand\n\n~~~\n550 No\n~~~\n```\n221 Bye\n```\nthen"
	got := AfterBlocks(src, func(i int) string {
		if i == 1 {
			return ""
		}
		return fmt.Sprintf("Block %d.", i)
	})
	want := "Two replies:\n\n```text\n421 Try later\n~~~\n```\n\nBlock 0.\n\nand\n\n~~~\n550 No\n~~~\n```\n221 Bye\n```\n\nBlock 2.\n\nthen"
	if got != want {
		t.Errorf("AfterBlocks = %q, want %q", got, want)
	}
}

func TestSectionErrors(t *testing.T) {
	tests := map[string]string{
		"text before marker": "hello\n::: description\nx\n",
		"repeated id":        "::: a\nx\n::: a\ny\n",
		"malformed marker":   "::: Description\nx\n",
		"empty section":      "::: a\n\n::: b\nx\n",
		"unclosed fence":     "::: a\n```\nx\n",
		"raw html":           "::: a\nThe <domain> greets.\n",
		"autolink":           "::: a\nMail <user@example.com> now.\n",
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New().Sections([]byte(body)); err == nil {
				t.Errorf("Sections(%q) succeeded, want an error", body)
			}
		})
	}
}

func TestParagraph(t *testing.T) {
	if got := Paragraph(`550 <user@example.com> & "x"`); got != "<p>550 &lt;user@example.com&gt; &amp; &#34;x&#34;</p>\n" {
		t.Errorf("Paragraph = %q", got)
	}
}

// A section's parts are its HTML cut at each code block.
func TestParts(t *testing.T) {
	secs, err := New().Sections([]byte("::: examples\nGmail:\n\n```text\n550 5.1.1 No\n```\n\nPostfix:\n```\n550 5.1.1 <x>: Nope\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	var joined strings.Builder
	var kinds []bool
	for _, p := range secs[0].Parts {
		joined.WriteString(string(p.HTML))
		kinds = append(kinds, p.Code)
	}
	if fmt.Sprint(kinds) != "[false true false true]" {
		t.Errorf("parts are code %v, want prose, code, prose, code", kinds)
	}
	if joined.String() != string(secs[0].HTML) {
		t.Errorf("joined parts:\n%s\nwhole section:\n%s", joined.String(), secs[0].HTML)
	}
}
