package analytics

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// The SQL of the backlog, of an open-items page and of the item lookup is
// pinned like the KPI families' (TestGoldenSQL): plain, and with every
// option under an agency's scope (not the item's, the same for both).
func TestGoldenBacklogSQL(t *testing.T) {
	svc := &Service{Layout: warehouse.Layout{Database: "postclear"}, Now: func() time.Time { return time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC) }}
	asOf := time.Date(2025, 11, 30, 18, 0, 0, 0, time.UTC)
	plain := postclear.KPIQuery{Filter: postclear.AnalyticsFilter{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}}
	full := plain
	full.Filter.OriginCountries = []string{"CN", "US"}
	full.Filter.DestinationCountries = []string{"KE"}
	full.Filter.MailClasses = []string{"EMS"}
	full.Filter.Offices = []string{"KENBOA"}
	full.Filter.Categories = []string{"GIFT", "SALE_OF_GOODS"}
	full.TimeZone = "Africa/Nairobi"
	agency := postclear.WithScope(context.Background(), postclear.Scope{Restricted: true, Countries: []string{"KE", "TH"}})
	older := 72.0
	for name, c := range map[string]struct {
		ctx     context.Context
		q       postclear.KPIQuery
		groupBy []postclear.Dimension
		older   *float64
	}{
		"plain": {context.Background(), plain, nil, nil},
		"full":  {agency, full, slices.Clone(Dimensions()), &older},
	} {
		t.Run(name, func(t *testing.T) {
			q := c.q
			q.Scope = postclear.ScopeFrom(c.ctx)
			q.GroupBy = c.groupBy
			text, params, err := svc.BacklogSQL(q, postclear.BacklogArgs{AsOf: asOf, AgesHours: postclear.DefaultAgesHours})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "backlog_"+name, render(t, text, params))
			text, params, err = svc.OpenItemsSQL(c.ctx, postclear.OpenItemsQuery{Query: c.q, AsOf: asOf, Stage: postclear.InCustoms, OlderThanHours: c.older, First: 50})
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "openitems_"+name, render(t, text, params))
		})
	}
	// The same for every caller: the scope applies to the item's card.
	text, params := svc.ItemSQL("RR123456785CN")
	checkGolden(t, "item", render(t, text, params))
}
