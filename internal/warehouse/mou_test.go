package warehouse_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

func TestMoUStore(t *testing.T) {
	e := testenv.Embedded(t)
	store := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	end := d("2025-01-01")
	in := postclear.MoUInput{Country: "KE", CustomsAdministration: "Kenya Revenue Authority", PostalOperator: "Posta Kenya",
		SignedOn: d("2024-01-01"), EffectiveFrom: d("2024-01-01"), EffectiveTo: &end,
		Targets: []postclear.Target{{KPI: postclear.KPIEadCoverage, Comparison: postclear.AtLeast, Value: 0.8}}}
	m1, err := store.CreateMoU(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if m1.ID != "mou-ke-2024" {
		t.Errorf("id %q, want mou-ke-2024", m1.ID)
	}
	// Without a time zone, an MoU is in UTC.
	if got, _ := store.MoU(ctx, m1.ID); got.TimeZone != "UTC" {
		t.Errorf("time zone %q, want UTC", got.TimeZone)
	}

	// Overlapping active MoU of the same country: refused with a clear message.
	overlap := in
	overlap.SignedOn, overlap.EffectiveFrom, overlap.EffectiveTo = d("2024-06-01"), d("2024-06-01"), nil
	if _, err := store.CreateMoU(ctx, overlap); postclear.ErrorCode(err) != postclear.EConflict || !strings.Contains(err.Error(), "mou-ke-2024") {
		t.Errorf("overlapping create: %v, want CONFLICT naming mou-ke-2024", err)
	}
	// Starting on the end day does not overlap ([from, to)); same year: -2.
	next := in
	next.SignedOn, next.EffectiveFrom, next.EffectiveTo = d("2024-12-01"), end, nil
	m2, err := store.CreateMoU(ctx, next)
	if err != nil || m2.ID != "mou-ke-2025" {
		t.Fatalf("adjacent create: %v %v", m2.ID, err)
	}
	// Updating m1 to run on into m2 is an overlap too.
	longer := in
	later := d("2025-06-01")
	longer.EffectiveTo = &later
	if _, err := store.UpdateMoU(ctx, m1.ID, longer); postclear.ErrorCode(err) != postclear.EConflict {
		t.Errorf("overlapping update: %v, want CONFLICT", err)
	}
	// Once m2 is archived, it no longer blocks.
	if _, err := store.ArchiveMoU(ctx, m2.ID); err != nil {
		t.Fatal(err)
	}
	upd, err := store.UpdateMoU(ctx, m1.ID, longer)
	if err != nil || !upd.EffectiveTo.Equal(later) {
		t.Fatalf("update after archive: %+v %v", upd, err)
	}
	if _, err := store.UpdateMoU(ctx, m2.ID, next); postclear.ErrorCode(err) != postclear.EConflict {
		t.Errorf("update of archived MoU: %v, want CONFLICT", err)
	}
	moved := longer
	moved.Country = "TZ"
	if _, err := store.UpdateMoU(ctx, m1.ID, moved); postclear.ErrorCode(err) != postclear.EInvalid {
		t.Errorf("country change: %v, want BAD_USER_INPUT", err)
	}

	// The time zone is stored with the rest; an update sets it.
	longer.TimeZone = "Africa/Nairobi"
	if _, err := store.UpdateMoU(ctx, m1.ID, longer); err != nil {
		t.Fatal(err)
	}
	bad := longer
	bad.TimeZone = "Nairobi"
	if _, err := store.UpdateMoU(ctx, m1.ID, bad); postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(err.Error(), "timeZone") {
		t.Errorf("unknown time zone: %v, want BAD_USER_INPUT naming timeZone", err)
	}
	// Reads take the latest version.
	active, err := store.MoUs(ctx, false)
	if err != nil || len(active) != 1 || !active[0].EffectiveTo.Equal(later) || active[0].Targets[0].Value != 0.8 || active[0].TimeZone != "Africa/Nairobi" {
		t.Fatalf("MoUs(false) = %+v, %v", active, err)
	}
	all, _ := store.MoUs(ctx, true)
	if len(all) != 2 || !all[1].Archived {
		t.Errorf("MoUs(true) = %+v", all)
	}
	if _, err := store.MoU(ctx, "mou-xx-2020"); postclear.ErrorCode(err) != postclear.ENotFound {
		t.Errorf("missing MoU: %v", err)
	}

	// Commitments: unknown MoU refused; a key stored again is replaced.
	if err := store.InsertActivities(ctx, []postclear.Activity{{MoUID: "mou-nope", Date: d("2024-03-01"), Title: "x", Kind: "TRAINING"}}); postclear.ErrorCode(err) != postclear.EInvalid {
		t.Errorf("activity of unknown MoU: %v", err)
	}
	open := postclear.Dispute{MoUID: m1.ID, OpenedOn: d("2024-03-01"), Subject: "Storage charges"}
	if err := store.InsertDisputes(ctx, []postclear.Dispute{open}); err != nil {
		t.Fatal(err)
	}
	resolved := open
	r := d("2024-04-10")
	resolved.ResolvedOn, resolved.Resolution = &r, "MEDIATION"
	if err := store.InsertDisputes(ctx, []postclear.Dispute{resolved}); err != nil {
		t.Fatal(err)
	}
	ds, err := store.Disputes(ctx, m1.ID, time.Time{}, time.Time{})
	if err != nil || len(ds) != 1 || ds[0].ResolvedOn == nil || !ds[0].ResolvedOn.Equal(r) || ds[0].Resolution != "MEDIATION" {
		t.Errorf("disputes after resolving: %+v, %v", ds, err)
	}
	// Disputes resolved before a range are left out of it.
	if ds, _ := store.Disputes(ctx, m1.ID, d("2024-07-01"), d("2024-10-01")); len(ds) != 0 {
		t.Errorf("disputes of 2024-Q3: %+v, want none", ds)
	}
}
