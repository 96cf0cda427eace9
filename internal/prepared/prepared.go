// Package prepared serves responses that were made before the request
// came: a body rendered once, its gzip and brotli variants compressed at
// most once, a strong ETag per variant, and header values formatted once
// and shared by every request.
//
// Write picks the variant from Accept-Encoding, answers 304 to a matching
// If-None-Match, and sets Cache-Control and Vary. SetCacheControl is the
// one place that decides caching, for prepared responses and for the few
// answers written by hand (redirects, JSON errors, health checks): in
// particular, a response that sets a cookie is never cacheable.
//
// Cache keeps responses built on demand within a byte budget.
//
// The package knows nothing of pages, languages or content: a response's
// language is an opaque Content-Language value.
package prepared

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Compression levels. The server and the export use the same ones, so an
// exported .gz or .br file is the same bytes the server sends.
//
// Responses made at start-up are compressed in the background, so they
// can afford gzip 5 and brotli 6. Responses made on a request (compare
// pages, their JSON and markdown, search results, the compare sitemaps)
// use gzip 2 and have no brotli variant: brotli's fast levels (this brotli
// is pure Go) came out larger than gzip 2 on every page of a sample of
// 2,000 compare pages (HTML, JSON and markdown alike), and took twice as
// long, so a client that accepts both gets gzip for them.
const (
	GzipLevel         = 5
	BrotliLevel       = 6
	OnDemandGzipLevel = 2
	// MaxGzipLevel and MaxBrotliLevel are for an export that trades
	// identity with the server's bytes for smaller files.
	MaxGzipLevel   = 9
	MaxBrotliLevel = 11
)

// Policy says how long and for whom a response may be cached.
type Policy int

const (
	// Page is a document in one language: public when the URL chose the
	// language, private when it was negotiated from the cookie or
	// Accept-Language (the URL alone does not say which language a cache
	// would get).
	Page Policy = iota
	// Immutable is a fingerprinted asset: it never changes.
	Immutable
	// Shared is the same for everyone: robots.txt, sitemaps, assets
	// under their plain names.
	Shared
	// NoStore is never cached: error pages, answers to posted text.
	NoStore
	// Redirect is a permanent redirect to a canonical URL.
	Redirect
)

// Header values, shared by every response: the hot path assigns them
// instead of formatting them.
var (
	ccImmutable = []string{"public, max-age=31536000, immutable"}
	ccPublic    = []string{"public, max-age=3600"}
	ccPrivate   = []string{"private, max-age=3600"}
	ccRedirect  = []string{"public, max-age=86400"}
	ccNoStore   = []string{"no-store"}
)

// SetCacheControl sets the Cache-Control header for a response of policy
// p. negotiated says that the response is in a language the URL did not
// choose. It must be called after any Set-Cookie: a response that sets a
// cookie is never stored, whatever its policy, so that no shared cache
// hands one reader's cookie to others.
func SetCacheControl(h http.Header, p Policy, negotiated bool) {
	h["Cache-Control"] = cacheControl(h, p, negotiated)
}

func cacheControl(h http.Header, p Policy, negotiated bool) []string {
	if _, ok := h["Set-Cookie"]; ok {
		return ccNoStore
	}
	switch p {
	case Immutable:
		return ccImmutable
	case Shared:
		return ccPublic
	case NoStore:
		return ccNoStore
	case Redirect:
		return ccRedirect
	}
	if negotiated {
		return ccPrivate
	}
	return ccPublic
}

// Response is one prepared answer. It is safe for concurrent use; its
// variants are made on first use (or by Compress) and never change.
type Response struct {
	status      int
	contentType string
	lang        string // Content-Language; "" when the body has none
	policy      Policy
	body        []byte
	etag        string // of the identity body, quoted
	gzLevel     int
	brLevel     int // noBrotli: the response has no brotli variant

	once sync.Once
	gz   []byte
	br   []byte

	hType, hLang []string
	hIdentity    variant
	hGzip, hBr   variant
}

// variant is one encoding of the body with its header values.
type variant struct {
	body         []byte
	etag, length []string
}

func newVariant(body []byte, etag string) variant {
	return variant{body: body, etag: []string{etag}, length: []string{strconv.Itoa(len(body))}}
}

