package analytics_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/internal/warehouse/warehousetest"
)

// The two moments the backlog fixture is read at (testdata/backlog).
var (
	t1 = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	t2 = time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
)

// backlogFixture is the scope fixture (the analytics fixture with items
// originating in the scopes' countries) plus testdata/backlog.
func backlogFixture(t *testing.T) kpioracle.Records {
	r := scopeFixture(t)
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("testdata", "backlog", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	events, bad, err := ingest.ReadAll(must(ingest.Open[postclear.Event]("events.csv", open("events.csv"), testenv.Now)))
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	decls, bad, err := ingest.ReadAll(must(ingest.Open[postclear.Declaration]("declarations.csv", open("declarations.csv"), testenv.Now)))
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	decisions, bad, err := ingest.ReadAll(must(ingest.Open[postclear.Decision]("decisions.csv", open("decisions.csv"), testenv.Now)))
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	r.Events = append(r.Events, events...)
	r.Declarations = append(r.Declarations, decls...)
	r.Decisions = append(r.Decisions, decisions...)
	return r
}

// backlogQueries are filters and groupings the backlog is compared
// under: the filter's dates bound the entry time.
func backlogQueries() []postclear.KPIQuery {
	wide := postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2026-01-01")}
	recent := postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2026-01-01")}
	with := func(f postclear.AnalyticsFilter, set func(*postclear.AnalyticsFilter)) postclear.AnalyticsFilter {
		set(&f)
		return f
	}
	var qs []postclear.KPIQuery
	for _, by := range [][]postclear.Dimension{
		nil,
		{postclear.DimDestinationCountry},
		{postclear.DimOffice},
		{postclear.DimOriginCountry, postclear.DimCategory},
		{postclear.DimRiskChannel, postclear.DimOffice},
		slices.Clone(analytics.Dimensions()),
	} {
		qs = append(qs, postclear.KPIQuery{Filter: wide, GroupBy: by}, postclear.KPIQuery{Filter: recent, GroupBy: by})
	}
	return append(qs,
		postclear.KPIQuery{Filter: with(wide, func(f *postclear.AnalyticsFilter) { f.DestinationCountries = []string{"KE"} }), GroupBy: []postclear.Dimension{postclear.DimOffice}},
		postclear.KPIQuery{Filter: with(wide, func(f *postclear.AnalyticsFilter) { f.Offices = []string{"KENBOA", "THBKKA"} })},
		postclear.KPIQuery{Filter: with(recent, func(f *postclear.AnalyticsFilter) { f.Categories = []string{"GIFT"} })},
		postclear.KPIQuery{Filter: with(recent, func(f *postclear.AnalyticsFilter) {
			f.OriginCountries = []string{"CN", "GB"}
			f.MailClasses = []string{"PACKET"}
		})},
		// Entries of one day: 2025-06-11 in UTC and in Bangkok (+07:00)
		// are different instants.
		postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-06-11"), To: date("2025-06-12")}},
		postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-06-11"), To: date("2025-06-12")}, TimeZone: "Asia/Bangkok"},
		postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-11-20"), To: date("2025-11-21")}, TimeZone: "America/New_York"},
	)
}

func asOfName(t time.Time) string { return t.Format("2006-01-02T15") }

// The backlog equals the oracle's (a loop over the records written from
// DOMAIN.md 9) at two moments, under every grouping and filter above, for
// an administrator and for agencies; and the fixture's items put rows in
// every stage, so that the comparison proves something.
func TestBacklogMatchesOracle(t *testing.T) {
	r := backlogFixture(t)
	svc := store(t, testenv.Embedded(t), r, false)
	stages := map[postclear.BacklogStage]bool{}
	for _, asOf := range []time.Time{t1, t2} {
		for _, scope := range []postclear.Scope{{}, {Restricted: true, Countries: []string{"KE"}}, {Restricted: true, Countries: []string{"TH", "US"}}} {
			ctx := postclear.WithScope(context.Background(), scope)
			for _, q := range backlogQueries() {
				for _, ages := range [][]float64{postclear.DefaultAgesHours, {24, 0.5, 1e5, 24}} {
					t.Run(fmt.Sprintf("%s/%v/%s%s/%v", asOfName(asOf), scope.Countries, name(q), q.TimeZone, ages), func(t *testing.T) {
						got, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: asOf, AgesHours: ages})
						if err != nil {
							t.Fatal(err)
						}
						want := q
						want.Scope = scope
						if diff := cmp.Diff(kpioracle.Backlog(r, want, asOf, ages), got, approx); diff != "" {
							t.Errorf("(-want +got):\n%s", diff)
						}
						for _, row := range got {
							stages[row.Stage] = true
						}
					})
				}
			}
		}
	}
	if len(stages) != 3 {
		t.Errorf("rows in stages %v only; the fixture should fill all three", stages)
	}
}

