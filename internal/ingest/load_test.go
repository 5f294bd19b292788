package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// demoData returns copies of a small demo data set: realistic, valid
// records of all three kinds with distinct keys.
func demoData(t testing.TB, items int) *memSink {
	t.Helper()
	s := &memSink{}
	if _, err := demo.Generate(context.Background(), demo.Config{Items: items, Seed: 7, Now: testenv.Now}, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// writeFile writes content to name in a fresh directory and returns its path.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func csvBytes[T Record](t *testing.T, recs []T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, recs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// csvRow renders rec as one CSV line (no newline) in canonical column
// order, with the fields named in set replaced by raw text, so a test can
// break exactly one rule of an otherwise valid record.
func csvRow[T Record](t *testing.T, rec T, set map[string]string) string {
	t.Helper()
	s := postclear.SchemaOf[T]()
	fields := make([]string, len(s.Fields))
	for i := range s.Fields {
		fields[i] = s.Fields[i].Format(&rec)
	}
	for name, v := range set {
		i := s.Index(name)
		if i < 0 {
			t.Fatalf("no field %q", name)
		}
		fields[i] = v
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(fields)
	w.Flush()
	return strings.TrimSuffix(buf.String(), "\n")
}

// query runs a one-value query over db (named {db:Identifier}) and returns
// the value as text, so counts and times compare alike.
func query(t *testing.T, e warehouse.Engine, db, q string) string {
	t.Helper()
	rows, err := e.Query(context.Background(), "SELECT toString(("+q+"))", warehouse.Params{"db": db})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var s string
	for rows.Next() {
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

func stored(t *testing.T, e warehouse.Engine, db string, kind postclear.RecordKind) int64 {
	t.Helper()
	var n int64
	fmt.Sscan(query(t, e, db, "SELECT count() FROM {db:Identifier}."+string(kind)+" FINAL"), &n)
	return n
}

// badRow is a row that breaks one rule: a valid record with fields
// replaced (set), or raw text (raw) for row-level problems; field is the
// field the rejection must name.
type badRow struct {
	set   map[string]string
	raw   string
	field string
}

// rejectsOnlyBadRows writes a file of valid rows with each bad row between
// two of them, loads it, and checks that every valid row is stored and
// every bad row reported at its line with its field.
func rejectsOnlyBadRows[T Record](t *testing.T, e warehouse.Engine, valid []T, bad []badRow) {
	t.Helper()
	if len(valid) < len(bad)+1 {
		t.Fatalf("need %d valid records, have %d", len(bad)+1, len(valid))
	}
	valid = valid[:len(bad)+1]
	s := postclear.SchemaOf[T]()
	lines := []string{strings.Join(s.Names(), ",")}
	var wantErrs []postclear.FieldError
	path := filepath.Join(t.TempDir(), string(s.Kind)+".csv")
	for i, b := range bad {
		lines = append(lines, csvRow(t, valid[i], nil))
		row := b.raw
		if row == "" {
			row = csvRow(t, valid[i], b.set)
		}
		lines = append(lines, row)
		wantErrs = append(wantErrs, postclear.FieldError{File: path, Line: len(lines), Field: b.field})
	}
	lines = append(lines, csvRow(t, valid[len(bad)], nil))
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	layout := testenv.Database(t, e)
	var report bytes.Buffer
	rep := NewErrorReport("errors.csv", &report)
	sum, err := LoadFiles(context.Background(), warehouse.NewStore(e, layout), s.Kind, []string{path},
		LoadOptions{Now: testenv.Now, Errors: rep, BatchSize: 4})
	if err != nil {
		t.Fatalf("LoadFiles: %v", err)
	}
	n := int64(len(valid))
	wantSum := Summary{Files: 1, Read: n + int64(len(bad)), Accepted: n, Rejected: int64(len(bad)), FirstErrors: wantErrs}
	opts := cmp.Options{
		cmpopts.IgnoreFields(Summary{}, "Elapsed"),
		// The messages are the readers' business (read_test.go); here
		// it matters that each rejection names its file, line and field.
		cmpopts.IgnoreFields(postclear.FieldError{}, "Message"),
	}
	if diff := cmp.Diff(wantSum, sum, opts); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
	for _, fe := range sum.FirstErrors {
		if fe.Message == "" {
			t.Errorf("%s: no reason given", fe)
		}
	}
	if got := rep.Count(); got != len(bad) {
		t.Errorf("error report has %d entries, want %d", got, len(bad))
	}
	if got := stored(t, e, layout.Database, s.Kind); got != n {
		t.Errorf("stored %d %s, want the %d valid rows", got, s.Kind, n)
	}
	if got := sum.ExitCode(err); got != ExitRejected {
		t.Errorf("exit code %d, want %d", got, ExitRejected)
	}
}

func TestLoadFilesStoresValidRowsAroundBadOnes(t *testing.T) {
	data := demoData(t, 200)
	future := "2025-12-03T00:00:00Z" // testenv.Now + 2 days
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name()+"/events", func(t *testing.T) {
			rejectsOnlyBadRows(t, e, data.events, []badRow{
				{set: map[string]string{"item_id": "RR123456784FR"}, field: "item_id"},
				{set: map[string]string{"event_code": "EZZ"}, field: "event_code"},
				{set: map[string]string{"event_time": "2025-03-01T10:15:00"}, field: "event_time"},
				{set: map[string]string{"event_time": "1999-12-31T23:00:00Z"}, field: "event_time"},
				{set: map[string]string{"event_time": future}, field: "event_time"},
				{set: map[string]string{"office": "us-jfk"}, field: "office"},
				{set: map[string]string{"origin_country": "UK"}, field: "origin_country"},
				{set: map[string]string{"destination_country": "fr"}, field: "destination_country"},
				{set: map[string]string{"mail_class": "BOX"}, field: "mail_class"},
				{raw: "RR123456785FR,EMD", field: ""},
				{raw: `RR123456785FR,EMD,2025-03-01T10:15:00Z,US"JFKA,FR,US,PACKET`, field: ""},
			})
		})
		t.Run(e.Name()+"/declarations", func(t *testing.T) {
			rejectsOnlyBadRows(t, e, data.decls, []badRow{
				{set: map[string]string{"item_id": "RR12345678FR"}, field: "item_id"},
				{set: map[string]string{"received_at": ""}, field: "received_at"},
				{set: map[string]string{"received_at": future}, field: "received_at"},
				{set: map[string]string{"mail_class": "letter"}, field: "mail_class"},
				{set: map[string]string{"category": "BOX"}, field: "category"},
				{set: map[string]string{"description": strings.Repeat("é", 513)}, field: "description"},
				{set: map[string]string{"description": "caf\xe9"}, field: "description"},
				{set: map[string]string{"hs_code": "8516.71"}, field: "hs_code"},
				{set: map[string]string{"declared_value": "-1"}, field: "declared_value"},
				{set: map[string]string{"declared_value": ""}, field: "declared_value"},
				{set: map[string]string{"currency": "HRK"}, field: "currency"},
				{set: map[string]string{"gross_weight_kg": "1e3"}, field: "gross_weight_kg"},
				{raw: "RR123456785FR", field: ""},
			})
		})
		t.Run(e.Name()+"/decisions", func(t *testing.T) {
			rejectsOnlyBadRows(t, e, data.decs, []badRow{
				{set: map[string]string{"item_id": "rr123456785FR"}, field: "item_id"},
				{set: map[string]string{"decided_at": "2025-03-01 11:00:00Z"}, field: "decided_at"},
				{set: map[string]string{"decision": "ALLOW", "risk_channel": "", "seizure_category": ""}, field: "decision"},
				{set: map[string]string{"decision": "INSPECT", "risk_channel": "", "seizure_category": ""}, field: "risk_channel"},
				{set: map[string]string{"decision": "RELEASE", "risk_channel": "RANDOM", "seizure_category": ""}, field: "risk_channel"},
				{set: map[string]string{"decision": "SEIZE", "risk_channel": "", "seizure_category": "WEAPONS"}, field: "seizure_category"},
				{set: map[string]string{"decision": "HOLD", "risk_channel": "", "seizure_category": "IPR"}, field: "seizure_category"},
				{set: map[string]string{"duty_amount": "-5"}, field: "duty_amount"},
				{set: map[string]string{"duty_amount": "1.2345678"}, field: "duty_amount"},
				{raw: "RR123456785FR,2025-03-01T11:00:00Z", field: ""},
			})
		})
	}
}

func TestLoadFilesFormats(t *testing.T) {
	data := demoData(t, 300)
	for _, e := range testenv.Engines(t) {
		tests := []struct {
			name  string
			kind  postclear.RecordKind
			file  string // "" for stdin
			bytes func(t *testing.T) []byte
			want  int
		}{
			{"gzip CSV", postclear.KindEvents, "events.csv.gz",
				func(t *testing.T) []byte { return gzipBytes(t, csvBytes(t, data.events)) }, len(data.events)},
			{"JSON Lines", postclear.KindDeclarations, "declarations.jsonl",
				func(t *testing.T) []byte { return jsonlBytes(t, data.decls) }, len(data.decls)},
			{"gzip JSON Lines without .gz", postclear.KindDecisions, "decisions.jsonl",
				func(t *testing.T) []byte { return gzipBytes(t, jsonlBytes(t, data.decs)) }, len(data.decs)},
			{"stdin CSV", postclear.KindEvents, "",
				func(t *testing.T) []byte { return csvBytes(t, data.events) }, len(data.events)},
			{"stdin gzip JSON Lines", postclear.KindDecisions, "",
				func(t *testing.T) []byte { return gzipBytes(t, jsonlBytes(t, data.decs)) }, len(data.decs)},
		}
		for _, tt := range tests {
			t.Run(e.Name()+"/"+tt.name, func(t *testing.T) {
				layout := testenv.Database(t, e)
				opts := LoadOptions{Now: testenv.Now}
				name := "-"
				if tt.file == "" {
					opts.Stdin = bytes.NewReader(tt.bytes(t))
				} else {
					name = writeFile(t, tt.file, tt.bytes(t))
				}
				sum, err := LoadFiles(context.Background(), warehouse.NewStore(e, layout), tt.kind, []string{name}, opts)
				if err != nil {
					t.Fatal(err)
				}
				n := int64(tt.want)
				want := Summary{Files: 1, Read: n, Accepted: n}
				if diff := cmp.Diff(want, sum, cmpopts.IgnoreFields(Summary{}, "Elapsed")); diff != "" {
					t.Errorf("Summary (-want +got):\n%s", diff)
				}
				if got := stored(t, e, layout.Database, tt.kind); got != n {
					t.Errorf("stored %d, want %d", got, n)
				}
			})
		}
	}
}

func jsonlBytes[T Record](t *testing.T, recs []T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, recs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// snapshot is what a second load of the same files must leave unchanged.
type snapshot struct {
	Events, Declarations, Decisions, Items, FirstPosted, Released string
}

func takeSnapshot(t *testing.T, e warehouse.Engine, db string) snapshot {
	return snapshot{
		Events:       query(t, e, db, "SELECT count() FROM {db:Identifier}.events FINAL"),
		Declarations: query(t, e, db, "SELECT count() FROM {db:Identifier}.declarations FINAL"),
		Decisions:    query(t, e, db, "SELECT count() FROM {db:Identifier}.decisions FINAL"),
		Items:        query(t, e, db, "SELECT count() FROM {db:Identifier}.item_milestones"),
		FirstPosted:  query(t, e, db, "SELECT min(posted_at) FROM {db:Identifier}.item_milestones"),
		Released:     query(t, e, db, "SELECT countIf(released_at IS NOT NULL) FROM {db:Identifier}.item_milestones"),
	}
}

func TestLoadFilesTwiceChangesNothing(t *testing.T) {
	data := demoData(t, 300)
	files := []struct {
		kind postclear.RecordKind
		name string
	}{
		{postclear.KindEvents, writeFile(t, "events.csv", csvBytes(t, data.events))},
		{postclear.KindDeclarations, writeFile(t, "declarations.csv", csvBytes(t, data.decls))},
		{postclear.KindDecisions, writeFile(t, "decisions.jsonl", jsonlBytes(t, data.decs))},
	}
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			layout := testenv.Database(t, e)
			store := warehouse.NewStore(e, layout)
			var snaps []snapshot
			var sums []Summary
			for range 2 {
				for _, f := range files {
					sum, err := LoadFiles(context.Background(), store, f.kind, []string{f.name}, LoadOptions{Now: testenv.Now})
					if err != nil {
						t.Fatal(err)
					}
					sum.Elapsed = 0
					sums = append(sums, sum)
				}
				snaps = append(snaps, takeSnapshot(t, e, layout.Database))
			}
			want := snapshot{
				Events:       fmt.Sprint(len(data.events)),
				Declarations: fmt.Sprint(len(data.decls)),
				Decisions:    fmt.Sprint(len(data.decs)),
			}
			if diff := cmp.Diff(want, snaps[0], cmpopts.IgnoreFields(snapshot{}, "Items", "FirstPosted", "Released")); diff != "" {
				t.Errorf("after the first load (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(snaps[0], snaps[1]); diff != "" {
				t.Errorf("the second load changed the data (-first +second):\n%s", diff)
			}
			// Accepted means valid and stored, or stored already.
			if diff := cmp.Diff(sums[:3], sums[3:]); diff != "" {
				t.Errorf("summaries (-first +second):\n%s", diff)
			}
		})
	}
}

func TestLoadFilesFailures(t *testing.T) {
	data := demoData(t, 100)
	good := csvBytes(t, data.events)
	n := int64(len(data.events))
	half := len(data.events) / 2
	// Most of a gzip stream, cut off: the rows before the cut are read.
	full := gzipBytes(t, good)
	truncated := full[:len(full)*3/4]
	firstHalf := gzipBytes(t, csvBytes(t, data.events[:half]))
	firstHalfCut := firstHalf[:len(firstHalf)*3/4]
	for _, e := range testenv.Engines(t) {
		tests := []struct {
			name       string
			kind       postclear.RecordKind
			files      map[string][]byte // nil content: the file does not exist
			order      []string
			stdin      []byte
			wantFiles  int64
			wantStored int64 // -1: some, fewer than n
			wantExit   int
			wantErr    []string // substrings of the error or the failed files
			wantLine   int      // >0: the first failed file broke off after this line
		}{
			{name: "all valid", files: map[string][]byte{"a.csv": good}, order: []string{"a.csv"},
				wantFiles: 1, wantStored: n, wantExit: ExitOK},
			{name: "some rejected", files: map[string][]byte{"a.csv": append(bytes.Clone(good), "RR123456784FR,EMA,2025-03-01T10:15:00Z,FRCDGA,FR,US,PACKET\n"...)},
				order: []string{"a.csv"}, wantFiles: 1, wantStored: n, wantExit: ExitRejected},
			{name: "missing file", files: map[string][]byte{"missing.csv": nil}, order: []string{"missing.csv"},
				wantExit: ExitRejected, wantErr: []string{"missing.csv", "no such file"}},
			{name: "bad header", files: map[string][]byte{"a.csv": []byte("item_id,event_code,event_tme\n")}, order: []string{"a.csv"},
				wantExit: ExitRejected, wantErr: []string{"a.csv", `unknown column "event_tme"`}},
			{name: "bad header in the second of three files", order: []string{"a.csv", "b.csv", "c.csv"},
				files: map[string][]byte{
					"a.csv": csvBytes(t, data.events[:half]),
					"b.csv": []byte("item_id,event_code\n"),
					"c.csv": csvBytes(t, data.events[half:]),
				},
				wantFiles: 2, wantStored: n, wantExit: ExitRejected, wantErr: []string{"b.csv", `missing column "event_time"`}},
			{name: "truncated gzip keeps the rows before the cut", files: map[string][]byte{"a.csv.gz": truncated},
				order: []string{"a.csv.gz"}, wantStored: -1, wantExit: ExitRejected, wantErr: []string{"a.csv.gz", "unexpected EOF"}, wantLine: 2},
			// Issue 9: a truncated .gz first must not cost the files after it.
			{name: "truncated gzip, then a good file", order: []string{"a.csv.gz", "b.csv"},
				files:     map[string][]byte{"a.csv.gz": firstHalfCut, "b.csv": csvBytes(t, data.events[half:])},
				wantFiles: 1, wantStored: -1, wantExit: ExitRejected, wantErr: []string{"a.csv.gz", "breaks off"}, wantLine: 2},
			{name: "stdin not given", order: []string{"-"}, wantExit: ExitRejected, wantErr: []string{"no standard input"}},
			{name: "stdin", order: []string{"-"}, stdin: good, wantFiles: 1, wantStored: n, wantExit: ExitOK},
			{name: "unknown kind", kind: "parcels", files: map[string][]byte{"a.csv": good}, order: []string{"a.csv"},
				wantExit: ExitFailed, wantErr: []string{`unknown record kind "parcels"`}},
		}
		for _, tt := range tests {
			t.Run(e.Name()+"/"+tt.name, func(t *testing.T) {
				layout := testenv.Database(t, e)
				dir := t.TempDir()
				var names []string
				for _, f := range tt.order {
					if f == "-" {
						names = append(names, f)
						continue
					}
					path := filepath.Join(dir, f)
					if content := tt.files[f]; content != nil {
						if err := os.WriteFile(path, content, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					names = append(names, path)
				}
				opts := LoadOptions{Now: testenv.Now, BatchSize: 100}
				if tt.stdin != nil {
					opts.Stdin = bytes.NewReader(tt.stdin)
				}
				kind := tt.kind
				if kind == "" {
					kind = postclear.KindEvents
				}
				sum, err := LoadFiles(context.Background(), warehouse.NewStore(e, layout), kind, names, opts)
				if got := sum.ExitCode(err); got != tt.wantExit {
					t.Errorf("exit code %d, want %d (err: %v)", got, tt.wantExit, err)
				}
				msgs := fmt.Sprint(err)
				for _, fe := range sum.FailedFiles {
					msgs += "\n" + fe.Error()
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(msgs, s) {
						t.Errorf("errors %q do not mention %q", msgs, s)
					}
				}
				if tt.wantLine > 0 && (len(sum.FailedFiles) == 0 || sum.FailedFiles[0].Line < tt.wantLine) {
					t.Errorf("failed files %v: want the line where the first broke off, after line %d", sum.FailedFiles, tt.wantLine)
				}
				if sum.Files != tt.wantFiles {
					t.Errorf("Files = %d, want %d", sum.Files, tt.wantFiles)
				}
				if kind != postclear.KindEvents {
					return
				}
				got := stored(t, e, layout.Database, kind)
				switch {
				case got != sum.Accepted:
					t.Errorf("stored %d events, summary says %d accepted", got, sum.Accepted)
				case tt.wantStored < 0 && (got == 0 || got >= n):
					t.Errorf("stored %d events, want some of the %d before the cut", got, n)
				case tt.wantStored >= 0 && got != tt.wantStored:
					t.Errorf("stored %d events, want %d", got, tt.wantStored)
				}
			})
		}
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		sum  Summary
		err  error
		want int
	}{
		{"nothing to do", Summary{}, nil, 0},
		{"all accepted", Summary{Files: 2, Read: 10, Accepted: 10}, nil, 0},
		{"some rejected", Summary{Files: 1, Read: 10, Accepted: 9, Rejected: 1}, nil, 1},
		{"all rejected", Summary{Files: 1, Read: 10, Rejected: 10}, nil, 1},
		{"failed", Summary{Files: 1, Read: 10, Accepted: 10}, errors.New("engine down"), 2},
		{"failed with rejections", Summary{Read: 10, Accepted: 9, Rejected: 1}, context.Canceled, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sum.ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode = %d, want %d", got, tt.want)
			}
		})
	}
}

// memSink stores copies of what it is given, and can fail or cancel on
// a chosen insert.
type memSink struct {
	mu       sync.Mutex
	events   []postclear.Event
	decls    []postclear.Declaration
	decs     []postclear.Decision
	inserts  int
	failAt   int // insert number (from 1) that fails; 0: none
	cancelAt int // insert number after which cancel is called
	cancel   func()
}

var errEngine = errors.New("engine down")

func (s *memSink) call() error {
	s.inserts++
	if s.inserts == s.failAt {
		return errEngine
	}
	if s.inserts == s.cancelAt {
		s.cancel()
	}
	return nil
}

// insert appends a copy of b to *dst unless this insert is to fail.
func insert[T any](s *memSink, dst *[]T, b []T) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call(); err != nil {
		return err
	}
	*dst = append(*dst, b...)
	return nil
}

func (s *memSink) InsertEvents(_ context.Context, b []postclear.Event) error {
	return insert(s, &s.events, b)
}

func (s *memSink) InsertDeclarations(_ context.Context, b []postclear.Declaration) error {
	return insert(s, &s.decls, b)
}

func (s *memSink) InsertDecisions(_ context.Context, b []postclear.Decision) error {
	return insert(s, &s.decs, b)
}

// memSink is a demo.Sink too, to collect demo data sets.

func (s *memSink) Events(ctx context.Context, b []postclear.Event) error {
	return s.InsertEvents(ctx, b)
}

func (s *memSink) Declarations(ctx context.Context, b []postclear.Declaration) error {
	return s.InsertDeclarations(ctx, b)
}

func (s *memSink) Decisions(ctx context.Context, b []postclear.Decision) error {
	return s.InsertDecisions(ctx, b)
}

func TestLoadFilesStops(t *testing.T) {
	data := demoData(t, 300)
	name := writeFile(t, "events.csv", csvBytes(t, data.events))
	tests := []struct {
		name    string
		sink    func(cancel func()) *memSink
		wantErr error
	}{
		{"engine failure", func(func()) *memSink { return &memSink{failAt: 3} }, errEngine},
		{"cancelled", func(cancel func()) *memSink { return &memSink{cancelAt: 2, cancel: cancel} }, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sink := tt.sink(cancel)
			sum, err := LoadFiles(ctx, sink, postclear.KindEvents, []string{name, name}, LoadOptions{Now: testenv.Now, BatchSize: 50})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("after storing %d rows", sum.Accepted)) {
				t.Errorf("error %q does not say how many rows are stored (%d)", err, sum.Accepted)
			}
			// What was stored is reported, and is a prefix of the file
			// in whole batches (two inserts run at once, so which
			// batches made it may vary).
			if got := int64(len(sink.events)); got != sum.Accepted || got == 0 || got >= int64(len(data.events)) || got%50 != 0 {
				t.Errorf("sink holds %d events, summary says %d accepted, file has %d", got, sum.Accepted, len(data.events))
			}
			if sum.Files != 0 {
				t.Errorf("Files = %d, want 0: the run stopped within the first file", sum.Files)
			}
			if got := sum.ExitCode(err); got != ExitFailed {
				t.Errorf("exit code %d, want %d", got, ExitFailed)
			}
		})
	}
}

