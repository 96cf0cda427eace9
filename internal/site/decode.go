package site

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/decode"
	"smtpcodes.dev/internal/prepared"
	"smtpcodes.dev/internal/smtp"
)

// The bounce decoder: /decode (a form for pasted text or an uploaded
// message, also GET ?text= for short texts that support docs can link) and
// POST /api/decode. The input is decoded in memory and answered; it is
// never stored or logged (the access log has the path, never the query or
// the body), and an upload is read from the request as it streams, never
// spooled to disk as http.Request.ParseMultipartForm would do with a file.

// maxDecodeQuery bounds ?text=: links carry short examples, pastes are posted.
const maxDecodeQuery = 4 << 10

// maxDecodeBody bounds a URL-encoded form: the text may grow threefold
// when percent-encoded (Japanese), plus the other fields.
const maxDecodeBody = 3*decode.MaxInput + 4<<10

// maxUploadBody bounds a multipart form: the file, the text beside it
// (not percent-encoded there) and the parts' headers.
const maxUploadBody = decode.MaxMessage + decode.MaxInput + 16<<10

// A request over a limit: the text (64 KiB) or the upload (2 MiB).
var (
	errTooLong = errors.New("text too long")
	errTooBig  = errors.New("upload too large")
)

// decodeInput is what a reader gave the decoder: pasted text, or a file.
type decodeInput struct {
	text     string
	file     []byte
	fileName string
}

// decode returns the findings of the input: the file when there is one,
// else the text. Both may be whole messages (a saved .eml, or its source
// pasted), which DecodeMessage takes apart.
func (s *Server) decode(in decodeInput) []decode.Finding {
	if in.file != nil {
		return s.decoder.DecodeMessage(in.file)
	}
	return s.decoder.DecodeMessage([]byte(in.text))
}

// readDecodeInput reads a posted form: URL-encoded (text only) or
// multipart (text and file). A body announced larger than the limit is
// refused before any of it is read.
func readDecodeInput(w http.ResponseWriter, r *http.Request) (decodeInput, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if r.ContentLength > maxDecodeBody {
			return decodeInput{}, errTooLong
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxDecodeBody)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return decodeInput{}, errTooLong
			}
			return decodeInput{}, err
		}
		text := r.PostForm.Get("text")
		if len(text) > decode.MaxInput {
			return decodeInput{}, errTooLong
		}
		return decodeInput{text: text}, nil
	}
	if r.ContentLength > maxUploadBody {
		return decodeInput{}, errTooBig
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return decodeInput{}, err
	}
	var in decodeInput
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return in, nil
		}
		if err != nil {
			return decodeInput{}, uploadError(err)
		}
		switch part.FormName() {
		case "text":
			b, err := readPart(part, decode.MaxInput, errTooLong)
			if err != nil {
				return decodeInput{}, err
			}
			in.text = string(b)
		case "file":
			b, err := readPart(part, decode.MaxMessage, errTooBig)
			if err != nil {
				return decodeInput{}, err
			}
			// A form submitted without choosing a file sends an empty
			// part with no file name.
			if len(b) > 0 {
				in.file, in.fileName = b, part.FileName()
			}
		}
		part.Close()
	}
}

// readPart reads a form part of at most limit bytes.
func readPart(p io.Reader, limit int, over error) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(p, int64(limit)+1))
	if err != nil {
		return nil, uploadError(err)
	}
	if len(b) > limit {
		return nil, over
	}
	return b, nil
}

// uploadError reports a body cut at the limit as too large.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errTooBig
	}
	return err
}

type decodeView struct {
	Base
	Text     string
	FileName string // the uploaded file decoded, when there was one
	Posted   bool   // the form was submitted (show results, even none)
	TooLong  bool   // the text is over 64 KiB
	TooBig   bool   // the upload is over 2 MiB
	Findings []findingView
	Example  string // URL of a prefilled example
}

type findingView struct {
	Title      string // "550 5.1.1"
	Basic      *codeRef
	Enhanced   *codeRef
	Text       string
	Verdict    string
	VerdictKey string // "temporary", "permanent", "success": for styling
	WhoActs    string
	Command    string
	Recipient  string
	Host       string
	Provider   string
	Why        string // why the first finding is the one that decided the bounce
	Quoted     string // which reply quotes this one
	Warnings   []string
	Reuse      *reuseView // the provider's own meaning of the enhanced code
	// Response is the catalogued family the reply matches.
	Response *responseLink
	Timeline timelineView

	line *content.Line
}