// Values of the backlog fixture worked out by hand from DOMAIN.md (see
// testdata/backlog/README.md), so that a misreading shared by the oracle
// and the SQL would show.
func TestBacklogCases(t *testing.T) {
	svc := store(t, testenv.Embedded(t), backlogFixture(t), false)
	ctx := context.Background()
	june := postclear.AnalyticsFilter{From: date("2025-06-01"), To: date("2025-06-16")}
	f := func(v float64) *float64 { return &v }
	ids := func(asOf time.Time, stage postclear.BacklogStage, filter postclear.AnalyticsFilter, older *float64) []string {
		t.Helper()
		c, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: postclear.KPIQuery{Filter: filter}, AsOf: asOf, Stage: stage, OlderThanHours: older, First: 500})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range c.Edges {
			out = append(out, e.Node.ItemID)
		}
		return out
	}
	check := func(t *testing.T, want, got any) {
		t.Helper()
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
	t.Run("awaiting presentation at T1: ties by id, exactly 24 h is not older than 24, age 0 at T1", func(t *testing.T) {
		june := june
		june.DestinationCountries = []string{"KE"}
		// Item 9 (06-05), items 13 and 14 (06-11 10:00, tied), item 2
		// (06-14 12:00, 24 h), item 16 (at T1).
		check(t, []string{"RB200000638CN", "RB200000916JP", "RB200000981JP", "RB200000142CN", "RB200001125CN"}, ids(t1, postclear.AwaitingPresentation, june, nil))
		check(t, []string{"RB200000638CN", "RB200000916JP", "RB200000981JP"}, ids(t1, postclear.AwaitingPresentation, june, f(24)))
		check(t, []string{"RB200000638CN", "RB200000916JP", "RB200000981JP", "RB200000142CN"}, ids(t1, postclear.AwaitingPresentation, june, f(0)))
		rows, err := svc.Backlog(ctx, postclear.KPIQuery{Filter: june}, postclear.BacklogArgs{AsOf: t1, AgesHours: []float64{24, 72}})
		if err != nil {
			t.Fatal(err)
		}
		// Ages 248, 98, 98, 24, 0 hours: p90 at rank 3.6.
		check(t, postclear.BacklogStat{Stage: postclear.AwaitingPresentation, Items: 5, P50AgeHours: f(98), P90AgeHours: f(98 + 0.6*150),
			MaxAgeHours: f(248), OlderThan: []postclear.AgeCount{{Hours: 24, Items: 3}, {Hours: 72, Items: 3}}}, rows[0])
	})
	t.Run("in customs at T1: the stuck item, EDC then a later RELEASE, presented without arrival", func(t *testing.T) {
		all := postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2025-06-16"), DestinationCountries: []string{"KE"}}
		check(t, []string{"RB200000567CN", "RB200000289US", "RB200001050CN", "RB200001196CN"}, ids(t1, postclear.InCustoms, all, nil))
		june := june
		june.DestinationCountries = []string{"KE"}
		check(t, []string{"RB200000289US", "RB200001050CN", "RB200001196CN"}, ids(t1, postclear.InCustoms, june, nil))
	})
	t.Run("awaiting delivery at T1: released before presented, no attributes", func(t *testing.T) {
		check(t, []string{"RB200000425GB", "RB200000496GB", "RB200000774CN", "RB200000071CN"}, ids(t1, postclear.AwaitingDelivery, june, nil))
		june := june
		june.DestinationCountries = []string{"TH"}
		check(t, []string{"RB200000425GB", "RB200000496GB"}, ids(t1, postclear.AwaitingDelivery, june, nil))
	})
	t.Run("T2: closed by delivery, return, DO_NOT_LOAD; the RELEASE decision of 07-01", func(t *testing.T) {
		summer := postclear.AnalyticsFilter{From: date("2025-06-01"), To: date("2025-07-02")}
		check(t, []string{"RB200000496GB", "RB200000774CN", "RB200001050CN"}, ids(t2, postclear.AwaitingDelivery, summer, nil))
		// The KE→TH item and the one presented without arrival are still
		// in customs.
		check(t, []string{"RB200000845KE", "RB200001196CN", "RB200001267FR"}, ids(t2, postclear.InCustoms, summer, nil))
		check(t, []string{"RB200000916JP", "RB200000981JP", "RB200000142CN", "RB200001125CN"}, ids(t2, postclear.AwaitingPresentation, summer, nil))
	})
	t.Run("T2: presented at T2 counts with age 0, delivered at T2 does not", func(t *testing.T) {
		day := postclear.AnalyticsFilter{From: date("2025-11-20"), To: date("2025-11-21")}
		check(t, []string{"RB200001338CN"}, ids(t2, postclear.InCustoms, day, nil))
		check(t, []string(nil), ids(t2, postclear.InCustoms, day, f(0)))
		nov := postclear.AnalyticsFilter{From: date("2025-11-01"), To: date("2025-11-21"), DestinationCountries: []string{"TH"}}
		check(t, []string{"RB200001338CN"}, ids(t2, postclear.InCustoms, nov, nil))
	})
}

