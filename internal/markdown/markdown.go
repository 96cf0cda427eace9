// Package markdown turns the body of a content file into sections of HTML.
//
// A body is a sequence of sections, each introduced by a marker line
// "::: id" (an ASCII id such as "description" or "fix-sender"). The id is the
// section's stable anchor; headings belong to the templates, so a body carries
// none for its sections. Each section is rendered on its own with one goldmark
// instance configured once: CommonMark plus tables, no raw HTML (content is
// trusted, but escaping it anyway keeps the rendered output safe to embed).
//
// Each section also keeps its markdown source, for the pages' markdown
// twins, and AfterBlocks inserts text after a source's code blocks as the
// HTML pages insert captions.
//
// This is the one place where HTML is asserted to be safe: a Section's HTML
// is a template.HTML that templates and the JSON API use as it is, and
// Paragraph makes the same kind of value from plain text. Nothing else in
// the site converts a string to template.HTML.
//
// The package knows nothing of HTTP, languages or the site's code model.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Section is one rendered section of a body.
type Section struct {
	ID   string
	HTML template.HTML // rendered HTML, safe to embed
	Text string        // plain text of the section, whitespace folded (for search and summaries)
	// Source is the section's markdown as written, without its marker line
	// and the blank lines around it: the markdown twins of pages emit it
	// rather than convert the HTML back.
	Source string
	// Code holds the contents of the section's fenced code blocks, in order.
	// Example replies live there, and they must be identical in every language.
	Code []string
	// Parts is HTML cut at its fenced code blocks: prose, a block, prose,
	// and so on, so that a page can say something after each block (where
	// an example comes from). Joined, the parts are HTML.
	Parts []Part
}

// Part is a piece of a section's HTML: one fenced code block, or the prose
// between blocks.
type Part struct {
	HTML template.HTML
	Code bool
}

// Renderer renders bodies. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// New returns a Renderer.
func New() *Renderer {
	return &Renderer{md: goldmark.New(goldmark.WithExtensions(extension.Table))}
}

var markerRE = regexp.MustCompile(`^::: ([a-z][a-z0-9-]*)\s*$`)

// Sections splits body at its marker lines and renders each section.
// Text before the first marker must be blank; an id may appear only once.
func (r *Renderer) Sections(body []byte) ([]Section, error) {
	// A section's Source and ID are slices of one copy of the body, not
	// copies of their own: every language's bodies stay in memory, and any
	// substring kept (the ID is one) keeps the whole copy alive anyway.
	whole := string(body)
	type raw struct {
		id         string
		line       int
		start, end int // the section's source: whole[start:end]
	}
	var parts []raw
	inFence := ""
	offset := 0
	for i, line := range strings.SplitAfter(whole, "\n") {
		offset += len(line) // where the next line starts
		trimmed := strings.TrimRight(line, "\r\n")
		if inFence == "" {
			inFence = fenceOf(trimmed)
		} else if closesFence(trimmed, inFence) {
			inFence = ""
		}
		if inFence == "" {
			if m := markerRE.FindStringSubmatch(trimmed); m != nil {
				for _, p := range parts {
					if p.id == m[1] {
						return nil, fmt.Errorf("line %d: section %q repeated (first at line %d)", i+1, m[1], p.line)
					}
				}
				parts = append(parts, raw{id: m[1], line: i + 1, start: offset, end: offset})
				continue
			}
			if strings.HasPrefix(trimmed, ":::") {
				return nil, fmt.Errorf("line %d: malformed section marker %q (want \"::: id\")", i+1, trimmed)
			}
		}
		if len(parts) == 0 {
			if strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("line %d: text before the first section marker", i+1)
			}
			continue
		}
		// A section's lines follow each other: it ends where its last
		// line ends.
		parts[len(parts)-1].end = offset
	}
	if inFence != "" {
		return nil, fmt.Errorf("unclosed code fence %q", inFence)
	}
	sections := make([]Section, 0, len(parts))
	for _, p := range parts {
		src := whole[p.start:p.end]
		s, err := r.renderParts(src)
		if err != nil {
			return nil, fmt.Errorf("section %q (line %d): %w", p.id, p.line, err)
		}
		if strings.TrimSpace(s.Text) == "" && len(s.Code) == 0 {
			return nil, fmt.Errorf("section %q (line %d) is empty", p.id, p.line)
		}
		s.ID = p.id
		s.Source = strings.Trim(src, "\r\n")
		sections = append(sections, s)
	}
	return sections, nil
}

// fenceOf reports the fence a line opens or closes ("```" or "~~~", possibly
// longer), or "" if it is not a fence line.
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return ""
	}
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		if n >= 3 {
			return t[:n]
		}
	}
	return ""
}

