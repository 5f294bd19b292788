package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/seed"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// fixture is one database with demo data and the demo MoUs, shared by the
// tests of this file because loading it is the slow part.
type fixture struct {
	e     warehouse.Engine
	store *warehouse.Store
	kpis  *analytics.Service
	ev    *report.Evaluator
	ids   map[string]string // country → MoU id
	zones map[string]string // country → its MoU's time zone
}

var (
	fixOnce sync.Once
	fix     *fixture
)

func setup(t testing.TB) *fixture {
	t.Helper()
	e := testenv.Embedded(t)
	fixOnce.Do(func() {
		// A database that outlives the test that created it; TestMain
		// drops it.
		layout := warehouse.Layout{Database: "report_fixture_" + strconv.FormatInt(time.Now().UnixNano(), 36)}
		ctx := context.Background()
		if _, err := warehouse.Migrate(ctx, e, layout); err != nil {
			t.Fatal(err)
		}
		store := warehouse.NewStore(e, layout)
		if _, err := seed.Seed(ctx, store, demo.Config{Items: 30_000, Seed: 3}, testenv.Now, nil); err != nil {
			t.Fatal(err)
		}
		// And items posted in the first five months of 2024, before the
		// 18 months of the default span, so that an evaluation of a first
		// quarter has figures for the same quarter a year before.
		early := demo.Config{Items: 6_000, First: 30_000, Seed: 3,
			From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}
		if _, err := seed.Seed(ctx, store, early, testenv.Now, nil); err != nil {
			t.Fatal(err)
		}
		f := &fixture{e: e, store: store, ids: map[string]string{}, zones: map[string]string{},
			kpis: &analytics.Service{Engine: e, Layout: layout, Facts: store.Facts(), Now: func() time.Time { return testenv.Now }}}
		f.ev = &report.Evaluator{KPIs: f.kpis, MoUs: store, Data: store, Now: func() time.Time { return testenv.Now }}
		for _, s := range demo.MoUs() {
			m, err := store.CreateMoU(ctx, s.MoU)
			if err != nil {
				t.Fatal(err)
			}
			f.ids[m.Country], f.zones[m.Country] = m.ID, m.TimeZone
			for i := range s.Activities {
				s.Activities[i].MoUID = m.ID
			}
			for i := range s.Disputes {
				s.Disputes[i].MoUID = m.ID
			}
			if err := store.InsertActivities(ctx, s.Activities); err != nil {
				t.Fatal(err)
			}
			if err := store.InsertDisputes(ctx, s.Disputes); err != nil {
				t.Fatal(err)
			}
		}
		fix = f
	})
	if fix == nil {
		t.Fatal("fixture failed in an earlier test")
	}
	return fix
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fix != nil {
		fix.e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+fix.store.Layout.Database, nil)
	}
	os.Exit(code)
}

// direct computes every KPI of DOMAIN.md for country and quarter with the
// KPI queries, as a GraphQL user would, without granularity (kpiAt).
func direct(t *testing.T, f *fixture, country string, q postclear.YearQuarter) map[postclear.KPI]*float64 {
	t.Helper()
	v, _ := kpiAt(t, f, context.Background(), country, q.Start(), q.End())
	return v
}

