package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The agreed actions of an evaluation (docs/mou.md, "Agreed actions"): the
// follow-up the quarter's report opens with, its findings, its CSV rows and
// its PDF section.

// actions summarises the agreed actions of mouID for q: those open at its
// start with their status at its end, and those raised in it.
func (e *Evaluator) actions(ctx context.Context, mouID string, q postclear.YearQuarter) (postclear.ActionSummary, error) {
	as, err := e.MoUs.Actions(ctx, postclear.ActionQuery{MoUID: mouID, From: q.Start(), To: q.End()})
	if err != nil {
		return postclear.ActionSummary{}, err
	}
	return postclear.FollowUp(as, q.Start(), q.End()), nil
}

// The CSV section of the action counts, and the metrics of its rows.
const (
	SectionActions = "actions"
	sectionAction  = "action:"
)

// ActionSection is the section of one action's rows: "action:2025-Q3-01".
func ActionSection(id string) string { return sectionAction + id }

// actionCounts are the rows of the actions section, in order.
var actionCounts = []struct {
	metric string
	n      func(*postclear.ActionSummary) int
}{
	{"OPEN_AT_START", func(s *postclear.ActionSummary) int { return s.OpenAtStart }},
	{"RAISED", func(s *postclear.ActionSummary) int { return s.Raised }},
	{"DONE", func(s *postclear.ActionSummary) int { return s.Done }},
	{"DROPPED", func(s *postclear.ActionSummary) int { return s.Dropped }},
	{"OPEN_AT_END", func(s *postclear.ActionSummary) int { return s.OpenAtEnd }},
	{"OVERDUE", func(s *postclear.ActionSummary) int { return s.Overdue }},
}

// actionRows are the CSV rows of the agreed actions: the counts, then for
// each listed action its fields, with text in the period column as the
// data rows have it (the table's only text column), and whether it was
// carried over and is overdue as 1 or 0 in the value column.
func actionRows(ev *postclear.Evaluation) []Row {
	s := &ev.Actions
	var out []Row
	for _, c := range actionCounts {
		out = append(out, Row{Section: SectionActions, Metric: c.metric, Period: ev.Quarter, Value: ptr(float64(c.n(s)))})
	}
	flag := func(b bool) *float64 {
		if b {
			return ptr(1.0)
		}
		return ptr(0.0)
	}
	for _, f := range s.Actions {
		a := &f.Action
		sec := ActionSection(a.ID)
		closed := ""
		if a.ClosedOn != nil && f.StatusAtEnd != postclear.ActionOpen {
			closed = a.ClosedOn.Format(time.DateOnly)
		}
		out = append(out,
			Row{Section: sec, Metric: "TEXT", Period: a.Text},
			Row{Section: sec, Metric: "OWNER", Period: a.Owner},
			Row{Section: sec, Metric: "RAISED_ON", Period: a.RaisedOn.Format(time.DateOnly)},
			Row{Section: sec, Metric: "DUE_ON", Period: a.DueOn.Format(time.DateOnly)},
			Row{Section: sec, Metric: "KPI", Period: a.KPI},
			Row{Section: sec, Metric: "STATUS_AT_END", Period: f.StatusAtEnd},
			Row{Section: sec, Metric: "CLOSED_ON", Period: closed},
			Row{Section: sec, Metric: "CARRIED_OVER", Period: ev.Quarter, Value: flag(f.CarriedOver)},
			Row{Section: sec, Metric: "OVERDUE", Period: ev.Quarter, Value: flag(f.Overdue)})
	}
	return out
}

// maxOverdueNamed bounds the overdue actions a finding names; the PDF and
// the CSV list them all.
const maxOverdueNamed = 5

