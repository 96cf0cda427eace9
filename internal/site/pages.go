package site

import (
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"sync/atomic"

	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// The page table: every page the site has, in every language, known at
// start-up and rendered on first use. A page is the same bytes for every
// reader of its language, so it is rendered once, compressed once, and
// kept while it is read.
//
// What the table keeps is bounded: a crawler that reads every page in
// every language (about 20,000, 140 MB compressed) would otherwise keep
// them all, past the server's memory limit, where the collector runs
// without pause. Past its byte budget the table lets go of the pages not
// read since the eviction hand last passed them (the CLOCK algorithm); a
// page let go is rendered again on its next read. A page enters unmarked,
// as in SIEVE: one read (a crawler's) does not protect it, a second does,
// so a crawl passes through the table without flushing the pages readers
// keep coming back to.
//
// A read is two map lookups, two atomic loads and no lock. The table's
// own structure is a map of paths, each with one small array of slots,
// one per language: every collection scans it, so it holds few pointers
// (a closure, a sync.Once and a map entry per page and language made 7 of
// the 18 MB each collection scanned with ten languages).
//
// Rendering on first use instead of at start-up keeps start-up time and
// memory independent of the number of languages: a language nobody reads
// costs nothing but its slots.

// PageCacheBytes is the default byte budget of the pages the table keeps:
// every code page in every language (about 21 MB as Size counts it) and
// the most read of the rest.
const PageCacheBytes = 32 << 20

// pageTable holds every page of the site; its set of pages never changes
// after New.
type pageTable struct {
	langs  []locale.Lang
	index  map[string]int // language code → position in langs and in a page's slots
	paths  map[string]*pageDef
	defs   []*pageDef // in the order they were added: the eviction hand's order
	budget int64
	used   atomic.Int64 // bytes kept (prepared.Response.Size)

	evicting sync.Mutex // held by the one goroutine moving the hand
	hand     int        // next slot the hand looks at: defs[hand/len(langs)].slots[hand%len(langs)]
}

// pageDef is one page path: how to render it in a language, and what is
// kept of it, one slot per language.
type pageDef struct {
	path   string
	render func(locale.Lang) (*prepared.Response, error)
	slots  []pageSlot
}

type pageSlot struct {
	rendering sync.Mutex // one rendering at a time; readers of a kept page never take it
	read      atomic.Bool
	resp      atomic.Pointer[prepared.Response]
}

func newPageTable(langs []locale.Lang, budget int) *pageTable {
	t := &pageTable{langs: langs, index: map[string]int{}, paths: map[string]*pageDef{}, budget: int64(budget)}
	for i, l := range langs {
		t.index[l.Code] = i
	}
	return t
}

// add enters the page at path, in every language, into the table. What
// the table keeps of it is compressed at the start-up levels (the
// export's too) and has no identity body, which the rare client that takes
// no encoding gets decompressed again: about half the memory.
func (t *pageTable) add(path, ctype string, body func(locale.Lang) ([]byte, error)) {
	if t.has(path) {
		panic("page table: " + path + " added twice")
	}
	d := &pageDef{path: path, slots: make([]pageSlot, len(t.langs)), render: func(l locale.Lang) (*prepared.Response, error) {
		b, err := body(l)
		if err != nil {
			return nil, fmt.Errorf("rendering %s in %s: %w", path, l.Code, err)
		}
		return prepared.New(http.StatusOK, ctype, l.Code, prepared.Page, b), nil
	}}
	t.paths[path] = d
	t.defs = append(t.defs, d)
}

// has reports whether path is a page.
func (t *pageTable) has(path string) bool { _, ok := t.paths[path]; return ok }

// get returns the page at path in l, rendering it if it is not kept. ok
// is false for a path that is not a page.
func (t *pageTable) get(path string, l locale.Lang) (resp *prepared.Response, ok bool, err error) {
	d, ok := t.paths[path]
	if !ok {
		return nil, false, nil
	}
	i, ok := t.index[l.Code]
	if !ok {
		return nil, true, fmt.Errorf("page %s: no language %q", path, l.Code)
	}
	slot := &d.slots[i]
	if resp := slot.resp.Load(); resp != nil {
		// Only the first read since the hand passed writes: the flag's
		// cache line is not written by every read of a hot page.
		if !slot.read.Load() {
			slot.read.Store(true)
		}
		return resp, true, nil
	}
	resp, err = t.fill(d, slot, l)
	return resp, true, err
}

// fill renders the page of d in l into its slot, unless a concurrent
// reader just did, and makes room past the budget. A failed rendering is
// not kept: the next read tries again.
func (t *pageTable) fill(d *pageDef, slot *pageSlot, l locale.Lang) (*prepared.Response, error) {
	slot.rendering.Lock()
	resp := slot.resp.Load()
	over := false
	if resp == nil {
		var err error
		if resp, err = d.render(l); err != nil {
			slot.rendering.Unlock()
			return nil, err
		}
		resp.Compact()
		slot.resp.Store(resp)
		over = t.used.Add(int64(resp.Size())) > t.budget
	}
	slot.rendering.Unlock()
	if over {
		t.evict()
	}
	return resp, nil
}

// evict moves the hand over the slots, letting go of the pages not read
// since it last passed them and clearing the mark of the others, until the
// table is back under nine tenths of its budget (so that it does not evict
// on every rendering once full). Two turns of the hand suffice, since the
// first clears every mark, unless readers mark pages again meanwhile;
// then the table stays over its budget until the next rendering moves the
// hand again.
func (t *pageTable) evict() {
	t.evicting.Lock()
	defer t.evicting.Unlock()
	n := len(t.defs) * len(t.langs)
	target := t.budget / 10 * 9
	for range 2 * n {
		if t.used.Load() <= target {
			return
		}
		slot := &t.defs[t.hand/len(t.langs)].slots[t.hand%len(t.langs)]
		t.hand = (t.hand + 1) % n
		if slot.resp.Load() == nil {
			continue
		}
		if slot.read.Swap(false) {
			continue
		}
		if old := slot.resp.Swap(nil); old != nil {
			t.used.Add(-int64(old.Size()))
		}
	}
}

// kept reports the bytes the table keeps (tests check the budget).
func (t *pageTable) kept() int64 { return t.used.Load() }

// all yields every page of the table in every language, in the order
// they were added.
func (t *pageTable) all(yield func(*pageDef, locale.Lang) bool) {
	for _, d := range t.defs {
		for _, l := range t.langs {
			if !yield(d, l) {
				return
			}
		}
	}
}

// servePage answers with the page at path in the request's language, or
// the 404 for a path that is not a page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, path string) error {
	resp, ok, err := s.pages.get(path, state(r).lang)
	switch {
	case err != nil:
		return err
	case !ok:
		return errNotFound
	}
	s.sendPage(w, r, path, resp)
	return nil
}