// Paging through every stage with pages of 2 items (or in one page) gives the
// oracle's list exactly, in order, with the right totalCount and
// hasNextPage, at both moments and for agencies as for an administrator.
func TestOpenItemsMatchOracle(t *testing.T) {
	r := backlogFixture(t)
	svc := store(t, testenv.Embedded(t), r, false)
	f := func(v float64) *float64 { return &v }
	for _, asOf := range []time.Time{t1, t2} {
		for _, scope := range []postclear.Scope{{}, {Restricted: true, Countries: []string{"KE"}}, {Restricted: true, Countries: []string{"US", "TH"}}} {
			ctx := postclear.WithScope(context.Background(), scope)
			for i, q := range backlogQueries() {
				// Agencies with the first two filters only.
				if len(q.GroupBy) > 0 || scope.Restricted && i > 1 {
					continue
				}
				for _, stage := range postclear.BacklogStages {
					for _, older := range []*float64{nil, f(0), f(24), f(1000)} {
						want := q
						want.Scope = scope
						exp := kpioracle.OpenItems(r, want, asOf, stage, older)
						// Small pages for the administrator's queries
						// without olderThanHours, one page for the
						// others.
						sizes := []int{2, 500}
						if older != nil || scope.Restricted {
							sizes = []int{500}
						}
						for _, size := range sizes {
							t.Run(fmt.Sprintf("%s/%v/%s%s/%s/%v/%d", asOfName(asOf), scope.Countries, name(q), q.TimeZone, stage, older, size), func(t *testing.T) {
								got, total := pageAll(t, ctx, svc, postclear.OpenItemsQuery{Query: q, AsOf: asOf, Stage: stage, OlderThanHours: older, First: size})
								if diff := cmp.Diff(exp, got, approx); diff != "" {
									t.Errorf("(-want +got):\n%s", diff)
								}
								if total != int64(len(exp)) {
									t.Errorf("totalCount %d, want %d", total, len(exp))
								}
							})
						}
					}
				}
			}
		}
	}
}

