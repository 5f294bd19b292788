package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
)

func TestReadCommitments(t *testing.T) {
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	const activities = `mou_id,date,title,kind,customs_participants,post_participants
mou-ke-2024,2025-07-16,Joint workshop on EAD,WORKSHOP,12,9
mou-ke-2024,2025-7-16,Bad date,SEMINAR,-1,x
`
	r, err := Open[postclear.Activity]("activities.csv", strings.NewReader(activities), now)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejected, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := []postclear.Activity{{MoUID: "mou-ke-2024", Date: time.Date(2025, 7, 16, 0, 0, 0, 0, time.UTC), Title: "Joint workshop on EAD",
		Kind: "WORKSHOP", CustomsParticipants: 12, PostParticipants: 9}}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("activities (-want +got):\n%s", diff)
	}
	var got []string
	for _, e := range rejected {
		got = append(got, e.Error())
	}
	wantErr := []string{
		`activities.csv:3: date: "2025-7-16" is not a date in the form YYYY-MM-DD`,
		`activities.csv:3: kind: unknown value "SEMINAR" (allowed: TRAINING, WORKSHOP, EXCHANGE, OTHER)`,
		`activities.csv:3: customs_participants: -1 must be between 0 and 100000`,
		`activities.csv:3: post_participants: "x" is not a whole number`,
	}
	if diff := cmp.Diff(wantErr, got); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}

	const disputes = `{"mou_id":"mou-ke-2024","opened_on":"2025-06-17","subject":"Release file format","resolved_on":"2025-07-22","resolution":"AGREEMENT"}
{"mou_id":"mou-ke-2024","opened_on":"2025-08-31","subject":"Packaging of seized items"}
{"mou_id":"mou-ke-2024","opened_on":"2025-08-31","subject":"x","resolved_on":"2025-08-01","resolution":"VOTE"}
`
	dr, err := Open[postclear.Dispute]("disputes.jsonl", strings.NewReader(disputes), now)
	if err != nil {
		t.Fatal(err)
	}
	ds, rejected, err := ReadAll(dr)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].ResolvedOn == nil || ds[1].ResolvedOn != nil || ds[1].Resolution != "" {
		t.Errorf("disputes: %+v", ds)
	}
	got = got[:0]
	for _, e := range rejected {
		got = append(got, e.Error())
	}
	wantErr = []string{
		`disputes.jsonl:3: resolved_on: 2025-08-01 is before opened_on 2025-08-31`,
		`disputes.jsonl:3: resolution: unknown value "VOTE" (allowed: MEDIATION, ARBITRATION, AGREEMENT)`,
	}
	if diff := cmp.Diff(wantErr, got); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
}

// Holidays are read like every kind: a bad row is rejected with its line,
// field and reason, the others kept.
func TestReadHolidays(t *testing.T) {
	const content = `country,date,name
KE,2025-06-01,Madaraka Day
ke,2025-06-02,Madaraka Day (observed)
KE,1999-12-31,Millennium Eve
KE,2025-13-01,
TH,2026-07-29,Asarnha Bucha Day
`
	r, err := Open[postclear.Holiday]("holidays.csv", strings.NewReader(content), time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	recs, rejected, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := []postclear.Holiday{
		{Country: "KE", Date: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Name: "Madaraka Day"},
		// A calendar is published ahead: a date next year is accepted.
		{Country: "TH", Date: time.Date(2026, 7, 29, 0, 0, 0, 0, time.UTC), Name: "Asarnha Bucha Day"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("holidays (-want +got):\n%s", diff)
	}
	var got []string
	for _, e := range rejected {
		got = append(got, e.Error())
	}
	wantErr := []string{
		`holidays.csv:3: country: "ke" must be upper case ("KE")`,
		`holidays.csv:4: date: 1999-12-31 must be between the years 2000 and 2099`,
		`holidays.csv:5: date: "2025-13-01" is not a date in the form YYYY-MM-DD`,
		`holidays.csv:5: name: required`,
	}
	if diff := cmp.Diff(wantErr, got); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
}

// Actions are read like every kind, CSV or JSON Lines: each bad row is
// rejected with its line, field and reason, the others kept.
func TestReadActions(t *testing.T) {
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	const content = `mou_id,id,raised_on,text,owner,due_on,status,closed_on,kpi
mou-ke-2024,2025-Q3-01,2025-07-10,Send the release file daily,CUSTOMS,2025-09-30,OPEN,,CLEARANCE_P90_HOURS
mou-ke-2024,2025-Q3-02,2025-07-10,Train counter staff,POST,2025-08-31,DONE,2025-08-20,
mou-ke-2024,2025-Q3-03,2025-07-10,Closed but open,JOINT,2025-07-01,OPEN,2025-08-20,CLEARANCE_P99
mou-ke-2024,2025 Q3 04,2025-07-10,,BOTH,2025-09-30,DONE,,
`
	r, err := Open[postclear.Action]("actions.csv", strings.NewReader(content), now)
	if err != nil {
		t.Fatal(err)
	}
	recs, rejected, err := ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	closed := d("2025-08-20")
	want := []postclear.Action{
		{MoUID: "mou-ke-2024", ID: "2025-Q3-01", RaisedOn: d("2025-07-10"), Text: "Send the release file daily", Owner: "CUSTOMS",
			DueOn: d("2025-09-30"), Status: "OPEN", KPI: "CLEARANCE_P90_HOURS"},
		{MoUID: "mou-ke-2024", ID: "2025-Q3-02", RaisedOn: d("2025-07-10"), Text: "Train counter staff", Owner: "POST",
			DueOn: d("2025-08-31"), Status: "DONE", ClosedOn: &closed},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	var got []string
	for _, e := range rejected {
		got = append(got, e.Error())
	}
	wantErr := []string{
		`actions.csv:4: due_on: 2025-07-01 is before raised_on 2025-07-10`,
		`actions.csv:4: closed_on: must be empty while the action is OPEN`,
		`actions.csv:4: kpi: unknown KPI "CLEARANCE_P99" (allowed: ` + kpiNames() + `)`,
		`actions.csv:5: id: "2025 Q3 04" is not an action id (letters, digits, '-', '_' and '.', e.g. 2025-Q3-04)`,
		`actions.csv:5: text: required`,
		`actions.csv:5: owner: unknown value "BOTH" (allowed: CUSTOMS, POST, JOINT)`,
		`actions.csv:5: closed_on: required when status is DONE (the day it was closed)`,
	}
	if diff := cmp.Diff(wantErr, got); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}

	const lines = `{"mou_id":"mou-ke-2024","id":"A.1","raised_on":"2025-07-10","text":"Weekly call","owner":"JOINT","due_on":"2025-07-31","status":"DROPPED","closed_on":"2025-07-20","kpi":null}
{"mou_id":"mou-ke-2024","id":"A.2","raised_on":"2025-07-10","text":"x","owner":"JOINT","due_on":"2025-07-31","status":"DONE","closed_on":"2026-01-20"}
`
	jr, err := Open[postclear.Action]("actions.jsonl", strings.NewReader(lines), now)
	if err != nil {
		t.Fatal(err)
	}
	as, rejected, err := ReadAll(jr)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Status != "DROPPED" || as[0].ClosedOn == nil || as[0].KPI != "" {
		t.Errorf("actions: %+v", as)
	}
	if len(rejected) != 1 || rejected[0].Error() != "actions.jsonl:2: closed_on: 2026-01-20 is in the future" {
		t.Errorf("rejections: %v", rejected)
	}
}

func kpiNames() string {
	var names []string
	for _, k := range postclear.KPIs {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
