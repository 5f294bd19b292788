package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/analytics/kpioracle"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// fixtureDir holds the analytics fixture (its README lists the cases).
var fixtureDir = filepath.Join("..", "internal", "analytics", "testdata", "fixture")

func readFixture[T ingest.Record](t *testing.T, name string) []T {
	return readFile[T](t, fixtureDir, name)
}

// gqlKey is GroupKey as JSON; the e2e test reads the wire format, not the
// Go types, so that a scalar or enum mapping fault shows.
type gqlKey struct {
	Period             *string `json:"period"`
	OriginCountry      *string `json:"originCountry"`
	DestinationCountry *string `json:"destinationCountry"`
	MailClass          *string `json:"mailClass"`
	Office             *string `json:"office"`
	Category           *string `json:"category"`
	RiskChannel        *string `json:"riskChannel"`
}

func (k gqlKey) domain(t *testing.T) postclear.GroupKey {
	out := postclear.GroupKey{OriginCountry: k.OriginCountry, DestinationCountry: k.DestinationCountry, MailClass: k.MailClass, Office: k.Office, Category: k.Category, RiskChannel: k.RiskChannel}
	if k.Period != nil {
		p, err := time.Parse(time.DateOnly, *k.Period)
		if err != nil {
			t.Fatalf("period %q: %v", *k.Period, err)
		}
		out.Period = &p
	}
	return out
}

const keyFields = `key { period originCountry destinationCountry mailClass office category riskChannel }`

// fixtureRecords are the analytics fixture's records, each stored once.
func fixtureRecords(t *testing.T) kpioracle.Records {
	return kpioracle.Records{
		Events:       readFixture[postclear.Event](t, "events.csv"),
		Declarations: readFixture[postclear.Declaration](t, "declarations.csv"),
		Decisions:    readFixture[postclear.Decision](t, "decisions.csv"),
	}
}

// fixtureServer stores r on e and serves the real handler over it; it
// returns the /graphql URL.
func fixtureServer(t *testing.T, e warehouse.Engine, r kpioracle.Records) string {
	st := storeRecords(t, e, r)
	svc := &analytics.Service{Engine: e, Layout: st.Layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Analytics: svc, Records: st, Calendars: st, Now: func() time.Time { return testenv.Now }},
		func(context.Context) error { return nil }, graph.Config{}))
	t.Cleanup(srv.Close)
	return srv.URL + "/graphql"
}

// storeRecords stores r in a new database on e.
func storeRecords(t *testing.T, e warehouse.Engine, r kpioracle.Records) *warehouse.Store {
	st := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	if err := st.InsertEvents(ctx, r.Events); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertDeclarations(ctx, r.Declarations); err != nil {
		t.Fatal(err)
	}
	if err := st.InsertDecisions(ctx, r.Decisions); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestAnalyticsEndToEnd runs one query of each KPI family through the real
// handler over HTTP and compares the answers with the oracle.
func TestAnalyticsEndToEnd(t *testing.T) {
	r := fixtureRecords(t)
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) { runE2E(t, fixtureServer(t, e, r), r) })
	}
}

func post(t *testing.T, url, query string, data any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %s", out.Errors)
	}
	if err := json.Unmarshal(out.Data, data); err != nil {
		t.Fatalf("decode data: %v", err)
	}
}

