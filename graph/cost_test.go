package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/report"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// countingEngine counts the statements sent to the engine.
type countingEngine struct {
	warehouse.Engine
	n atomic.Int64
}

func (e *countingEngine) Query(ctx context.Context, q string, p warehouse.Params) (warehouse.Rows, error) {
	e.n.Add(1)
	return e.Engine.Query(ctx, q, p)
}

func (e *countingEngine) Exec(ctx context.Context, q string, p warehouse.Params) error {
	e.n.Add(1)
	return e.Engine.Exec(ctx, q, p)
}

// The statement costs the limit counts are what the fields really send to
// the engine, so that the limit bounds engine work and not a guess at it.
func TestStatementCostsMatchTheEngine(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	ce := &countingEngine{Engine: e}
	st := warehouse.NewStore(ce, layout)
	ctx := context.Background()
	m, err := st.CreateMoU(ctx, postclear.MoUInput{Country: "KE", CustomsAdministration: "KRA", PostalOperator: "PCK",
		SignedOn: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Targets: []postclear.Target{{KPI: postclear.KPIClearanceP90Hours, Comparison: postclear.AtMost, Value: 48}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InsertActions(ctx, []postclear.Action{{MoUID: m.ID, ID: "A-1", RaisedOn: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC),
		Text: "Weekly call", Owner: "JOINT", DueOn: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Status: "OPEN"}}); err != nil {
		t.Fatal(err)
	}
	svc := &analytics.Service{Engine: ce, Layout: layout, Facts: st.Facts()}
	r := &Resolver{Analytics: svc, Operations: svc, Records: st, MoUs: st, Evaluations: &report.Evaluator{KPIs: svc, MoUs: st, Data: st}}
	if err := st.InsertEvents(ctx, []postclear.Event{{ItemID: "RR123456785KE", EventCode: "EMD", EventTime: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC),
		Office: "KENBOA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "PACKET"}}); err != nil {
		t.Fatal(err)
	}
	h := NewHandler(r, nil, Config{MaxStatements: 1000, ComplexityLimit: 1 << 20})
	const filter = `filter: {from: "2025-01-01", to: "2025-04-01"}`
	for _, tt := range []struct{ field, query string }{
		{"Query.dataStatus", `{ dataStatus { events } }`},
		{"Query.clearanceTimes", `{ clearanceTimes(` + filter + `) { items } }`},
		{"Query.deliveryTimes", `{ deliveryTimes(` + filter + `) { items } }`},
		{"Query.complianceRates", `{ complianceRates(` + filter + `) { itemsArrived } }`},
		{"Query.seizureTrends", `{ seizureTrends(` + filter + `, granularity: MONTH) { seizures } }`},
		{"Query.backlog", `{ backlog(asOf: "2025-03-01T00:00:00Z", ` + filter + `) { items } }`},
		{"Query.openItems", `{ openItems(asOf: "2025-03-01T00:00:00Z", stage: AWAITING_PRESENTATION, ` + filter + `, first: 1) { totalCount } }`},
		{"Query.item", `{ item(id: "RR123456785KE") { itemId events { eventCode } declarations { hsCode } decisions { decision } } }`},
		{"Query.stageTimes", `{ stageTimes(` + filter + `, stages: [ARRIVAL_TO_RELEASE, RELEASE_TO_DELIVERY]) { items } }`},
		{"Query.deliveryTimes", `{ deliveryTimes(` + filter + `, leg: INBOUND, dayCount: WORKING) { items } }`},
		{"Query.riskEffectiveness", `{ riskEffectiveness(` + filter + `, granularity: MONTH) { inspected liftVsRandom } }`},
		{"Query.holdFulfilment", `{ holdFulfilment(` + filter + `) { requested } }`},
		{"Query.eadTimeliness", `{ eadTimeliness(` + filter + `) { items } }`},
		{"Query.declarationQuality", `{ declarationQuality(` + filter + `) { rule failing } }`},
		{"Query.mous", `{ mous { id } }`},
		{"Query.mouEvaluation", `{ mouEvaluation(mouId: "` + m.ID + `", quarter: "2025-Q1") { quarter } }`},
		{"Query.actions", `{ actions(mouId: "` + m.ID + `") { id } }`},
		{"Query.targetBreaches", `{ targetBreaches(asOf: "2025-02-15") { breached } }`},
		{"Mutation.updateAction", `mutation { updateAction(mouId: "` + m.ID + `", id: "A-1", changes: {status: "DONE", closedOn: "2025-02-01"}) { id } }`},
	} {
		// Twice: the first KPI query of a process may finalize facts.
		for range 2 {
			ce.n.Store(0)
			body, _ := json.Marshal(map[string]string{"query": tt.query})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
				t.Fatalf("%s: %s", tt.field, rec.Body)
			}
		}
		typeName, field, _ := strings.Cut(tt.field, ".")
		got, cost := ce.n.Load(), statementCost(typeName, field)
		t.Logf("%s: %d statements, counted %d", tt.field, got, cost)
		if got > int64(cost) {
			t.Errorf("%s sends %d statements to the engine; the limit counts %d", tt.field, got, cost)
		}
	}
}
