package site

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// /llms.txt follows the llms.txt convention (an H1, a blockquote, H2
// sections of link lists), lists every language's twins, and every URL it
// lists answers.
func TestLLMsTxt(t *testing.T) {
	t.Parallel()
	s, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	res := do(t, s, "GET", "/llms.txt", nil)
	if res.status != 200 || res.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("GET /llms.txt: %d %s", res.status, res.header.Get("Content-Type"))
	}
	if strings.Contains(strings.Join(res.header.Values("Vary"), " "), "Cookie") {
		t.Errorf("llms.txt varies with the language: %v", res.header.Values("Vary"))
	}
	lines := strings.Split(res.body, "\n")
	if !strings.HasPrefix(lines[0], "# SMTP Reply Codes") || !slicesHasPrefix(lines, "> ") {
		t.Errorf("llms.txt does not start with an H1 and a blockquote:\n%.300s", res.body)
	}
	for _, l := range s.Locales().Langs() {
		if !strings.Contains(res.body, "\n## "+l.Name+"\n") {
			t.Errorf("llms.txt has no section for %s (%s)", l.Code, l.Name)
		}
		for _, twin := range []string{"/codes.md?lang=" + l.Code, "/providers/gmail.md?lang=" + l.Code} {
			if !strings.Contains(res.body, "(https://smtp.example"+twin+")") {
				t.Errorf("llms.txt does not list %s", twin)
			}
		}
	}
	links := regexp.MustCompile(`(?m)^- \[[^\]]+\]\((https://smtp\.example[^)]*)\)$`).FindAllStringSubmatch(res.body, -1)
	if len(links) < 10 {
		t.Fatalf("llms.txt lists %d links", len(links))
	}
	for _, m := range links {
		u, _ := url.Parse(m[1])
		if got := do(t, s, "GET", u.RequestURI(), nil); got.status != 200 {
			t.Errorf("llms.txt lists %s: %d", m[1], got.status)
		}
	}
}

func slicesHasPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