// pageAll reads every page of oq, checking each page's bounds and
// cursors, and returns the items and the totalCount.
func pageAll(t *testing.T, ctx context.Context, svc *analytics.Service, oq postclear.OpenItemsQuery) ([]postclear.OpenItem, int64) {
	t.Helper()
	var items []postclear.OpenItem
	var total int64 = -1
	for page := 0; ; page++ {
		c, err := svc.OpenItems(ctx, oq)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if total >= 0 && c.TotalCount != total {
			t.Fatalf("page %d: totalCount %d, was %d", page, c.TotalCount, total)
		}
		total = c.TotalCount
		if len(c.Edges) > oq.First {
			t.Fatalf("page %d: %d edges, first %d", page, len(c.Edges), oq.First)
		}
		for _, e := range c.Edges {
			items = append(items, e.Node)
		}
		if n := len(c.Edges); n == 0 && c.PageInfo.EndCursor != nil || n > 0 && *c.PageInfo.EndCursor != c.Edges[n-1].Cursor {
			t.Fatalf("page %d: endCursor %v is not the last edge's", page, c.PageInfo.EndCursor)
		}
		if !c.PageInfo.HasNextPage {
			if int64(len(items)) != total {
				t.Fatalf("no next page after %d items of %d", len(items), total)
			}
			return items, total
		}
		if len(c.Edges) != oq.First {
			t.Fatalf("page %d: %d edges and a next page, first %d", page, len(c.Edges), oq.First)
		}
		oq.After = *c.PageInfo.EndCursor
	}
}

