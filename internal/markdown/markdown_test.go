package markdown

import (
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
