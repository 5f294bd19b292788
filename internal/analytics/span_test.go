package analytics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// spanItem is an item of spanRecords: posted (its first record) at first,
// then arrived, presented, released (by a decision) and delivered an hour
// apart each from at; seized at at too when seized.
type spanItem struct {
	first, at string
	seized    bool
}

func spanID(n int) string {
	serial := fmt.Sprintf("%08d", 10_000_000+n)
	return fmt.Sprintf("RR%s%dKE", serial, postclear.S10CheckDigit(serial))
}

func spanRecords(items []spanItem, from int) kpioracle.Records {
	var r kpioracle.Records
	for i, it := range items {
		id := spanID(from + i)
		first, at := ts(it.first), ts(it.at)
		ev := func(code string, t time.Time, office string) postclear.Event {
			return postclear.Event{ItemID: id, EventCode: code, EventTime: t, Office: office, OriginCountry: "CN", DestinationCountry: "KE", MailClass: "EMS"}
		}
		r.Events = append(r.Events, ev("EMA", first, "CNPEKA"), ev("EMD", at, "KENBOA"), ev("EDB", at.Add(time.Hour), "KENBOA"),
			ev("EMI", at.Add(3*time.Hour), "KENBOA"))
		r.Decisions = append(r.Decisions, postclear.Decision{ItemID: id, DecidedAt: at.Add(2 * time.Hour), Decision: "RELEASE"})
		if it.seized {
			r.Decisions = append(r.Decisions, postclear.Decision{ItemID: id, DecidedAt: at.Add(90 * time.Minute), Decision: "SEIZE", SeizureCategory: "WEAPONS"})
		}
	}
	return r
}

// Item facts are sorted by destination, unclosed, last month and
// first-seen month (migration 0011), and every KPI query bounds the last
// month from below by the range's start and the first-seen month from
// above by its end. Items whose lives span 0 to 40 months, at the edges of
// the quarter in UTC and in time zones either side of it, and an item
// whose first record arrives late (its first-seen month moves, so its key
// does) are counted as the oracle counts them, by every family with an
// oracle.
func TestSpanBoundsAreExact(t *testing.T) {
	items := []spanItem{
		{"2025-04-28T10:00:00Z", "2025-04-29T10:00:00Z", false}, // span 0
		{"2025-03-30T10:00:00Z", "2025-04-02T10:00:00Z", true},  // 1
		{"2025-02-15T10:00:00Z", "2025-04-15T10:00:00Z", false}, // 2
		{"2025-01-20T10:00:00Z", "2025-05-10T10:00:00Z", true},  // 4
		{"2024-11-20T10:00:00Z", "2025-05-10T10:00:00Z", false}, // 6
		{"2024-10-20T10:00:00Z", "2025-05-10T10:00:00Z", false}, // 7
		{"2024-05-20T10:00:00Z", "2025-05-10T10:00:00Z", true},  // 12
		{"2024-03-20T10:00:00Z", "2025-06-10T10:00:00Z", false}, // 15
		{"2022-03-20T10:00:00Z", "2025-06-30T10:00:00Z", false}, // 39
		{"2025-03-31T15:30:00Z", "2025-03-31T16:00:00Z", false}, // Q2 in Tokyo, Q1 in UTC
		{"2025-07-01T04:00:00Z", "2025-07-01T04:30:00Z", false}, // Q2 in Los Angeles, Q3 in UTC
		{"2025-06-30T23:00:00Z", "2025-07-01T00:00:00Z", true},  // just after Q2 in UTC
		{"2025-03-31T20:00:00Z", "2025-03-31T21:00:00Z", false}, // just before Q2 in UTC
		{"2025-06-20T10:00:00Z", "2025-06-25T10:00:00Z", false}, // the late one below
		{"2023-06-20T10:00:00Z", "2025-03-25T10:00:00Z", false}, // long, before the range
	}
	r := spanRecords(items, 0)
	st, svc := storeAndService(t, testenv.Embedded(t), r, false)
	ctx := context.Background()
	quarter := func(tz string) postclear.KPIQuery {
		return postclear.KPIQuery{
			Filter:      postclear.AnalyticsFilter{From: date("2025-04-01"), To: date("2025-07-01"), DestinationCountries: []string{"KE"}},
			Granularity: gran(postclear.Month),
			TimeZone:    tz,
		}
	}
	check := func(t *testing.T, r kpioracle.Records) {
		for _, tz := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles"} {
			q := quarter(tz)
			t.Run(tz, func(t *testing.T) {
				compareAll(t, svc, r, q)
				asOf := date("2025-06-30")
				got, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: asOf, AgesHours: postclear.DefaultAgesHours})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.Backlog(r, q, asOf, postclear.DefaultAgesHours), got, approx); diff != "" {
					t.Errorf("backlog (-want +got):\n%s", diff)
				}
			})
		}
		// The counts are those of the items above, so that the
		// comparison proves something: every tier is in the quarter.
		got, err := svc.ClearanceTimes(ctx, postclear.KPIQuery{Filter: quarter("UTC").Filter}, 24)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Items != 10 {
			t.Errorf("clearance of the quarter: %+v, want the 10 items released in it", got)
		}
		// The benchmarks' count of the rows a query needs counts them.
		counting := *svc
		counting.CountPopulations = true
		text, params, err := counting.ClearanceSQL(postclear.KPIQuery{Filter: quarter("UTC").Filter}, 24)
		if err != nil {
			t.Fatal(err)
		}
		var needed uint64
		if err := warehouse.Each(ctx, svc.Engine, text, params, func(r warehouse.Rows) error { return r.Scan(&needed) }); err != nil {
			t.Fatal(err)
		}
		if needed != 10 {
			t.Errorf("CountPopulations: %d rows needed, want 10:\n%s", needed, text)
		}
	}
	t.Run("stored", func(t *testing.T) { check(t, r) })

	// A record earlier than the first of the item released on 25 June
	// arrives late: its first-seen month moves from June 2025 back to
	// January 2024 and its span from 0 to 17 months.
	late := postclear.Declaration{ItemID: spanID(13), ReceivedAt: ts("2024-01-05T10:00:00Z"), OriginCountry: "CN", DestinationCountry: "KE",
		MailClass: "EMS", Category: "GIFT", Description: "Books", DeclaredValue: postclear.DecimalFromUnits(10_000_000), Currency: "USD", GrossWeightKg: postclear.DecimalFromUnits(1_000_000)}
	if err := st.InsertDeclarations(ctx, []postclear.Declaration{late}); err != nil {
		t.Fatal(err)
	}
	r.Declarations = append(r.Declarations, late)
	t.Run("after a late earlier record", func(t *testing.T) { check(t, r) })
}