// An item looked up whole equals the oracle's, records in time order and
// milestones as DOMAIN.md derives them, for every item of the fixtures;
// an agency gets exactly the items destined to its countries, and null
// for the others (an item merely originating there included).
func TestItemMatchesOracle(t *testing.T) {
	r := backlogFixture(t)
	st, svc := storeAndService(t, testenv.Embedded(t), r, true)
	// Copies of stored keys with other fields, stored after the first
	// copies: the item shows each key's first copy.
	e, d, c := r.Events[1], r.Declarations[0], r.Decisions[0]
	e.OriginCountry, e.MailClass = "HK", "EMS"
	d.Description, d.DeclaredValue = "changed", postclear.DecimalFromUnits(99_000_000)
	c.DutyAmount = postclear.DecimalFromUnits(5_500_000)
	if err := errors.Join(st.InsertEvents(context.Background(), []postclear.Event{e}),
		st.InsertDeclarations(context.Background(), []postclear.Declaration{d}),
		st.InsertDecisions(context.Background(), []postclear.Decision{c})); err != nil {
		t.Fatal(err)
	}
	r.Events = append(r.Events, e)
	r.Declarations = append(r.Declarations, d)
	r.Decisions = append(r.Decisions, c)
	var ids []string
	for id := range r.Items() {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = append(ids, "RB999999995KE") // nothing stored
	seen := map[string]int{}
	for _, scope := range []postclear.Scope{{}, {Restricted: true, Countries: []string{"KE"}}, {Restricted: true, Countries: []string{"US", "FR"}}} {
		ctx := postclear.WithScope(context.Background(), scope)
		for _, id := range ids {
			got, err := svc.Item(ctx, id)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if diff := cmp.Diff(kpioracle.ItemOf(r, id, scope), got, cmpopts.EquateComparable(postclear.Decimal{})); diff != "" {
				t.Errorf("%v %s (-want +got):\n%s", scope.Countries, id, diff)
			}
			if got != nil {
				seen[strings.Join(scope.Countries, "+")]++
			}
		}
	}
	// The KE-origin item destined to TH is not a KE agency's.
	ke := postclear.WithScope(context.Background(), postclear.Scope{Restricted: true, Countries: []string{"KE"}})
	if it, err := svc.Item(ke, "RB200000845KE"); err != nil || it != nil {
		t.Errorf("a KE agency got the KE→TH item: %+v, %v", it, err)
	}
	if seen[""] != len(ids)-1 || seen["KE"] == 0 || seen["US+FR"] == 0 || seen["KE"]+seen["US+FR"] >= seen[""] {
		t.Errorf("items seen per scope %v of %d: the fixture should show each scope some, and not all", seen, len(ids)-1)
	}
}

// Wrong arguments are refused with BAD_USER_INPUT naming the argument.
func TestBacklogBadInput(t *testing.T) {
	svc := store(t, testenv.Embedded(t), backlogFixture(t), false)
	ctx := context.Background()
	filter := postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2026-01-01")}
	q := postclear.KPIQuery{Filter: filter}
	first, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 2})
	if err != nil || first.PageInfo.EndCursor == nil {
		t.Fatal(first, err)
	}
	other, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t1, Stage: postclear.InCustoms, First: 1})
	if err != nil || other.PageInfo.EndCursor == nil {
		t.Fatal(other, err)
	}
	cursor := *first.PageInfo.EndCursor
	future := testenv.Now.Add(24*time.Hour + time.Second)
	nan := func() *float64 { v := -1.0; return &v }
	for _, c := range []struct {
		name, want string
		err        error
	}{
		{"asOf beyond a day", "asOf", func() error {
			_, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: future, AgesHours: postclear.DefaultAgesHours})
			return err
		}()},
		{"asOf before 2000", "asOf", func() error {
			_, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: date("1999-12-31"), AgesHours: postclear.DefaultAgesHours})
			return err
		}()},
		{"no ages", "agesHours", func() error {
			_, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: t2})
			return err
		}()},
		{"eleven ages", "agesHours", func() error {
			_, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: t2, AgesHours: make([]float64, 11)})
			return err
		}()},
		{"age 0", "agesHours[1]", func() error {
			_, err := svc.Backlog(ctx, q, postclear.BacklogArgs{AsOf: t2, AgesHours: []float64{1, 0}})
			return err
		}()},
		{"filter", "filter.from", func() error {
			_, err := svc.Backlog(ctx, postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2026-01-01"), To: date("2025-01-01")}}, postclear.BacklogArgs{AsOf: t2, AgesHours: []float64{1}})
			return err
		}()},
		{"openItems asOf beyond a day", "asOf", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: future, Stage: postclear.InCustoms, First: 1})
			return err
		}()},
		{"first 0", "first", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 0})
			return err
		}()},
		{"first 501", "first", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 501})
			return err
		}()},
		{"stage", "stage", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: "STUCK", First: 1})
			return err
		}()},
		{"olderThanHours", "olderThanHours", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 1, OlderThanHours: nan()})
			return err
		}()},
		{"malformed cursor", "after", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 1, After: "abc"})
			return err
		}()},
		{"tampered cursor", "after", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 1, After: cursor[:len(cursor)-3] + "xyz"})
			return err
		}()},
		{"cursor of another query", "after", func() error {
			_, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 1, After: *other.PageInfo.EndCursor})
			return err
		}()},
		{"cursor of another scope", "after", func() error {
			agency := postclear.WithScope(ctx, postclear.Scope{Restricted: true, Countries: []string{"KE"}})
			_, err := svc.OpenItems(agency, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 1, After: cursor})
			return err
		}()},
		{"item id", "id", func() error {
			_, err := svc.Item(ctx, "RB200000072CN")
			return err
		}()},
	} {
		t.Run(c.name, func(t *testing.T) {
			if testenv.Code(c.err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(c.err), c.want) {
				t.Errorf("got %v (%s), want BAD_USER_INPUT naming %s", c.err, testenv.Code(c.err), c.want)
			}
		})
	}
	// The cursor still works with a different page size.
	if _, err := svc.OpenItems(ctx, postclear.OpenItemsQuery{Query: q, AsOf: t2, Stage: postclear.InCustoms, First: 7, After: cursor}); err != nil {
		t.Errorf("the cursor with another page size: %v", err)
	}
}

