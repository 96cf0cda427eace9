package site

import (
	"slices"
	"strings"

	"smtpcodes.dev/internal/content"
)

// The session timeline: the steps of an SMTP session as columns, one row
// per code, a mark where the code can occur. It is generated from the
// codes' phase data, so it is right for every code by construction, and it
// is a plain table: screen readers read it as one, it needs no script, and
// it prints.

// timelineSteps are the columns, in session order. BDAT shares the DATA
// column: a message is sent with one or the other.
var timelineSteps = []content.Phase{
	content.Connect, content.EHLO, content.StartTLS, content.Auth, content.Mail,
	content.Rcpt, content.Data, content.EndOfData, content.Quit,
}

// stepOf maps a phase to its column; phases outside the mail transaction
// (VRFY, ETRN, …) have none.
func stepOf(p content.Phase) (int, bool) {
	if p == content.BDAT {
		p = content.Data
	}
	i := slices.Index(timelineSteps, p)
	return i, i >= 0
}

type timelineView struct {
	Caption string
	Columns []string
	Rows    []timelineRow
	Yes, No string // what a cell says to a screen reader
}

type timelineRow struct {
	Label   string
	Cells   []bool
	Summary string // the row as a sentence: the text alternative
}

// timeline builds the timeline for rows of (label, phases).
func timeline(b Base, rows ...timelineInput) timelineView {
	v := timelineView{Caption: b.UI["timeline_caption"], Yes: b.UI["timeline_yes"], No: b.UI["timeline_no"]}
	for _, p := range timelineSteps {
		id := "phase_" + string(p)
		if p == content.Data {
			id = "timeline_data"
		}
		v.Columns = append(v.Columns, b.UI[id])
	}
	for _, in := range rows {
		row := timelineRow{Label: in.label, Cells: make([]bool, len(timelineSteps))}
		var at, other []string
		for _, p := range in.phases {
			if p == content.Any {
				for i := range row.Cells {
					row.Cells[i] = true
				}
				continue
			}
			if i, ok := stepOf(p); ok {
				row.Cells[i] = true
			} else {
				other = append(other, b.UI["phase_"+string(p)])
			}
		}
		for i, on := range row.Cells {
			if on {
				at = append(at, v.Columns[i])
			}
		}
		switch {
		case slices.Contains(in.phases, content.Any):
			row.Summary = b.T("timeline_any", "Code", in.label)
		case len(at) > 0:
			row.Summary = b.T("timeline_at", "Code", in.label, "Phases", strings.Join(at, b.UI["list_separator"]))
		default:
			row.Summary = b.T("timeline_none", "Code", in.label)
		}
		if len(other) > 0 {
			row.Summary += " " + b.T("timeline_other", "Commands", strings.Join(other, b.UI["list_separator"]))
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

type timelineInput struct {
	label  string
	phases []content.Phase
}
