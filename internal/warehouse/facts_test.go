package warehouse_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/internal/warehouse/warehousetest"
)

// writers returns the engines to run a test of the facts on, by name: each
// engine of testenv.Engines with its own capabilities, and the embedded
// engine under a server's (warehousetest.AsServer), so that the server's
// code path runs here too.
func writers(t *testing.T) map[string]warehouse.Engine {
	out := map[string]warehouse.Engine{}
	for _, e := range testenv.Engines(t) {
		out[e.Name()] = e
	}
	out["chdb-as-server"] = warehousetest.AsServer(testenv.Embedded(t))
	return out
}

// milestoneColumns are the columns item_facts shares with item_milestones.
const milestoneColumns = `item_id, origin_country, destination_country, mail_class, office, category,
posted_at, arrived_at, presented_at, released_at, delivered_at, ead_at, inspected, seized, intervened,
departed_origin_at, departed_inward_at, requested_at, inspected_at, inspection_channel, closed_at,
customs_secs, duty, returned, first_seen_at`

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
// exactly the finalized milestones of every stored item, and item_checks
// those of the items with each kind of check.
func checkFacts(t *testing.T, e warehouse.Engine, db string) {
	t.Helper()
	want := rowsOf(t, e, db, milestoneColumns, "item_milestones")
	got := rowsOf(t, e, db, milestoneColumns, "item_facts FINAL")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item_facts FINAL differs from item_milestones (-want +got):\n%s", diff)
	}
	for column, kind := range warehouse.CheckKinds {
		want := rowsOf(t, e, db, milestoneColumns, "item_milestones WHERE "+column+" IS NOT NULL")
		got := rowsOf(t, e, db, milestoneColumns, fmt.Sprintf("item_checks FINAL WHERE check_kind = %d", kind))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("item_checks FINAL of kind %d differs from the items of item_milestones with %s (-want +got):\n%s", kind, column, diff)
		}
	}
}

func rawFactRows(t *testing.T, e warehouse.Engine, db string) uint64 {
	t.Helper()
	return count(t, e, db, "item_facts")
}

// declarationFactColumns are the columns of declaration_facts.
const declarationFactColumns = `destination_country, received_at, item_id, origin_country, mail_class, category,
    fails_description, fails_value, fails_currency, fails_weight, fails_hs_code`