// s10 is the UPU S10 identifier of serial n with the given prefix and
// country.
func s10(prefix string, n int, country string) string {
	serial := fmt.Sprintf("%08d", n)
	return fmt.Sprintf("%s%s%d%s", prefix, serial, postclear.S10CheckDigit(serial), country)
}

// inCustoms returns the events of an item from origin to destination
// that arrived at arrived and was presented half an hour later.
func inCustoms(id, destination, office string, arrived time.Time) []postclear.Event {
	e := postclear.Event{ItemID: id, EventCode: "EMD", EventTime: arrived, Office: office, OriginCountry: "CN", DestinationCountry: destination, MailClass: "PACKET"}
	p := e
	p.EventCode, p.EventTime = "EDB", arrived.Add(30*time.Minute)
	return []postclear.Event{e, p}
}

// pagingStore holds the backlog fixture and 60 items in customs in KE at
// T1, and keeps the records it stored so that a test can compute the list
// of any moment of its history.
type pagingStore struct {
	t   *testing.T
	st  *warehouse.Store
	svc *analytics.Service
	// mu is held for writing while a batch is stored and refreshed, and
	// for reading around each page, so that a page sees whole batches.
	mu      sync.RWMutex
	records kpioracle.Records
	serial  int
}

func newPagingStore(t *testing.T) *pagingStore { return newPagingStoreOn(t, false) }

// newPagingStoreOn is newPagingStore whose service sees, with asServer, a
// server's capabilities: the first page reads its watermark in a
// statement of its own, not in the page's.
func newPagingStoreOn(t *testing.T, asServer bool) *pagingStore {
	r := backlogFixture(t)
	for i := range 60 {
		r.Events = append(r.Events, inCustoms(s10("RP", 30000000+i, "CN"), "KE", "KENBOA", t1.Add(-time.Duration(i%20)*time.Hour-time.Duration(i)*time.Minute))...)
	}
	e := testenv.Embedded(t)
	p := &pagingStore{t: t, st: warehouse.NewStore(e, testenv.Database(t, e)), records: r, serial: 31000000}
	ctx := context.Background()
	if err := p.st.InsertEvents(ctx, r.Events); err != nil {
		t.Fatal(err)
	}
	if err := p.st.InsertDeclarations(ctx, r.Declarations); err != nil {
		t.Fatal(err)
	}
	if err := p.st.InsertDecisions(ctx, r.Decisions); err != nil {
		t.Fatal(err)
	}
	p.svc = &analytics.Service{Engine: e, Layout: p.st.Layout, Facts: p.st.Facts(), Now: func() time.Time { return testenv.Now }}
	if asServer {
		p.svc.Engine = warehousetest.AsServer(e)
	}
	return p
}

// store stores events and decisions as one batch, as an ingest does
// (records, then the refresh).
func (p *pagingStore) store(events []postclear.Event, decisions []postclear.Decision) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ctx := context.Background()
	if len(events) > 0 {
		if err := p.st.InsertEvents(ctx, events); err != nil {
			return err
		}
	}
	if len(decisions) > 0 {
		if err := p.st.InsertDecisions(ctx, decisions); err != nil {
			return err
		}
	}
	p.records.Events = append(p.records.Events, events...)
	p.records.Decisions = append(p.records.Decisions, decisions...)
	return p.st.Refresh(ctx)
}

// elsewhere stores items no list of KE at T1 concerns: one in customs in
// TH at T1, and one in customs in KE from a month after T1.
func (p *pagingStore) elsewhere() error {
	p.serial += 2
	return p.store(append(inCustoms(s10("RQ", p.serial, "CN"), "TH", "THBKKA", t1.Add(-5*time.Hour)),
		inCustoms(s10("RQ", p.serial+1, "CN"), "KE", "KENBOA", t1.AddDate(0, 1, 0))...), nil)
}