// New prepares a response. lang is its Content-Language, "" for a
// response in no language (an asset, a sitemap). The ETag derives from
// the body's hash, so it is the same on every replica and in the export.
func New(status int, contentType, lang string, p Policy, body []byte) *Response {
	sum := sha256.Sum256(body)
	r := &Response{
		status: status, contentType: contentType, lang: lang, policy: p, body: body,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`, gzLevel: GzipLevel, brLevel: BrotliLevel,
		hType: []string{contentType},
	}
	if lang != "" {
		r.hLang = []string{lang}
	}
	r.hIdentity = newVariant(body, r.etag)
	return r
}

// noBrotli is the brotli level of a response without a brotli variant.
const noBrotli = -1

// OnDemand marks a response made on a request: it is compressed with the
// cheaper levels.
func (r *Response) OnDemand() *Response {
	r.gzLevel, r.brLevel = OnDemandGzipLevel, noBrotli
	return r
}

// Compress makes the gzip and brotli variants, once.
func (r *Response) Compress() {
	r.once.Do(func() {
		r.gz = Gzip(r.body, r.gzLevel)
		stem := strings.TrimSuffix(r.etag, `"`)
		r.hGzip = newVariant(r.gz, stem+`.gz"`)
		if r.brLevel != noBrotli {
			r.br = Brotli(r.body, r.brLevel)
			r.hBr = newVariant(r.br, stem+`.br"`)
		}
	})
}

// Compact makes the variants and lets go of the identity body: what a
// cache keeps, at about half the memory. The rare client that accepts
// neither encoding gets the body decompressed again.
func (r *Response) Compact() {
	r.Compress()
	r.body, r.hIdentity.body = nil, nil
}

// Status returns the response's status code.
func (r *Response) Status() int { return r.status }

// ETag returns the quoted ETag of the identity body.
func (r *Response) ETag() string { return r.etag }

// Size is the memory the response holds, for a cache's byte budget: its
// bodies as allocated (a size class rounds them up by up to an eighth),
// and about 512 bytes for the struct, its header values and the entry that
// keeps it.
func (r *Response) Size() int { return cap(r.body) + cap(r.gz) + cap(r.br) + 512 }

// Variant returns the body in an encoding ("br", "gzip" or "" for
// identity) with its quoted ETag.
func (r *Response) Variant(enc string) (body []byte, etag string, err error) {
	v, err := r.variant(enc)
	if err != nil {
		return nil, "", err
	}
	return v.body, v.etag[0], nil
}

// HasBrotli reports whether the response has a brotli variant (responses
// made on demand have none).
func (r *Response) HasBrotli() bool { return r.brLevel != noBrotli }

func (r *Response) variant(enc string) (*variant, error) {
	switch enc {
	case "br":
		if !r.HasBrotli() {
			return nil, errors.New("prepared: the response has no brotli variant")
		}
		r.Compress()
		return &r.hBr, nil
	case "gzip":
		r.Compress()
		return &r.hGzip, nil
	}
	if r.hIdentity.body == nil {
		body, err := gunzip(r.gz)
		if err != nil {
			return nil, err
		}
		v := newVariant(body, r.etag)
		return &v, nil
	}
	return &r.hIdentity, nil
}

var (
	varyEncoding = []string{"Accept-Encoding"}
	// varyLanguage is the Vary of a response whose language was
	// negotiated from the cookie and Accept-Language.
	varyLanguage = []string{"Accept-Language, Cookie", "Accept-Encoding"}
	encodingGzip = []string{"gzip"}
	encodingBr   = []string{"br"}
)