// lifeItem is an item of lifeRecords: posted at first, arrived at
// arrived and presented an hour later, released at released, delivered at
// delivered (each "" for never), seized an hour after it arrived when
// seized.
type lifeItem struct {
	first, arrived, released, delivered string
	seized                              bool
}

func lifeRecords(items []lifeItem, from int) kpioracle.Records {
	var r kpioracle.Records
	for i, it := range items {
		id := spanID(from + i)
		ev := func(code string, t time.Time, office string) postclear.Event {
			return postclear.Event{ItemID: id, EventCode: code, EventTime: t, Office: office, OriginCountry: "CN", DestinationCountry: "KE", MailClass: "EMS"}
		}
		arrived := ts(it.arrived)
		r.Events = append(r.Events, ev("EMA", ts(it.first), "CNPEKA"), ev("EMD", arrived, "KENBOA"), ev("EDB", arrived.Add(time.Hour), "KENBOA"))
		if it.released != "" {
			r.Decisions = append(r.Decisions, postclear.Decision{ItemID: id, DecidedAt: ts(it.released), Decision: "RELEASE"})
		}
		if it.delivered != "" {
			r.Events = append(r.Events, ev("EMI", ts(it.delivered), "KENBOA"))
		}
		if it.seized {
			r.Decisions = append(r.Decisions, postclear.Decision{ItemID: id, DecidedAt: arrived.Add(time.Hour), Decision: "SEIZE", SeizureCategory: "WEAPONS"})
		}
	}
	return r
}

