package main

import (
	"fmt"
	"io"
	"io/fs"
	"text/tabwriter"

	"smtpcodes.dev/internal/content"
	"smtpcodes.dev/internal/site"
)

// check builds the site exactly as serving does (so it validates every
// content file, message bundle, template and message id, and renders every
// page once) and prints a coverage report: code pages per language, and
// every missing or outdated translation. It fails if the site does not
// build or anything is missing.
func check(root fs.FS, out io.Writer) error {
	srv, err := site.Open(root, site.Config{BaseURL: "https://smtp.example"})
	if err != nil {
		return err
	}
	store, locales := srv.Store(), srv.Locales()
	var langs []string
	for _, l := range locales.Langs() {
		langs = append(langs, l.Code)
	}
	type count struct{ basic, enhanced, providers, notes int }
	have := map[string]*count{}
	for _, lang := range langs {
		have[lang] = &count{}
	}
	sources := map[string]bool{}
	for _, c := range store.Codes() {
		if sources[c.Key] {
			continue // one enhanced source serves several classes
		}
		sources[c.Key] = true
		for _, lang := range langs {
			if !c.Has(lang) {
				continue
			}
			switch c.Kind {
			case content.Basic:
				have[lang].basic++
			case content.Enhanced:
				have[lang].enhanced++
			}
		}
	}
	// Provider meanings: the notes on registered numbers and the
	// provider-only pages, counted once per facts entry.
	for _, pc := range store.Facts.ProviderCodes {
		for _, lang := range langs {
			if store.HasProviderText(pc, lang) {
				have[lang].providers++
			}
		}
	}
	for _, n := range store.Notes() {
		for _, lang := range langs {
			if _, fallback := n.Page(lang); !fallback {
				have[lang].notes++
			}
		}
	}
	facts := store.Facts
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "language\tbasic codes\tenhanced codes\tprovider codes\tcompare notes\tUI messages missing")
	for _, l := range locales.Langs() {
		c := have[l.Code]
		fmt.Fprintf(tw, "%s\t%d/%d\t%d/%d\t%d/%d\t%d/%d\t%d\n", l.Code, c.basic, len(facts.Basic), c.enhanced, len(facts.Registry), c.providers, len(facts.ProviderCodes), c.notes, len(store.Notes()), len(locales.Missing(l)))
	}
	tw.Flush()
	problems := store.Problems()
	for _, l := range locales.Langs()[1:] {
		for _, id := range locales.Missing(l) {
			problems = append(problems, content.Problem{File: "locales/active." + l.Code + ".toml", Lang: l.Code, What: "missing message " + id})
		}
	}
	if len(problems) == 0 {
		fmt.Fprintln(out, "\nno problems")
		return nil
	}
	fmt.Fprintf(out, "\n%d problems:\n", len(problems))
	for _, p := range problems {
		fmt.Fprintln(out, "  "+p.String())
	}
	return fmt.Errorf("%d content problems", len(problems))
}
