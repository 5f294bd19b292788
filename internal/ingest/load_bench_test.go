package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// eventFileSink writes the demo events to a CSV file and drops the rest.
type eventFileSink struct{ w *CSVWriter[postclear.Event] }

func (s eventFileSink) Events(_ context.Context, b []postclear.Event) error {
	for _, e := range b {
		if err := s.w.Write(e); err != nil {
			return err
		}
	}
	return nil
}
func (eventFileSink) Declarations(context.Context, []postclear.Declaration) error { return nil }
func (eventFileSink) Decisions(context.Context, []postclear.Decision) error       { return nil }

// demoEventsCSV writes the events of a demo data set of items items to a
// CSV file and returns its name and the number of events.
func demoEventsCSV(tb testing.TB, items int) (string, int64) {
	tb.Helper()
	name := filepath.Join(tb.TempDir(), "events.csv")
	f, err := os.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	cw := NewCSVWriter[postclear.Event](bw)
	st, err := demo.Generate(context.Background(), demo.Config{Items: items, Seed: 1}, eventFileSink{cw})
	if err != nil {
		tb.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	return name, st.Events
}

// BenchmarkLoadEventsCSV measures the whole path of `postclear ingest
// events`: read, validate, batch and insert into the embedded engine, each
// iteration into a fresh database.
func BenchmarkLoadEventsCSV(b *testing.B) {
	e := testenv.Embedded(b)
	name, n := demoEventsCSV(b, 80_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store := warehouse.NewStore(e, testenv.Database(b, e))
		b.StartTimer()
		sum, err := LoadFiles(ctx, store, postclear.KindEvents, []string{name}, LoadOptions{Now: testenv.Now})
		if err != nil || sum.Accepted != n {
			b.Fatalf("accepted %d of %d: %v", sum.Accepted, n, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkLoadBatchSize loads the same events file with inserts of
// several sizes, reporting CPU time per event (the embedded engine runs in
// this process, so it counts the engine's work too, and unlike the wall
// time it is not inflated by waiting for a shared core) and the parts the
// insert left in events, before any merge.
func BenchmarkLoadBatchSize(b *testing.B) {
	e := testenv.Embedded(b)
	name, n := demoEventsCSV(b, 80_000)
	ctx := context.Background()
	for _, size := range []int{100_000, 250_000, 500_000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			var cpu time.Duration
			var parts uint64
			for b.Loop() {
				b.StopTimer()
				layout := testenv.Database(b, e)
				store := warehouse.NewStore(e, layout)
				b.StartTimer()
				cpu0 := cpuTime(b)
				sum, err := LoadFiles(ctx, store, postclear.KindEvents, []string{name}, LoadOptions{Now: testenv.Now, BatchSize: size})
				cpu += cpuTime(b) - cpu0
				if err != nil || sum.Accepted != n {
					b.Fatalf("accepted %d of %d: %v", sum.Accepted, n, err)
				}
				b.StopTimer()
				rows, err := e.Query(ctx, "SELECT count() FROM system.parts WHERE database = {db:String} AND table = 'events' AND active", warehouse.Params{"db": layout.Database})
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					if err := rows.Scan(&parts); err != nil {
						b.Fatal(err)
					}
				}
				rows.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(cpu)/float64(n)/float64(b.N), "cpu-ns/event")
			b.ReportMetric(float64(parts), "parts")
		})
	}
}
