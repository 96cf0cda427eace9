package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"smtpcodes.dev/internal/smtp"
)

// The provider-response catalogue: the reply lines that real receiving
// systems send, each quoted verbatim from a public source.
//
//	responses/gmail.toml                [[source]], [[line]], [[renamed]]: the facts
//	responses/gmail/no-such-user.md     the explanation of one family, per language
//
// A Line is one verbatim reply. Lines that mean the same thing and need the
// same explanation form a Response (a family), which has one page; its id
// is a stable slug chosen for the meaning, never derived from a code, and a
// renamed id is kept in [[renamed]] so that its old URL redirects. The
// providers themselves are the list in facts/providers.toml.

// Source is where a catalogued line was read.
type Source struct {
	ID        string `toml:"id"`
	URL       string `toml:"url"`
	Title     string `toml:"title"`
	License   string `toml:"license"`
	Retrieved string `toml:"retrieved"` // the date we read it, YYYY-MM-DD
	Version   string `toml:"version"`   // the release or page date the source is of, if known
}

// Line is one reply line a provider sends, verbatim but for the variable
// parts, which are normalised to documented placeholders (192.0.2.1,
// user@example.com, example.com, ID …).
type Line struct {
	ID            string     `toml:"id"`     // stable, unique within the provider: the line's anchor
	Family        string     `toml:"family"` // the Response it belongs to
	Reply         string     `toml:"reply"`
	Basic         string     `toml:"basic"`
	Enhanced      string     `toml:"enhanced"`
	Token         string     `toml:"token"` // the provider's own token in the reply ("TSS04")
	Phase         smtp.Phase `toml:"phase"`
	SourceID      string     `toml:"source"`
	Seen          string     `toml:"seen"` // when the source shows it was sent
	ClassMismatch bool       `toml:"class_mismatch"`
	Note          string     `toml:"note"`

	Source   *Source   `toml:"-"`
	Response *Response `toml:"-"`
}

// Response is a family of lines with one explanation and one page.
type Response struct {
	Provider smtp.Provider
	ID       string
	// Who has to act, and how the provider's use of the enhanced code
	// compares with the registry: "same", "differs", "unregistered", or
	// "none" when its lines carry no enhanced code.
	Who      smtp.Actor
	Registry string
	Lines    []*Line
	Claims   []Claim
	pages    *pageSet
}

// Page returns the family's explanation in lang, or in the source
// language with fallback=true.
func (r *Response) Page(lang string) (p *Page, fallback bool) { return r.pages.in(lang) }

// Has reports whether the explanation exists in lang.
func (r *Response) Has(lang string) bool { _, fallback := r.pages.in(lang); return !fallback }

// Sources returns the distinct sources of the family's lines, in order.
func (r *Response) Sources() []*Source {
	var out []*Source
	for _, l := range r.Lines {
		if !slices.Contains(out, l.Source) {
			out = append(out, l.Source)
		}
	}
	return out
}