func TestLoadFilesProgress(t *testing.T) {
	defer func(d time.Duration) { progressInterval = d }(progressInterval)
	progressInterval = 0
	data := demoData(t, 300)
	name := writeFile(t, "events.csv", csvBytes(t, data.events))
	var got []Progress
	sum, err := LoadFiles(context.Background(), &memSink{}, postclear.KindEvents, []string{name},
		LoadOptions{Now: testenv.Now, BatchSize: 100, Progress: func(p Progress) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("Progress never called")
	}
	for i, p := range got {
		if p.File != name || p.Read > sum.Read || p.Accepted > p.Read || (i > 0 && p.Read < got[i-1].Read) || p.RowsPerSecond < 0 {
			t.Errorf("progress %d: %+v (total read %d)", i, p, sum.Read)
		}
	}
}

// A load refreshes every refreshEvery rows while it is small, and then
// at intervals that grow with what it has read: as often as before up to
// 8 M rows, logarithmically many times beyond (each refresh costs about
// as much as the table is large).
func TestRefreshesGrowApartWithTheLoad(t *testing.T) {
	refreshes := func(rows int64) (n int) {
		var since int64
		for read := int64(1); read <= rows; read++ {
			if since++; since >= refreshAfter(read) {
				n++
				since = 0
			}
		}
		return n
	}
	for _, c := range []struct {
		rows int64
		want int
	}{{1_999_999, 0}, {2_000_000, 1}, {8_000_000, 4}, {11_454_263, 5}, {57_273_556, 10}, {229_092_386, 15}} {
		if got := refreshes(c.rows); got != c.want {
			t.Errorf("a load of %d rows refreshes %d times, want %d", c.rows, got, c.want)
		}
	}
}