// codeRef is a code found in a bounce: linked when the site has its page.
type codeRef struct {
	ID, Title, URL string
	Fallback       bool
}

func (s *Server) serveDecode(w http.ResponseWriter, r *http.Request) error {
	// From the switcher: remember the choice, and stay, so a posted text
	// is not lost.
	s.rememberChoice(w, r)
	l := state(r).lang
	v := decodeView{Base: s.base(l, "/decode")}
	v.Title = v.T(msgDecodeTitle) + " | " + v.T(msgSiteName)
	v.Description = v.T(msgDecodeIntro)
	v.Crumbs = []crumb{{Name: v.T(msgDecodeTitle), URL: v.Link("/decode")}}
	v.Example = "/decode?lang=" + l.Code + "&text=" + url.QueryEscape(decodeExample)
	status := http.StatusOK
	var in decodeInput
	switch r.Method {
	case http.MethodPost:
		v.NoIndex = true
		release, ok := s.limits.decodeBodies.acquire(r.Context())
		if !ok {
			return busy(w, false)
		}
		defer release()
		var err error
		in, err = readDecodeInput(w, r)
		switch {
		case errors.Is(err, errTooLong):
			v.TooLong, status = true, http.StatusRequestEntityTooLarge
		case errors.Is(err, errTooBig):
			v.TooBig, status = true, http.StatusRequestEntityTooLarge
		case err != nil:
			return httpError{status: http.StatusBadRequest, err: err}
		default:
			v.Text, v.FileName, v.Posted = in.text, in.fileName, true
			if in.file != nil && v.FileName == "" {
				v.FileName = "message.eml"
			}
		}
	default:
		if q := r.URL.Query(); q.Has("text") {
			v.NoIndex = true
			if len(q.Get("text")) > maxDecodeQuery {
				v.TooLong, status = true, http.StatusRequestURITooLong
			} else {
				in.text = q.Get("text")
				v.Text, v.Posted = in.text, true
			}
		}
	}
	if v.Posted {
		release, ok := s.limits.decodeCPU.acquire(r.Context())
		if !ok {
			return busy(w, false)
		}
		defer release()
		for _, f := range s.decode(in) {
			v.Findings = append(v.Findings, s.findingView(v.Base, f))
		}
	}
	policy := prepared.NoStore // the reader's own text
	if !v.Posted && !v.TooLong && !v.TooBig {
		policy = prepared.Page // the empty form is the same for everyone
	}
	s.sendRendered(w, r, "decode", v, status, policy)
	return nil
}

