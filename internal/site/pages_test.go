package site

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"smtpcodes.dev/internal/locale"
	"smtpcodes.dev/internal/prepared"
)

// A crawler reading every page in every language must not make the table
// keep them all: past its budget it lets go of pages nobody reads, keeps
// the page everyone reads, and a page it let go of comes back the same.
func TestPageTableBudget(t *testing.T) {
	const budget = 128 << 10
	s := newTestServer(t, Config{BaseURL: "https://smtp.example", PageCacheBytes: budget})
	// The most read page is the first slot of the table, where the
	// eviction hand starts and comes back to after each turn: the slot a
	// hand that only clears marks would let go of first.
	var hotPath string
	var hotLang locale.Lang
	for d, l := range s.pages.all {
		hotPath, hotLang = d.path, l
		break
	}
	hot, _, err := s.pages.get(hotPath, hotLang)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]string{} // path?lang → ETag of its first rendering
	total, n := int64(0), 0
	for d, l := range s.pages.all {
		if n++; n == 1 {
			continue
		} else if n > 300 {
			break
		}
		resp, ok, err := s.pages.get(d.path, l)
		if !ok || err != nil {
			t.Fatalf("%s in %s: ok %v, %v", d.path, l.Code, ok, err)
		}
		total += int64(resp.Size())
		first[d.path+"?lang="+l.Code] = resp.ETag()
		if kept := s.pages.kept(); kept > budget {
			t.Fatalf("after %d pages the table keeps %d bytes, budget %d", n, kept, budget)
		}
		if again, _, _ := s.pages.get(hotPath, hotLang); again != hot {
			t.Fatalf("after %d pages the most read page, %s in %s, was rendered again", n, hotPath, hotLang.Code)
		}
	}
	if total < 4*budget {
		t.Fatalf("the crawl read %d bytes of pages: not enough to test a budget of %d", total, budget)
	}
	// Every page comes back with the same bytes, through the handler.
	h := s.ServeHTTP
	for d, l := range s.pages.all {
		want, ok := first[d.path+"?lang="+l.Code]
		if !ok {
			break
		}
		req := httptest.NewRequest(http.MethodGet, d.path+"?lang="+l.Code, nil)
		req.Header.Set("Accept-Encoding", "identity")
		rec := httptest.NewRecorder()
		h(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") != want {
			t.Fatalf("%s?lang=%s after eviction: %d, ETag %s, want 200 and %s", d.path, l.Code, rec.Code, rec.Header().Get("ETag"), want)
		}
	}
}

// Readers of one page at once render it once: they all get the same
// response.
func TestPageTableRendersOnce(t *testing.T) {
	s := newTestServer(t, Config{BaseURL: "https://smtp.example"})
	de, _ := s.locales.Lookup("de")
	got := make([]*prepared.Response, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			resp, _, err := s.pages.get("/codes/550", de)
			if err != nil {
				t.Error(err)
			}
			got[g] = resp
		})
	}
	wg.Wait()
	for g, resp := range got {
		if resp == nil || resp != got[0] {
			t.Fatalf("reader %d got a rendering of its own", g)
		}
	}
}

// Readers of many pages get the same bytes while pages are rendered and
// let go around them (run with -race).
func TestPageTableConcurrent(t *testing.T) {
	s := newTestServer(t, Config{BaseURL: "https://smtp.example", PageCacheBytes: 256 << 10})
	ja, _ := s.locales.Lookup("ja")
	var defs []*pageDef
	for d, l := range s.pages.all {
		if l.Code == "ja" && len(defs) < 200 {
			defs = append(defs, d)
		}
	}
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for g := range got {
		wg.Go(func() {
			for _, d := range defs {
				resp, _, err := s.pages.get(d.path, ja)
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], resp.ETag())
			}
		})
	}
	wg.Wait()
	for g := 1; g < len(got); g++ {
		for i := range got[0] {
			if got[g][i] != got[0][i] {
				t.Fatalf("%s: reader %d got ETag %s, reader 0 %s", defs[i].path, g, got[g][i], got[0][i])
			}
		}
	}
	if kept := s.pages.kept(); kept > 256<<10+64<<10 {
		t.Errorf("the table keeps %d bytes, budget %d", kept, 256<<10)
	}
}
