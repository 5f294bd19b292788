package report_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
)

// An action raised in one quarter and done in the next is listed in both
// evaluations: raised and open (and overdue once its due date passed) in
// the first, carried over and done in the second. A missed target is named
// in the findings unless an action open at the end of the quarter
// addresses it.
func TestActionsCarryOverAcrossQuarters(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	id := f.ids["MA"]
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	p := func(s string) *time.Time { t := d(s); return &t }

	// A target MA misses in both quarters, found before any action exists.
	missed := func(quarter string) map[postclear.KPI]bool {
		ev, err := f.ev.Evaluate(ctx, id, quarter)
		if err != nil {
			t.Fatal(err)
		}
		out := map[postclear.KPI]bool{}
		for _, r := range ev.KPIs {
			if r.Met != nil && !*r.Met {
				out[r.KPI] = true
			}
		}
		return out
	}
	q1, q2 := missed("2025-Q1"), missed("2025-Q2")
	var k postclear.KPI
	for _, c := range postclear.KPIs {
		if q1[c] && q2[c] {
			k = c
			break
		}
	}
	if k == "" {
		t.Fatalf("the fixture's MA MoU misses no target in both 2025-Q1 (%v) and 2025-Q2 (%v); the test needs one", q1, q2)
	}

	actions := []postclear.Action{
		// Raised in Q1, open at its end, done in Q2; addresses k.
		{MoUID: id, ID: "T-carried", RaisedOn: d("2025-02-17"), Text: "Publish the daily release file to the post by 06:00",
			Owner: "CUSTOMS", DueOn: d("2025-05-30"), Status: "DONE", ClosedOn: p("2025-05-20"), KPI: string(k)},
		// Raised in Q1, due in it, never done: overdue in both.
		{MoUID: id, ID: "T-overdue", RaisedOn: d("2025-02-12"), Text: "Agree on a storage-charge schedule",
			Owner: "JOINT", DueOn: d("2025-03-31"), Status: "OPEN"},
		// Closed before Q1: in neither.
		{MoUID: id, ID: "T-closed", RaisedOn: d("2024-11-10"), Text: "Exchange contact lists",
			Owner: "POST", DueOn: d("2024-12-20"), Status: "DONE", ClosedOn: p("2024-12-01")},
		// Raised in Q2, dropped in Q3: open at the end of Q2.
		{MoUID: id, ID: "T-next", RaisedOn: d("2025-04-22"), Text: "Pilot pre-arrival risk scoring on e-commerce parcels",
			Owner: "CUSTOMS", DueOn: d("2025-09-30"), Status: "DROPPED", ClosedOn: p("2025-08-04")},
	}
	if err := f.store.InsertActions(ctx, actions); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Later tests evaluate MA: leave them no action in their quarters.
		for i := range actions {
			actions[i].Status, actions[i].ClosedOn = "DROPPED", &actions[i].RaisedOn
		}
		f.store.InsertActions(context.Background(), actions)
	})

	type row struct {
		ID, StatusAtEnd  string
		Carried, Overdue bool
	}
	for _, tt := range []struct {
		quarter string
		want    []row
		counts  postclear.ActionSummary
		// noAction lists the missed KPIs the findings say no open action addresses.
		noAction map[postclear.KPI]bool
	}{
		{"2025-Q1",
			[]row{{"T-overdue", "OPEN", false, true}, {"T-carried", "OPEN", false, false}},
			postclear.ActionSummary{Raised: 2, OpenAtEnd: 2, Overdue: 1},
			without(q1, k)},
		{"2025-Q2",
			[]row{{"T-overdue", "OPEN", true, true}, {"T-carried", "DONE", true, false}, {"T-next", "OPEN", false, false}},
			postclear.ActionSummary{OpenAtStart: 2, Raised: 1, Done: 1, OpenAtEnd: 2, Overdue: 1},
			q2},
	} {
		t.Run(tt.quarter, func(t *testing.T) {
			ev, err := f.ev.Evaluate(ctx, id, tt.quarter)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, a := range ev.Actions.Actions {
				got = append(got, row{a.Action.ID, a.StatusAtEnd, a.CarriedOver, a.Overdue})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			counts := ev.Actions
			counts.Actions = nil
			if diff := cmp.Diff(tt.counts, counts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}

			// The findings: one per missed target no open action addresses.
			gotNo := map[postclear.KPI]bool{}
			for _, fd := range ev.Findings {
				for _, c := range postclear.KPIs {
					if fd.Text == c.Label()+" missed its target; no open action addresses it." {
						gotNo[c] = true
					}
				}
			}
			if diff := cmp.Diff(tt.noAction, gotNo); diff != "" {
				t.Errorf("missed targets without an open action (-want +got):\n%s", diff)
			}
			summary := slices.IndexFunc(ev.Findings, func(fd postclear.Finding) bool { return strings.HasPrefix(fd.Text, "Of the agreed actions") })
			if summary < 0 || !strings.Contains(ev.Findings[summary].Text, "T-overdue, due 2025-03-31") {
				t.Errorf("no summary of the actions naming the overdue one in %v", ev.Findings)
			}

			checkActionCSV(t, &ev)
			checkActionPDF(t, &ev)
		})
	}
}

func without(m map[postclear.KPI]bool, k postclear.KPI) map[postclear.KPI]bool {
	out := map[postclear.KPI]bool{}
	for c := range m {
		if c != k {
			out[c] = true
		}
	}
	return out
}

