package reference_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"smtpcodes.dev/internal/reference"
	"smtpcodes.dev/internal/site"
)

var shared = sync.OnceValues(func() (*reference.Client, error) {
	srv, err := site.Open(os.DirFS("../.."), site.Config{BaseURL: "https://smtp.example"})
	if err != nil {
		return nil, err
	}
	return reference.New(srv, srv.Locales()), nil
})

func client(t *testing.T) *reference.Client {
	t.Helper()
	c, err := shared()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Languages are normalised as ?lang= normalises them, and an unsupported
// one is an error rather than the silent fallback a page gives.
func TestLang(t *testing.T) {
	c := client(t)
	for in, want := range map[string]string{"": "en", "en": "en", "ja-JP": "ja", "JA": "ja", "ja_JP": "ja", "jp": "ja"} {
		if got, err := c.Lang(in); err != nil || got != want {
			t.Errorf("Lang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// The list names every shipped language, the default first.
	if _, err := c.Lang("xx"); err == nil || !strings.HasPrefix(err.Error(), `unsupported language "xx" (supported: en, `) || !strings.Contains(err.Error(), " ja") {
		t.Errorf("Lang(xx): %v", err)
	}
}

func TestCode(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	got, err := c.Code(ctx, " 05.07.026 ", "jp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "5.7.26" || got.Lang != "ja" || got.URL != "https://smtp.example/codes/5.7.26?lang=ja" || got.Registry == nil || len(got.Sources) == 0 {
		t.Errorf("5.7.26: %+v", got)
	}
	if _, err := c.Code(ctx, "299", ""); !errors.Is(err, reference.ErrNotFound) {
		t.Errorf("299: %v", err)
	}
	if _, err := c.Code(ctx, "5.1", ""); !errors.Is(err, reference.ErrNotCode) {
		t.Errorf("5.1: %v", err)
	}
}

// A comparison asked in the other order follows the site's canonical
// redirect.
func TestCompareRedirect(t *testing.T) {
	got, err := client(t).Compare(context.Background(), "556", "421", "ja")
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "https://smtp.example/compare/421-vs-556?lang=ja" || got.A.Code != "421" || got.B.Code != "556" {
		t.Errorf("556 vs 421: %s, %s, %s", got.URL, got.A.Code, got.B.Code)
	}
}

// Codes and Search give what the pages list, in the language asked.
func TestCodesAndSearch(t *testing.T) {
	c := client(t)
	ctx := context.Background()
	codes, err := c.Codes(ctx, "ja")
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 100 || codes[0].Lang != "ja" || codes[0].Code != "211" {
		t.Errorf("%d codes, first %+v", len(codes), codes[0])
	}
	res, err := c.Search(ctx, "5.7.26", "")
	if err != nil || len(res.Results) == 0 || res.Results[0].URL != "https://smtp.example/codes/5.7.26?lang=en" {
		t.Errorf("search 5.7.26: %v %+v", err, res)
	}
}
