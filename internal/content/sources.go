package content

import (
	"fmt"
	"strings"
)

// Example says where an example reply of a page comes from. A page's
// [[example]] entries stand, in order, for the fenced code blocks of its
// examples section, one each: every example is either sourced or marked
// illustrative, and the page and the JSON API say which.
type Example struct {
	// Response cites a catalogued line, "provider/line-id": the catalogue
	// holds its source.
	Response string `toml:"response"`
	// Source is the address of a public source that shows the reply (a
	// page, or an MTA's source file at a release), Title says what it is
	// ("Postfix 3.11.6 source, smtpd_check.c").
	Source string `toml:"source"`
	Title  string `toml:"title"`
	// Illustrative marks wording composed to show the shape of a reply
	// (often from the registry or the RFC), which no source records.
	Illustrative bool `toml:"illustrative"`

	Line *Line `toml:"-"` // the catalogued line Response names
}

// Claim records what a statement about real software rests on (a server's
// default, a provider's wording), so that it can be checked again when the
// software changes. The page's text names the version or date; the claim
// says where it was checked.
type Claim struct {
	About   string `toml:"about"`   // the software and the version or date it holds for: "Postfix 3.0 and later"
	Source  string `toml:"source"`  // where it was checked
	Title   string `toml:"title"`   // what the source is
	Checked string `toml:"checked"` // when, YYYY-MM-DD
}

func checkClaims(claims []Claim) error {
	for i, c := range claims {
		switch {
		case strings.TrimSpace(c.About) == "" || strings.TrimSpace(c.Title) == "":
			return fmt.Errorf("claim %d needs about and title", i+1)
		case !strings.HasPrefix(c.Source, "https://") && !strings.HasPrefix(c.Source, "http://"):
			return fmt.Errorf("claim %d: source %q is not a web address", i+1, c.Source)
		case !dateRE.MatchString(c.Checked):
			return fmt.Errorf("claim %d: checked %q is not a date (YYYY-MM-DD)", i+1, c.Checked)
		}
	}
	return nil
}

// checkExamples resolves a page's examples and checks there is one per
// code block of its examples section.
func (s *Store) checkExamples(examples []Example, blocks int) error {
	if len(examples) != blocks {
		return fmt.Errorf("%d [[example]] entries for %d example code blocks: give each block its source, or illustrative = true", len(examples), blocks)
	}
	for i := range examples {
		e := &examples[i]
		kinds := 0
		if e.Response != "" {
			kinds++
			provider, id, _ := strings.Cut(e.Response, "/")
			l, ok := s.Line(provider, id)
			if !ok {
				return fmt.Errorf("example %d: response %q is not a catalogued line (provider/line-id)", i+1, e.Response)
			}
			e.Line = l
		}
		if e.Source != "" {
			kinds++
			if !strings.HasPrefix(e.Source, "https://") && !strings.HasPrefix(e.Source, "http://") || strings.TrimSpace(e.Title) == "" {
				return fmt.Errorf("example %d: source needs a web address and a title", i+1)
			}
		} else if e.Title != "" {
			return fmt.Errorf("example %d: title without source", i+1)
		}
		if e.Illustrative {
			kinds++
		}
		if kinds != 1 {
			return fmt.Errorf("example %d: give exactly one of response, source or illustrative = true", i+1)
		}
	}
	return nil
}

// ExampleCount counts the examples of the site: sourced (by a catalogued
// line or a source) and illustrative.
func (s *Store) ExampleCount() (sourced, illustrative int) {
	seen := map[*Page]bool{}
	for _, c := range s.codes {
		if seen[c.pages.source] {
			continue // one enhanced source serves several classes
		}
		seen[c.pages.source] = true
		for _, e := range c.Examples {
			if e.Illustrative {
				illustrative++
			} else {
				sourced++
			}
		}
	}
	return sourced, illustrative
}
