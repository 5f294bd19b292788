package graph_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/analytics"
	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

func TestScratch(t *testing.T) {
	e := testenv.Embedded(t)
	st := warehouse.NewStore(e, testenv.Database(t, e))
	ctx := context.Background()
	if _, err := demo.Generate(ctx, demo.Config{Items: 200000, Seed: 1}, benchSink{st}); err != nil {
		t.Fatal(err)
	}
	st.Refresh(ctx)
	e.Exec(ctx, "OPTIMIZE TABLE {db:Identifier}.item_facts FINAL", warehouse.Params{"db": st.Layout.Database})
	svc := &analytics.Service{Engine: e, Layout: st.Layout, Facts: st.Facts(), Now: func() time.Time { return testenv.Now }}
	asOf := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	f := postclear.AnalyticsFilter{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DestinationCountries: []string{"KE"}}
	page := postclear.OpenItemsQuery{Query: postclear.KPIQuery{Filter: f}, AsOf: asOf, Stage: postclear.AwaitingDelivery, First: 50}
	pageSQL, params, _ := svc.OpenItemsSQL(ctx, page)
	bSQL, bParams, _ := svc.BacklogSQL(postclear.KPIQuery{Filter: f, GroupBy: []postclear.Dimension{postclear.DimOffice}}, postclear.BacklogArgs{AsOf: asOf, AgesHours: postclear.DefaultAgesHours})
	c, _ := svc.OpenItems(ctx, page)
	id := c.Edges[0].Node.ItemID
	items, iParams := svc.ItemSQL(ctx, id)
	params["id"] = id
	for k, v := range iParams {
		params[k] = v
	}
	variants := map[string]string{"page": pageSQL, "backlog": bSQL,
		"item0": items[0], "item1": items[1], "item2": items[2], "item3": items[3], "keys": items[4],
		"item0noKeys": strings.Replace(items[0], "destination_country_key IN (SELECT destination_country_key FROM {db:Identifier}.item_fact_keys WHERE item_id = {id:String})\n  AND ", "", 1),
		"pageNoFinal": strings.Replace(pageSQL, "item_facts FINAL", "item_facts", 1),
		"select1": "SELECT 1",
	}
	b, _ := os.ReadFile("/tmp/scratch/variants.sql")
	for i, v := range strings.Split(string(b), "\n====\n") {
		if strings.TrimSpace(v) != "" {
			variants[string(rune('a'+i))] = v
		}
	}
	for k, v := range bParams {
		params[k] = v
	}
	times := map[string][]time.Duration{}
	for range 15 {
		for name, q := range variants {
			start := time.Now()
			rows, err := e.Query(ctx, q, params)
			if err != nil {
				t.Fatal(name, err)
			}
			for rows.Next() {
			}
			rows.Close()
			times[name] = append(times[name], time.Since(start))
		}
	}
	var names []string
	for n := range times {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ds := times[n]
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("%-12s min %6.2f ms  p50 %6.2f ms", n, float64(ds[0].Microseconds())/1000, float64(ds[len(ds)/2].Microseconds())/1000)
	}
}