// once is a value made on first use.
type once[T any] struct {
	once  sync.Once
	build func() (T, error)
	v     T
	err   error
}

func (o *once[T]) get() (T, error) {
	o.once.Do(func() {
		o.v, o.err = o.build()
		o.build = nil
	})
	return o.v, o.err
}

func lazy[T any](build func() (T, error)) *once[T] { return &once[T]{build: build} }

type pageKey struct{ path, lang string }

// buildPages fills the table: every page of every language, none
// rendered yet, and the error pages, which are.
func (s *Server) buildPages() error {
	t := newPageTable(s.locales.Langs(), s.cfg.PageCacheBytes)
	s.pages = t
	for _, c := range s.store.Codes() {
		path := codeURL(c.ID)
		t.add(path, htmlType, func(l locale.Lang) ([]byte, error) { return s.templates.execute("code", s.codeView(l, c)) })
		t.add(path+".json", jsonType, func(l locale.Lang) ([]byte, error) { return marshalJSON(s.apiCode(s.codeView(l, c))) })
	}
	t.add("/", htmlType, func(l locale.Lang) ([]byte, error) { return s.templates.execute("home", s.homeView(l)) })
	t.add("/codes", htmlType, func(l locale.Lang) ([]byte, error) { return s.templates.execute("index", s.indexView(l)) })
	t.add("/codes.json", jsonType, func(l locale.Lang) ([]byte, error) {
		all := apiAll{Lang: l.Code, Codes: []apiCode{}}
		for _, c := range s.store.Codes() {
			all.Codes = append(all.Codes, s.apiCode(s.codeView(l, c)))
		}
		return marshalJSON(all)
	})
	s.addProviderPages()
	s.addTwins()
	t.add(translationsURL(), htmlType, func(l locale.Lang) ([]byte, error) {
		return s.templates.execute("translations", s.translationsView(l))
	})
	t.add(translationsURL()+".json", jsonType, func(locale.Lang) ([]byte, error) { return marshalJSON(s.apiTranslations()) })
	s.addDataPage()

	s.sides = map[pageKey]*once[template.HTML]{}
	s.errorPages = map[pageKey]*prepared.Response{}
	for _, l := range s.locales.Langs() {
		for _, c := range s.store.Codes() {
			s.sides[pageKey{c.ID, l.Code}] = lazy(func() (template.HTML, error) {
				v := s.codeView(l, c)
				side, err := s.templates.fragment("compare", "side", sideView{Base: v.Base, Text: v.Text})
				if err != nil {
					return "", fmt.Errorf("compare text of %s in %s: %w", c.ID, l.Code, err)
				}
				return side, nil
			})
		}
		errs, err := s.prepareErrors(l)
		if err != nil {
			return err
		}
		for status, resp := range errs {
			s.errorPages[pageKey{fmt.Sprint(status), l.Code}] = resp
		}
	}
	return nil
}

// side returns a code's text for compare pages in lang.
func (s *Server) side(id, lang string) (template.HTML, error) {
	o, ok := s.sides[pageKey{id, lang}]
	if !ok {
		return "", fmt.Errorf("no compare text for %s in %s", id, lang)
	}
	return o.get()
}
