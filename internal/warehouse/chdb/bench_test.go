package chdb

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

const benchEvents = `CREATE TABLE IF NOT EXISTS bench.events (
	item_id String,
	event_code LowCardinality(String),
	at DateTime('UTC'),
	office LowCardinality(String),
	country LowCardinality(String),
	seq UInt32,
	amount Decimal(18, 6)
) ENGINE = MergeTree ORDER BY (item_id, at)`

func benchEngine(b *testing.B) *Engine {
	e := openTest(b, Options{})
	ctx := context.Background()
	for _, q := range []string{"DROP DATABASE IF EXISTS bench", "CREATE DATABASE bench", benchEvents} {
		if err := e.Exec(ctx, q, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { e.Exec(ctx, "DROP DATABASE IF EXISTS bench", nil) })
	return e
}

func eventRows(n, offset int) [][]any {
	codes := []string{"EMA", "EMB", "EMC", "EMD", "EDB", "EDC", "EMI"}
	countries := []string{"CN", "FR", "US", "DE", "BR"}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][]any, n)
	for i := range rows {
		k := offset + i
		rows[i] = []any{
			"RR" + strconv.Itoa(100000000+k) + "CN",
			codes[k%len(codes)],
			base.Add(time.Duration(k) * time.Second),
			"Office " + countries[k%len(countries)] + " " + strconv.Itoa(k%50),
			countries[k%len(countries)],
			uint32(k),
			postclear.DecimalFromUnits(int64(k) * 1250),
		}
	}
	return rows
}

var eventColumns = []string{"item_id", "event_code", "at", "office", "country", "seq", "amount"}

// BenchmarkInsert inserts 100 000 events-like rows per call.
func BenchmarkInsert(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	const batch = 100_000
	rows := eventRows(batch, 0)
	b.ResetTimer()
	for b.Loop() {
		if err := e.Insert(ctx, "bench.events", eventColumns, rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkQuery runs a parameterised aggregation over 1 000 000 rows
// (Aggregate) and the smallest round trip (Select1).
func BenchmarkQuery(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if err := e.Insert(ctx, "bench.events", eventColumns, eventRows(100_000, i*100_000)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Aggregate", func(b *testing.B) {
		params := warehouse.Params{"codes": []string{"EMA", "EMI"}, "from": time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)}
		for b.Loop() {
			rows, err := e.Query(ctx, `SELECT country, event_code, count(), quantile(0.9)(seq), sum(amount)
				FROM bench.events WHERE event_code IN {codes:Array(String)} AND at >= {from:DateTime('UTC')}
				GROUP BY country, event_code ORDER BY country, event_code`, params)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n != 10 {
				b.Fatalf("%d groups", n)
			}
		}
	})
	b.Run("Select1", func(b *testing.B) {
		for b.Loop() {
			rows, err := e.Query(ctx, "SELECT {x:UInt8}", warehouse.Params{"x": 1})
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
	b.Run("Scan200k", func(b *testing.B) {
		for b.Loop() {
			rows, err := e.Query(ctx, "SELECT item_id, at, seq FROM bench.events LIMIT 200000", nil)
			if err != nil {
				b.Fatal(err)
			}
			var s string
			var at time.Time
			var seq uint32
			for rows.Next() {
				if err := rows.Scan(&s, &at, &seq); err != nil {
					b.Fatal(err)
				}
			}
			rows.Close()
		}
	})
}