// closeOne closes the n-th of the 60 items before T1 (a seizure), and
// adds an item in customs in KE at T1.
func (p *pagingStore) closeOne(n int) error {
	p.serial++
	return p.store(inCustoms(s10("RQ", p.serial, "CN"), "KE", "KEMBAA", t1.Add(-90*time.Minute)),
		[]postclear.Decision{{ItemID: s10("RP", 30000000+n%60, "CN"), DecidedAt: t1.Add(-time.Minute), Decision: "SEIZE", SeizureCategory: "DRUGS"}})
}

// pageThrough reads the whole IN_CUSTOMS list of KE at T1 in pages of
// four. It returns the items, the records stored when the first page
// was read, and the error of a page (CONFLICT when the data moved).
func (p *pagingStore) pageThrough(between func(page int)) ([]postclear.OpenItem, kpioracle.Records, error) {
	oq := postclear.OpenItemsQuery{AsOf: t1, Stage: postclear.InCustoms, First: 4,
		Query: postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2026-01-01"), DestinationCountries: []string{"KE"}}}}
	var items []postclear.OpenItem
	var first kpioracle.Records
	for page := 0; ; page++ {
		p.mu.RLock()
		if page == 0 {
			first = p.records
			first.Events, first.Decisions = slices.Clip(first.Events), slices.Clip(first.Decisions)
		}
		c, err := p.svc.OpenItems(context.Background(), oq)
		p.mu.RUnlock()
		if err != nil {
			return items, first, err
		}
		for _, e := range c.Edges {
			items = append(items, e.Node)
		}
		if !c.PageInfo.HasNextPage {
			return items, first, nil
		}
		oq.After = *c.PageInfo.EndCursor
		if between != nil {
			between(page)
		}
	}
}

func (p *pagingStore) want(r kpioracle.Records) []postclear.OpenItem {
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2000-01-01"), To: date("2026-01-01"), DestinationCountries: []string{"KE"}}}
	return kpioracle.OpenItems(r, q, t1, postclear.InCustoms, nil)
}

// A list read a page at a time while records are stored holds every item
// of the first page's list exactly once, or a page says the data moved
// (CONFLICT): records of other destinations, or first seen after the
// moment, never disturb it; a change to an item of the list (one closed
// before the moment, one added) is never passed over in silence.
func TestOpenItemsPagingWhileIngesting(t *testing.T) {
	for _, asServer := range []bool{false, true} {
		t.Run(fmt.Sprintf("a change between two pages, as a server %v", asServer), func(t *testing.T) {
			changeBetweenPages(t, newPagingStoreOn(t, asServer))
		})
	}
	t.Run("concurrent ingest", func(t *testing.T) {
		p := newPagingStore(t)
		stop := make(chan struct{})
		var stored atomic.Int64
		var wg sync.WaitGroup
		var relevant atomic.Bool
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				err := p.elsewhere()
				if err == nil && relevant.Load() && i%3 == 0 {
					err = p.closeOne(i)
				}
				if err != nil {
					t.Error(err)
					return
				}
				stored.Add(1)
				time.Sleep(5 * time.Millisecond)
			}
		})
		defer func() { close(stop); wg.Wait() }()
		complete, moved := 0, 0
		for run := 0; run < 6; run++ {
			relevant.Store(run >= 3)
			before := stored.Load()
			got, first, err := p.pageThrough(nil)
			switch {
			case testenv.Code(err) == postclear.EConflict && run >= 3:
				moved++
				continue
			case err != nil:
				t.Fatalf("run %d: %v", run, err)
			}
			complete++
			if stored.Load() == before {
				t.Logf("run %d: no batch was stored while it paged", run)
			}
			if diff := cmp.Diff(p.want(first), got, approx); diff != "" {
				t.Errorf("run %d (-first page's list +pages):\n%s", run, diff)
			}
		}
		t.Logf("%d runs complete, %d told the data moved, %d batches stored", complete, moved, stored.Load())
		if complete < 3 {
			t.Errorf("only %d runs complete: unrelated records should never disturb a list", complete)
		}
	})
}

