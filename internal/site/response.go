package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
// Pages rendered at start-up are compressed in the background, so they can
// afford gzip 5 and brotli 6. Pages built on a request (compare pages,
// their JSON, search results, the compare sitemaps) use gzip 2 and brotli 1:
// on a 13 KB compare page that is about 0.09 ms and 0.18 ms instead of
// 0.18 ms and 0.7 ms, for 10% larger output (this brotli is pure Go). It is
// what lets the export write over 5,000 pages a second on two cores.
const (
	gzipLevel        = 5
	brotliLevel      = 6
	quickGzipLevel   = 2
	quickBrotliLevel = 1
)

// response is one prepared answer: a body rendered once, with gzip and
// brotli variants made at most once, and a strong ETag per variant derived
// from the identity body's hash (the same on every replica and in the
// export, since rendering is deterministic).
type response struct {
	status      int
	contentType string
	lang        string // Content-Language; "" when the body has none
	policy      cachePolicy
	body        []byte
	etag        string // of the identity body, quoted
	gzLevel     int
	brLevel     int

	once sync.Once
	gz   []byte
	br   []byte

	// Header values, made once and shared by every request: the hot path
	// assigns them instead of formatting them.
	hType, hLang []string
	hIdentity    variantHeaders
	hGzip, hBr   variantHeaders
}

type variantHeaders struct {
	body         []byte
	etag, length []string
}

func newVariantHeaders(body []byte, etag string) variantHeaders {
	return variantHeaders{body: body, etag: []string{etag}, length: []string{strconv.Itoa(len(body))}}
}

// cachePolicy says how long and for whom a response may be cached.
type cachePolicy int

const (
	// cachePage: a page in one language. Public when the URL chose the
	// language, private when it was negotiated (the URL alone does not
	// say which language a cache would get).
	cachePage cachePolicy = iota
	// cacheImmutable: a fingerprinted asset, never changes.
	cacheImmutable
	// cacheShared: the same for everyone (robots.txt, sitemaps, unversioned assets).
	cacheShared
	// cacheNone: error pages.
	cacheNone
)

