package site

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

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

// prepare renders everything that can be rendered in advance, on every
// core: start-up time is the time to the first served request.
func (s *Server) prepare() (*prepared, error) {
	p := &prepared{pages: map[pageKey]*response{}, errors: map[pageKey]*response{}, sides: map[pageKey]template.HTML{}}
	codes := s.store.Codes()
	langs := s.locales.Langs()
	// One task per code and language, and one per language for the pages
	// that list every code. Results go to fixed slots, so no locking.
	type result struct {
		page, json *response
		side       template.HTML
		api        apiCode
		err        error
	}
	results := make([][]result, len(langs))
	for i := range langs {
		results[i] = make([]result, len(codes))
	}
	var wg sync.WaitGroup
	tasks := make(chan [2]int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tasks {
				l, c := langs[t[0]], codes[t[1]]
				r := &results[t[0]][t[1]]
				r.page, r.json, r.side, r.api, r.err = s.prepareCode(l, c)
			}
		}()
	}
	for i := range langs {
		for j := range codes {
			tasks <- [2]int{i, j}
		}
	}
	close(tasks)
	wg.Wait()

	for i, l := range langs {
		all := apiAll{Lang: l.Code}
		for j, c := range codes {
			r := results[i][j]
			if r.err != nil {
				return nil, r.err
			}
			p.pages[pageKey{codeURL(c.ID), l.Code}] = r.page
			p.pages[pageKey{codeURL(c.ID) + ".json", l.Code}] = r.json
			p.sides[pageKey{c.ID, l.Code}] = r.side
			all.Codes = append(all.Codes, r.api)
		}
		for path, render := range map[string]func() ([]byte, error){
			"/":           func() ([]byte, error) { return s.execute("home", s.homeView(l)) },
			"/codes":      func() ([]byte, error) { return s.execute("index", s.indexView(l)) },
			"/codes.json": func() ([]byte, error) { return marshalJSON(all) },
		} {
			body, err := render()
			if err != nil {
				return nil, fmt.Errorf("rendering %s in %s: %w", path, l.Code, err)
			}
			ctype := htmlType
			if strings.HasSuffix(path, ".json") {
				ctype = jsonType
			}
			p.pages[pageKey{path, l.Code}] = newResponse(http.StatusOK, ctype, l.Code, cachePage, body)
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

// prepareCode renders one code in one language: its page, its JSON and its
// text for compare pages, all from one view.
func (s *Server) prepareCode(l locale.Lang, c *content.Code) (page, js *response, side template.HTML, api apiCode, err error) {
	v := s.codeView(l, c)
	body, err := s.execute("code", v)
	if err != nil {
		return nil, nil, "", api, fmt.Errorf("rendering %s in %s: %w", codeURL(c.ID), l.Code, err)
	}
	api = s.apiCode(v)
	jsonBody, err := marshalJSON(api)
	if err != nil {
		return nil, nil, "", api, fmt.Errorf("encoding %s.json in %s: %w", codeURL(c.ID), l.Code, err)
	}
	sideBody, err := s.execute("compare", sideView{Base: v.Base, Text: v.Text}, "side")
	if err != nil {
		return nil, nil, "", api, fmt.Errorf("rendering the compare text of %s in %s: %w", c.ID, l.Code, err)
	}
	return newResponse(http.StatusOK, htmlType, l.Code, cachePage, body),
		newResponse(http.StatusOK, jsonType, l.Code, cachePage, jsonBody),
		template.HTML(sideBody), api, nil
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
	// The JSON-LD is added here rather than in the views: the JSON API
	// builds the same views and has no use for it.
	if (a.Kind == content.Basic) != (b.Kind == content.Basic) {
		v := s.comboView(l, a, b, sides)
		v.JSONLD = s.jsonLD(v.Base, "TechArticle", nil)
		body, err = s.execute("combo", v)
	} else {
		v := s.compareView(l, a, b, sides)
		v.JSONLD = s.jsonLD(v.Base, "TechArticle", nil)
		body, err = s.execute("compare", v)
	}
	if err != nil {
		return nil, fmt.Errorf("rendering %s in %s: %w", compareURL(a, b), l.Code, err)
	}
	return newResponse(http.StatusOK, htmlType, l.Code, cachePage, body).quick(), nil
}