// changeBetweenPages pages through p's list with records stored between
// the pages: unrelated ones leave the list whole; a closed item of it is
// a CONFLICT.
func changeBetweenPages(t *testing.T, p *pagingStore) {
	// Unrelated records between every two pages: the pages hold the
	// first page's list exactly.
	got, first, err := p.pageThrough(func(int) {
		if err := p.elsewhere(); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatalf("unrelated records made a page fail: %v", err)
	}
	if diff := cmp.Diff(p.want(first), got, approx); diff != "" {
		t.Errorf("(-first page's list +pages):\n%s", diff)
	}
	if len(got) < 60 {
		t.Fatalf("%d items: the list should be long", len(got))
	}
	// An item not yet listed closed after the first page: the next
	// page says the data moved rather than skip it.
	_, _, err = p.pageThrough(func(page int) {
		if page == 0 {
			if err := p.closeOne(59); err != nil {
				t.Fatal(err)
			}
		}
	})
	if testenv.Code(err) != postclear.EConflict {
		t.Errorf("an item of the list closed between pages: got %v, want CONFLICT", err)
	}
}

// granules matches EXPLAIN's count of the granules a read selects.
var granules = regexp.MustCompile(`(?m)^\s*(Parts|Granules): (\d+)/(\d+)$`)

// Looking an item up reads its granules of each table, never the table:
// each read of Item's statement selects at most two granules of each part
// it reads (EXPLAIN indexes = 1, the engine's own account of what the
// primary index leaves to read), for items of each destination; of the
// events table, a small share of its granules.
func TestItemReadsOneItemsGranules(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	ctx := context.Background()
	st := warehouse.NewStore(e, layout)
	if _, err := demo.Generate(ctx, demo.Config{Items: 20_000, Seed: 3, Now: testenv.Now}, storeSink{st}); err != nil {
		t.Fatal(err)
	}
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	var ids []string
	rows, err := e.Query(ctx, "SELECT any(item_id) FROM {db:Identifier}.events GROUP BY destination_country", warehouse.Params{"db": layout.Database})
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < 3 {
		t.Fatalf("items of %d destinations", len(ids))
	}
	skipped := 0
	for _, id := range ids {
		if it, err := svc.Item(ctx, id); err != nil || it == nil || len(it.Events) == 0 {
			t.Fatalf("%s: %v %v", id, it, err)
		}
		text, params := svc.ItemSQL(id)
		rows, err := e.Query(ctx, "EXPLAIN indexes = 1\n"+text, params)
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(line + "\n")
		}
		rows.Close()
		// A Parts line then a Granules line per table read: the
		// dossier's, the events'.
		m := granules.FindAllStringSubmatch(plan.String(), -1)
		if len(m) != 4 {
			t.Fatalf("%s: not two reads by the index in the plan:\n%s", id, plan.String())
		}
		for i := 0; i < len(m); i += 2 {
			if m[i][1] != "Parts" || m[i+1][1] != "Granules" {
				t.Fatalf("%s: no index use in the plan:\n%s", id, plan.String())
			}
			parts, _ := strconv.Atoi(m[i][2])
			read, _ := strconv.Atoi(m[i+1][2])
			all, _ := strconv.Atoi(m[i+1][3])
			// At 20,000 items only events has many granules per part.
			if read > 2*parts || all >= 8*parts && read*4 > all {
				t.Errorf("%s reads %d granules of %d in %d parts:\n%s", id, read, all, parts, plan.String())
			}
			skipped = max(skipped, all-read)
		}
	}
	if skipped < 10 {
		t.Errorf("the events table has too few granules (%d skipped) for the test to show the index at work", skipped)
	}
}
