package site

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/locale"
)

// prepared holds every response rendered at start-up: each code page, the
// home page, the index, the JSON documents and the error pages, in every
// language, plus the per-code texts compare pages are composed from.
// It is immutable once built.
type prepared struct {
	pages  map[pageKey]*response
	errors map[pageKey]*response // path is the status code
	sides  map[pageKey]template.HTML
}

type pageKey struct{ path, lang string }

func (p *prepared) page(path, lang string) *response { return p.pages[pageKey{path, lang}] }

const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json; charset=utf-8"
)

// errorStatuses are the error pages rendered in advance.
var errorStatuses = []int{http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusInternalServerError}

// prepare renders everything that can be rendered in advance.
func (s *Server) prepare() (*prepared, error) {
	p := &prepared{pages: map[pageKey]*response{}, errors: map[pageKey]*response{}, sides: map[pageKey]template.HTML{}}
	add := func(path string, l locale.Lang, ctype string, body []byte, err error) error {
		if err != nil {
			return fmt.Errorf("rendering %s in %s: %w", path, l.Code, err)
		}
		p.pages[pageKey{path, l.Code}] = newResponse(http.StatusOK, ctype, l.Code, cachePage, body)
		return nil
	}
	for _, l := range s.locales.Langs() {
		body, err := s.execute("home", s.homeView(l))
		if err := add("/", l, htmlType, body, err); err != nil {
			return nil, err
		}
		body, err = s.execute("index", s.indexView(l))
		if err := add("/codes", l, htmlType, body, err); err != nil {
			return nil, err
		}
		body, err = s.allJSON(l)
		if err := add("/codes.json", l, jsonType, body, err); err != nil {
			return nil, err
		}
		for _, c := range s.store.Codes() {
			body, err := s.execute("code", s.codeView(l, c))
			if err := add(codeURL(c.ID), l, htmlType, body, err); err != nil {
				return nil, err
			}
			body, err = s.codeJSON(l, c)
			if err := add(codeURL(c.ID)+".json", l, jsonType, body, err); err != nil {
				return nil, err
			}
			b := s.base(l, codeURL(c.ID))
			side, err := s.execute("compare", sideView{Base: b, Text: s.codeText(b, c)}, "side")
			if err != nil {
				return nil, fmt.Errorf("rendering the compare text of %s in %s: %w", c.ID, l.Code, err)
			}
			p.sides[pageKey{c.ID, l.Code}] = template.HTML(side)
		}
		for _, status := range errorStatuses {
			body, err := s.execute("error", s.errorView(l, status))
			if err != nil {
				return nil, fmt.Errorf("rendering the %d page in %s: %w", status, l.Code, err)
			}
			p.errors[pageKey{strconv.Itoa(status), l.Code}] = newResponse(status, htmlType, l.Code, cacheNone, body)
		}
	}
	return p, nil
}

// execute renders a page template (the layout "base" unless another
// template of the set is named) into a fresh buffer.
func (s *Server) execute(page string, view any, name ...string) ([]byte, error) {
	t := "base"
	if len(name) > 0 {
		t = name[0]
	}
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, t, view); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// renderCompare composes a compare page from the two codes' pre-rendered
// texts: the template runs only for the frame around them.
func (s *Server) renderCompare(l locale.Lang, a, b *content.Code) (*response, error) {
	sides := []template.HTML{s.pre.sides[pageKey{a.ID, l.Code}], s.pre.sides[pageKey{b.ID, l.Code}]}
	var body []byte
	var err error
	if (a.Kind == content.Basic) != (b.Kind == content.Basic) {
		body, err = s.execute("combo", s.comboView(l, a, b, sides))
	} else {
		body, err = s.execute("compare", s.compareView(l, a, b, sides))
	}
	if err != nil {
		return nil, fmt.Errorf("rendering %s in %s: %w", compareURL(a, b), l.Code, err)
	}
	return newResponse(http.StatusOK, htmlType, l.Code, cachePage, body), nil
}