func TestEvaluationEqualsKPIQueries(t *testing.T) {
	f := setup(t)
	// 2025-Q1 compares with 2024-Q4 and 2024-Q1, across the year boundary.
	for _, quarter := range []string{"2025-Q3", "2025-Q1"} {
		t.Run(quarter, func(t *testing.T) {
			q, _ := postclear.ParseQuarter(quarter)
			ev, err := f.ev.Evaluate(context.Background(), f.ids["KE"], quarter)
			if err != nil {
				t.Fatal(err)
			}
			if ev.PreviousQuarter != q.Prev().String() {
				t.Errorf("PreviousQuarter = %s, want %s", ev.PreviousQuarter, q.Prev())
			}
			if want := q.YearBefore().String(); ev.PreviousYearQuarter != want {
				t.Errorf("PreviousYearQuarter = %s, want %s", ev.PreviousYearQuarter, want)
			}
			cur, prev, yearBefore := direct(t, f, "KE", q), direct(t, f, "KE", q.Prev()), direct(t, f, "KE", q.YearBefore())
			// The trend: q and the four quarters before, oldest first.
			var trendQuarters []postclear.YearQuarter
			for p, i := q, 0; i < 5; p, i = p.Prev(), i+1 {
				trendQuarters = append([]postclear.YearQuarter{p}, trendQuarters...)
			}
			trend := map[postclear.YearQuarter]map[postclear.KPI]*float64{}
			for _, p := range trendQuarters {
				trend[p] = direct(t, f, "KE", p)
			}
			type values struct {
				Actual, Previous, PreviousYear *float64
				Trend                          []*float64
			}
			got, want := map[postclear.KPI]values{}, map[postclear.KPI]values{}
			for _, r := range ev.KPIs {
				g := values{Actual: r.Actual, Previous: r.Previous, PreviousYear: r.PreviousYear}
				w := values{Actual: cur[r.KPI], Previous: prev[r.KPI], PreviousYear: yearBefore[r.KPI]}
				for i, p := range trendQuarters {
					if i < len(r.Trend) && r.Trend[i].Quarter == p.String() {
						g.Trend = append(g.Trend, r.Trend[i].Value)
					}
					w.Trend = append(w.Trend, trend[p][r.KPI])
				}
				got[r.KPI], want[r.KPI] = g, w
				if cur[r.KPI] == nil || yearBefore[r.KPI] == nil {
					t.Errorf("%s: no value in the fixture (%v, a year before %v); the test would prove little", r.KPI, cur[r.KPI], yearBefore[r.KPI])
				}
			}
			// Seizures per 10k is a sum in another order: allow rounding.
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool {
				return a == b || (a-b)/b < 1e-12 && (b-a)/b < 1e-12
			})); diff != "" {
				t.Errorf("evaluation differs from the KPI queries (-want +got):\n%s", diff)
			}
			for _, r := range ev.KPIs {
				if r.Actual != nil && r.Previous != nil && *r.Change != *r.Actual-*r.Previous {
					t.Errorf("%s: change %v, want actual − previous", r.KPI, *r.Change)
				}
				if r.Actual != nil && r.PreviousYear != nil && *r.ChangeFromPreviousYear != *r.Actual-*r.PreviousYear {
					t.Errorf("%s: change from the previous year %v, want actual − previous year", r.KPI, *r.ChangeFromPreviousYear)
				}
				if tg, ok := ev.MoU.Target(r.KPI); ok && r.Actual != nil && *r.Met != tg.Comparison.Met(*r.Actual, tg.Value) {
					t.Errorf("%s: met %v for %v %s %v", r.KPI, *r.Met, *r.Actual, tg.Comparison, tg.Value)
				}
			}
			// The quarters are those of the MoU's time zone (Nairobi),
			// which matters: some KPI differs over the UTC quarter.
			if ev.MoU.TimeZone != "Africa/Nairobi" {
				t.Errorf("KE MoU in %q, want Africa/Nairobi", ev.MoU.TimeZone)
			}
			inUTC, _ := kpiIn(t, f, context.Background(), "KE", q.Start(), q.End(), "UTC")
			if cmp.Equal(inUTC, cur) {
				t.Errorf("every KPI is the same over the UTC quarter: the test cannot tell the time zones apart")
			}
			// The monthly p90 equals a MONTH query in the MoU's zone.
			month := postclear.Month
			rows, err := f.kpis.ClearanceTimes(context.Background(), postclear.KPIQuery{Granularity: &month, TimeZone: "Africa/Nairobi",
				Filter: postclear.AnalyticsFilter{From: q.Start(), To: q.End(), DestinationCountries: []string{"KE"}}}, 24)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				i := slices.IndexFunc(ev.Monthly, func(m postclear.MonthlyValue) bool {
					return m.Metric == "CLEARANCE_P90_HOURS" && m.Month.Equal(*r.Key.Period)
				})
				if i < 0 || *ev.Monthly[i].Value != *r.P90Hours {
					t.Errorf("monthly p90 of %s: evaluation %v, query %v", r.Key.Period, ev.Monthly, *r.P90Hours)
				}
			}
		})
	}
}