// The backlog and the open items bound item_facts' sort key by the moment
// (migration 0011): an item not closed is read whatever its months, one
// closed only when its last month is the moment's or later. Items open
// across month ends, closed exactly at a month's first second or its
// last, stuck since 2022, seized, and closed within a month, are counted
// and listed as the oracle does at the edges of every month of their
// lives, for a wide entry range and for a quarter; then the stuck item of
// February is released and delivered (its key moves from the items not
// closed to the closed ones) and the comparison is repeated.
func TestOpenBoundsAreExact(t *testing.T) {
	items := []lifeItem{
		{"2025-01-10T10:00:00Z", "2025-01-20T10:00:00Z", "2025-03-15T10:00:00Z", "2025-05-02T10:00:00Z", false}, // open January to May
		{"2025-02-27T10:00:00Z", "2025-02-28T23:30:00Z", "", "", false},                                         // presented 1 March, stuck
		{"2024-06-01T10:00:00Z", "2024-06-05T10:00:00Z", "2024-06-06T10:00:00Z", "2025-04-01T00:00:00Z", false}, // closed at April's first second
		{"2025-03-31T23:30:00Z", "2025-04-01T00:30:00Z", "2025-04-01T02:00:00Z", "2025-04-30T23:59:59Z", false}, // closed at April's last
		{"2025-02-01T10:00:00Z", "2025-02-03T10:00:00Z", "", "", true},                                          // seized
		{"2022-01-05T10:00:00Z", "2022-01-10T10:00:00Z", "", "", false},                                         // stuck for years
		{"2025-03-02T10:00:00Z", "2025-03-14T10:00:00Z", "2025-03-15T00:00:00Z", "2025-03-16T10:00:00Z", false}, // closed within March
		{"2025-05-20T10:00:00Z", "2025-05-21T10:00:00Z", "2025-05-22T10:00:00Z", "", false},                     // released, not delivered
	}
	r := lifeRecords(items, 100)
	st, svc := storeAndService(t, testenv.Embedded(t), r, false)
	ctx := context.Background()
	var moments []time.Time
	for m := date("2024-12-01"); m.Before(date("2025-08-01")); m = m.AddDate(0, 1, 0) {
		moments = append(moments, m.Add(-time.Second), m, m.AddDate(0, 0, 14).Add(12*time.Hour))
	}
	queries := []postclear.KPIQuery{
		{Filter: postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2026-01-01"), DestinationCountries: []string{"KE"}}},
		{Filter: postclear.AnalyticsFilter{From: date("2025-04-01"), To: date("2025-07-01")}},
	}
	check := func(t *testing.T, r kpioracle.Records) {
		seen := map[string]bool{}
		for _, asOf := range moments {
			for _, it := range r.Items() {
				if _, _, ok := kpioracle.OpenAt(it, asOf); ok {
					seen[it.ID] = true
				}
			}
			for qi, q := range queries {
				got, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: asOf, AgesHours: postclear.DefaultAgesHours})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(kpioracle.Backlog(r, q, asOf, postclear.DefaultAgesHours), got, approx); diff != "" {
					t.Errorf("backlog %d at %s (-want +got):\n%s", qi, asOf.Format(time.RFC3339), diff)
				}
				for _, stage := range postclear.BacklogStages {
					got, total := pageAll(t, ctx, svc, postclear.OpenItemsQuery{Query: q, AsOf: asOf, Stage: stage, First: 2})
					want := kpioracle.OpenItems(r, q, asOf, stage, nil)
					if diff := cmp.Diff(want, got, approx); diff != "" || total != int64(len(want)) {
						t.Errorf("open items %d %s at %s, total %d (-want +got):\n%s", qi, stage, asOf.Format(time.RFC3339), total, diff)
					}
				}
			}
		}
		// Every item but the seized one is open at some moment above,
		// so that the comparison proves something.
		if len(seen) < len(items)-1 {
			t.Errorf("%d of %d items are open at one of the moments", len(seen), len(items))
		}
	}
	t.Run("stored", func(t *testing.T) { check(t, r) })

	id := spanID(101)
	more := kpioracle.Records{
		Decisions: []postclear.Decision{{ItemID: id, DecidedAt: ts("2025-06-10T10:00:00Z"), Decision: "RELEASE"}},
		Events: []postclear.Event{{ItemID: id, EventCode: "EMI", EventTime: ts("2025-06-20T10:00:00Z"), Office: "KENBOA", OriginCountry: "CN",
			DestinationCountry: "KE", MailClass: "EMS"}},
	}
	if err := st.InsertDecisions(ctx, more.Decisions); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertEvents(ctx, more.Events); err != nil {
		t.Fatal(err)
	}
	r.Decisions = append(r.Decisions, more.Decisions...)
	r.Events = append(r.Events, more.Events...)
	t.Run("after the stuck item closed", func(t *testing.T) { check(t, r) })
}
