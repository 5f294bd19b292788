package postclear

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestActionValidate(t *testing.T) {
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	p := func(s string) *time.Time { t := d(s); return &t }
	valid := func() Action {
		return Action{MoUID: "mou-ke-2024", ID: "2025-Q3-01", RaisedOn: d("2025-07-10"), Text: "Publish the release file daily",
			Owner: "CUSTOMS", DueOn: d("2025-09-30"), Status: "OPEN"}
	}
	for _, tt := range []struct {
		name   string
		change func(*Action)
		want   string // the errors, "field: message; …"; "" for valid
	}{
		{"open", func(*Action) {}, ""},
		{"done", func(a *Action) { a.Status, a.ClosedOn, a.KPI = "DONE", p("2025-08-01"), "EAD_COVERAGE" }, ""},
		{"due in the future", func(a *Action) { a.DueOn = d("2027-01-31") }, ""},
		{"closed on the day raised", func(a *Action) { a.Status, a.ClosedOn = "DROPPED", p("2025-07-10") }, ""},
		{"due before raised", func(a *Action) { a.DueOn = d("2025-07-09") }, "due_on: 2025-07-09 is before raised_on 2025-07-10"},
		{"done without closed_on", func(a *Action) { a.Status = "DONE" }, "closed_on: required when status is DONE (the day it was closed)"},
		{"closed while open", func(a *Action) { a.ClosedOn = p("2025-08-01") }, "closed_on: must be empty while the action is OPEN"},
		{"closed before raised", func(a *Action) { a.Status, a.ClosedOn = "DONE", p("2025-07-01") }, "closed_on: 2025-07-01 is before raised_on 2025-07-10"},
		{"closed in the future", func(a *Action) { a.Status, a.ClosedOn = "DONE", p("2026-01-05") }, "closed_on: 2026-01-05 is in the future"},
		{"raised in the future", func(a *Action) { a.RaisedOn, a.DueOn = d("2026-01-05"), d("2026-02-01") }, "raised_on: 2026-01-05 is in the future"},
		{"unknown KPI", func(a *Action) { a.KPI = "CLEARANCE_P99" }, `kpi: unknown KPI "CLEARANCE_P99" (allowed: CLEARANCE_P90_HOURS, `},
		{"owner and status", func(a *Action) { a.Owner, a.Status = "MINISTRY", "PENDING" },
			`owner: unknown value "MINISTRY" (allowed: CUSTOMS, POST, JOINT); status: unknown value "PENDING" (allowed: OPEN, DONE, DROPPED)`},
		{"bad id", func(a *Action) { a.ID = "A 7" }, `id: "A 7" is not an action id`},
		{"long id", func(a *Action) { a.ID = strings.Repeat("a", 65) }, "id: has 65 characters, at most 64 allowed"},
		{"blank text", func(a *Action) { a.Text = "  " }, "text: required"},
		{"long text", func(a *Action) { a.Text = strings.Repeat("é", 1001) }, "text: has 1001 characters, at most 1000 allowed"},
		{"missing", func(a *Action) { *a = Action{} },
			"mou_id: required; id: required; raised_on: required; text: required; owner: required; due_on: required; status: required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := valid()
			tt.change(&a)
			var got []string
			for _, e := range a.Validate(now) {
				got = append(got, e.Field+": "+e.Message)
			}
			all := strings.Join(got, "; ")
			if (tt.want == "") != (all == "") || !strings.HasPrefix(all, tt.want) {
				t.Errorf("Validate() = %q, want %q", all, tt.want)
			}
		})
	}
}

// FollowUp lists the actions open at the start of the quarter, then those
// raised in it, with their status at its end and whether they are overdue.
func TestFollowUp(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	p := func(s string) *time.Time { t := d(s); return &t }
	act := func(id, raised, due, status string, closed *time.Time) Action {
		return Action{MoUID: "mou-ke-2024", ID: id, RaisedOn: d(raised), Text: id, Owner: "JOINT", DueOn: d(due), Status: status, ClosedOn: closed}
	}
	actions := []Action{
		act("raised-in-q-done-after", "2025-08-01", "2025-08-15", "DONE", p("2025-10-03")), // open and overdue at the end
		act("closed-before", "2025-02-01", "2025-03-01", "DONE", p("2025-06-30")),          // not listed
		act("carried-open", "2025-05-01", "2025-12-31", "OPEN", nil),
		act("carried-dropped", "2025-06-01", "2025-07-31", "DROPPED", p("2025-07-01")),
		act("closed-on-first-day", "2025-04-01", "2025-06-30", "DONE", p("2025-07-01")), // open at the start (closed on its first day)
		act("raised-after", "2025-10-01", "2025-10-31", "OPEN", nil),                    // not listed
		act("raised-in-q-open-not-due", "2025-09-30", "2025-10-01", "OPEN", nil),
	}
	s := FollowUp(actions, d("2025-07-01"), d("2025-10-01"))
	type row struct {
		ID, Status       string
		Carried, Overdue bool
	}
	var got []row
	for _, f := range s.Actions {
		got = append(got, row{f.Action.ID, f.StatusAtEnd, f.CarriedOver, f.Overdue})
	}
	want := []row{
		{"closed-on-first-day", "DONE", true, false},
		{"carried-open", "OPEN", true, false},
		{"carried-dropped", "DROPPED", true, false},
		{"raised-in-q-done-after", "OPEN", false, true},
		{"raised-in-q-open-not-due", "OPEN", false, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	s.Actions = nil
	if diff := cmp.Diff(ActionSummary{OpenAtStart: 3, Raised: 2, Done: 1, Dropped: 1, OpenAtEnd: 3, Overdue: 1}, s); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}