// Codes returns the distinct basic and enhanced codes of the family's
// lines, basic codes first, in order.
func (r *Response) Codes() []string {
	var out []string
	for _, l := range r.Lines {
		for _, c := range []string{l.Basic, l.Enhanced} {
			if c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, compareIDs)
	return out
}

// registryKinds are the values of a family's registry key.
var registryKinds = []string{"same", "differs", "unregistered", "none"}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	dateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?$`)
	// Source ids are internal; they may keep the case of the id a source
	// has itself (a paste id).
	sourceIDRE = regexp.MustCompile(`^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$`)
)

// catalogueFile is one responses/<provider>.toml.
type catalogueFile struct {
	Source  []*Source `toml:"source"`
	Line    []*Line   `toml:"line"`
	Renamed []struct {
		Family string `toml:"family"` // the old id
		To     string `toml:"to"`     // the id it now has
	} `toml:"renamed"`
}

// loadResponses reads the catalogue. It runs after the registry is loaded
// (an enhanced code is checked against it) and before code pages (whose
// examples may cite catalogued lines).
func (s *Store) loadResponses(l *loader) error {
	s.responses = map[[2]string]*Response{}
	s.lines = map[[2]string]*Line{}
	s.renamed = map[[2]string]string{}
	files, err := l.group("responses/*")
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range s.Facts.Providers {
		name := "responses/" + p.ID + ".toml"
		buf, err := fs.ReadFile(l.fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a provider the decoder knows, with no catalogued lines yet
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var cf catalogueFile
		if err := decodeStrictBytes(name, buf, &cf); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.addCatalogue(l, p, name, &cf, files); err != nil {
			errs = append(errs, err)
		}
	}
	// Explanations nobody's lines name.
	for key, f := range files {
		errs = append(errs, fmt.Errorf("%s: no line in responses/%s.toml has family %q", l.anyFile(f), path.Dir(key), path.Base(key)))
	}
	if names, _ := fs.Glob(l.fsys, "responses/*.toml"); len(names) > 0 {
		for _, name := range names {
			id := strings.TrimSuffix(path.Base(name), ".toml")
			if _, ok := s.Facts.Providers.Get(id); !ok {
				errs = append(errs, fmt.Errorf("%s: %s is not in facts/providers.toml", name, id))
			}
		}
	}
	return errors.Join(errs...)
}

// addCatalogue checks one provider's file and adds its lines and families.
// files are the explanations not yet claimed, by "provider/family".
func (s *Store) addCatalogue(l *loader, p smtp.Provider, name string, cf *catalogueFile, files map[string]map[string]string) error {
	sources := map[string]*Source{}
	for _, src := range cf.Source {
		switch {
		case !sourceIDRE.MatchString(src.ID):
			return fmt.Errorf("%s: source id %q: want letters, digits and hyphens", name, src.ID)
		case sources[src.ID] != nil:
			return fmt.Errorf("%s: source %s listed twice", name, src.ID)
		case !strings.HasPrefix(src.URL, "https://") && !strings.HasPrefix(src.URL, "http://"):
			return fmt.Errorf("%s: source %s: url %q is not a web address", name, src.ID, src.URL)
		case strings.TrimSpace(src.Title) == "" || strings.TrimSpace(src.License) == "":
			return fmt.Errorf("%s: source %s needs a title and a license", name, src.ID)
		case !dateRE.MatchString(src.Retrieved):
			return fmt.Errorf("%s: source %s: retrieved %q is not a date (YYYY-MM-DD)", name, src.ID, src.Retrieved)
		}
		sources[src.ID] = src
	}
	families := map[string]*Response{}
	replies := map[string]string{}
	for _, ln := range cf.Line {
		where := fmt.Sprintf("%s: line %s", name, ln.ID)
		if err := s.checkLine(ln); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if _, dup := s.lines[[2]string{p.ID, ln.ID}]; dup {
			return fmt.Errorf("%s: id used twice", where)
		}
		if other, dup := replies[ln.Reply]; dup {
			return fmt.Errorf("%s: the same reply as line %s", where, other)
		}
		replies[ln.Reply] = ln.ID
		ln.Source = sources[ln.SourceID]
		if ln.Source == nil {
			return fmt.Errorf("%s: source %q is not a [[source]] of the file", where, ln.SourceID)
		}
		r := families[ln.Family]
		if r == nil {
			r = &Response{Provider: p, ID: ln.Family}
			families[ln.Family] = r
		}
		ln.Response = r
		r.Lines = append(r.Lines, ln)
		s.lines[[2]string{p.ID, ln.ID}] = ln
	}
	for _, rn := range cf.Renamed {
		if families[rn.To] == nil || families[rn.Family] != nil {
			return fmt.Errorf("%s: renamed %q to %q: the new id must be a family and the old one must not", name, rn.Family, rn.To)
		}
		s.renamed[[2]string{p.ID, rn.Family}] = rn.To
	}
	ids := make([]string, 0, len(families))
	for id := range families {
		ids = append(ids, id)
	}
	// By code, then by id: the ids come from a map, and families whose
	// first lines share a code must not come out in a new order on every
	// start (the provider pages, the dataset and the export would change).
	slices.SortFunc(ids, func(a, b string) int {
		if c := compareLines(families[a].Lines[0], families[b].Lines[0]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, id := range ids {
		r := families[id]
		key := p.ID + "/" + id
		f, ok := files[key]
		delete(files, key)
		if !ok {
			return fmt.Errorf("%s: family %q has no explanation (responses/%s.md)", name, id, key)
		}
		fm, pages, err := l.pages(f, responseSpec)
		if err == nil {
			err = r.check(fm, s)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f[l.src], err)
		}
		r.Who, r.Registry, r.Claims, r.pages = smtp.Actor(fm.Who), fm.Registry, fm.Claims, pages
		s.responses[[2]string{p.ID, id}] = r
		s.responseList = append(s.responseList, r)
	}
	return nil
}

// check validates a family's front matter against its lines.
func (r *Response) check(fm *frontMatter, s *Store) error {
	if fm.Provider != r.Provider.ID || fm.Family != r.ID {
		return fmt.Errorf("front matter says %s/%s, the file name says %s/%s", fm.Provider, fm.Family, r.Provider.ID, r.ID)
	}
	if !slugRE.MatchString(r.ID) {
		return fmt.Errorf("family id %q: want a lowercase slug", r.ID)
	}
	if !smtp.Actor(fm.Who).Valid() {
		return fmt.Errorf("who = %q: want one of %v", fm.Who, smtp.Actors)
	}
	if !slices.Contains(registryKinds, fm.Registry) {
		return fmt.Errorf("registry = %q: want one of %v", fm.Registry, registryKinds)
	}
	enhanced, registered := 0, 0
	for _, ln := range r.Lines {
		if ln.Enhanced == "" {
			continue
		}
		enhanced++
		if _, ok := s.Facts.entry("X" + ln.Enhanced[1:]); ok {
			registered++
		}
	}
	switch {
	case fm.Registry == "none" && enhanced > 0:
		return fmt.Errorf("registry = \"none\", but lines carry enhanced codes")
	case fm.Registry != "none" && enhanced == 0:
		return fmt.Errorf("registry = %q, but no line carries an enhanced code (want \"none\")", fm.Registry)
	case fm.Registry == "unregistered" && registered == enhanced:
		return fmt.Errorf("registry = \"unregistered\", but every enhanced code of its lines is in the registry")
	case (fm.Registry == "same" || fm.Registry == "differs") && registered == 0:
		return fmt.Errorf("registry = %q, but no enhanced code of its lines is in the registry (want \"unregistered\")", fm.Registry)
	}
	return checkClaims(fm.Claims)
}

// checkLine checks a line's codes against its reply text.
func (s *Store) checkLine(ln *Line) error {
	switch {
	case !slugRE.MatchString(ln.ID):
		return fmt.Errorf("id: want a lowercase slug")
	case !slugRE.MatchString(ln.Family):
		return fmt.Errorf("family %q: want a lowercase slug", ln.Family)
	case strings.TrimSpace(ln.Reply) != ln.Reply || ln.Reply == "" || strings.ContainsAny(ln.Reply, "\r\n"):
		return fmt.Errorf("reply must be one line without surrounding space")
	case !smtp.IsBasic(ln.Basic):
		return fmt.Errorf("basic = %q is not a reply code", ln.Basic)
	case !strings.HasPrefix(ln.Reply, ln.Basic) || len(ln.Reply) > 3 && ln.Reply[3] != ' ' && ln.Reply[3] != '-':
		return fmt.Errorf("basic = %s, but the reply starts %q", ln.Basic, first(ln.Reply, 8))
	case ln.Phase != "" && !ln.Phase.Valid():
		return fmt.Errorf("phase %q is not a phase", ln.Phase)
	case ln.Seen != "" && !dateRE.MatchString(ln.Seen):
		return fmt.Errorf("seen = %q is not a date", ln.Seen)
	}
	if ln.Enhanced != "" {
		if !smtp.IsEnhanced(ln.Enhanced) {
			return fmt.Errorf("enhanced = %q does not parse as an enhanced status code", ln.Enhanced)
		}
		if !containsCode(ln.Reply[3:], ln.Enhanced) {
			return fmt.Errorf("enhanced = %s is not in the reply", ln.Enhanced)
		}
		if mismatch := smtp.Class(ln.Basic) != smtp.Class(ln.Enhanced); mismatch != ln.ClassMismatch {
			if mismatch {
				return fmt.Errorf("basic %s and enhanced %s are of different classes: set class_mismatch = true only if the provider really sends them so", ln.Basic, ln.Enhanced)
			}
			return fmt.Errorf("class_mismatch = true, but %s and %s are of one class", ln.Basic, ln.Enhanced)
		}
	} else if ln.ClassMismatch {
		return fmt.Errorf("class_mismatch = true without an enhanced code")
	}
	return nil
}

// containsCode reports whether text holds code as a whole number: not
// inside a longer dotted number ("5.1.1" is not in "15.1.12").
func containsCode(text, code string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], code)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(code)
		before := i == 0 || !isCodeByte(text[i-1])
		after := end == len(text) || !isCodeByte(text[end]) || text[end] == '.' && (end+1 == len(text) || !isCodeByte(text[end+1]))
		if before && after {
			return true
		}
		off = i + 1
	}
}

func isCodeByte(c byte) bool { return c == '.' || '0' <= c && c <= '9' }

func first(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// compareLines orders lines by basic code, then enhanced code.
func compareLines(a, b *Line) int {
	if c := compareIDs(a.Basic, b.Basic); c != 0 {
		return c
	}
	switch {
	case a.Enhanced == b.Enhanced:
		return 0
	case a.Enhanced == "":
		return -1
	case b.Enhanced == "":
		return 1
	}
	return compareIDs(a.Enhanced, b.Enhanced)
}

// Responses returns every family, by provider in the order of
// facts/providers.toml, then by code.
func (s *Store) Responses() []*Response { return slices.Clone(s.responseList) }

// ProviderResponses returns the families of one provider, by code.
func (s *Store) ProviderResponses(provider string) []*Response {
	var out []*Response
	for _, r := range s.responseList {
		if r.Provider.ID == provider {
			out = append(out, r)
		}
	}
	return out
}

// Response returns a family by provider and id. renamed is set (with the
// family under its new id) when id is an old name of it.
func (s *Store) Response(provider, id string) (r *Response, renamed bool, ok bool) {
	if r, ok := s.responses[[2]string{provider, id}]; ok {
		return r, false, true
	}
	if to, ok := s.renamed[[2]string{provider, id}]; ok {
		return s.responses[[2]string{provider, to}], true, true
	}
	return nil, false, false
}

// Line returns a catalogued line by provider and line id.
func (s *Store) Line(provider, id string) (*Line, bool) {
	l, ok := s.lines[[2]string{provider, id}]
	return l, ok
}

// Lines returns every catalogued line, by provider, then by code.
func (s *Store) Lines() []*Line {
	var out []*Line
	for _, r := range s.responseList {
		out = append(out, r.Lines...)
	}
	return out
}

// ResponsesWith returns the families with a line carrying the code (basic
// or enhanced), in catalogue order.
func (s *Store) ResponsesWith(code string) []*Response {
	var out []*Response
	for _, r := range s.responseList {
		for _, l := range r.Lines {
			if l.Basic == code || l.Enhanced == code {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Matching a reply to the catalogue.
//
// A reply a reader pastes differs from its catalogued line in its variable
// parts (addresses, IP addresses, host names, ids) and in how it was
// wrapped. Both are reduced to the same words: lower case, punctuation
// dropped, and every variable part replaced by a placeholder word. A
// catalogued line matches when its words stand in the reply's, in order
// and together (the reply may add a tail, such as Gmail's id and "gsmtp"),
// or when the reply's words are the start of the line's (a cut reply).
// A line with the provider's own token (TSS04) matches a reply that
// carries the token and the same codes.

// matchKey is a line's text as compared.
type matchKey struct {
	line  *Line
	words []string
}

var (
	addrMatchRE = regexp.MustCompile(`[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	ipMatchRE   = regexp.MustCompile(`\b[0-9]{1,3}(?:\.[0-9]{1,3}){3}\b|\b[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\b`)
	hostMatchRE = regexp.MustCompile(`\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b`)
	wordMatchRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)
)