// actionFindings states the follow-up of the agreed actions, then, for
// each KPI that missed its target, that no action open at the end of the
// quarter addresses it, when none does.
func actionFindings(ev *postclear.Evaluation) []postclear.Finding {
	s := &ev.Actions
	ref := func(metric string) postclear.FigureRef {
		return postclear.FigureRef{Section: SectionActions, Metric: metric, Period: ev.Quarter}
	}
	var out []postclear.Finding
	if len(s.Actions) == 0 {
		out = append(out, postclear.Finding{Text: "No agreed action was open at the start of the quarter or raised in it.",
			References: []postclear.FigureRef{ref("OPEN_AT_START"), ref("RAISED")}})
	} else {
		text := fmt.Sprintf("Of the agreed actions, %s %s open at the start of the quarter and %s %s raised in it; by its end %s %s done, %s dropped and %s still open",
			none(s.OpenAtStart), plural(s.OpenAtStart, "was", "were"), none(s.Raised), plural(s.Raised, "was", "were"),
			none(s.Done), plural(s.Done, "was", "were"), none(s.Dropped), none(s.OpenAtEnd))
		refs := []postclear.FigureRef{ref("OPEN_AT_START"), ref("RAISED"), ref("DONE"), ref("DROPPED"), ref("OPEN_AT_END")}
		if s.Overdue > 0 {
			var named []string
			for _, f := range s.Actions {
				if f.Overdue && len(named) < maxOverdueNamed {
					named = append(named, fmt.Sprintf("%s, due %s", f.Action.ID, f.Action.DueOn.Format(time.DateOnly)))
					refs = append(refs, postclear.FigureRef{Section: ActionSection(f.Action.ID), Metric: "OVERDUE", Period: ev.Quarter})
				}
			}
			more := ""
			if s.Overdue > len(named) {
				more = fmt.Sprintf(" and %s more", number(s.Overdue-len(named)))
			}
			text += fmt.Sprintf(", %s of them overdue (%s%s)", number(s.Overdue), strings.Join(named, "; "), more)
			refs = append(refs, ref("OVERDUE"))
		}
		out = append(out, postclear.Finding{Text: text + ".", References: refs})
	}
	for _, r := range ev.KPIs {
		if r.Met == nil || *r.Met || addressed(s, r.KPI) {
			continue
		}
		out = append(out, postclear.Finding{
			Text:       fmt.Sprintf("%s missed its target; no open action addresses it.", r.KPI.Label()),
			References: []postclear.FigureRef{kpiRef(r.KPI, ev.Quarter), ref("OPEN_AT_END")},
		})
	}
	return out
}

// none is number for a count that is a subject: "none" rather than "no".
func none(n int) string {
	if n == 0 {
		return "none"
	}
	return number(n)
}

// addressed reports whether an action open at the end of the quarter names
// KPI k.
func addressed(s *postclear.ActionSummary, k postclear.KPI) bool {
	for _, f := range s.Actions {
		if f.StatusAtEnd == postclear.ActionOpen && f.Action.KPI == string(k) {
			return true
		}
	}
	return false
}

// actionSection is the PDF's account of the agreed actions, after the
// findings: the counts, then each action with its owner, dates and status
// at the end of the quarter, and its text in full.
func (d *doc) actionSection() {
	ev, s := d.ev, &d.ev.Actions
	d.heading("Agreed actions")
	d.font("", 9.5, colText)
	d.para(5, fmt.Sprintf("Open at the start of the quarter: %d · raised in it: %d · done: %d · dropped: %d · open at its end: %d, of which overdue: %d.",
		s.OpenAtStart, s.Raised, s.Done, s.Dropped, s.OpenAtEnd, s.Overdue))
	if len(s.Actions) == 0 {
		d.para(5, "No agreed action was open at the start of the quarter or raised in it.")
		return
	}
	d.pdf.Ln(1)
	for _, f := range s.Actions {
		a := &f.Action
		d.need(16)
		origin := "raised in the quarter"
		if f.CarriedOver {
			origin = "carried over"
		}
		status, col := "OPEN", colText
		switch f.StatusAtEnd {
		case postclear.ActionDone:
			status, col = "DONE "+a.ClosedOn.Format(time.DateOnly), colMet
		case postclear.ActionDropped:
			status, col = "DROPPED "+a.ClosedOn.Format(time.DateOnly), colMuted
		}
		if f.Overdue {
			status, col = "OPEN · OVERDUE", colMissed
		}
		y := d.pdf.GetY()
		d.font("B", 9, colText)
		d.ts.cell(contentW-45, 5, fmt.Sprintf("%s · %s · raised %s · due %s · %s", a.ID, strings.ToLower(a.Owner),
			a.RaisedOn.Format(time.DateOnly), a.DueOn.Format(time.DateOnly), origin), "L", 0, false)
		d.font("B", 9, col)
		d.pdf.SetXY(margin+contentW-45, y)
		d.ts.cell(45, 5, status, "R", 1, false)
		d.font("", 9, colText)
		d.pdf.SetX(margin + 4)
		d.ts.multiCell(contentW-4, 4.6, a.Text, "L")
		if a.KPI != "" {
			d.font("I", 8, colMuted)
			d.pdf.SetX(margin + 4)
			d.ts.multiCell(contentW-4, 4, "Addresses: "+postclear.KPI(a.KPI).Label()+" ("+a.KPI+")", "L")
		}
		d.pdf.Ln(1.5)
	}
	d.rule()
	d.pdf.Ln(1)
	d.font("I", 7.5, colMuted)
	d.para(3.8, fmt.Sprintf("Status as of the end of the quarter (%s): an action closed later is shown open. Overdue: due before the end of the quarter and not closed by then.",
		dateText(ev.To.AddDate(0, 0, -1))))
}
