package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
)

// benchEvents returns n valid, varied events.
func benchEvents(n int) []postclear.Event {
	codes := []string{"EMA", "EMB", "EMC", "EMD", "EDB", "EMF", "EMG", "EDG", "EMI"}
	countries := []string{"FR", "US", "DE", "CN", "JP", "GB", "BR", "ZA"}
	classes := []string{"LETTER", "PACKET", "PARCEL", "EMS"}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	evs := make([]postclear.Event, n)
	for i := range evs {
		serial := fmt.Sprintf("%08d", i*7919%100000000)
		evs[i] = postclear.Event{
			ItemID:             fmt.Sprintf("RR%s%d%s", serial, postclear.S10CheckDigit(serial), countries[i%len(countries)]),
			EventCode:          codes[i%len(codes)],
			EventTime:          base.Add(time.Duration(i) * 37 * time.Second),
			Office:             "USJFKA",
			OriginCountry:      countries[i%len(countries)],
			DestinationCountry: countries[(i+3)%len(countries)],
			MailClass:          classes[i%len(classes)],
		}
	}
	return evs
}

func benchRead(b *testing.B, name string, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if got := readRows[postclear.Event](b, name, data); got != n {
			b.Fatalf("read %d events, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// readRows reads data as the file name, every row of which must be valid,
// and returns the number of rows.
func readRows[T Record](b *testing.B, name string, data []byte) int {
	r, err := Open[T](name, bytes.NewReader(data), testenv.Now)
	if err != nil {
		b.Fatal(err)
	}
	got := 0
	for {
		_, _, errs, err := r.Next()
		if err == io.EOF {
			return got
		}
		if err != nil || errs != nil {
			b.Fatal(err, errs)
		}
		got++
	}
}

const benchN = 100_000

func BenchmarkReadEventsCSV(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, benchEvents(benchN)); err != nil {
		b.Fatal(err)
	}
	benchRead(b, "e.csv", buf.Bytes(), benchN)
}

func BenchmarkReadEventsCSVGzip(b *testing.B) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := WriteCSV(zw, benchEvents(benchN)); err != nil {
		b.Fatal(err)
	}
	zw.Close()
	benchRead(b, "e.csv.gz", buf.Bytes(), benchN)
}

func BenchmarkReadEventsJSONL(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, benchEvents(benchN)); err != nil {
		b.Fatal(err)
	}
	benchRead(b, "e.jsonl", buf.Bytes(), benchN)
}

// demoRecords collects what demo.Generate hands out.
type demoRecords struct {
	events       []postclear.Event
	declarations []postclear.Declaration
	decisions    []postclear.Decision
}

func (d *demoRecords) Events(_ context.Context, b []postclear.Event) error {
	d.events = append(d.events, b...)
	return nil
}

func (d *demoRecords) Declarations(_ context.Context, b []postclear.Declaration) error {
	d.declarations = append(d.declarations, b...)
	return nil
}

func (d *demoRecords) Decisions(_ context.Context, b []postclear.Decision) error {
	d.decisions = append(d.decisions, b...)
	return nil
}

// BenchmarkRead reads the demo data set's files of each kind, as CSV and
// as JSON Lines, and reports rows/s: JSON Lines should not be much slower
// than CSV for any kind (docs/benchmarks.md, "Reading files").
func BenchmarkRead(b *testing.B) {
	var d demoRecords
	if _, err := demo.Generate(context.Background(), demo.Config{Items: 20_000, Seed: 1}, &d); err != nil {
		b.Fatal(err)
	}
	b.Run("events", func(b *testing.B) { benchReadKind(b, d.events) })
	b.Run("declarations", func(b *testing.B) { benchReadKind(b, d.declarations) })
	b.Run("decisions", func(b *testing.B) { benchReadKind(b, d.decisions) })
}

func benchReadKind[T Record](b *testing.B, recs []T) {
	for _, format := range []Format{CSV, JSONL} {
		var buf bytes.Buffer
		write := WriteCSV[T]
		if format == JSONL {
			write = WriteJSONL[T]
		}
		if err := write(&buf, recs); err != nil {
			b.Fatal(err)
		}
		b.Run(string(format), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			cpu0 := cpuTime(b)
			for b.Loop() {
				if got := readRows[T](b, "f."+string(format), buf.Bytes()); got != len(recs) {
					b.Fatalf("read %d rows, want %d", got, len(recs))
				}
			}
			rows := float64(len(recs)) * float64(b.N)
			b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
			// CPU time, which waiting for a shared core does not inflate
			// as it does the wall time above.
			b.ReportMetric(float64(cpuTime(b)-cpu0)/rows, "cpu-ns/row")
		})
	}
}

func BenchmarkWriteEventsCSV(b *testing.B) {
	evs := benchEvents(benchN)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(io.Discard, evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchN)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// cpuTime is the process's CPU time (user and system) so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
