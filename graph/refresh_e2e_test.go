package graph_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// TestKPIsReflectIngestMutationAtOnce: records stored by the ingest
// mutations are finalized before the mutation answers (item_facts holds
// the item without any query having refreshed it), and the next KPI query
// counts them.
func TestKPIsReflectIngestMutationAtOnce(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	st := warehouse.NewStore(e, layout)
	svc := &analytics.Service{Engine: e, Layout: layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{Analytics: svc, Records: st, Now: func() time.Time { return testenv.Now }},
		func(context.Context) error { return nil }, graph.Config{}))
	defer srv.Close()
	url := srv.URL + "/graphql"

	var ingested struct {
		Events    struct{ Accepted int } `json:"ingestEvents"`
		Decisions struct{ Accepted int } `json:"ingestDecisions"`
	}
	post(t, url, `mutation {
		ingestEvents(records: [
			{itemId: "RR123456785CN", eventCode: "EDB", eventTime: "2025-03-05T10:00:00Z", office: "KENBOA", originCountry: "CN", destinationCountry: "KE", mailClass: "LETTER"}
		]) { accepted }
		ingestDecisions(records: [
			{itemId: "RR123456785CN", decidedAt: "2025-03-05T16:00:00Z", decision: "RELEASE"}
		]) { accepted }
	}`, &ingested)
	if ingested.Events.Accepted != 1 || ingested.Decisions.Accepted != 1 {
		t.Fatalf("accepted %+v, want one event and one decision", ingested)
	}

	rows, err := e.Query(context.Background(), "SELECT count() FROM {db:Identifier}.item_facts FINAL WHERE released_at IS NOT NULL", warehouse.Params{"db": layout.Database})
	if err != nil {
		t.Fatal(err)
	}
	var facts uint64
	for rows.Next() {
		if err := rows.Scan(&facts); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if facts != 1 {
		t.Errorf("item_facts has %d released items right after the mutations, want 1", facts)
	}

	var kpi struct {
		Rows []struct {
			Items    int64
			P50Hours *float64
		} `json:"clearanceTimes"`
	}
	post(t, url, `{ clearanceTimes(filter: {from: "2025-03-01", to: "2025-04-01", destinationCountries: ["KE"]}) { items p50Hours } }`, &kpi)
	if len(kpi.Rows) != 1 || kpi.Rows[0].Items != 1 || kpi.Rows[0].P50Hours == nil || *kpi.Rows[0].P50Hours != 6 {
		t.Errorf("clearanceTimes after the mutations = %+v, want one item of 6 hours", kpi.Rows)
	}
}