// checkActionCSV parses the CSV back and finds every action and count.
func checkActionCSV(t *testing.T, ev *postclear.Evaluation) {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteCSV(&b, ev); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, b.Bytes())[report.CSVHeader[0]]
	cells := map[string][]string{}
	for _, r := range recs[1:] {
		cells[r[0]+"|"+r[1]+"|"+r[2]] = r[3:]
	}
	// The actions section holds the same, one row per action.
	section := readCSV(t, b.Bytes())[report.ActionHeader[0]]
	if len(section) != len(ev.Actions.Actions)+1 {
		t.Errorf("actions section: %d rows, want %d actions", len(section)-1, len(ev.Actions.Actions))
	}
	for i, f := range ev.Actions.Actions {
		if r := section[min(i+1, len(section)-1)]; r[0] != f.Action.ID || r[6] != f.StatusAtEnd || r[9] != f.Action.Text || r[8] != strconv.FormatBool(f.Overdue) {
			t.Errorf("actions section row %d: %q, want %s %s", i, r, f.Action.ID, f.StatusAtEnd)
		}
	}
	s := ev.Actions
	for metric, n := range map[string]string{"OPEN_AT_START": strconv.Itoa(s.OpenAtStart), "RAISED": strconv.Itoa(s.Raised), "DONE": strconv.Itoa(s.Done),
		"DROPPED": strconv.Itoa(s.Dropped), "OPEN_AT_END": strconv.Itoa(s.OpenAtEnd), "OVERDUE": strconv.Itoa(s.Overdue)} {
		if c := cells["actions|"+metric+"|"+ev.Quarter]; c == nil || c[0] != n {
			t.Errorf("CSV actions %s: %v, want %s", metric, c, n)
		}
	}
	// Each action's fields are rows of its own section: read them back.
	byID := map[string]map[string]string{}
	for _, r := range recs[1:] {
		if id, ok := strings.CutPrefix(r[0], "action:"); ok {
			if byID[id] == nil {
				byID[id] = map[string]string{}
			}
			v := r[2]
			if r[1] == "CARRIED_OVER" || r[1] == "OVERDUE" {
				v = r[3]
			}
			byID[id][r[1]] = v
		}
	}
	want := map[string]map[string]string{}
	for _, f := range s.Actions {
		a := f.Action
		closed := ""
		if f.StatusAtEnd != "OPEN" {
			closed = a.ClosedOn.Format(time.DateOnly)
		}
		want[a.ID] = map[string]string{"TEXT": a.Text, "OWNER": a.Owner, "RAISED_ON": a.RaisedOn.Format(time.DateOnly),
			"DUE_ON": a.DueOn.Format(time.DateOnly), "KPI": a.KPI, "STATUS_AT_END": f.StatusAtEnd, "CLOSED_ON": closed,
			"CARRIED_OVER": map[bool]string{true: "1", false: "0"}[f.CarriedOver], "OVERDUE": map[bool]string{true: "1", false: "0"}[f.Overdue]}
	}
	if diff := cmp.Diff(want, byID); diff != "" {
		t.Errorf("actions read back from the CSV (-evaluation +CSV):\n%s", diff)
	}
	for _, fd := range ev.Findings {
		for _, ref := range fd.References {
			if _, ok := cells[ref.Section+"|"+ref.Metric+"|"+ref.Period]; !ok {
				t.Errorf("finding %q refers to %+v, which is not a CSV row", fd.Text, ref)
			}
		}
	}
}

// checkActionPDF reads the PDF's text back: the section after the
// findings, each action's line, status and text, and the findings.
func checkActionPDF(t *testing.T, ev *postclear.Evaluation) {
	t.Helper()
	var b bytes.Buffer
	if err := report.WritePDF(&b, ev, report.PDFOptions{Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, b.Bytes())
	flat := strings.Join(text, " ")
	findings, actions := slices.Index(text, "2. Findings"), slices.Index(text, "3. Agreed actions")
	if findings < 0 || actions < findings {
		t.Fatalf("the agreed actions are not the section after the findings: %q", text[:min(len(text), 80)])
	}
	s := ev.Actions
	for _, want := range []string{
		"Open at the start of the quarter: " + strconv.Itoa(s.OpenAtStart) + " · raised in it: " + strconv.Itoa(s.Raised),
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	for _, f := range s.Actions {
		a := f.Action
		status := "OPEN"
		switch {
		case f.Overdue:
			status = "OPEN · OVERDUE"
		case f.StatusAtEnd != "OPEN":
			status = f.StatusAtEnd + " " + a.ClosedOn.Format(time.DateOnly)
		}
		head := a.ID + " · " + strings.ToLower(a.Owner) + " · raised " + a.RaisedOn.Format(time.DateOnly) + " · due " + a.DueOn.Format(time.DateOnly)
		i := slices.IndexFunc(text, func(s string) bool { return strings.HasPrefix(s, head) })
		if i < 0 || !inOrder(text[i:min(len(text), i+4)], []string{status, a.Text}) {
			t.Errorf("PDF: want %q then %q and %q, got %q", head, status, a.Text, text[max(i, 0):min(len(text), max(i, 0)+4)])
		}
	}
	for _, fd := range ev.Findings {
		if !strings.Contains(flat, fd.Text) {
			t.Errorf("finding not in the PDF: %q", fd.Text)
		}
	}
}