// findingView explains one reply in the reader's language.
func (s *Server) findingView(b Base, f decode.Finding) findingView {
	v := findingView{
		Title: strings.TrimSpace(f.Basic + " " + f.Enhanced), Text: f.Text,
		Recipient: f.Recipient, Host: f.Host,
	}
	if p, ok := s.store.Facts.Providers.Get(f.Provider); ok {
		v.Provider = p.Name
	}
	var basic, enhanced *content.Code
	if f.Basic != "" {
		v.Basic, basic = s.ref(b, f.Basic)
		if basic == nil {
			v.Warnings = append(v.Warnings, b.T(msgDecodeBasicUnknown, "Code", f.Basic))
		}
	}
	if f.Enhanced != "" {
		v.Enhanced, enhanced = s.ref(b, f.Enhanced)
		switch {
		case enhanced == nil:
			v.Warnings = append(v.Warnings, b.T(msgDecodeEnhancedUnknown, "Code", f.Enhanced))
		case enhanced.Provider != nil:
			v.Warnings = append(v.Warnings, b.T(msgProviderOnlyLabel, "Provider", enhanced.Provider.ProviderName))
		}
	}
	if f.Mismatch {
		v.Warnings = append(v.Warnings, b.T(msgDecodeMismatch, "Basic", f.Basic, "Enhanced", f.Enhanced))
	}
	switch {
	case f.Permanent:
		v.Verdict, v.VerdictKey = b.T(msgDecodePermanent), "permanent"
	case f.Temporary:
		v.Verdict, v.VerdictKey = b.T(msgDecodeTemporary), "temporary"
	default:
		v.Verdict, v.VerdictKey = b.T(msgDecodeSuccess), "success"
	}
	v.WhoActs = b.T(actorMsg(smtp.WhoActs(f.Basic, f.Enhanced)))
	if f.Phase != "" {
		v.Command = b.T(phaseMsg(smtp.Phase(f.Phase)))
	}
	switch f.Why {
	case "report":
		v.Why = b.T(msgDecodeWhyReport)
	case "last":
		v.Why = b.T(msgDecodeWhyLast)
	case "only":
		v.Why = b.T(msgDecodeWhyOnly)
	case "first":
		v.Why = b.T(msgDecodeWhyFirst)
	}
	if f.QuotedIn != "" {
		v.Quoted = b.T(msgDecodeQuoted, "Outer", f.QuotedIn)
	}
	// The catalogued reply this is, which may also name the provider.
	if ln := s.catalogued(f); ln != nil {
		link := s.responseLink(b, ln.Response)
		link.URL = b.Link(responseURL(ln.Response)) + "#" + lineAnchor(ln)
		v.Response = &link
		if v.Provider == "" {
			v.Provider = ln.Response.Provider.Name
		}
		v.line = ln
	}
	// The provider's own meaning, when this provider sent the reply and
	// documents the number differently from the registry.
	if enhanced != nil {
		for _, r := range enhanced.Reuses {
			if r.Provider.Provider == f.Provider {
				rv := reuse(b, r)
				v.Reuse = &rv
			}
		}
	}
	// The timeline shows the step the bounce names, or else where the code
	// can occur at all.
	label := v.Title
	switch {
	case f.Phase != "":
		v.Timeline = timeline(b, timelineInput{label, []smtp.Phase{smtp.Phase(f.Phase)}})
		v.Timeline.Caption = b.T(msgTimelineCaptionFinding)
	case basic != nil:
		v.Timeline = timeline(b, timelineInput{label, basic.Phases})
	case enhanced != nil:
		v.Timeline = timeline(b, timelineInput{label, enhanced.Phases})
	}
	return v
}

// catalogued returns the catalogued line the decoder matched the reply to.
func (s *Server) catalogued(f decode.Finding) *content.Line {
	provider, rest, _ := strings.Cut(f.Response, "/")
	_, id, ok := strings.Cut(rest, "/")
	if !ok {
		return nil
	}
	ln, _ := s.store.Line(provider, id)
	return ln
}

// ref links a code the decoder found, if the site has a page for it.
func (s *Server) ref(b Base, id string) (*codeRef, *content.Code) {
	c, ok := s.store.Code(id)
	if !ok {
		return &codeRef{ID: id}, nil
	}
	p, fallback := c.Page(b.Lang.Code)
	return &codeRef{ID: id, Title: p.Title, URL: b.Link(codeURL(id)), Fallback: fallback}, c
}

// apiFinding is one finding of POST /api/decode.
type apiFinding struct {
	Basic     string `json:"basic,omitempty"`
	Enhanced  string `json:"enhanced,omitempty"`
	Text      string `json:"text"`
	Command   string `json:"command,omitempty"`
	Phase     string `json:"phase,omitempty"`
	Recipient string `json:"recipient,omitempty"`
	Host      string `json:"host,omitempty"`
	Provider  string `json:"provider,omitempty"`
	Outcome   string `json:"outcome"` // "permanent", "temporary" or "success"
	WhoActs   string `json:"who_acts"`
	Mismatch  bool   `json:"class_mismatch"`
	Line      int    `json:"line"`
	// Why the first finding is the reply that decided the bounce:
	// "report", "last", "only" or "first"; empty on the others.
	Why string `json:"why,omitempty"`
	// The codes of the reply that quotes this one, as in "554 4.4.7 …
	// <421 4.4.2 …>".
	QuotedIn    string   `json:"quoted_in,omitempty"`
	BasicURL    string   `json:"basic_url,omitempty"`    // empty when no RFC defines the code
	EnhancedURL string   `json:"enhanced_url,omitempty"` // empty when neither the registry nor a provider defines it
	Notes       []string `json:"notes"`
	// The catalogued line the reply matches, if any.
	ResponseProvider string `json:"response_provider,omitempty"`
	ResponseFamily   string `json:"response_family,omitempty"`
	ResponseLine     string `json:"response_line,omitempty"`
	ResponseURL      string `json:"response_url,omitempty"`
}

