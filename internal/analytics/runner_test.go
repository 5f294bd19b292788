package analytics

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// A family refuses the dimensions its rows cannot have, before any SQL is
// written, with a BAD_USER_INPUT naming groupBy, the dimension, the field
// and why; the others pass. (riskEffectiveness and declarationQuality
// refuse RISK_CHANNEL this way.)
func TestFamilyRefusesDimensions(t *testing.T) {
	f := &family[struct{}, postclear.ClearanceStat]{
		name: "declaration things", api: "declarationThings",
		sql:     func(*builder, struct{}) string { panic("validation must refuse the query first") },
		key:     func(r *postclear.ClearanceStat) *postclear.GroupKey { return &r.Key },
		refuses: map[postclear.Dimension]string{postclear.DimRiskChannel: "declarations have no risk channel"},
	}
	svc := &Service{Layout: warehouse.Layout{Database: "postclear"}}
	q := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		GroupBy: []postclear.Dimension{postclear.DimOffice, postclear.DimRiskChannel}}
	_, err := f.run(context.Background(), svc, q, struct{}{})
	want := "groupBy: RISK_CHANNEL is not a dimension of declarationThings: declarations have no risk channel"
	if postclear.ErrorCode(err) != postclear.EInvalid || !strings.Contains(postclear.ErrorMessage(err), want) {
		t.Fatalf("got %v (code %q), want %s containing %q", err, postclear.ErrorCode(err), postclear.EInvalid, want)
	}
	q.GroupBy = []postclear.Dimension{postclear.DimOffice}
	if _, err := f.validate(svc, q, struct{}{}); err != nil {
		t.Fatalf("OFFICE: %v", err)
	}
}
