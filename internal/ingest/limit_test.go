package ingest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
)

// repeatReader yields n copies of b (forever when n < 0) without holding
// them: a stand-in for a gzip bomb or /dev/zero.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	if r.n > 0 && int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = r.b
	}
	if r.n > 0 {
		r.n -= int64(len(p))
	}
	return len(p), nil
}

const (
	eventHeader = "item_id,event_code,event_time,office,origin_country,destination_country,mail_class\n"
	eventRow    = "RR123456785FR,EMD,2025-03-01T10:15:00Z,USJFKA,FR,US,PACKET\n"
	eventJSON   = `{"item_id":"RR123456785FR","event_code":"EMD","event_time":"2025-03-01T10:15:00Z","office":"USJFKA",` +
		`"origin_country":"FR","destination_country":"US","mail_class":"PACKET"}` + "\n"
)

func tooLongMsg(limit int, start string) string {
	return "the record is longer than " + strconv.Itoa(limit) + " bytes, the limit of a record (--max-record-bytes); the value starts " + start
}

// Issue 9: a record is bounded in every format. A longer one is rejected
// with its line and the field it was in, and the rows after it are read.
func TestRecordSizeLimit(t *testing.T) {
	a40 := `"` + strings.Repeat("A", 40) + `…"`
	tests := []struct {
		name    string
		file    string
		limit   int
		content io.Reader
		want    []postclear.FieldError
	}{
		{
			name: "CSV: a 32 MiB office field, cut off while read", file: "e.csv",
			content: io.MultiReader(strings.NewReader(eventHeader+eventRow+"RR123456785FR,EMD,2025-03-01T10:15:00Z,"),
				&repeatReader{'A', 32 << 20}, strings.NewReader(",FR,US,PACKET\n"+eventRow)),
			want: []postclear.FieldError{{File: "e.csv", Line: 3, Field: "office", Message: tooLongMsg(DefaultMaxRecordBytes, a40)}},
		},
		{
			name: "CSV: a row just over a small limit, read whole", file: "e.csv", limit: 100,
			content: strings.NewReader(eventHeader + eventRow + "RR123456785FR,EMD,2025-03-01T10:15:00Z," + strings.Repeat("B", 50) + ",FR,US,PACKET\n" + eventRow),
			want:    []postclear.FieldError{{File: "e.csv", Line: 3, Field: "office", Message: tooLongMsg(100, `"`+strings.Repeat("B", 40)+`…"`)}},
		},
		{
			name: "CSV: an endless first column", file: "e.csv",
			content: io.MultiReader(strings.NewReader(eventHeader+eventRow), &repeatReader{'A', 8 << 20}, strings.NewReader("\n"+eventRow)),
			want:    []postclear.FieldError{{File: "e.csv", Line: 3, Field: "item_id", Message: tooLongMsg(DefaultMaxRecordBytes, a40)}},
		},
		{
			name: "CSV: a quoted field", file: "e.csv",
			content: io.MultiReader(strings.NewReader(eventHeader+eventRow+`RR123456785FR,"`), &repeatReader{'A', 8 << 20}, strings.NewReader("\",EMD\n"+eventRow)),
			want: []postclear.FieldError{{File: "e.csv", Line: 3, Field: "event_code",
				Message: "the record is longer than 65536 bytes, the limit of a record (--max-record-bytes)"}},
		},
		{
			name: "JSON Lines: a 32 MiB office", file: "e.jsonl",
			content: io.MultiReader(strings.NewReader(eventJSON+`{"item_id":"RR123456785FR","office":"`),
				&repeatReader{'A', 32 << 20}, strings.NewReader("\"}\n"+eventJSON)),
			want: []postclear.FieldError{{File: "e.jsonl", Line: 2, Field: "office", Message: tooLongMsg(DefaultMaxRecordBytes, a40)}},
		},
		{
			name: "JSON Lines: no field to blame", file: "e.jsonl",
			content: io.MultiReader(strings.NewReader(eventJSON), &repeatReader{' ', 1 << 20}, strings.NewReader("\n"+eventJSON)),
			want:    []postclear.FieldError{{File: "e.jsonl", Line: 2, Message: "the record is longer than 65536 bytes, the limit of a record (--max-record-bytes)"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r, err := OpenWith[postclear.Event](context.Background(), tt.file, tt.content, Options{Now: testNow, MaxRecordBytes: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			recs, errs, err := ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			if diff := cmp.Diff([]postclear.Event{ev1, ev1}, recs, cmpOpts); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			// The reader holds a bounded part of a record, whatever its
			// length: a few copies of limit + one buffer.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("reading allocated %d MiB: the record was held whole", alloc>>20)
			}
		})
	}
}

// A CSV header is a record too.
func TestRecordSizeLimitHeader(t *testing.T) {
	_, err := OpenWith[postclear.Event](context.Background(), "e.csv", &repeatReader{'A', 1 << 20}, Options{})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "header row: longer than 65536 bytes") {
		t.Fatalf("Open error = %v, want a file error about the header's length", err)
	}
}

// Issue 9: `postclear ingest events /dev/zero` ignored SIGTERM. Cancelling
// the context stops the reading of an endless line promptly.
func TestCancelStopsAnEndlessLine(t *testing.T) {
	for _, file := range []string{"-", "x.jsonl"} {
		t.Run(file, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var stdin io.Reader = io.MultiReader(strings.NewReader(eventHeader+eventRow), &repeatReader{0, -1})
			if file != "-" {
				stdin = io.MultiReader(strings.NewReader(eventJSON), &repeatReader{'{', -1})
			}
			done := make(chan error, 1)
			go func() {
				_, err := LoadFiles(ctx, &memSink{}, postclear.KindEvents, []string{"-"}, LoadOptions{Stdin: stdin, Now: testNow})
				done <- err
			}()
			time.Sleep(200 * time.Millisecond)
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("LoadFiles = %v, want it stopped by the cancellation", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("LoadFiles still reading 10 s after the cancellation")
			}
		})
	}
}