// serveDecodeAPI answers POST /api/decode. The input comes as a JSON
// object {"text": "..."}, a form (field text, or file in a multipart
// form), a whole message (message/rfc822, up to 2 MiB), or a plain-text
// body (up to 64 KiB).
func (s *Server) serveDecodeAPI(w http.ResponseWriter, r *http.Request) error {
	setCORS(w)
	l := state(r).lang
	release, ok := s.limits.decodeBodies.acquire(r.Context())
	if !ok {
		return busy(w, true)
	}
	defer release()
	in, err := readDecodeAPI(w, r)
	switch {
	case errors.Is(err, errTooLong) || errors.Is(err, errTooBig):
		return httpError{status: http.StatusRequestEntityTooLarge, json: true}
	case err != nil:
		return httpError{status: http.StatusBadRequest, json: true, err: err}
	}
	b := s.base(l, "/decode")
	out := struct {
		Lang     string       `json:"lang"`
		Findings []apiFinding `json:"findings"`
	}{Lang: l.Code, Findings: []apiFinding{}}
	releaseCPU, ok := s.limits.decodeCPU.acquire(r.Context())
	if !ok {
		return busy(w, true)
	}
	defer releaseCPU()
	for _, f := range s.decode(in) {
		v := s.findingView(b, f)
		af := apiFinding{
			Basic: f.Basic, Enhanced: f.Enhanced, Text: f.Text, Command: f.Command, Phase: f.Phase,
			Recipient: f.Recipient, Host: f.Host, Provider: f.Provider, Outcome: v.VerdictKey,
			WhoActs: string(smtp.WhoActs(f.Basic, f.Enhanced)), Mismatch: f.Mismatch, Line: f.Line, Notes: v.Warnings,
			Why: f.Why, QuotedIn: f.QuotedIn,
		}
		if v.Basic != nil && v.Basic.URL != "" {
			af.BasicURL = s.cfg.BaseURL + v.Basic.URL
		}
		if v.Enhanced != nil && v.Enhanced.URL != "" {
			af.EnhancedURL = s.cfg.BaseURL + v.Enhanced.URL
		}
		if af.Notes == nil {
			af.Notes = []string{}
		}
		if ln := v.line; ln != nil {
			af.ResponseProvider, af.ResponseFamily, af.ResponseLine = ln.Response.Provider.ID, ln.Response.ID, ln.ID
			af.ResponseURL = s.cfg.BaseURL + v.Response.URL
			if af.Provider == "" {
				af.Provider = ln.Response.Provider.ID
			}
		}
		out.Findings = append(out.Findings, af)
	}
	body, err := marshalJSON(out)
	if err != nil {
		return err
	}
	// An answer to posted text: never cached, no validators.
	w.Header().Set("Content-Type", jsonType)
	prepared.SetCacheControl(w.Header(), prepared.NoStore, false)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
	return nil
}

// readDecodeAPI reads the body of POST /api/decode.
func readDecodeAPI(w http.ResponseWriter, r *http.Request) (decodeInput, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded", "multipart/form-data":
		return readDecodeInput(w, r)
	case "message/rfc822":
		if r.ContentLength > decode.MaxMessage {
			return decodeInput{}, errTooBig
		}
		b, err := readPart(http.MaxBytesReader(w, r.Body, decode.MaxMessage+1), decode.MaxMessage, errTooBig)
		return decodeInput{file: b}, err
	}
	if r.ContentLength > maxDecodeBody {
		return decodeInput{}, errTooLong
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDecodeBody)
	var in decodeInput
	var err error
	if mt == "application/json" {
		var body struct {
			Text string `json:"text"`
		}
		err = json.NewDecoder(r.Body).Decode(&body)
		in.text = body.Text
	} else {
		var b []byte
		b, err = io.ReadAll(r.Body)
		in.text = string(b)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || len(in.text) > decode.MaxInput:
		return decodeInput{}, errTooLong
	case err != nil:
		return decodeInput{}, err
	}
	return in, nil
}

// decodeExample is the prefilled example the page links to.
const decodeExample = `Oct 14 09:12:03 mail postfix/smtp[2841]: 3F1A2C0D21: to=<bob@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=1.2, dsn=5.1.1, status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))`

// serveDecodePreflight answers the CORS preflight of JSON posts from other
// sites.
func serveDecodePreflight(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
