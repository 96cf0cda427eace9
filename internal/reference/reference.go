// Package reference answers typed questions about SMTP codes (what does
// 421 mean, how do 550 and 5.1.1 differ, what does this bounce say) for the
// tools that are not browsers: the MCP server and the explain command.
//
// # The model: a client of the site's own JSON API, in-process
//
// A Client holds the site's http.Handler and calls it in-process, as a
// browser would call the server, with a recorded response instead of a
// socket: GET /codes/{code}.json?lang=, /compare/{a}-vs-{b}.json,
// /codes.json, /search.json, /providers.json, /providers/{p}/{id}.json and
// POST /api/decode. It decodes the answers into the typed structs below,
// whose JSON tags are the API's documented field names. So every tool
// gives the facts the pages give, from the same immutable store, with the
// same localized text, URLs and sources, and nothing here re-derives a
// fact: the JSON API is already the stable contract, and the one place
// that turns the store into answers stays the site. Calling the handler
// rather than the site's view builders also keeps the import direction
// (main -> reference and site, never reference -> site).
//
// The language is checked here, before the request: the site silently
// ignores an unsupported ?lang (a link must never break), while a tool
// should be told it asked for a language the site does not have.
package reference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"

	"smtpcodes.dev/internal/decode"
	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/smtp"
)

// ErrNotFound is wrapped by the error for a code, comparison or provider
// response the reference has no page for.
var ErrNotFound = errors.New("not found")

// ErrNotCode is wrapped by the error for an argument that is not shaped
// like a reply code at all.
var ErrNotCode = errors.New("not an SMTP reply code")

// Client asks the site. It holds no state of its own; it is safe for
// concurrent use as the handler is.
type Client struct {
	h     http.Handler
	langs *locale.Set
}

// New returns a Client of the site served by h, whose languages are langs.
func New(h http.Handler, langs *locale.Set) *Client {
	return &Client{h: h, langs: langs}
}

// Langs returns the codes of the site's languages, the default first.
func (c *Client) Langs() []string {
	var out []string
	for _, l := range c.langs.Langs() {
		out = append(out, l.Code)
	}
	return out
}

// Lang normalises a language as ?lang= does (ja-JP, JA, ja_JP and jp all
// mean ja); empty is the default language. An unsupported language is an
// error naming the supported ones.
func (c *Client) Lang(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return c.langs.Default().Code, nil
	}
	l, ok := c.langs.Lookup(v)
	if !ok {
		return "", fmt.Errorf("unsupported language %q (supported: %s)", v, strings.Join(c.Langs(), ", "))
	}
	return l.Code, nil
}

// CanonicalCode checks that v is shaped like a basic (421) or enhanced
// (5.7.26) code and returns its canonical spelling; whether the site has
// a page for it is for the request to say.
func CanonicalCode(v string) (string, error) {
	raw := strings.TrimSpace(v)
	code, ok := smtp.Canonical(raw)
	if !ok || (!smtp.IsBasic(code) && !smtp.IsEnhanced(code)) {
		return "", fmt.Errorf("%q is %w: want a basic code such as 421 or an enhanced code such as 5.7.26", v, ErrNotCode)
	}
	return code, nil
}

// Code is a code page: GET /codes/{code}.json (README "JSON API").
type Code struct {
	Code             string            `json:"code"`
	Kind             string            `json:"kind"` // basic, enhanced, provider
	Class            int               `json:"class"`
	ClassName        string            `json:"class_name"`
	Lang             string            `json:"lang"`
	Translated       bool              `json:"translated"`
	Title            string            `json:"title"`
	Summary          string            `json:"summary"`
	URL              string            `json:"url"`
	URLs             map[string]string `json:"urls"`
	StandardText     string            `json:"standard_text,omitempty"`
	Definitions      []Definition      `json:"definitions"`
	Registry         *Registry         `json:"registry,omitempty"`
	Provider         *Provider         `json:"provider,omitempty"`
	ProviderMeanings []ProviderMeaning `json:"provider_meanings,omitempty"`
	Phases           []string          `json:"phases"`
	Related          []Link            `json:"related"`
	SeenWith         []Link            `json:"seen_with"`
	Sections         []Section         `json:"sections"`
	Responses        []ResponseLink    `json:"responses"`
	// Sources are the definitions as citations, for a tool to quote:
	// "RFC 5321 §4.2.3", the registry entry, a provider's documentation.
	// Not an API field: the client derives it from the ones above.
	Sources []string `json:"sources" jsonschema:"the documents that define the code: RFC and section, the IANA registry entry, a provider's documentation"`
}

