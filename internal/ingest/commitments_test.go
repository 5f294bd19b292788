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