// Write sends the response: the best encoding the client accepts, the
// caching headers, and 304 Not Modified when the client has it already.
// langFromURL says whether the URL chose the language (?lang=); when it
// did not, a response in a language varies with the cookie and
// Accept-Language.
func (r *Response) Write(w http.ResponseWriter, req *http.Request, langFromURL bool) {
	enc := negotiateEncoding(HeaderValue(req.Header, "Accept-Encoding"), r.HasBrotli())
	v, err := r.variant(enc)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = r.hType
	negotiated := r.lang != "" && !langFromURL
	if r.hLang != nil {
		h["Content-Language"] = r.hLang
	}
	if negotiated {
		h["Vary"] = varyLanguage
	} else {
		h["Vary"] = varyEncoding
	}
	switch enc {
	case "gzip":
		h["Content-Encoding"] = encodingGzip
	case "br":
		h["Content-Encoding"] = encodingBr
	}
	h["Cache-Control"] = cacheControl(h, r.policy, negotiated)
	if r.status == http.StatusOK {
		h["Etag"] = v.etag
		if etagMatch(HeaderValue(req.Header, "If-None-Match"), v.etag[0]) {
			delete(h, "Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h["Content-Length"] = v.length
	w.WriteHeader(r.status)
	if req.Method != http.MethodHead {
		w.Write(v.body)
	}
}

// HeaderValue is h.Get(key) for a key already in canonical form: the
// server stores request headers under canonical keys, so the lookup needs
// no canonicalisation (which h.Get does on every call).
func HeaderValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// etagMatch implements the weak comparison RFC 9110 §13.1.2 prescribes for
// If-None-Match: "*" or any listed tag equal to etag, ignoring W/.
func etagMatch(header, etag string) bool {
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// NegotiateEncoding picks br, gzip or identity ("") from Accept-Encoding,
// honouring q-values (q=0 refuses an encoding; "*" stands for the rest).
// Between equal q-values brotli wins: it is smaller.
func NegotiateEncoding(header string) string { return negotiateEncoding(header, true) }

// negotiateEncoding is NegotiateEncoding for a response that has a brotli
// variant or not.
func negotiateEncoding(header string, brotli bool) string {
	if header == "" {
		return ""
	}
	gz, br, star := -1.0, -1.0, -1.0
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		v := 1.0
		if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			v = f
		}
		switch name {
		case "*":
			star = v
		case "gzip", "x-gzip":
			gz = v
		case "br":
			br = v
		}
	}
	if gz < 0 {
		gz = star
	}
	if br < 0 {
		br = star
	}
	switch {
	case brotli && br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// encoder is what gzip and brotli writers have in common.
type encoder interface {
	io.WriteCloser
	Reset(io.Writer)
}

func newGzip(level int) encoder {
	w, err := gzip.NewWriterLevel(nil, level)
	if err != nil {
		w, _ = gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	}
	return w
}

func newBrotli(level int) encoder { return brotli.NewWriterLevel(nil, level) }

// Encoders are pooled per level: setting one up costs more than
// compressing a page.
//
// Brotli encoders are pooled per level and per size class too. A brotli
// Writer picks its match finder on first use from the size of its first
// input (from 1 MiB on, another hasher) and keeps it across Reset, so an
// encoder that once compressed a large sitemap would compress a small
// page into other, valid but different, bytes than a fresh one: the
// server's and the export's .br files, made in different orders, would
// differ under the same ETag.
var (
	gzipPools        = encoderPools(newGzip, GzipLevel, OnDemandGzipLevel)
	brotliPools      = encoderPools(newBrotli, BrotliLevel)
	brotliLargePools = encoderPools(newBrotli, BrotliLevel)
)

// brotliLargeInput is the input size from which a brotli encoder chooses
// its large-input hasher (andybalholm/brotli, quality.go: chooseHasher).
const brotliLargeInput = 1 << 20

func encoderPools(newEncoder func(int) encoder, levels ...int) map[int]*sync.Pool {
	pools := map[int]*sync.Pool{}
	for _, level := range levels {
		pools[level] = &sync.Pool{New: func() any { return newEncoder(level) }}
	}
	return pools
}

// Gzip compresses b at a level.
func Gzip(b []byte, level int) []byte { return encode(b, level, gzipPools, newGzip) }

// Brotli compresses b at a level.
func Brotli(b []byte, level int) []byte {
	pools := brotliPools
	if len(b) >= brotliLargeInput {
		pools = brotliLargePools
	}
	return encode(b, level, pools, newBrotli)
}

// encode compresses b with a pooled encoder of the level, or a new one for
// a level that is not pooled (the export's maximum levels). Writes to a
// bytes.Buffer cannot fail.
//
// The encoder writes into a pooled scratch buffer and the result is copied
// out at its exact size: a kept variant then holds no spare capacity (a
// buffer grown by doubling holds up to twice its length, which with every
// page of ten languages resident was about 40 MB), and compressing makes
// one allocation, not a chain of growing ones.
func encode(b []byte, level int, pools map[int]*sync.Pool, newEncoder func(int) encoder) []byte {
	buf := scratch.Get().(*bytes.Buffer)
	defer putScratch(buf)
	buf.Reset()
	var w encoder
	if pool, ok := pools[level]; ok {
		w = pool.Get().(encoder)
		defer pool.Put(w)
	} else {
		w = newEncoder(level)
	}
	w.Reset(buf)
	w.Write(b)
	w.Close()
	return bytes.Clone(buf.Bytes())
}

// scratch holds the buffers encode compresses into.
var scratch = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putScratch returns a buffer to scratch unless a large input (a sitemap,
// the dataset) grew it past what pages need: the pool keeps only
// page-sized buffers alive.
func putScratch(buf *bytes.Buffer) {
	if buf.Cap() <= 256<<10 {
		scratch.Put(buf)
	}
}

var errNoBody = errors.New("prepared: response has no body left to decompress")

func gunzip(b []byte) ([]byte, error) {
	if b == nil {
		return nil, errNoBody
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