// matchWords reduces a reply's text (after its codes) to the words it is
// compared by.
func matchWords(text string) []string {
	text = addrMatchRE.ReplaceAllString(text, " zaddr ")
	text = ipMatchRE.ReplaceAllString(text, " zip ")
	text = hostMatchRE.ReplaceAllStringFunc(text, func(h string) string {
		if strings.Count(h, ".") >= 1 && strings.ContainsAny(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return " zhost "
		}
		return h
	})
	var words []string
	for _, w := range wordMatchRE.FindAllString(strings.ToLower(text), -1) {
		if isID(w) {
			w = "zid"
		}
		words = append(words, w)
	}
	return words
}

// isID reports whether a word is an identifier rather than a word: the
// catalogue's placeholder "ID", or a long run of letters and digits mixed.
func isID(w string) bool {
	if w == "id" {
		return true
	}
	if len(w) < 8 {
		return false
	}
	letters, digits := 0, 0
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z':
			letters++
		}
	}
	return digits > 0 && letters > 0 || digits >= 8
}

// replyText is a line's reply after its codes.
func (ln *Line) replyText() string {
	t := strings.TrimLeft(ln.Reply[3:], " -")
	if ln.Enhanced != "" {
		t = strings.TrimPrefix(t, ln.Enhanced)
	}
	return t
}

