package graph_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/testenv"
)

// An MoU's time zone is set by createMou, shown by the API, validated
// (BAD_USER_INPUT naming timeZone), and its evaluation answers the
// year-on-year fields and trend under the names issue 14 gives them.
func TestMoUTimeZoneAndYearOnYearOverGraphQL(t *testing.T) {
	e := testenv.Embedded(t)
	st := storeRecords(t, e, fixtureRecords(t))
	svc := &analytics.Service{Engine: e, Layout: st.Layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	ev := &report.Evaluator{KPIs: svc, MoUs: st, Data: st, Now: func() time.Time { return testenv.Now }}
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Analytics: svc, Records: st, MoUs: st, Evaluations: ev, Now: func() time.Time { return testenv.Now }},
		func(context.Context) error { return nil }, graph.Config{}))
	t.Cleanup(srv.Close)
	url := srv.URL + "/graphql"

	const input = `country: "TH", customsAdministration: "Thai Customs", postalOperator: "Thailand Post", signedOn: "2024-01-01", effectiveFrom: "2024-01-01"`
	var created struct{ CreateMou struct{ ID, TimeZone string } }
	post(t, url, `mutation { createMou(input: {`+input+`, timeZone: "Asia/Bangkok",
		targets: [{kpi: BACKLOG_IN_CUSTOMS_OVER_72H, comparison: AT_MOST, value: 10}, {kpi: TARGETED_HIT_RATE, comparison: AT_LEAST, value: 0.1}]}) { id timeZone } }`, &created)
	if created.CreateMou.TimeZone != "Asia/Bangkok" {
		t.Errorf("createMou timeZone = %q, want Asia/Bangkok", created.CreateMou.TimeZone)
	}
	errs := postErrors(t, url, `mutation { createMou(input: {`+strings.Replace(input, "TH", "VN", 1)+`, timeZone: "Asia/Saigon City"}) { id } }`)
	if len(errs) != 1 || errs[0].Extensions.Code != "BAD_USER_INPUT" || !strings.Contains(errs[0].Message, "timeZone") {
		t.Errorf("unknown time zone: %+v, want one BAD_USER_INPUT naming timeZone", errs)
	}
	var got struct {
		MouEvaluation struct {
			PreviousQuarter, PreviousYearQuarter string
			Mou                                  struct{ TimeZone string }
			Kpis                                 []struct {
				Kpi                                                    string
				Actual, Previous, PreviousYear, ChangeFromPreviousYear *float64
				Trend                                                  []struct{ Quarter string }
			}
		}
	}
	post(t, url, `{ mouEvaluation(mouId: "`+created.CreateMou.ID+`", quarter: "2025-Q1") { previousQuarter previousYearQuarter mou { timeZone }
		kpis { kpi actual previous previousYear changeFromPreviousYear trend { quarter value population } } } }`, &got)
	m := got.MouEvaluation
	// The .json download is the same answer, in the API's shape, with
	// every field of the evaluation.
	jsonResp, err := http.Get(srv.URL + "/reports/mous/" + created.CreateMou.ID + "/2025-Q1.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(jsonResp.Body)
	jsonResp.Body.Close()
	same := got
	same.MouEvaluation = m
	same.MouEvaluation.Kpis = nil
	if err := json.Unmarshal(body, &same.MouEvaluation); err != nil || !cmp.Equal(got, same) {
		t.Errorf("the .json download differs from the GraphQL answer (%v):\n%s", err, cmp.Diff(got, same))
	}
	for _, key := range []string{`"previousYearQuarter"`, `"changeFromPreviousYear"`, `"trend"`, `"methodology"`, `"dataQuality"`, `"activityTrend"`, `"timeZone"`, `"findings"`, `"data"`} {
		if !bytes.Contains(body, []byte(key)) {
			t.Errorf("the .json download lacks %s", key)
		}
	}
	if m.PreviousQuarter != "2024-Q4" || m.PreviousYearQuarter != "2024-Q1" || m.Mou.TimeZone != "Asia/Bangkok" {
		t.Errorf("evaluation of 2025-Q1: previous %s, a year before %s, zone %s", m.PreviousQuarter, m.PreviousYearQuarter, m.Mou.TimeZone)
	}
	// The CSV download: without a byte order mark unless ?bom=1 asks for
	// one (for Excel); either way encoding/csv reads it back.
	for _, tt := range []struct {
		query   string
		withBOM bool
	}{{"", false}, {"?bom=0", false}, {"?bom=1", true}} {
		resp, err := http.Get(srv.URL + "/reports/mous/" + created.CreateMou.ID + "/2025-Q1.csv" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || bytes.HasPrefix(body, []byte(report.BOM)) != tt.withBOM {
			t.Errorf("CSV%s: HTTP %d, byte order mark %v, want %v", tt.query, resp.StatusCode, bytes.HasPrefix(body, []byte(report.BOM)), tt.withBOM)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte(report.BOM))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil || len(recs) < 2 || !slices.Equal(recs[0], report.KPIHeader) || recs[1][0] != created.CreateMou.ID {
			t.Errorf("CSV%s read back: %v, first rows %q", tt.query, err, recs[:min(2, len(recs))])
		}
	}
	resp, err := http.Get(srv.URL + "/reports/mous/" + created.CreateMou.ID + "/2025-Q1.csv?bom=yes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("?bom=yes: %s, want 400", resp.Status)
	}
	for _, k := range m.Kpis {
		if len(k.Trend) != 5 || k.Trend[0].Quarter != "2024-Q1" || k.Trend[4].Quarter != "2025-Q1" {
			t.Errorf("%s: trend %v, want 2024-Q1 to 2025-Q1", k.Kpi, k.Trend)
		}
		if (k.Actual != nil && k.PreviousYear != nil) != (k.ChangeFromPreviousYear != nil) {
			t.Errorf("%s: change from the previous year %v with %v and %v", k.Kpi, k.ChangeFromPreviousYear, k.Actual, k.PreviousYear)
		}
	}
}
