package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// TestLateEarlierEventMovesItem: an item's destination is that of its
// earliest event, so an earlier event stored later moves it. Each query
// refreshes the facts first, and the item counts once, under the
// destination it has now, both grouped and filtered.
func TestLateEarlierEventMovesItem(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	st := warehouse.NewStore(e, layout)
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	ctx := context.Background()
	const id = "RR123456785CN"
	ev := func(code, at, dest string) postclear.Event {
		return postclear.Event{ItemID: id, EventCode: code, EventTime: ts(at), Office: "OFFICE1", OriginCountry: "CN", DestinationCountry: dest, MailClass: "LETTER"}
	}
	if err := st.InsertEvents(ctx, []postclear.Event{ev("EDB", "2025-03-05T10:00:00Z", "KE")}); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertDecisions(ctx, []postclear.Decision{{ItemID: id, DecidedAt: ts("2025-03-06T10:00:00Z"), Decision: "RELEASE"}}); err != nil {
		t.Fatal(err)
	}
	byDest := func(dests ...string) map[string]int64 {
		t.Helper()
		q := postclear.KPIQuery{
			Filter:  postclear.AnalyticsFilter{From: date("2025-03-01"), To: date("2025-04-01"), DestinationCountries: dests},
			GroupBy: []postclear.Dimension{postclear.DimDestinationCountry},
		}
		rows, err := svc.ClearanceTimes(ctx, q, 24)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, r := range rows {
			out[*r.Key.DestinationCountry] += r.Items
		}
		return out
	}
	check := func(step string, got, want map[string]int64) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", step, diff)
		}
	}
	check("before the late event", byDest(), map[string]int64{"KE": 1})
	// Stored after the query above refreshed the item under KE.
	if err := st.InsertEvents(ctx, []postclear.Event{ev("EMA", "2025-03-01T10:00:00Z", "TZ")}); err != nil {
		t.Fatal(err)
	}
	check("after it, all destinations", byDest(), map[string]int64{"TZ": 1})
	check("after it, KE only", byDest("KE"), map[string]int64{})
	check("after it, TZ only", byDest("TZ"), map[string]int64{"TZ": 1})
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
