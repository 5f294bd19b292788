package ingest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
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
		r, err := Open[postclear.Event](name, bytes.NewReader(data), testNow)
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for {
			_, _, errs, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil || errs != nil {
				b.Fatal(err, errs)
			}
			got++
		}
		if got != n {
			b.Fatalf("read %d events, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
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