func runE2E(t *testing.T, url string, r kpioracle.Records) {
	gran := func(g postclear.Granularity) *postclear.Granularity { return &g }
	filter := postclear.AnalyticsFilter{From: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}
	const args = `filter: {from: "2025-10-01", to: "2025-12-01"}`

	t.Run("clearanceTimes", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                       gqlKey
				Items                                                     int64
				MeanHours, P50Hours, P90Hours, P95Hours, WithinTargetRate *float64
			} `json:"clearanceTimes"`
		}
		post(t, url, `{ clearanceTimes(`+args+`, groupBy: [OFFICE, ORIGIN_COUNTRY], granularity: MONTH, targetHours: 20) {
			`+keyFields+` items meanHours p50Hours p90Hours p95Hours withinTargetRate } }`, &data)
		var got []postclear.ClearanceStat
		for _, x := range data.Rows {
			got = append(got, postclear.ClearanceStat{Key: x.Key.domain(t), Items: x.Items, MeanHours: x.MeanHours,
				P50Hours: x.P50Hours, P90Hours: x.P90Hours, P95Hours: x.P95Hours, WithinTargetRate: x.WithinTargetRate})
		}
		q := postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimOriginCountry, postclear.DimOffice}, Granularity: gran(postclear.Month)}
		if diff := cmp.Diff(kpioracle.Clearance(r, q, 20), got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("deliveryTimes", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                   gqlKey
				Items, Delivered, DueItems                            int64
				MeanDays, P50Days, P90Days, OnTimeRate                *float64
				LateBy1DayRate, LateBy2PlusDaysRate, NotDeliveredRate *float64
			} `json:"deliveryTimes"`
		}
		post(t, url, `{ deliveryTimes(`+args+`, groupBy: [DESTINATION_COUNTRY], granularity: WEEK, fillGaps: true) {
			`+keyFields+` items delivered meanDays p50Days p90Days onTimeRate dueItems lateBy1DayRate lateBy2PlusDaysRate notDeliveredRate } }`, &data)
		var got []postclear.DeliveryStat
		for _, x := range data.Rows {
			got = append(got, postclear.DeliveryStat{Key: x.Key.domain(t), Items: x.Items, Delivered: x.Delivered,
				MeanDays: x.MeanDays, P50Days: x.P50Days, P90Days: x.P90Days, OnTimeRate: x.OnTimeRate, DueItems: x.DueItems,
				LateBy1DayRate: x.LateBy1DayRate, LateBy2PlusDaysRate: x.LateBy2PlusDaysRate, NotDeliveredRate: x.NotDeliveredRate})
		}
		q := postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}, Granularity: gran(postclear.Week), FillGaps: true}
		if diff := cmp.Diff(kpioracle.Delivery(r, q, 5, testenv.Now), got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("complianceRates", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                                                                           gqlKey
				ItemsArrived, Declarations, ItemsPresented                                                    int64
				EadCoverage, DeclarationCompleteness, InspectionRate, HitRate, ReleaseWithoutInterventionRate *float64
			} `json:"complianceRates"`
		}
		post(t, url, `{ complianceRates(`+args+`, groupBy: [CATEGORY, MAIL_CLASS]) {
			`+keyFields+` itemsArrived eadCoverage declarations declarationCompleteness itemsPresented inspectionRate hitRate releaseWithoutInterventionRate } }`, &data)
		var got []postclear.ComplianceStat
		for _, x := range data.Rows {
			got = append(got, postclear.ComplianceStat{Key: x.Key.domain(t), ItemsArrived: x.ItemsArrived, EadCoverage: x.EadCoverage,
				Declarations: x.Declarations, DeclarationCompleteness: x.DeclarationCompleteness, ItemsPresented: x.ItemsPresented,
				InspectionRate: x.InspectionRate, HitRate: x.HitRate, ReleaseWithoutInterventionRate: x.ReleaseWithoutInterventionRate})
		}
		q := postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimMailClass, postclear.DimCategory}}
		if diff := cmp.Diff(kpioracle.Compliance(r, q), got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("seizureTrends", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key                                           gqlKey
				SeizureCategory                               string
				Seizures                                      int64
				PerTenThousandItems, ChangeFromPreviousPeriod *float64
			} `json:"seizureTrends"`
		}
		post(t, url, `{ seizureTrends(`+args+`, groupBy: [DESTINATION_COUNTRY], granularity: MONTH, fillGaps: true) {
			`+keyFields+` seizureCategory seizures perTenThousandItems changeFromPreviousPeriod } }`, &data)
		var got []postclear.SeizureStat
		for _, x := range data.Rows {
			got = append(got, postclear.SeizureStat{Key: x.Key.domain(t), SeizureCategory: x.SeizureCategory, Seizures: x.Seizures,
				PerTenThousandItems: x.PerTenThousandItems, ChangeFromPreviousPeriod: x.ChangeFromPreviousPeriod})
		}
		q := postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimDestinationCountry}, Granularity: gran(postclear.Month), FillGaps: true}
		if diff := cmp.Diff(kpioracle.Seizures(r, q), got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("orderBy and limit", func(t *testing.T) {
		var data struct {
			Rows []struct {
				Key      gqlKey
				Items    int64
				P90Hours *float64
			} `json:"clearanceTimes"`
		}
		post(t, url, `{ clearanceTimes(`+args+`, groupBy: [OFFICE], orderBy: [{field: P90_HOURS, direction: DESC}], limit: 2) {
			`+keyFields+` items p90Hours } }`, &data)
		var got []postclear.ClearanceStat
		for _, x := range data.Rows {
			got = append(got, postclear.ClearanceStat{Key: x.Key.domain(t), Items: x.Items, P90Hours: x.P90Hours})
		}
		rows := kpioracle.Clearance(r, postclear.KPIQuery{Filter: filter, GroupBy: []postclear.Dimension{postclear.DimOffice}}, 24)
		sort.SliceStable(rows, func(i, j int) bool { return *rows[i].P90Hours > *rows[j].P90Hours })
		var want []postclear.ClearanceStat
		for _, w := range rows[:2] {
			want = append(want, postclear.ClearanceStat{Key: w.Key, Items: w.Items, P90Hours: w.P90Hours})
		}
		if len(rows) < 3 {
			t.Fatalf("the fixture has %d offices; the limit proves nothing", len(rows))
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("bad argument", func(t *testing.T) {
		errs := postErrors(t, url, `{ clearanceTimes(filter: {from: "2025-12-01", to: "2025-10-01"}) { items } }`)
		if len(errs) != 1 || errs[0].Extensions.Code != postclear.EInvalid || errs[0].Message != "filter.from must be before filter.to" {
			t.Errorf("errors = %+v, want one %s: filter.from must be before filter.to", errs, postclear.EInvalid)
		}
	})
}

type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

// postErrors posts query and returns the errors of the answer.
func postErrors(t *testing.T, url, query string) []gqlError {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Errors []gqlError }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Errors
}

// approx compares floats to 1e-9 relative (engine and oracle add in
// different orders; JSON carries a float64 exactly).
var approx = cmp.Comparer(func(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
})

// TestTimeZoneEndToEnd asks for monthly clearance times in a zone whose
// months start hours before UTC's, through the real handler, and compares
// with the oracle in that zone; an unknown zone is BAD_USER_INPUT naming
// timeZone.
func TestTimeZoneEndToEnd(t *testing.T) {
	r := fixtureRecords(t)
	url := fixtureServer(t, testenv.Embedded(t), r)
	var data struct {
		Rows []struct {
			Key              gqlKey
			Items, Delivered int64
			OnTimeRate       *float64
		} `json:"deliveryTimes"`
	}
	post(t, url, `{ deliveryTimes(filter: {from: "2025-10-01", to: "2025-12-01"}, granularity: MONTH, timeZone: "America/New_York") {
		`+keyFields+` items delivered onTimeRate } }`, &data)
	var got []postclear.DeliveryStat
	for _, x := range data.Rows {
		got = append(got, postclear.DeliveryStat{Key: x.Key.domain(t), Items: x.Items, Delivered: x.Delivered, OnTimeRate: x.OnTimeRate})
	}
	month := postclear.Month
	var want []postclear.DeliveryStat
	for _, w := range kpioracle.Delivery(r, postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)},
		Granularity: &month, TimeZone: "America/New_York"}, 5, testenv.Now) {
		want = append(want, postclear.DeliveryStat{Key: w.Key, Items: w.Items, Delivered: w.Delivered, OnTimeRate: w.OnTimeRate})
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	errs := postErrors(t, url, `{ clearanceTimes(filter: {from: "2025-10-01", to: "2025-12-01"}, timeZone: "Mars/Olympus") { items } }`)
	if len(errs) != 1 || errs[0].Extensions.Code != postclear.EInvalid || !strings.Contains(errs[0].Message, "timeZone") {
		t.Errorf("unknown zone: %+v, want one %s naming timeZone", errs, postclear.EInvalid)
	}
}
