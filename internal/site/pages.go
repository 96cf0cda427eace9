package site

import (
	"fmt"
	"html/template"
	"net/http"
	"sync"

	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// The page table: every page the site has, in every language, known at
// start-up and rendered on first use. A page is the same bytes for every
// reader of its language, so it is rendered once, compressed once, and
// kept; the table itself never changes after New, so looking a page up
// takes no lock, and a rendered page costs one atomic load (sync.Once).
//
// Rendering on first use instead of at start-up keeps start-up time and
// memory independent of the number of languages: a language nobody reads
// costs nothing but its entries.

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

// pageEntry is one page of the table: how to render it, and the response
// kept from its first rendering.
type pageEntry struct {
	render func() (*prepared.Response, error)
	kept   *once[*prepared.Response]
}

func (e *pageEntry) get() (*prepared.Response, error) { return e.kept.get() }

// page returns the page at path in lang, rendering it if this is its
// first use. ok is false for a path that is not a page.
func (s *Server) page(path, lang string) (resp *prepared.Response, ok bool, err error) {
	p, ok := s.pages[pageKey{path, lang}]
	if !ok {
		return nil, false, nil
	}
	resp, err = p.get()
	return resp, true, err
}

// servePage answers with the page at path in the request's language, or
// the 404 for a path that is not a page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, path string) error {
	resp, ok, err := s.page(path, state(r).lang.Code)
	switch {
	case err != nil:
		return err
	case !ok:
		return errNotFound
	}
	s.sendPage(w, r, path, resp)
	return nil
}

// addPage enters a page into the table. What the table keeps of it is
// compressed at the start-up levels (the export's too) and has no
// identity body, which the rare client that takes no encoding gets
// decompressed again: about half the memory.
func (s *Server) addPage(path string, l locale.Lang, ctype string, body func() ([]byte, error)) {
	e := &pageEntry{render: func() (*prepared.Response, error) {
		b, err := body()
		if err != nil {
			return nil, fmt.Errorf("rendering %s in %s: %w", path, l.Code, err)
		}
		return prepared.New(http.StatusOK, ctype, l.Code, prepared.Page, b), nil
	}}
	e.kept = lazy(func() (*prepared.Response, error) {
		resp, err := e.render()
		if err == nil {
			resp.Compact()
		}
		return resp, err
	})
	s.pages[pageKey{path, l.Code}] = e
}

// buildPages fills the table: the entries of every page of every
// language, none rendered yet, and the error pages, which are.
func (s *Server) buildPages() error {
	s.pages = map[pageKey]*pageEntry{}
	s.sides = map[pageKey]*once[template.HTML]{}
	s.errorPages = map[pageKey]*prepared.Response{}
	for _, l := range s.locales.Langs() {
		for _, c := range s.store.Codes() {
			path := codeURL(c.ID)
			s.addPage(path, l, htmlType, func() ([]byte, error) { return s.templates.execute("code", s.codeView(l, c)) })
			s.addPage(path+".json", l, jsonType, func() ([]byte, error) { return marshalJSON(s.apiCode(s.codeView(l, c))) })
			s.sides[pageKey{c.ID, l.Code}] = lazy(func() (template.HTML, error) {
				v := s.codeView(l, c)
				side, err := s.templates.fragment("compare", "side", sideView{Base: v.Base, Text: v.Text})
				if err != nil {
					return "", fmt.Errorf("compare text of %s in %s: %w", c.ID, l.Code, err)
				}
				return side, nil
			})
		}
		s.addPage("/", l, htmlType, func() ([]byte, error) { return s.templates.execute("home", s.homeView(l)) })
		s.addPage("/codes", l, htmlType, func() ([]byte, error) { return s.templates.execute("index", s.indexView(l)) })
		s.addPage("/codes.json", l, jsonType, func() ([]byte, error) {
			all := apiAll{Lang: l.Code, Codes: []apiCode{}}
			for _, c := range s.store.Codes() {
				all.Codes = append(all.Codes, s.apiCode(s.codeView(l, c)))
			}
			return marshalJSON(all)
		})
		s.addProviderPages(l)
		s.addTwins(l)
		s.addPage(translationsURL(), l, htmlType, func() ([]byte, error) {
			return s.templates.execute("translations", s.translationsView(l))
		})
		s.addPage(translationsURL()+".json", l, jsonType, func() ([]byte, error) { return marshalJSON(s.apiTranslations()) })
		s.addDataPage(l)
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