// cite fills in Sources, without repeats.
func (c *Code) cite() {
	c.Sources = []string{}
	add := func(s string) {
		if s != "" && !slices.Contains(c.Sources, s) {
			c.Sources = append(c.Sources, s)
		}
	}
	for _, d := range c.Definitions {
		add(d.Cite())
	}
	if r := c.Registry; r != nil {
		add("IANA SMTP Enhanced Status Codes registry " + r.Entry)
	}
	if p := c.Provider; p != nil {
		add(p.Doc)
	}
}

// Definition is a document that defines a code.
type Definition struct {
	Doc     string `json:"doc"`
	Section string `json:"section,omitempty"`
	Context string `json:"context,omitempty"`
	Text    string `json:"text,omitempty"`
	Example bool   `json:"example,omitempty"`
}

// Cite is the definition as a citation: "RFC 5321 §4.2.3".
func (d Definition) Cite() string {
	if d.Section == "" {
		return d.Doc
	}
	return d.Doc + " §" + d.Section
}

// Registry is an enhanced code's IANA registry entry.
type Registry struct {
	Entry  string `json:"entry"`
	Name   string `json:"name"`
	Basic  string `json:"associated_basic_codes"`
	Status string `json:"status,omitempty"`
	See    string `json:"see,omitempty"`
}

// Provider names the provider of a code no registry defines.
type Provider struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
}