// count counts the rows of table, every version of a key.
func count(t *testing.T, e warehouse.Engine, db, table string) uint64 {
	t.Helper()
	rows, err := e.Query(context.Background(), "SELECT count() FROM {db:Identifier}."+table, warehouse.Params{"db": db})
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
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
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

// TestRefreshFollowsTheItemsLife: item_facts is sorted by destination,
// unclosed, last month and first-seen month (migration 0011,
// warehouse.FactKey). An item not closed whose later milestone moves its
// last month, which is then delivered (closed), whose earlier record then
// arrives late (its first-seen month moves back), and which is then seized
// (the unbounded last month, warehouse.UnboundedMonth), is left under its
// current key only after each refresh, with its keys recorded, and its
// facts are the oracle's; inspected in April, it is in item_checks under
// the same keys.
func TestRefreshFollowsTheItemsLife(t *testing.T) {
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
			layout := testenv.Database(t, e)
			s := warehouse.NewStore(e, layout)
			ctx := context.Background()
			const id = "RR123456785CN"
			ev := func(code, at string) postclear.Event {
				return postclear.Event{ItemID: id, EventCode: code, EventTime: ts(at), Office: "KENBOA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "EMS"}
			}
			var stored kpioracle.Records
			steps := []struct {
				name string
				add  kpioracle.Records
				want []string // live keys (destination, unclosed, last month, first-seen month, item)
			}{
				{"posted and arrived in March", kpioracle.Records{Events: []postclear.Event{ev("EMA", "2025-03-02T10:00:00Z"), ev("EMD", "2025-03-20T10:00:00Z")}},
					[]string{"('KE',1,'2025-03-01','2025-03-01','RR123456785CN')"}},
				// and inspected, which puts it in item_checks (both kinds),
				// where the keys it leaves later must be deleted too
				{"presented and inspected in April", kpioracle.Records{Events: []postclear.Event{ev("EDB", "2025-04-02T10:00:00Z")},
					Decisions: []postclear.Decision{{ItemID: id, DecidedAt: ts("2025-04-03T10:00:00Z"), Decision: "INSPECT", RiskChannel: "RANDOM"}}},
					[]string{"('KE',1,'2025-04-01','2025-03-01','RR123456785CN')"}},
				{"delivered in May", kpioracle.Records{Events: []postclear.Event{ev("EMI", "2025-05-03T10:00:00Z")}},
					[]string{"('KE',0,'2025-05-01','2025-03-01','RR123456785CN')"}},
				{"a declaration of January 2024 arrives late", kpioracle.Records{Declarations: []postclear.Declaration{{ItemID: id,
					ReceivedAt: ts("2024-01-05T10:00:00Z"), OriginCountry: "CN", DestinationCountry: "KE", MailClass: "EMS", Category: "GIFT",
					Description: "Books", DeclaredValue: postclear.DecimalFromUnits(10_000_000), Currency: "USD", GrossWeightKg: postclear.DecimalFromUnits(1_000_000)}}},
					[]string{"('KE',0,'2025-05-01','2024-01-01','RR123456785CN')"}},
				{"seized", kpioracle.Records{Decisions: []postclear.Decision{{ItemID: id, DecidedAt: ts("2025-05-04T10:00:00Z"), Decision: "SEIZE", SeizureCategory: "WEAPONS"}}},
					[]string{"('KE',0,'2149-06-01','2024-01-01','RR123456785CN')"}},
			}
			for _, step := range steps {
				storeAll(t, s, func(f func(kpioracle.Records)) { f(step.add) })
				stored.Events = append(stored.Events, step.add.Events...)
				stored.Declarations = append(stored.Declarations, step.add.Declarations...)
				stored.Decisions = append(stored.Decisions, step.add.Decisions...)
				if err := s.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
				keys := rowsOf(t, e, layout.Database, warehouse.FactKey+", item_id", "item_facts FINAL")
				if diff := cmp.Diff(step.want, keys); diff != "" {
					t.Errorf("after %s: keys (-want +got):\n%s", step.name, diff)
				}
				checkAgainstOracle(t, e, layout.Database, stored)
				checkFacts(t, e, layout.Database)
			}
			// Every key the item was stored under is recorded, and
			// deleted under all but the last.
			recorded := rowsOf(t, e, layout.Database, warehouse.FactKey, "item_fact_keys FINAL")
			want := []string{"('KE',0,'2025-05-01','2024-01-01')", "('KE',0,'2025-05-01','2025-03-01')", "('KE',0,'2149-06-01','2024-01-01')",
				"('KE',1,'2025-03-01','2025-03-01')", "('KE',1,'2025-04-01','2025-03-01')"}
			if diff := cmp.Diff(want, recorded); diff != "" {
				t.Errorf("item_fact_keys (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRefreshIsIdempotent: a refresh with nothing dirty writes nothing,
// and refreshing items again (their records stored again) changes nothing
// a reader sees.
func TestRefreshIsIdempotent(t *testing.T) {
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

// TestRefreshKeepsItemsDirtiedWhileItRuns stores batches, new items and
// new records of earlier ones, while refreshes run back to back. An item
// dirtied during a refresh must stay dirty for the next one, so a last
// refresh after the inserts leaves the facts equal to the milestones.
func TestRefreshKeepsItemsDirtiedWhileItRuns(t *testing.T) {
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

// TestRefreshAfterAStoppedRefresh: a refresh that stopped after writing an
// item's facts under a destination the item has since left (here written
// by hand) leaves a row that the next refresh must delete.
func TestRefreshAfterAStoppedRefresh(t *testing.T) {
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

// TestCompactMergesVersions: after refreshes that rewrote every item,
// Compact leaves one part holding one row per item in item_facts, and one
// per declaration in declaration_facts, and what FINAL shows is unchanged.
func TestCompactMergesVersions(t *testing.T) {
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
			layout := testenv.Database(t, e)
			s := warehouse.NewStore(e, layout)
			ctx := context.Background()
			var declarations []postclear.Declaration
			for n := range 100 {
				declarations = append(declarations, postclear.Declaration{ItemID: fmt.Sprintf("RR%08d0CN", n), ReceivedAt: ts("2025-03-01T08:00:00Z"),
					OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER", Category: "GIFT", Description: "Books",
					DeclaredValue: postclear.DecimalFromUnits(10_000_000), Currency: "USD", GrossWeightKg: postclear.DecimalFromUnits(1_000_000)})
			}
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
				// The same declarations each time: stored again under
				// their keys, they change nothing, but each refresh
				// writes their facts again.
				if err := s.InsertDeclarations(ctx, declarations); err != nil {
					t.Fatal(err)
				}
				if err := s.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
			}
			before := rowsOf(t, e, layout.Database, milestoneColumns, "item_facts FINAL")
			declared := rowsOf(t, e, layout.Database, declarationFactColumns, "declaration_facts FINAL")
			if n := count(t, e, layout.Database, "declaration_facts"); n != 300 {
				t.Fatalf("declaration_facts holds %d rows before Compact, want 3 versions of 100", n)
			}
			if err := s.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			if n := rawFactRows(t, e, layout.Database); n != 100 {
				t.Errorf("item_facts holds %d rows after Compact, want 100", n)
			}
			if n := count(t, e, layout.Database, "declaration_facts"); n != 100 {
				t.Errorf("declaration_facts holds %d rows after Compact, want 100", n)
			}
			// An item's page reads events and item_dossier by key: one
			// part each, the dossier's three cards and declarations per
			// item replaced by one of each.
			if n := count(t, e, layout.Database, "item_dossier"); n != 200 {
				t.Errorf("item_dossier holds %d rows after Compact, want a card and a declaration per item", n)
			}
			if n := count(t, e, layout.Database, "events"); n != 300 {
				t.Errorf("events holds %d rows after Compact, want 300", n)
			}
			for _, table := range []string{"events", "item_dossier"} {
				var parts uint64
				if err := warehouse.Each(ctx, e, "SELECT count() FROM system.parts WHERE database = {db:String} AND table = {table:String} AND active",
					warehouse.Params{"db": layout.Database, "table": table}, func(r warehouse.Rows) error { return r.Scan(&parts) }); err != nil {
					t.Fatal(err)
				}
				if parts != 1 {
					t.Errorf("%s is in %d parts after Compact", table, parts)
				}
			}
			if diff := cmp.Diff(before, rowsOf(t, e, layout.Database, milestoneColumns, "item_facts FINAL")); diff != "" {
				t.Errorf("facts changed by Compact (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(declared, rowsOf(t, e, layout.Database, declarationFactColumns, "declaration_facts FINAL")); diff != "" {
				t.Errorf("declaration facts changed by Compact (-want +got):\n%s", diff)
			}
			checkFacts(t, e, layout.Database)
		})
	}
}

// A writer that crashed between storing records and refreshing them
// leaves its dirty rows behind. On a server (here the embedded engine
// under a server's capabilities) a refresh takes them over once they are
// older than AbandonAfter, and deletes them, so that later refreshes find
// nothing and the data version stops moving; a live writer's recent rows
// are left to it. On a single writer, every row left by an earlier
// process is a crash's, processed at the first refresh.
func TestRefreshTakesOverAbandonedRows(t *testing.T) {
	for _, tt := range []struct {
		name   string
		engine func(warehouse.Engine) warehouse.Engine
		// recentToo: the recent row of another writer is processed too.
		recentToo bool
	}{
		{"server", warehousetest.AsServer, false},
		{"single writer", func(e warehouse.Engine) warehouse.Engine { return e }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := testenv.Embedded(t)
			layout := testenv.Database(t, base)
			e := tt.engine(base)
			ctx := context.Background()
			db := layout.Database
			crashed, alive := "RR123456785CN", "RR000000017FR"
			// Records stored by the other writers, which never refreshed.
			for i, id := range []string{crashed, alive} {
				row := []any{id, "EMA", ts("2025-03-01T10:00:00Z"), "CNPEKA", "CN", "KE", "LETTER", uint64(1000 - i)}
				if err := e.Insert(ctx, db+".events", []string{"item_id", "event_code", "event_time", "office", "origin_country", "destination_country", "mail_class", "ingest_version"}, [][]any{row}); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Exec(ctx, `INSERT INTO {db:Identifier}.dirty_items (item_id, writer, generation, marked_at) VALUES
				({crashed:String}, 'crashed', 7, now() - INTERVAL 2 HOUR), ({alive:String}, 'alive', 3, now())`,
				warehouse.Params{"db": db, "crashed": crashed, "alive": alive}); err != nil {
				t.Fatal(err)
			}
			s := warehouse.NewStore(e, layout)
			if err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			wantFacts, wantDirty := []string{"('" + crashed + "')"}, []string{"('alive')"}
			if tt.recentToo {
				wantFacts, wantDirty = []string{"('" + alive + "')", "('" + crashed + "')"}, []string{}
			}
			if diff := cmp.Diff(wantFacts, rowsOf(t, e, db, "item_id", "item_facts FINAL")); diff != "" {
				t.Errorf("items finalized (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantDirty, rowsOf(t, e, db, "writer", "dirty_items")); diff != "" {
				t.Errorf("dirty rows left (-want +got):\n%s", diff)
			}
			v1, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			raw := rawFactRows(t, e, db)
			if err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			if n := rawFactRows(t, e, db); n != raw {
				t.Errorf("the next refresh finalized again: %d fact rows, then %d", raw, n)
			}
			if v2, _ := s.DataVersion(ctx); v2 != v1 {
				t.Errorf("the next refresh moved the data version from %s to %s: a cache would never hit", v1, v2)
			}
		})
	}
}

// MoU activities and disputes are not items: storing them marks nothing
// dirty, but moves the data version (the evaluation reads them).
func TestCommitmentsAreNotItems(t *testing.T) {
	for name, e := range writers(t) {
		t.Run(name, func(t *testing.T) {
			layout := testenv.Database(t, e)
			s := warehouse.NewStore(e, layout)
			ctx := context.Background()
			day := ts("2024-01-01T00:00:00Z")
			m, err := s.CreateMoU(ctx, postclear.MoUInput{Country: "KE", CustomsAdministration: "KRA", PostalOperator: "Posta Kenya",
				SignedOn: day, EffectiveFrom: day, Targets: []postclear.Target{{KPI: postclear.KPIEadCoverage, Comparison: postclear.AtLeast, Value: 0.8}}})
			if err != nil {
				t.Fatal(err)
			}
			before, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InsertActivities(ctx, []postclear.Activity{{MoUID: m.ID, Date: day, Title: "Joint training", Kind: "TRAINING", CustomsParticipants: 3, PostParticipants: 4}}); err != nil {
				t.Fatal(err)
			}
			if err := s.InsertDisputes(ctx, []postclear.Dispute{{MoUID: m.ID, OpenedOn: day, Subject: "Late presentation"}}); err != nil {
				t.Fatal(err)
			}
			if got := rowsOf(t, e, layout.Database, "item_id", "dirty_items"); len(got) != 0 {
				t.Errorf("dirty_items holds %v after storing MoU commitments, want nothing", got)
			}
			if after, _ := s.DataVersion(ctx); after == before {
				t.Errorf("data version %s unchanged by storing commitments", after)
			}
		})
	}
}

// A SEIZE decision stored again under its key with another category is
// the same decision: it counts one seizure, of the first stored copy's
// category, whether the copy comes in a later batch or later in the same
// batch (the first row of a key in a file is the one stored).
func TestRestoredSeizureCountsOnce(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: s.Facts(), Now: func() time.Time { return testenv.Now }}
	ctx := context.Background()
	seize := func(id, at, category string) postclear.Decision {
		return postclear.Decision{ItemID: id, DecidedAt: ts(at), Decision: "SEIZE", SeizureCategory: category}
	}
	const later, sameBatch = "RR123456785CN", "RR000000017FR"
	var events []postclear.Event
	for _, id := range []string{later, sameBatch} {
		events = append(events, postclear.Event{ItemID: id, EventCode: "EDB", EventTime: ts("2025-03-02T10:00:00Z"), Office: "KENBOA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "PARCEL"})
	}
	for _, step := range []func() error{
		func() error { return s.InsertEvents(ctx, events) },
		func() error {
			return s.InsertDecisions(ctx, []postclear.Decision{seize(later, "2025-03-03T10:00:00Z", "DRUGS")})
		},
		func() error {
			return s.InsertDecisions(ctx, []postclear.Decision{seize(later, "2025-03-03T10:00:00Z", "IPR")})
		},
		func() error {
			return s.InsertDecisions(ctx, []postclear.Decision{seize(sameBatch, "2025-03-04T10:00:00Z", "REVENUE"), seize(sameBatch, "2025-03-04T10:00:00Z", "CURRENCY")})
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := svc.SeizureTrends(ctx, postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: ts("2025-03-01T00:00:00Z"), To: ts("2025-04-01T00:00:00Z")}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rows {
		got[r.SeizureCategory] += r.Seizures
	}
	if diff := cmp.Diff(map[string]int64{"DRUGS": 1, "REVENUE": 1}, got); diff != "" {
		t.Errorf("seizures by category (-want +got):\n%s", diff)
	}
}

// VersionOf moves for a query over some destinations and times exactly
// when something it reads may have changed: an ingest into KE in March
// leaves TH's answers and KE's answers up to February cached, and moves
// KE's and all destinations' answers that reach into March.
func TestVersionOfMovesOnlyForWhatChanged(t *testing.T) {
	e := testenv.Embedded(t)
	s := warehouse.NewStore(e, testenv.Database(t, e))
	f := s.Facts()
	ctx := context.Background()
	ev := func(id, code, at, dest string) postclear.Event {
		return postclear.Event{ItemID: id, EventCode: code, EventTime: ts(at), Office: "OFFICE1", OriginCountry: "CN", DestinationCountry: dest, MailClass: "LETTER"}
	}
	store := func(step string, do func() error) {
		t.Helper()
		if err := do(); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if err := s.Refresh(ctx); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	type query struct {
		dests []string
		to    string
	}
	queries := []query{
		{[]string{"KE"}, "2025-03-01T00:00:00Z"}, {[]string{"KE"}, "2025-04-01T00:00:00Z"},
		{[]string{"TH"}, "2025-01-01T00:00:00Z"}, {[]string{"TH"}, ""},
		{nil, "2025-02-01T00:00:00Z"}, {nil, "2025-04-01T00:00:00Z"}, {[]string{"KE", "TH"}, "2025-03-15T00:00:00Z"},
	}
	versions := func() []string {
		var out []string
		for _, q := range queries {
			var to time.Time
			if q.to != "" {
				to = ts(q.to)
			}
			v, err := f.VersionOf(ctx, q.dests, to)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	// check fails unless exactly the queries numbered moved have a new
	// version.
	check := func(step string, before []string, moved ...int) {
		t.Helper()
		after := versions()
		for i, q := range queries {
			if got, want := after[i] != before[i], slices.Contains(moved, i); got != want {
				t.Errorf("%s: version of %v before %q moved = %v, want %v", step, q.dests, q.to, got, want)
			}
		}
	}

	store("first KE item", func() error {
		return s.InsertEvents(ctx, []postclear.Event{ev("RR123456785CN", "EMA", "2025-03-10T10:00:00Z", "KE")})
	})
	v := versions()
	store("second KE item in March", func() error {
		return s.InsertEvents(ctx, []postclear.Event{ev("RR000000017FR", "EMA", "2025-03-20T10:00:00Z", "KE")})
	})
	check("second KE item in March", v, 1, 5, 6)

	v = versions()
	store("a TH declaration in January", func() error {
		return s.InsertDeclarations(ctx, []postclear.Declaration{{ItemID: "EE000000000US", ReceivedAt: ts("2025-01-05T10:00:00Z"), OriginCountry: "US", DestinationCountry: "TH", MailClass: "EMS", Category: "GIFT"}})
	})
	check("a TH declaration in January", v, 3, 4, 5, 6)

	// An earlier event sends the first item to TZ: every KE answer may
	// have counted it.
	v = versions()
	store("first item moves to TZ", func() error {
		return s.InsertEvents(ctx, []postclear.Event{ev("RR123456785CN", "EMA", "2025-03-09T10:00:00Z", "TZ")})
	})
	check("first item moves to TZ", v, 0, 1, 4, 5, 6)

	// A store without a refresh moves nothing yet: its records are not
	// accepted until refreshed (the GraphQL mutations and loads refresh
	// before they answer).
	v = versions()
	if err := s.InsertEvents(ctx, []postclear.Event{ev("RR000000017FR", "EDB", "2025-03-22T10:00:00Z", "KE")}); err != nil {
		t.Fatal(err)
	}
	check("stored, not refreshed", v)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	check("refreshed", v, 1, 5, 6)
}

// On a server other processes write too: VersionOf is DataVersion.
func TestVersionOfOnAServer(t *testing.T) {
	e := warehousetest.AsServer(testenv.Embedded(t))
	s := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	// Background merges change the parts, and so DataVersion, at any
	// moment: compare between two equal readings.
	for range 10 {
		before, _ := s.DataVersion(ctx)
		got, err := s.Facts().VersionOf(ctx, []string{"KE"}, ts("2025-01-01T00:00:00Z"))
		if err != nil {
			t.Fatal(err)
		}
		if after, _ := s.DataVersion(ctx); before == after {
			if got != before {
				t.Errorf("VersionOf = %q, want DataVersion %q", got, before)
			}
			return
		}
	}
	t.Fatal("the data version never stood still")
}

// recoveredStore returns a store over a counting engine and a database of
// its own, after its first refresh (which recovers).
func recoveredStore(t *testing.T) (*countingEngine, warehouse.Layout, *warehouse.Store) {
	e := &countingEngine{Engine: testenv.Embedded(t)}
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, layout, s
}

// Callers that arrive while a refresh runs share the next one instead of
// each running its own: under a stream of small ingests, the number of
// refreshes stays near the number of refresh durations, not of ingests.
func TestConcurrentRefreshesAreShared(t *testing.T) {
	e, layout, s := recoveredStore(t)
	ctx := context.Background()
	// Eight clients, each storing and refreshing five times in a row,
	// as the ingest mutations do: inserts keep coming while refreshes run.
	const clients, rounds, ingests = 8, 5, 8 * 5
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				id := fmt.Sprintf("LX%08d0CN", c*rounds+r)
				ev := postclear.Event{ItemID: id, EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}
				if err := s.InsertEvents(ctx, []postclear.Event{ev}); err != nil {
					t.Error(err)
				}
				if err := s.Refresh(ctx); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	checkFacts(t, e, layout.Database)
	if n := e.factWrites.Load(); n == 0 {
		t.Error("no statement writing facts was counted: the test no longer recognises it")
	} else if n > ingests/4 {
		t.Errorf("%d refreshes wrote facts for %d concurrent ingests; callers waiting together should share one", n, ingests)
	} else {
		t.Logf("%d refreshes for %d concurrent ingests", n, ingests)
	}
}

// countingEngine counts the statements that write item_facts rows.
type countingEngine struct {
	warehouse.Engine
	factWrites atomic.Int64
}

func (c *countingEngine) Exec(ctx context.Context, q string, p warehouse.Params) error {
	if strings.HasPrefix(q, "INSERT INTO {db:Identifier}.item_facts ("+warehouse.FactKey+", item_id, origin_country") {
		c.factWrites.Add(1)
	}
	return c.Engine.Exec(ctx, q, p)
}

// A refresh outside a request is bounded by MaintenanceLimit, not by the
// engine's per-query limit (a load of 2 M declarations outgrew its 30 s at
// 5 M items); within a request, by the request's deadline alone.
func TestRefreshOutsideARequestHasTheMaintenanceLimit(t *testing.T) {
	e := &settingsEngine{Engine: testenv.Embedded(t)}
	layout := testenv.Database(t, e)
	s := warehouse.NewStore(e, layout)
	ev := func(id string) []postclear.Event {
		return []postclear.Event{{ItemID: id, EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}}
	}
	limit := fmt.Sprintf("\nSETTINGS max_execution_time = %d", int(warehouse.MaintenanceLimit.Seconds()))
	for _, c := range []struct {
		name     string
		deadline bool
	}{{"load", false}, {"request", true}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			if c.deadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Minute)
				defer cancel()
			}
			if err := s.InsertEvents(ctx, ev(fmt.Sprintf("LX%08d0CN", len(c.name)))); err != nil {
				t.Fatal(err)
			}
			e.mu.Lock()
			e.facts = nil
			e.mu.Unlock()
			if err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			if len(e.facts) == 0 {
				t.Fatal("no statement writing facts was seen: the test no longer recognises it")
			}
			for _, q := range e.facts {
				if got := strings.HasSuffix(q, limit); got == c.deadline {
					t.Errorf("deadline %v: statement ends with the maintenance limit = %v:\n%s", c.deadline, got, q)
				}
			}
		})
	}
	checkFacts(t, e, layout.Database)
}

// settingsEngine keeps the statements that write item_facts rows.
type settingsEngine struct {
	warehouse.Engine
	mu    sync.Mutex
	facts []string
}

func (c *settingsEngine) Exec(ctx context.Context, q string, p warehouse.Params) error {
	if strings.HasPrefix(q, "INSERT INTO {db:Identifier}.item_facts (") {
		c.mu.Lock()
		c.facts = append(c.facts, q)
		c.mu.Unlock()
	}
	return c.Engine.Exec(ctx, q, p)
}

// A load's refresh finalizes its items in slices of at most the refresh
// slice (2 M declarations, up to 2 M items, asked for more memory than the
// engine allows at 5 M items when finalized in one statement), each a
// range of item_id, each item once, all of them: with the slices' bounds
// taken from every dirty item, and from a sample of them.
func TestLoadRefreshIsSliced(t *testing.T) {
	defer warehouse.SetRefreshSlice(3)()
	for _, sample := range []uint64{1_000_000, 4} {
		t.Run(fmt.Sprintf("sample %d", sample), func(t *testing.T) {
			defer warehouse.SetSliceSample(sample)()
			e, layout, s := recoveredStore(t)
			ctx := context.Background()
			var evs []postclear.Event
			for i := range 10 {
				evs = append(evs, postclear.Event{ItemID: fmt.Sprintf("LX%08d0CN", i), EventCode: "EMA", EventTime: ts("2025-03-01T10:00:00Z"),
					Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"})
			}
			if err := s.InsertEvents(ctx, evs); err != nil {
				t.Fatal(err)
			}
			before := e.factWrites.Load()
			if err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			if n := e.factWrites.Load() - before; n < 4 {
				t.Errorf("10 dirty items with a slice of 3 were finalized in %d statements, want at least 4", n)
			}
			if got := rowsOf(t, e, layout.Database, "item_id", "item_facts FINAL"); len(got) != len(evs) {
				t.Errorf("item_facts FINAL holds %d items, want %d: %v", len(got), len(evs), got)
			}
			checkFacts(t, e, layout.Database)
		})
	}
}