// indexLines builds the index Match uses, on its first use: the server
// needs it only when a reader decodes a bounce.
func (s *Store) indexLines() {
	s.matchKeys = map[string][]matchKey{}
	for _, r := range s.responseList {
		for _, ln := range r.Lines {
			s.matchKeys[ln.Basic] = append(s.matchKeys[ln.Basic], matchKey{line: ln, words: matchWords(ln.replyText())})
		}
	}
}

// Match returns the catalogued line a reply is, or nil: its basic code
// and, when both have one, its enhanced code must be the line's. provider
// is the id of the provider the reply is known to come from, "" when
// unknown: a known provider's reply is only ever its own line (another
// provider's line with the same words would name the wrong sender). text
// is the reply after its codes.
func (s *Store) Match(provider, basic, enhanced, text string) *Line {
	s.indexOnce.Do(s.indexLines)
	keys := s.matchKeys[basic]
	if len(keys) == 0 || text == "" {
		return nil
	}
	words := matchWords(text)
	var best *Line
	bestScore := 0
	for _, k := range keys {
		ln := k.line
		if enhanced != "" && ln.Enhanced != "" && enhanced != ln.Enhanced {
			continue
		}
		if provider != "" && provider != ln.Response.Provider.ID {
			continue
		}
		score := 0
		switch {
		case ln.Token != "" && containsWord(text, ln.Token):
			score = 1000 + len(k.words)
		case len(k.words) >= 3 && containsRun(words, k.words):
			score = 100 + len(k.words)
		case len(words) >= 6 && len(words) < len(k.words) && slices.Equal(words, k.words[:len(words)]):
			score = 50 + len(words) // the reply was cut
		}
		if score == 0 {
			continue
		}
		if score > bestScore {
			best, bestScore = ln, score
		}
	}
	return best
}

// containsRun reports whether needle stands in hay, word for word.
func containsRun(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if slices.Equal(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

// containsWord reports whether text holds w not inside a longer word.
func containsWord(text, w string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], w)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(w)
		if (i == 0 || !isWordByte(text[i-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		off = i + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// RenamedFrom returns the old ids of a family, which redirect to it.
func (s *Store) RenamedFrom(r *Response) []string {
	var old []string
	for k, to := range s.renamed {
		if k[0] == r.Provider.ID && to == r.ID {
			old = append(old, k[1])
		}
	}
	slices.Sort(old)
	return old
}

// MatchLine is Match for the decoder: the catalogued line's provider,
// family and id.
func (s *Store) MatchLine(provider, basic, enhanced, text string) (providerID, family, line string, ok bool) {
	ln := s.Match(provider, basic, enhanced, text)
	if ln == nil {
		return "", "", "", false
	}
	return ln.Response.Provider.ID, ln.Response.ID, ln.ID, true
}
