package site

import (
	"slices"
	"strings"

	"smtpcodes.dev/internal/smtp"
)

// The session timeline: the steps of an SMTP session as columns, one row
// per code, a mark where the code can occur. It is generated from the
// codes' phase data, so it is right for every code by construction, and it
// is a plain table: screen readers read it as one, it needs no script, and
// it prints.

// timelineSteps are the columns, in session order. BDAT shares the DATA
// column: a message is sent with one or the other.
var timelineSteps = []smtp.Phase{
	smtp.Connect, smtp.EHLO, smtp.StartTLS, smtp.Auth, smtp.Mail,
	smtp.Rcpt, smtp.Data, smtp.EndOfData, smtp.Quit,
}

// stepOf maps a phase to its column; phases outside the mail transaction
// (VRFY, ETRN, …) have none.
func stepOf(p smtp.Phase) (int, bool) {
	if p == smtp.BDAT {
		p = smtp.Data
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
	v := timelineView{Caption: b.T(msgTimelineCaption), Yes: b.T(msgTimelineYes), No: b.T(msgTimelineNo)}
	for _, p := range timelineSteps {
		id := phaseMsg(p)
		if p == smtp.Data {
			id = msgTimelineData
		}
		v.Columns = append(v.Columns, b.T(id))
	}
	for _, in := range rows {
		row := timelineRow{Label: in.label, Cells: make([]bool, len(timelineSteps))}
		var at, other []string
		for _, p := range in.phases {
			if p == smtp.Any {
				for i := range row.Cells {
					row.Cells[i] = true
				}
				continue
			}
			if i, ok := stepOf(p); ok {
				row.Cells[i] = true
			} else {
				other = append(other, b.T(phaseMsg(p)))
			}
		}
		for i, on := range row.Cells {
			if on {
				at = append(at, v.Columns[i])
			}
		}
		switch {
		case slices.Contains(in.phases, smtp.Any):
			row.Summary = b.T(msgTimelineAny, "Code", in.label)
		case len(at) > 0:
			row.Summary = b.T(msgTimelineAt, "Code", in.label, "Phases", strings.Join(at, b.T(msgListSeparator)))
		default:
			row.Summary = b.T(msgTimelineNone, "Code", in.label)
		}
		if len(other) > 0 {
			row.Summary = joinSentences(row.Summary, b.T(msgTimelineOther, "Commands", strings.Join(other, b.T(msgListSeparator))))
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

type timelineInput struct {
	label  string
	phases []smtp.Phase
}

// joinSentences puts two sentences one after the other: with a space,
// unless the first ends with a full-width stop, after which Chinese and
// Japanese put none.
func joinSentences(a, b string) string {
	if strings.HasSuffix(a, "。") || strings.HasSuffix(a, "！") || strings.HasSuffix(a, "？") {
		return a + b
	}
	return a + " " + b
}
