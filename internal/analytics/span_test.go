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

// Item facts are sorted by destination, span and first-seen month
// (migration 0010), and every KPI query bounds the first-seen month from
// both ends by the range and each item's span. Items of every span tier
// (0 to 40 months), at the edges of the quarter in UTC and in time zones
// either side of it, and an item whose first record arrives late (its
// first-seen month and span move, so its key does) are counted as the
// oracle counts them, by every family with an oracle.
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