func TestEvaluationWithoutTargetsOrData(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	m, err := f.store.CreateMoU(ctx, postclear.MoUInput{Country: "FR", CustomsAdministration: "DGDDI", PostalOperator: "La Poste",
		SignedOn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), EffectiveFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := f.ev.Evaluate(ctx, m.ID, "2025-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.KPIs) != len(postclear.KPIs) {
		t.Errorf("%d KPI rows, want %d", len(ev.KPIs), len(postclear.KPIs))
	}
	for _, r := range ev.KPIs {
		if r.Actual != nil || r.Target != nil || r.Met != nil || r.Change != nil {
			t.Errorf("%s: %+v, want no value, target or met", r.KPI, r)
		}
	}
	if len(ev.Origins) != 0 || ev.Activities.Count != 0 || ev.Disputes.Opened != 0 {
		t.Errorf("origins %v, activities %v, disputes %v; want none", ev.Origins, ev.Activities, ev.Disputes)
	}
	if len(ev.Findings) == 0 || !strings.Contains(ev.Findings[0].Text, "No KPI can be computed for FR in 2025-Q3") {
		t.Errorf("findings %v, want the no-data finding first", ev.Findings)
	}
	// The renderings do not fail on an empty evaluation.
	var b bytes.Buffer
	if err := report.WritePDF(&b, &ev, report.PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteCSV(&b, &ev); err != nil {
		t.Fatal(err)
	}
	// A target on an MoU with no data is not judged.
	ke, _ := f.store.MoU(ctx, f.ids["KE"])
	ev2, err := f.ev.Evaluate(ctx, ke.ID, "2020-Q1")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ev2.KPIs {
		if r.Target != nil && r.Met != nil {
			t.Errorf("%s judged without data: %v", r.KPI, *r.Met)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	f := setup(t)
	for _, tt := range []struct{ id, quarter, code string }{
		{f.ids["KE"], "2025-7", postclear.EInvalid},
		{"mou-none", "2025-Q3", postclear.ENotFound},
	} {
		if _, err := f.ev.Evaluate(context.Background(), tt.id, tt.quarter); postclear.ErrorCode(err) != tt.code {
			t.Errorf("Evaluate(%s, %s) = %v, want code %s", tt.id, tt.quarter, err, tt.code)
		}
	}
}

func TestRenderingsCarryTheEvaluationsNumbers(t *testing.T) {
	f := setup(t)
	ev, err := f.ev.Evaluate(context.Background(), f.ids["MA"], "2025-Q3")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("csv", func(t *testing.T) {
		var b bytes.Buffer
		if err := report.WriteCSV(&b, &ev); err != nil {
			t.Fatal(err)
		}
		sections := readCSV(t, b.Bytes())
		// The KPI section: one row per KPI, each number within half its
		// unit's precision of the evaluation's value.
		kpis := sections[report.KPIHeader[0]]
		if diff := cmp.Diff(report.KPIHeader, kpis[0]); diff != "" {
			t.Errorf("KPI header (-want +got):\n%s", diff)
		}
		if len(kpis) != len(ev.KPIs)+1 {
			t.Fatalf("KPI section: %d rows, want %d", len(kpis)-1, len(ev.KPIs))
		}
		col := map[string]int{}
		for i, h := range report.KPIHeader {
			col[h] = i
		}
		precision := map[postclear.Unit]float64{postclear.UnitHours: 0.1, postclear.UnitDays: 0.1, postclear.UnitRate: 0.0001,
			postclear.UnitPer10K: 0.01, postclear.UnitCount: 1}
		near := func(kpi postclear.KPI, field, cell string, v *float64) {
			if v == nil {
				if cell != "" {
					t.Errorf("%s %s: %q, want empty", kpi, field, cell)
				}
				return
			}
			x, err := strconv.ParseFloat(cell, 64)
			if err != nil || math.Abs(x-*v) > precision[kpi.Unit()]/2+1e-12 {
				t.Errorf("%s %s: %q, want %v rounded to %v", kpi, field, cell, *v, precision[kpi.Unit()])
			}
		}
		for i, r := range ev.KPIs {
			row := kpis[i+1]
			met := ""
			if r.Met != nil {
				met = strconv.FormatBool(*r.Met)
			}
			if row[col["mou_id"]] != ev.MoU.ID || row[col["country"]] != "MA" || row[col["quarter"]] != ev.Quarter || row[col["kpi"]] != string(r.KPI) ||
				row[col["kpi_label"]] != r.KPI.Label() || row[col["unit"]] != string(r.Unit) || row[col["met"]] != met ||
				row[col["previous_quarter"]] != ev.PreviousQuarter || row[col["previous_year_quarter"]] != ev.PreviousYearQuarter ||
				row[col["population"]] != strconv.FormatInt(r.Population, 10) {
				t.Errorf("KPI row %d: %q, evaluation %+v", i, row, r)
			}
			for field, v := range map[string]*float64{"actual": r.Actual, "target": r.Target, "previous": r.Previous, "change": r.Change,
				"previous_year": r.PreviousYear, "change_from_previous_year": r.ChangeFromPreviousYear} {
				near(r.KPI, field, row[col[field]], v)
			}
		}
		// The findings section: one row per finding, in order.
		findings := sections[report.FindingHeader[0]]
		if len(findings) != len(ev.Findings)+1 {
			t.Errorf("findings section: %d rows, want %d", len(findings)-1, len(ev.Findings))
		}
		for i, fd := range ev.Findings {
			if r := findings[min(i+1, len(findings)-1)]; r[0] != strconv.Itoa(i+1) || r[1] != fd.Text {
				t.Errorf("finding %d: %q, want %q", i+1, r, fd.Text)
			}
		}
		// The tidy table of every figure.
		recs := sections[report.CSVHeader[0]]
		if diff := cmp.Diff(report.CSVHeader, recs[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		cells := map[string][]string{}
		for _, r := range recs[1:] {
			cells[r[0]+"|"+r[1]+"|"+r[2]] = r[3:]
		}
		for _, r := range ev.KPIs {
			c := cells["kpi|"+string(r.KPI)+"|"+ev.Quarter]
			near(r.KPI, "tidy actual", c[0], r.Actual)
			near(r.KPI, "tidy previous year", cells["kpi|"+string(r.KPI)+"|"+ev.PreviousYearQuarter][0], r.PreviousYear)
			near(r.KPI, "tidy change from previous year", cells["change_from_previous_year|"+string(r.KPI)+"|"+ev.Quarter][0], r.ChangeFromPreviousYear)
		}
		for _, m := range ev.Monthly {
			c := cells["monthly|"+m.Metric+"|"+report.MonthPeriod(m.Month)]
			k := postclear.KPI(m.Metric)
			if m.Metric == postclear.MetricClearanceP50Hours {
				k = postclear.KPIClearanceP90Hours // hours too
			}
			near(k, "monthly "+m.Month.Format("2006-01"), c[0], m.Value)
		}
		// Every finding refers to rows that exist.
		for _, fd := range ev.Findings {
			for _, ref := range fd.References {
				if _, ok := cells[ref.Section+"|"+ref.Metric+"|"+ref.Period]; !ok {
					t.Errorf("finding %q refers to %+v, which is not a CSV row", fd.Text, ref)
				}
			}
		}
	})

	t.Run("pdf", func(t *testing.T) {
		var b bytes.Buffer
		if err := report.WritePDF(&b, &ev, report.PDFOptions{Uncompressed: true}); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, b.Bytes())
		all := strings.Join(text, "\n")
		// Each KPI row of the table: label, actual, target, result,
		// previous, change, the same quarter a year before, change, in
		// this order.
		for _, r := range ev.KPIs {
			want := []string{r.KPI.Label(), report.FormatValue(r.Unit, r.Actual)}
			if r.Target != nil {
				want = append(want, strings.ToLower(strings.ReplaceAll(string(*r.Comparison), "_", " "))+" "+report.FormatValue(r.Unit, r.Target))
				switch {
				case r.Met == nil:
					want = append(want, "no value")
				case *r.Met:
					want = append(want, "MET")
				default:
					want = append(want, "MISSED")
				}
			}
			want = append(want, report.FormatValue(r.Unit, r.Previous), report.FormatChange(r.Unit, r.Change),
				report.FormatValue(r.Unit, r.PreviousYear), report.FormatChange(r.Unit, r.ChangeFromPreviousYear))
			i := slices.Index(text, want[0])
			if i < 0 || !inOrder(text[i:min(len(text), i+9)], want) {
				end := min(len(text), max(i, 0)+9)
				t.Errorf("KPI row %s: want cells %q in order, PDF has %q", r.KPI, want, text[max(i, 0):end])
			}
		}
		for _, o := range ev.Origins[:min(3, len(ev.Origins))] {
			if !strings.Contains(all, report.FormatValue(postclear.UnitHours, o.ClearanceP90Hours)) {
				t.Errorf("origin %s: clearance p90 %s not in the PDF", o.Country, report.FormatValue(postclear.UnitHours, o.ClearanceP90Hours))
			}
		}
		// Findings are wrapped over lines: compare without line breaks.
		flat := strings.Join(text, " ")
		for _, fd := range ev.Findings {
			if !strings.Contains(flat, fd.Text) {
				t.Errorf("finding not in the PDF: %q", fd.Text)
			}
		}
	})
}

// inOrder reports whether want occurs in cells as a subsequence.
// csvSections are the header rows of the CSV rendering's sections.
var csvSections = [][]string{report.KPIHeader, report.FindingHeader, report.ActionHeader, report.DefinitionHeader, report.DataQualityHeader, report.CSVHeader}

// readCSV parses the CSV rendering back with encoding/csv: its sections
// by the first cell of their header rows. It checks that the sections are
// separated by an empty line and that the file has no byte order mark.
func readCSV(t *testing.T, data []byte) map[string][][]string {
	t.Helper()
	if bytes.HasPrefix(data, []byte(report.BOM)) {
		t.Errorf("the CSV starts with a byte order mark; only ?bom=1 / --bom adds one")
	}
	for _, h := range [][]string{report.FindingHeader, report.ActionHeader, report.DefinitionHeader, report.DataQualityHeader, report.CSVHeader} {
		if !bytes.Contains(data, []byte("\n\n"+strings.Join(h, ",")+"\n")) {
			t.Errorf("no empty line before the section %v", h)
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	var cur string
	for _, rec := range recs {
		for _, h := range csvSections {
			if slices.Equal(rec, h) {
				cur = h[0]
			}
		}
		if cur == "" {
			t.Fatalf("the CSV does not start with a section header: %q", rec)
		}
		out[cur] = append(out[cur], rec)
	}
	for _, h := range csvSections {
		if len(out[h[0]]) == 0 {
			t.Errorf("no section %v", h)
		}
		for _, rec := range out[h[0]] {
			if len(rec) != len(h) {
				t.Errorf("section %s: row %q has %d fields, want %d", h[0], rec, len(rec), len(h))
			}
		}
	}
	return out
}

func inOrder(cells, want []string) bool {
	j := 0
	for _, c := range cells {
		if j < len(want) && c == want[j] {
			j++
		}
	}
	return j == len(want)
}

// The methodology section defines every KPI and counts the quarter's items
// with missing or out-of-sequence milestones as the data-quality query
// over the MoU's country and quarter, in its time zone, answers them (the
// query itself is tested against the oracle in package analytics); the
// CSV's sections carry the same.
func TestEvaluationMethodology(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ev, err := f.ev.Evaluate(ctx, f.ids["TH"], "2025-Q3")
	if err != nil {
		t.Fatal(err)
	}
	m := ev.Methodology
	if m.TimeZone != "Asia/Bangkok" || len(m.KPIs) != len(postclear.KPIs) {
		t.Errorf("methodology in %q with %d KPIs, want Asia/Bangkok and %d", m.TimeZone, len(m.KPIs), len(postclear.KPIs))
	}
	for _, k := range m.KPIs {
		if k.Definition == "" || k.Population == "" || k.Label == "" {
			t.Errorf("%s: %+v, want a label, definition and population", k.KPI, k)
		}
	}
	q, _ := postclear.ParseQuarter("2025-Q3")
	rows, err := f.kpis.DataQuality(ctx, postclear.KPIQuery{TimeZone: "Asia/Bangkok",
		Filter: postclear.AnalyticsFilter{From: q.Start(), To: q.End(), DestinationCountries: []string{"TH"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, issue := range postclear.DataQualityIssues {
		want[issue] = 0
	}
	for _, r := range rows {
		want[r.Issue] = r.Items
	}
	got := map[string]int64{}
	for _, c := range m.DataQuality {
		got[c.Issue] = c.Items
		if c.Description == "" || c.InQuarterBy == "" || c.Excluded == "" {
			t.Errorf("%s: %+v, want a description, the milestone and what is excluded", c.Issue, c)
		}
	}
	if len(m.DataQuality) != len(postclear.DataQualityIssues) || !cmp.Equal(want, got) {
		t.Errorf("data quality %v, the query says %v", got, want)
	}
	t.Logf("TH 2025-Q3 data quality: %v", got)
	var pdf bytes.Buffer
	if err := report.WritePDF(&pdf, &ev, report.PDFOptions{Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(pdfText(t, pdf.Bytes()), "\n")
	for _, c := range m.DataQuality {
		n := strconv.FormatInt(c.Items, 10) + " items"
		if c.Items == 1 {
			n = "1 item"
		}
		if want := c.Issue + ": " + n + " (in the quarter by " + c.InQuarterBy + ")"; !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if !strings.Contains(all, "Population: "+postclear.KPIBacklogInCustomsOver72H.Population()+".") {
		t.Errorf("the PDF lacks the backlog KPI's population")
	}
	var b bytes.Buffer
	if err := report.WriteCSV(&b, &ev); err != nil {
		t.Fatal(err)
	}
	dq := readCSV(t, b.Bytes())[report.DataQualityHeader[0]]
	for i, c := range m.DataQuality {
		if r := dq[min(i+1, len(dq)-1)]; r[0] != c.Issue || r[1] != strconv.FormatInt(c.Items, 10) || r[2] != c.InQuarterBy {
			t.Errorf("CSV data quality row %d: %q, want %+v", i, r, c)
		}
	}
}

// The trends: every KPI's trend is its values in the five quarters (tested
// in TestEvaluationEqualsKPIQueries); the activities are counted per
// quarter; the PDF draws one chart per targeted KPI with its quarters,
// values, target and the quarters' activities.
func TestEvaluationTrends(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	ev, err := f.ev.Evaluate(ctx, f.ids["KE"], "2025-Q3")
	if err != nil {
		t.Fatal(err)
	}
	quarters := []string{"2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"}
	acts, err := f.store.Activities(ctx, f.ids["KE"], time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]postclear.QuarterActivities, len(quarters))
	for i, q := range quarters {
		want[i].Quarter = q
		for _, a := range acts {
			if postclear.QuarterOf(a.Date).String() == q {
				want[i].Activities++
			}
		}
	}
	if diff := cmp.Diff(want, ev.ActivityTrend); diff != "" {
		t.Errorf("activity trend (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := report.WritePDF(&b, &ev, report.PDFOptions{Uncompressed: true}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, b.Bytes())
	i := slices.IndexFunc(text, func(s string) bool { return strings.HasSuffix(s, "Quarterly trends of the targeted KPIs") })
	if i < 0 {
		t.Fatalf("no trends section in the PDF")
	}
	text = text[i:]
	charts := 0
	for _, r := range ev.KPIs {
		if r.Target == nil {
			continue
		}
		charts++
		j := slices.Index(text, r.KPI.Label())
		if j < 0 {
			t.Errorf("no trend chart of %s", r.KPI)
			continue
		}
		// The chart's quarters, then each quarter's value, then the
		// target in its legend.
		chart := text[j:min(len(text), j+40)]
		var cells []string
		for _, q := range quarters {
			cells = append(cells, q)
		}
		for _, a := range want {
			switch {
			case a.Activities == 1:
				cells = append(cells, "1 activity")
			case a.Activities > 1:
				cells = append(cells, strconv.Itoa(a.Activities)+" activities")
			}
		}
		for _, tv := range r.Trend {
			if tv.Value != nil {
				cells = append(cells, report.FormatValue(r.Unit, tv.Value))
			}
		}
		if !inOrder(chart, cells) || !slices.Contains(chart, "target: "+strings.ToLower(strings.ReplaceAll(string(*r.Comparison), "_", " "))+" "+report.FormatValue(r.Unit, r.Target)) {
			t.Errorf("trend chart of %s: want %q in order and its target, PDF has %q", r.KPI, cells, chart)
		}
	}
	if charts < 5 {
		t.Errorf("%d targeted KPIs: the test proves little", charts)
	}
}