// ProviderMeaning is a provider's own meaning of a registered number.
type ProviderMeaning struct {
	Provider string `json:"provider"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Doc      string `json:"doc"`
}

// Link is another code, with its page and the comparison with it.
type Link struct {
	Code       string `json:"code"`
	URL        string `json:"url"`
	CompareURL string `json:"compare_url,omitempty"`
}

// Section is a section of a page's text.
type Section struct {
	ID      string `json:"id"`
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// ResponseLink is a catalogued provider response that carries a code.
type ResponseLink struct {
	Provider string `json:"provider"`
	Family   string `json:"family"`
	Title    string `json:"title"`
	URL      string `json:"url"`
}

// Section returns the page's section id (description, when, fix, ...).
func (c Code) Section(id string) (Section, bool) {
	for _, s := range c.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return Section{}, false
}

// Code returns the page of a basic or enhanced code in a language.
func (c *Client) Code(ctx context.Context, code, lang string) (Code, error) {
	id, err := CanonicalCode(code)
	if err != nil {
		return Code{}, err
	}
	var out Code
	err = c.get(ctx, "/codes/"+url.PathEscape(id)+".json", lang, nil, &out)
	if errors.Is(err, ErrNotFound) {
		return Code{}, fmt.Errorf("code %s: the reference has no page for it (%w)", id, ErrNotFound)
	}
	out.cite()
	return out, err
}

// Codes returns every code the reference has, in the site's order: basic
// codes, then enhanced codes by class, subject and detail.
func (c *Client) Codes(ctx context.Context, lang string) ([]Code, error) {
	var out struct {
		Codes []Code `json:"codes"`
	}
	err := c.get(ctx, "/codes.json", lang, nil, &out)
	for i := range out.Codes {
		out.Codes[i].cite()
	}
	return out.Codes, err
}

// Comparison is a compare page: GET /compare/{a}-vs-{b}.json.
type Comparison struct {
	Kind        string            `json:"kind"` // compare, or combined for a basic and an enhanced code
	Lang        string            `json:"lang"`
	Title       string            `json:"title"`
	Summary     string            `json:"summary"`
	URL         string            `json:"url"`
	URLs        map[string]string `json:"urls"`
	A           Link              `json:"a"`
	B           Link              `json:"b"`
	Differences []Row             `json:"differences"`
	Notes       []Section         `json:"notes"`
}

// Row is a row of a comparison's table.
type Row struct {
	Label string `json:"label"`
	A     string `json:"a"`
	B     string `json:"b"`
}

// Compare returns the comparison of two different codes, in the site's
// canonical order (the site redirects 556-vs-421 to 421-vs-556).
func (c *Client) Compare(ctx context.Context, a, b, lang string) (Comparison, error) {
	ida, err := CanonicalCode(a)
	if err != nil {
		return Comparison{}, err
	}
	idb, err := CanonicalCode(b)
	if err != nil {
		return Comparison{}, err
	}
	if ida == idb {
		return Comparison{}, fmt.Errorf("compare needs two different codes, got %s twice", ida)
	}
	var out Comparison
	err = c.get(ctx, "/compare/"+url.PathEscape(ida)+"-vs-"+url.PathEscape(idb)+".json", lang, nil, &out)
	if errors.Is(err, ErrNotFound) {
		return Comparison{}, fmt.Errorf("compare %s and %s: the reference has no page for one of them (%w)", ida, idb, ErrNotFound)
	}
	return out, err
}

// SearchResults is GET /search.json.
type SearchResults struct {
	Lang      string         `json:"lang"`
	Query     string         `json:"query"`
	Truncated bool           `json:"truncated"`
	Results   []SearchResult `json:"results"`
}

// SearchResult is one page the search found.
type SearchResult struct {
	Label      string `json:"label"`
	Title      string `json:"title"`
	URL        string `json:"url"`
	Hint       string `json:"hint"`
	Snippet    string `json:"snippet"`
	Translated bool   `json:"translated"`
}

// Search runs the site's search.
func (c *Client) Search(ctx context.Context, query, lang string) (SearchResults, error) {
	if strings.TrimSpace(query) == "" {
		return SearchResults{}, errors.New("the query is empty: search by code (421, 5.7.26, a prefix such as 4.7), a word of a title or of a page's text")
	}
	var out SearchResults
	err := c.get(ctx, "/search.json", lang, url.Values{"q": {query}}, &out)
	return out, err
}

// Decoded is what POST /api/decode found in a bounce.
type Decoded struct {
	Lang     string    `json:"lang"`
	Findings []Finding `json:"findings"`
}

// Finding is one reply the decoder found; the first decided the bounce.
type Finding struct {
	Basic            string   `json:"basic,omitempty"`
	Enhanced         string   `json:"enhanced,omitempty"`
	Text             string   `json:"text"`
	Command          string   `json:"command,omitempty"`
	Phase            string   `json:"phase,omitempty"`
	Recipient        string   `json:"recipient,omitempty"`
	Host             string   `json:"host,omitempty"`
	Provider         string   `json:"provider,omitempty"`
	Outcome          string   `json:"outcome"`
	WhoActs          string   `json:"who_acts"`
	ClassMismatch    bool     `json:"class_mismatch"`
	Line             int      `json:"line"`
	Why              string   `json:"why,omitempty"`
	QuotedIn         string   `json:"quoted_in,omitempty"`
	BasicURL         string   `json:"basic_url,omitempty"`
	EnhancedURL      string   `json:"enhanced_url,omitempty"`
	Notes            []string `json:"notes"`
	ResponseProvider string   `json:"response_provider,omitempty"`
	ResponseFamily   string   `json:"response_family,omitempty"`
	ResponseLine     string   `json:"response_line,omitempty"`
	ResponseURL      string   `json:"response_url,omitempty"`
}

// Decode runs the decoder on pasted text: a bounce, a DSN, log lines.
func (c *Client) Decode(ctx context.Context, text, lang string) (Decoded, error) {
	if strings.TrimSpace(text) == "" {
		return Decoded{}, errors.New("the text is empty: give a bounce message, a delivery status report or mail log lines")
	}
	body, err := json.Marshal(map[string]string{"text": text})
	if err != nil {
		return Decoded{}, err
	}
	var out Decoded
	err = c.do(ctx, http.MethodPost, "/api/decode", lang, nil, "application/json", body, &out)
	return out, err
}

// DecodeMessage runs the decoder on a whole message (an .eml file), whose
// MIME parts it takes apart as an upload's.
func (c *Client) DecodeMessage(ctx context.Context, message []byte, lang string) (Decoded, error) {
	var out Decoded
	err := c.do(ctx, http.MethodPost, "/api/decode", lang, nil, "message/rfc822", message, &out)
	return out, err
}

// Line is a catalogued provider reply: GET /providers.json.
type Line struct {
	ID        string `json:"id"`
	Provider  string `json:"provider"`
	Family    string `json:"family"`
	Reply     string `json:"reply"`
	Basic     string `json:"basic"`
	Enhanced  string `json:"enhanced,omitempty"`
	Token     string `json:"token,omitempty"`
	Phase     string `json:"phase,omitempty"`
	Seen      string `json:"seen,omitempty"`
	SourceURL string `json:"source_url"`
	Source    string `json:"source_title"`
	Retrieved string `json:"retrieved"`
	License   string `json:"license"`
	URL       string `json:"url"`
}

// Lines returns every catalogued provider reply.
func (c *Client) Lines(ctx context.Context, lang string) ([]Line, error) {
	var out struct {
		Lines []Line `json:"lines"`
	}
	err := c.get(ctx, "/providers.json", lang, nil, &out)
	return out.Lines, err
}

// Response is a family of a provider's replies:
// GET /providers/{provider}/{family}.json.
type Response struct {
	Provider     string            `json:"provider"`
	ProviderName string            `json:"provider_name"`
	Family       string            `json:"family"`
	Lang         string            `json:"lang"`
	Translated   bool              `json:"translated"`
	Title        string            `json:"title"`
	Summary      string            `json:"summary"`
	WhoActs      string            `json:"who_acts"`
	Registry     string            `json:"registry"` // same, differs, unregistered, none
	Codes        []string          `json:"codes"`
	URL          string            `json:"url"`
	URLs         map[string]string `json:"urls"`
	Lines        []Line            `json:"lines"`
	Sections     []Section         `json:"sections"`
}

// Response returns a provider's family of replies.
func (c *Client) Response(ctx context.Context, provider, family, lang string) (Response, error) {
	for _, part := range []string{provider, family} {
		if part == "" || strings.Trim(part, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return Response{}, fmt.Errorf("provider %q, response %q: want lower-case ids such as gmail and bad-credentials (see the lines of /providers.json)", provider, family)
		}
	}
	var out Response
	err := c.get(ctx, "/providers/"+provider+"/"+family+".json", lang, nil, &out)
	if errors.Is(err, ErrNotFound) {
		return Response{}, fmt.Errorf("provider %q has no catalogued response %q (%w)", provider, family, ErrNotFound)
	}
	return out, err
}

func (c *Client) get(ctx context.Context, path, lang string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, lang, q, "", nil, out)
}

// maxRedirects bounds the canonical redirects followed (one is the most
// the site sends for a path the client built).
const maxRedirects = 3

// do calls the handler and decodes its JSON answer into out, following
// the site's canonical redirects (a code with leading zeros, a comparison
// in the other order).
func (c *Client) do(ctx context.Context, method, path, lang string, q url.Values, contentType string, body []byte, out any) error {
	l, err := c.Lang(lang)
	if err != nil {
		return err
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("lang", l)
	target := path + "?" + q.Encode()
	for range maxRedirects + 1 {
		req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		req.RequestURI = target
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		c.h.ServeHTTP(w, req)
		res := w.Result()
		switch {
		case res.StatusCode == http.StatusOK:
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				return fmt.Errorf("%s: decoding the answer: %w", path, err)
			}
			return nil
		case res.StatusCode == http.StatusMovedPermanently || res.StatusCode == http.StatusFound:
			loc := res.Header.Get("Location")
			// The site rebuilds redirect targets from validated parts;
			// anything else is not followed.
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || !strings.Contains(loc, ".json") {
				return fmt.Errorf("%s: redirected to %q, which is not a JSON document", path, loc)
			}
			target = loc
		case res.StatusCode == http.StatusNotFound:
			return fmt.Errorf("%s: %w", path, ErrNotFound)
		case res.StatusCode == http.StatusServiceUnavailable:
			// The site's work limits (decoder, search) were all taken.
			return fmt.Errorf("%s: busy, retry in %s s", path, res.Header.Get("Retry-After"))
		case res.StatusCode == http.StatusRequestEntityTooLarge:
			return fmt.Errorf("the input is too large: the decoder reads %d KiB of text, or a whole message of %d MiB", decode.MaxInput>>10, decode.MaxMessage>>20)
		default:
			b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
			return fmt.Errorf("%s: status %d: %s", path, res.StatusCode, bytes.TrimSpace(b))
		}
	}
	return fmt.Errorf("%s: more than %d redirects", path, maxRedirects)
}