func firstLine(n ast.Node, src []byte) string {
	if link, ok := n.(*ast.AutoLink); ok {
		return "<" + string(link.URL(src)) + ">"
	}
	if raw, ok := n.(*ast.RawHTML); ok && raw.Segments.Len() > 0 {
		seg := raw.Segments.At(0)
		return string(seg.Value(src))
	}
	if n.Lines().Len() > 0 {
		seg := n.Lines().At(0)
		return strings.TrimSpace(string(seg.Value(src)))
	}
	return ""
}

// AfterBlocks returns markdown source with, after its i-th top-level
// fenced code block, the paragraph after(i) gives (none for ""): a page's
// markdown twin says there what the HTML says after the block.
func AfterBlocks(src string, after func(i int) string) string {
	var out strings.Builder
	fence, i := "", 0
	inserted := false // a paragraph was just inserted: it needs a blank line after it
	for _, line := range strings.SplitAfter(src, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if inserted && strings.TrimSpace(trimmed) != "" {
			out.WriteString("\n")
		}
		inserted = false
		out.WriteString(line)
		switch {
		case fence == "":
			fence = fenceOf(trimmed)
		case closesFence(trimmed, fence):
			fence = ""
			if p := after(i); p != "" {
				if !strings.HasSuffix(line, "\n") {
					out.WriteString("\n")
				}
				out.WriteString("\n" + p + "\n")
				inserted = true
			}
			i++
		}
	}
	return strings.TrimRight(out.String(), "\n")
}

// closesFence reports whether line closes a block opened by fence: the same
// character, at least as many times, and nothing else (CommonMark §4.5).
func closesFence(line, fence string) bool {
	t := strings.TrimSpace(line)
	return len(t) >= len(fence) && strings.Trim(t, fence[:1]) == ""
}

// renderParts renders src cut at its top-level fenced code blocks, each
// piece on its own, and joins them into the section. Rendering the pieces
// is the same as rendering the whole: a fence at the start of a line
// closes any paragraph before it.
func (r *Renderer) renderParts(src string) (Section, error) {
	var out Section
	var pieces []string // each part's HTML
	var text []string
	var chunk strings.Builder
	flush := func(code bool) error {
		if strings.TrimSpace(chunk.String()) == "" {
			chunk.Reset()
			return nil
		}
		s, err := r.render([]byte(chunk.String()))
		chunk.Reset()
		if err != nil {
			return err
		}
		out.Parts = append(out.Parts, Part{Code: code})
		pieces = append(pieces, string(s.HTML))
		if s.Text != "" {
			text = append(text, s.Text)
		}
		out.Code = append(out.Code, s.Code...)
		return nil
	}
	fence := ""
	for _, line := range strings.SplitAfter(src, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		switch {
		case fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			if err := flush(false); err != nil {
				return Section{}, err
			}
			fence = fenceOf(trimmed)
			chunk.WriteString(line)
		case fence != "" && closesFence(trimmed, fence):
			chunk.WriteString(line)
			fence = ""
			if err := flush(true); err != nil {
				return Section{}, err
			}
		default:
			chunk.WriteString(line)
		}
	}
	if err := flush(fence != ""); err != nil {
		return Section{}, err
	}
	// The whole is allocated at its size (a builder grown by doubling
	// would keep its spare capacity for the life of the server), and the
	// parts are slices of it, not copies: with every language loaded the
	// HTML would otherwise be held twice.
	out.HTML = template.HTML(strings.Join(pieces, ""))
	start := 0
	for i, p := range pieces {
		out.Parts[i].HTML = out.HTML[start : start+len(p)]
		start += len(p)
	}
	out.Text = strings.Join(text, " ")
	return out, nil
}

func (r *Renderer) render(src []byte) (Section, error) {
	doc := r.md.Parser().Parse(text.NewReader(src))
	var html bytes.Buffer
	if err := r.md.Renderer().Render(&html, src, doc); err != nil {
		return Section{}, err
	}
	var plain strings.Builder
	var code []string
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				plain.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock, *ast.AutoLink:
			// goldmark would silently drop raw HTML, and turn <a@b.example>
			// into a mailto link. In this content both are nearly always a
			// placeholder like <domain> or a reply quoted literally.
			return ast.WalkStop, fmt.Errorf("raw HTML or <placeholder> at %q: write it as inline code or escape the < as \\<", firstLine(n, src))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			var b strings.Builder
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			if _, fenced := n.(*ast.FencedCodeBlock); fenced {
				code = append(code, b.String())
			}
			plain.WriteString(b.String())
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			plain.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				plain.WriteByte(' ')
			}
		case *ast.String:
			plain.Write(n.Value)
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return Section{}, err
	}
	return Section{HTML: template.HTML(html.String()), Text: strings.Join(strings.Fields(plain.String()), " "), Code: code}, nil
}

// Paragraph returns plain text as one paragraph of HTML, escaped: for text
// the site generates (from UI messages) where a section of content would
// otherwise be.
func Paragraph(text string) template.HTML {
	return template.HTML("<p>" + template.HTMLEscapeString(text) + "</p>\n")
}
