package analytics_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// plainSubqueryIn is an IN over a subquery that is not GLOBAL IN.
var plainSubqueryIn = regexp.MustCompile(`(^|[^L]\s)IN\s*\(\s*SELECT`)

// On a cluster every KPI reads Distributed tables, and ClickHouse refuses
// a subquery over a Distributed table inside a distributed query (its
// default distributed_product_mode = 'deny'): each such IN is GLOBAL IN.
func TestClusterSQLUsesGlobalIn(t *testing.T) {
	ctx := context.Background()
	svc := &analytics.Service{Engine: &analytics.CalendarEngine{}, Layout: warehouse.Layout{Database: "postclear", Cluster: "c1"}}
	g := postclear.Month
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: date("2025-01-01"), To: date("2025-04-01"), DestinationCountries: []string{"KE"}},
		GroupBy: []postclear.Dimension{postclear.DimOriginCountry}, Granularity: &g}
	sqls := map[string]func() (string, warehouse.Params, error){
		"clearance": func() (string, warehouse.Params, error) { return svc.ClearanceSQL(q, 24) },
		"delivery": func() (string, warehouse.Params, error) {
			return svc.DeliverySQL(ctx, q, postclear.StandardDelivery(5))
		},
		"compliance": func() (string, warehouse.Params, error) { return svc.ComplianceSQL(q) },
		"seizures":   func() (string, warehouse.Params, error) { return svc.SeizureSQL(q) },
		"stages": func() (string, warehouse.Params, error) {
			return svc.StageSQL(q, postclear.Stages, postclear.DefaultThresholdsHours)
		},
		"delivery in working days": func() (string, warehouse.Params, error) {
			return svc.DeliverySQL(ctx, q, postclear.DeliveryOptions{StandardDays: 5, Leg: postclear.Inbound, DayCount: postclear.WorkingDays})
		},
	}
	for name, sqlOf := range sqls {
		sqlText, _, err := sqlOf()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m := plainSubqueryIn.FindString(sqlText); m != "" {
			t.Errorf("%s: %q is not GLOBAL IN:\n%s", name, m, sqlText)
		}
	}
}
