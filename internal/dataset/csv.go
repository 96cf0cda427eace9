package dataset

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// Table is one CSV file of a language.
type Table struct {
	Name   string // the file name: "codes.csv"
	Header []string
	rows   func(d *Dataset, lang string) [][]string
}

// Tables returns the CSV files of every language, in the order the /data/
// page lists them. The columns are documented in README.md ("Dataset").
func Tables() []Table {
	return []Table{
		{Name: "codes.csv", Header: []string{"code", "class", "title", "summary", "text_lang", "url", "phases", "definitions", "replies", "sources", "source_urls"}, rows: codeRows},
		{Name: "registry.csv", Header: []string{"code", "name", "basic", "refs", "classes", "status", "see", "title", "summary", "text_lang", "urls", "sources", "source_urls"}, rows: registryRows},
		{Name: "provider-codes.csv", Header: []string{"code", "provider", "registered", "classes", "title", "summary", "text_lang", "urls", "sources", "source_urls"}, rows: providerRows},
		{Name: "responses.csv", Header: []string{"provider", "family", "id", "reply", "basic", "enhanced", "token", "phase", "seen", "title", "summary", "text_lang", "url", "source_title", "source_url", "retrieved", "license", "source_version"}, rows: responseRows},
	}
}

// CSV encodes table t in lang: UTF-8, a header row, CRLF line ends and
// quoting as RFC 4180 has them.
func (d *Dataset) CSV(t Table, lang string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(t.Header); err != nil {
		return nil, err
	}
	if err := w.WriteAll(t.rows(d, lang)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// text returns a record's text in lang, or an empty one.
func text(m map[string]*Text, lang string) *Text {
	if t := m[lang]; t != nil {
		return t
	}
	return &Text{}
}

func sourceCells(srcs []Source) (titles, urls string) {
	var ts, us []string
	for _, s := range srcs {
		ts = append(ts, s.Title)
		if s.URL != "" {
			us = append(us, s.URL)
		}
	}
	return joined(ts), joined(us)
}

func codeRows(d *Dataset, lang string) [][]string {
	var rows [][]string
	for _, c := range d.Codes {
		t := text(c.Text, lang)
		var defs, replies []string
		for _, def := range c.Defs {
			ref := def.Ref
			if def.Context != "" {
				ref += " (" + def.Context + ")"
			}
			defs = append(defs, ref)
			reply := def.Reply
			if def.Example {
				reply += " (example wording)"
			}
			replies = append(replies, reply)
		}
		srcs, urls := sourceCells(c.Sources)
		rows = append(rows, []string{c.Code, strconv.Itoa(c.Class), t.Title, t.Summary, t.Lang, joined(t.URLs), joined(c.Phases), joined(defs), joined(replies), srcs, urls})
	}
	return rows
}

func registryRows(d *Dataset, lang string) [][]string {
	var rows [][]string
	for _, e := range d.Registry {
		t := text(e.Text, lang)
		srcs, urls := sourceCells(e.Sources)
		rows = append(rows, []string{e.Code, e.Name, e.Basic, joined(e.Refs), joined(ints(e.Classes)), e.Status, e.See, t.Title, t.Summary, t.Lang, joined(t.URLs), srcs, urls})
	}
	return rows
}

func providerRows(d *Dataset, lang string) [][]string {
	var rows [][]string
	for _, p := range d.ProviderCodes {
		t := text(p.Text, lang)
		srcs, urls := sourceCells(p.Sources)
		rows = append(rows, []string{p.Code, p.Provider, strconv.FormatBool(p.Registered), joined(ints(p.Classes)), t.Title, t.Summary, t.Lang, joined(t.URLs), srcs, urls})
	}
	return rows
}

func responseRows(d *Dataset, lang string) [][]string {
	var rows [][]string
	for _, l := range d.Responses {
		t := text(l.Text, lang)
		s := l.Sources[0]
		rows = append(rows, []string{l.Provider, l.Family, l.ID, l.Reply, l.Basic, l.Enhanced, l.Token, l.Phase, l.Seen, t.Title, t.Summary, t.Lang, joined(t.URLs), s.Title, s.URL, s.Retrieved, s.License, s.Version})
	}
	return rows
}