func newResponse(status int, contentType, lang string, policy cachePolicy, body []byte) *response {
	sum := sha256.Sum256(body)
	r := &response{
		status: status, contentType: contentType, lang: lang, policy: policy, body: body,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`, gzLevel: gzipLevel, brLevel: brotliLevel,
		hType: []string{contentType},
	}
	if lang != "" {
		r.hLang = []string{lang}
	}
	r.hIdentity = newVariantHeaders(body, r.etag)
	return r
}

// quick marks a response built on a request: it is compressed with the
// cheaper levels.
func (r *response) quick() *response {
	r.gzLevel, r.brLevel = quickGzipLevel, quickBrotliLevel
	return r
}

// compress makes the gzip and brotli variants, once.
func (r *response) compress() {
	r.once.Do(func() {
		r.gz = gzipBytes(r.body, r.gzLevel)
		r.br = brotliBytes(r.body, r.brLevel)
		r.hGzip = newVariantHeaders(r.gz, strings.TrimSuffix(r.etag, `"`)+`.gz"`)
		r.hBr = newVariantHeaders(r.br, strings.TrimSuffix(r.etag, `"`)+`.br"`)
	})
}

// size is the memory the response holds, for the cache's byte budget.
func (r *response) size() int { return len(r.body) + len(r.gz) + len(r.br) + 256 }

// encoder is what gzip and brotli writers have in common.
type encoder interface {
	io.WriteCloser
	Reset(io.Writer)
}

func newGzip(level int) encoder {
	w, _ := gzip.NewWriterLevel(nil, level) // the levels are valid constants
	return w
}

func newBrotli(level int) encoder { return brotli.NewWriterLevel(nil, level) }

// Encoders are pooled per level: setting one up costs more than
// compressing a page.
var (
	gzipPools   = encoderPools(newGzip, gzipLevel, quickGzipLevel)
	brotliPools = encoderPools(newBrotli, brotliLevel, quickBrotliLevel)
)

func encoderPools(newEncoder func(int) encoder, levels ...int) map[int]*sync.Pool {
	pools := map[int]*sync.Pool{}
	for _, level := range levels {
		pools[level] = &sync.Pool{New: func() any { return newEncoder(level) }}
	}
	return pools
}

func gzipBytes(b []byte, level int) []byte   { return encode(b, level, gzipPools, newGzip) }
func brotliBytes(b []byte, level int) []byte { return encode(b, level, brotliPools, newBrotli) }

// encode compresses b with a pooled encoder of the level, or a new one for
// a level that is not pooled (the export's maximum levels).
func encode(b []byte, level int, pools map[int]*sync.Pool, newEncoder func(int) encoder) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	var w encoder
	if pool, ok := pools[level]; ok {
		w = pool.Get().(encoder)
		defer pool.Put(w)
	} else {
		w = newEncoder(level)
	}
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// variant returns the body for an encoding ("br", "gzip" or "") with its ETag.
func (r *response) variant(enc string) (body []byte, etag string) {
	v := r.headersFor(enc)
	return v.body, v.etag[0]
}

func (r *response) headersFor(enc string) *variantHeaders {
	switch enc {
	case "br":
		r.compress()
		return &r.hBr
	case "gzip":
		r.compress()
		return &r.hGzip
	}
	if r.hIdentity.body == nil {
		// A cached page keeps only its compressed variants; the rare
		// client that accepts neither gets the body decompressed again.
		body := gunzip(r.gz)
		v := newVariantHeaders(body, r.etag)
		return &v
	}
	return &r.hIdentity
}

// compact makes the variants and lets go of the identity body: what the
// compare page cache keeps, at about half the memory.
func (r *response) compact() {
	r.compress()
	r.body, r.hIdentity.body = nil, nil
}

func gunzip(b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		panic(err) // our own gzip output
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		panic(err)
	}
	return body
}

var (
	varyEncoding = []string{"Accept-Encoding"}
	// varyLanguage is the Vary of a page whose language was negotiated
	// from the cookie and Accept-Language rather than chosen by the URL.
	varyLanguage = []string{"Accept-Language, Cookie", "Accept-Encoding"}
	encodingGzip = []string{"gzip"}
	encodingBr   = []string{"br"}
	ccImmutable  = []string{"public, max-age=31536000, immutable"}
	ccPublic     = []string{"public, max-age=3600"}
	ccPrivate    = []string{"private, max-age=3600"}
	ccNoStore    = []string{"no-store"}
	ccByPolicy   = map[cachePolicy][]string{cacheImmutable: ccImmutable, cacheShared: ccPublic, cacheNone: ccNoStore}
)

// write sends the response: the best encoding the client accepts, the
// headers for caching, and 304 Not Modified when the client already has
// it. explicit says whether the URL chose the language (?lang).
func (r *response) write(w http.ResponseWriter, req *http.Request, explicit bool) {
	// Error pages are compressed too: the export has .gz and .br siblings
	// for them, and nginx sends those.
	enc := negotiateEncoding(req.Header.Get("Accept-Encoding"))
	v := r.headersFor(enc)
	h := w.Header()
	h["Content-Type"] = r.hType
	if r.hLang != nil {
		h["Content-Language"] = r.hLang
	}
	if r.lang != "" && !explicit {
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
	h["Cache-Control"] = r.cacheControlHeader(explicit)
	if r.status == http.StatusOK {
		h["Etag"] = v.etag
		if etagMatch(req.Header.Get("If-None-Match"), v.etag[0]) {
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

func (r *response) cacheControlHeader(explicit bool) []string {
	if cc, ok := ccByPolicy[r.policy]; ok {
		return cc
	}
	if r.lang != "" && !explicit {
		return ccPrivate
	}
	return ccPublic
}

func (r *response) cacheControl(explicit bool) string { return r.cacheControlHeader(explicit)[0] }

// etagMatch implements the weak comparison RFC 9110 §13.1.2 prescribes for
// If-None-Match: "*" or any listed tag equal to etag, ignoring W/.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// negotiateEncoding picks br, gzip or identity ("") from Accept-Encoding,
// honouring q-values (q=0 refuses an encoding; "*" stands for the rest).
// Between equal q-values brotli wins: it is smaller.
func negotiateEncoding(header string) string {
	if header == "" {
		return ""
	}
	q := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "x-gzip" {
			name = "gzip"
		}
		v := 1.0
		if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			v = f
		}
		if name == "*" {
			star = v
		} else {
			q[name] = v
		}
	}
	weight := func(name string) float64 {
		if v, ok := q[name]; ok {
			return v
		}
		return star
	}
	gz, br := weight("gzip"), weight("br")
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}
