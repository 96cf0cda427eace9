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
	// The server reads translations on first use; check reads them all
	// now, and any that fails its checks fails the check.
	if err := store.LoadAll(); err != nil {
		return fmt.Errorf("content: %w", err)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "language\tbasic codes\tenhanced codes\tprovider codes\tcompare notes\tprovider responses\tmachine\treviewed\toutdated\tUI messages missing")
	for _, l := range locales.Langs() {
		fmt.Fprint(tw, l.Code)
		machine, reviewed, outdated := 0, 0, 0
		for _, c := range store.Coverage(l.Code) {
			fmt.Fprintf(tw, "\t%d/%d", c.Translated, c.Total)
			machine, reviewed, outdated = machine+c.Machine, reviewed+c.Reviewed, outdated+c.Outdated
		}
		fmt.Fprintf(tw, "\t%d\t%d\t%d\t%d\n", machine, reviewed, outdated, len(locales.Missing(l)))
	}
	tw.Flush()
	if err := catalogueReport(out, store); err != nil {
		return err
	}
	v, err := store.Version()
	if err != nil {
		return err
	}
	problems := store.Problems()
	if err := v.Check(); err != nil {
		fmt.Fprintf(out, "\ndataset version %s, not recorded\n", v.Hash)
		problems = append(problems, content.Problem{File: "content/" + content.VersionFile, What: err.Error()})
	} else {
		fmt.Fprintf(out, "\ndataset version %s of %s\n", v.Hash, v.Date)
	}
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

// catalogueReport prints the provider-response catalogue per provider, and
// how the site's example replies are sourced.
func catalogueReport(out io.Writer, store *content.Store) error {
	type tally struct{ lines, families, sources int }
	per := map[string]*tally{}
	srcs := map[*content.Source]bool{}
	numbers := map[string]bool{} // enhanced numbers a provider reuses or invents
	for _, r := range store.Responses() {
		t := per[r.Provider.ID]
		if t == nil {
			t = &tally{}
			per[r.Provider.ID] = t
		}
		t.families++
		t.lines += len(r.Lines)
		for _, src := range r.Sources() {
			if !srcs[src] {
				srcs[src] = true
				t.sources++
			}
		}
		if r.Registry == "differs" || r.Registry == "unregistered" {
			for _, l := range r.Lines {
				if l.Enhanced != "" {
					numbers[r.Provider.ID+" "+l.Enhanced] = true
				}
			}
		}
	}
	if len(per) > 0 {
		fmt.Fprintln(out, "\nprovider responses")
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "provider\tkind\tlines\tfamilies\tsources")
		lines, families, sources, systems := 0, 0, 0, 0
		for _, p := range store.Facts.Providers {
			t := per[p.ID]
			if t == nil {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", p.ID, p.Kind, t.lines, t.families, t.sources)
			lines, families, sources, systems = lines+t.lines, families+t.families, sources+t.sources, systems+1
		}
		fmt.Fprintf(tw, "all (%d systems)\t\t%d\t%d\t%d\n", systems, lines, families, sources)
		tw.Flush()
		fmt.Fprintf(out, "enhanced numbers that providers reuse with another meaning or that the registry lacks: %d\n", len(numbers))
	}
	sourced, illustrative := store.ExampleCount()
	fmt.Fprintf(out, "\nexample replies: %d sourced, %d illustrative\n", sourced, illustrative)
	return nil
}
