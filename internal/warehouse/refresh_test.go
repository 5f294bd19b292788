package warehouse_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// milestoneColumns are the columns item_facts shares with item_milestones.
const milestoneColumns = `item_id, origin_country, destination_country, mail_class, office, category,
posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened`

// rowsOf returns every row of from as text, sorted, so that two relations
// compare with cmp.Diff.
func rowsOf(t *testing.T, e warehouse.Engine, db, columns, from string) []string {
	t.Helper()
	rows, err := e.Query(context.Background(),
		"SELECT arraySort(groupArray(toString(tuple("+columns+")))) FROM {db:Identifier}."+from, warehouse.Params{"db": db})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		if err := rows.Scan(&out); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkFacts fails unless item_facts, read as the KPIs read it, holds
// exactly the finalized milestones of every stored item.
func checkFacts(t *testing.T, e warehouse.Engine, db string) {
	t.Helper()
	want := rowsOf(t, e, db, milestoneColumns, "item_milestones")
	got := rowsOf(t, e, db, milestoneColumns, "item_facts FINAL")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item_facts FINAL differs from item_milestones (-want +got):\n%s", diff)
	}
}

func rawFactRows(t *testing.T, e warehouse.Engine, db string) uint64 {
	t.Helper()
	rows, err := e.Query(context.Background(), "SELECT count() FROM {db:Identifier}.item_facts", warehouse.Params{"db": db})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// TestRefreshFollowsDestinationChanges moves an item from no destination
// (a decision before any event) to KE and then, through a late earlier
// event, to TZ: each refresh leaves it under its current key only.
func TestRefreshFollowsDestinationChanges(t *testing.T) {
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			layout := testenv.Database(t, e)
			s := warehouse.NewStore(e, layout)
			ctx := context.Background()
			const id = "RR123456785CN"
			keys := func() []string {
				return rowsOf(t, e, layout.Database, "destination_country_key, item_id", "item_facts FINAL")
			}
			steps := []struct {
				name  string
				store func() error
				want  []string
			}{
				{"decision only", func() error {
					return s.InsertDecisions(ctx, []postclear.Decision{{ItemID: id, DecidedAt: ts("2025-03-06T10:00:00Z"), Decision: "RELEASE"}})
				}, []string{"('','RR123456785CN')"}},
				{"first event", func() error {
					return s.InsertEvents(ctx, []postclear.Event{{ItemID: id, EventCode: "EMA", EventTime: ts("2025-03-02T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}})
				}, []string{"('KE','RR123456785CN')"}},
				{"late earlier event", func() error {
					return s.InsertEvents(ctx, []postclear.Event{{ItemID: id, EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "TZ", MailClass: "LETTER"}})
				}, []string{"('TZ','RR123456785CN')"}},
				{"back to KE", func() error {
					return s.InsertEvents(ctx, []postclear.Event{{ItemID: id, EventCode: "EMA", EventTime: ts("2025-02-28T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}})
				}, []string{"('KE','RR123456785CN')"}},
			}
			for _, step := range steps {
				if err := step.store(); err != nil {
					t.Fatal(err)
				}
				if err := s.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(step.want, keys()); diff != "" {
					t.Errorf("after %s: keys (-want +got):\n%s", step.name, diff)
				}
				checkFacts(t, e, layout.Database)
			}
		})
	}
}

// TestRefreshIsIdempotent: a refresh with nothing dirty writes nothing,
// and refreshing items again (their records stored again) changes nothing
// a reader sees.
func TestRefreshIsIdempotent(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	ctx := context.Background()
	events := []postclear.Event{
		{ItemID: "RR123456785CN", EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"},
		{ItemID: "RR123456785CN", EventCode: "EMD", EventTime: ts("2025-03-05T10:00:00Z"), Office: "KENBOA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"},
		{ItemID: "EE000000000US", EventCode: "EMA", EventTime: ts("2025-03-02T10:00:00Z"), Office: "USJFKA", OriginCountry: "US", DestinationCountry: "TH", MailClass: "EMS"},
	}
	if err := s.InsertEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	before := rowsOf(t, e, layout.Database, milestoneColumns, "item_facts FINAL")
	raw := rawFactRows(t, e, layout.Database)
	v1, _ := s.DataVersion(ctx)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rawFactRows(t, e, layout.Database); n != raw {
		t.Errorf("a refresh with nothing dirty wrote rows: %d before, %d after", raw, n)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v1 {
		t.Errorf("a refresh with nothing dirty moved the data version from %s to %s", v1, v2)
	}
	if err := s.InsertEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(before, rowsOf(t, e, layout.Database, milestoneColumns, "item_facts FINAL")); diff != "" {
		t.Errorf("facts after refreshing again (-want +got):\n%s", diff)
	}
	checkFacts(t, e, layout.Database)
}

// TestRefreshKeepsItemsDirtiedWhileItRuns stores batches, new items and
// new records of earlier ones, while refreshes run back to back. An item
// dirtied during a refresh must stay dirty for the next one, so a last
// refresh after the inserts leaves the facts equal to the milestones.
func TestRefreshKeepsItemsDirtiedWhileItRuns(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := ts("2025-03-01T00:00:00Z")
	var wg sync.WaitGroup
	refreshes := 0
	refreshErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if err := s.Refresh(ctx); err != nil {
				if ctx.Err() == nil {
					refreshErr <- err
				}
				return
			}
			refreshes++
		}
	}()
	const batches, perBatch = 30, 200
	for b := range batches {
		events := make([]postclear.Event, 0, perBatch)
		for i := range perBatch {
			// Items overlap between batches, and later batches bring
			// earlier events with another destination.
			item := fmt.Sprintf("RR%08d0CN", (b*perBatch/2+i)%2000)
			dest := []string{"KE", "TZ", "TH"}[b%3]
			events = append(events, postclear.Event{ItemID: item, EventCode: "EMA",
				EventTime: base.Add(-time.Duration(b) * time.Hour), Office: "CNPEKA",
				OriginCountry: "CN", DestinationCountry: dest, MailClass: "LETTER"})
		}
		if err := s.InsertEvents(context.Background(), events); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	select {
	case err := <-refreshErr:
		t.Fatal(err)
	default:
	}
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d refreshes ran during %d inserts", refreshes, batches)
	checkFacts(t, e, layout.Database)
	keys := rowsOf(t, e, layout.Database, "item_id", "item_facts FINAL")
	if len(keys) != 2000 {
		t.Errorf("item_facts FINAL has %d rows, want one per item (2000)", len(keys))
	}
}

// TestRefreshAfterAStoppedRefresh: a refresh that stopped after writing an
// item's facts under a destination the item has since left (here written
// by hand) leaves a row that the next refresh must delete.
func TestRefreshAfterAStoppedRefresh(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	ctx := context.Background()
	ev := postclear.Event{ItemID: "RR123456785CN", EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}
	if err := s.InsertEvents(ctx, []postclear.Event{ev}); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	orphan := []any{"TZ", ev.ItemID, uint64(time.Now().UnixNano()), uint8(0)}
	if err := e.Insert(ctx, layout.Database+".item_facts", []string{"destination_country_key", "item_id", "version", "is_deleted"}, [][]any{orphan}); err != nil {
		t.Fatal(err)
	}
	ev.EventCode = "EMD"
	if err := s.InsertEvents(ctx, []postclear.Event{ev}); err != nil {
		t.Fatal(err)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"('KE','RR123456785CN')"}, rowsOf(t, e, layout.Database, "destination_country_key, item_id", "item_facts FINAL")); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	checkFacts(t, e, layout.Database)
}

// TestCompactMergesVersions: after refreshes that rewrote every item,
// Compact leaves one part holding one row per item, and what FINAL shows
// is unchanged.
func TestCompactMergesVersions(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	ctx := context.Background()
	for i, code := range []string{"EMA", "EMD", "EDB"} {
		var events []postclear.Event
		for n := range 100 {
			events = append(events, postclear.Event{ItemID: fmt.Sprintf("RR%08d0CN", n), EventCode: code,
				EventTime: ts("2025-03-01T10:00:00Z").Add(time.Duration(i) * time.Hour), Office: "CNPEKA",
				OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"})
		}
		if err := s.InsertEvents(ctx, events); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	before := rowsOf(t, e, layout.Database, milestoneColumns, "item_facts FINAL")
	if err := s.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rawFactRows(t, e, layout.Database); n != 100 {
		t.Errorf("item_facts holds %d rows after Compact, want 100", n)
	}
	if diff := cmp.Diff(before, rowsOf(t, e, layout.Database, milestoneColumns, "item_facts FINAL")); diff != "" {
		t.Errorf("facts changed by Compact (-want +got):\n%s", diff)
	}
	checkFacts(t, e, layout.Database)
}
