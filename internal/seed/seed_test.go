package seed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/demo"
	"github.com/postclear/postclear/internal/ingest"
	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

// memSink stores copies of what it is given, and can fail a chosen insert.
type memSink struct {
	mu      sync.Mutex
	events  []postclear.Event
	decls   []postclear.Declaration
	decs    []postclear.Decision
	inserts int
	failAt  int // insert number (from 1) that fails; 0: none
}

var errEngine = errors.New("engine down")

func insert[T any](s *memSink, dst *[]T, b []T) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inserts++; s.inserts == s.failAt {
		return errEngine
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

func stored(t *testing.T, e warehouse.Engine, db, q string) int64 {
	t.Helper()
	rows, err := e.Query(context.Background(), q, warehouse.Params{"db": db})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return int64(n)
}
func TestSeed(t *testing.T) {
	cfg := demo.Config{Items: 2000, Seed: 3, Now: testenv.Now, BatchSize: 700}
	for _, e := range testenv.Engines(t) {
		t.Run(e.Name(), func(t *testing.T) {
			layout := testenv.Database(t, e)
			st, err := Seed(context.Background(), warehouse.NewStore(e, layout), cfg, testenv.Now, nil)
			if err != nil {
				t.Fatal(err)
			}
			db := layout.Database
			got := demo.Stats{Items: stored(t, e, db, "SELECT count() FROM {db:Identifier}.item_milestones")}
			for _, c := range []struct {
				kind postclear.RecordKind
				n    *int64
			}{{postclear.KindEvents, &got.Events}, {postclear.KindDeclarations, &got.Declarations}, {postclear.KindDecisions, &got.Decisions}} {
				*c.n = stored(t, e, db, fmt.Sprintf("SELECT count() FROM {db:Identifier}.%s FINAL", c.kind))
			}
			if n := stored(t, e, db, "SELECT count() FROM {db:Identifier}.holidays FINAL"); n != int64(len(demo.Holidays())) {
				t.Errorf("stored %d holidays, want the %d of the demo calendar", n, len(demo.Holidays()))
			}
			if st.Items != int64(cfg.Items) {
				t.Errorf("Stats.Items = %d, want %d", st.Items, cfg.Items)
			}
			if diff := cmp.Diff(st, got); diff != "" {
				t.Errorf("Stats vs stored (-stats +db):\n%s", diff)
			}
		})
	}
}

func TestSeedRejectsInvalidRecords(t *testing.T) {
	// Judged against a "now" long before the data, every record lies in
	// the future: Seed must refuse rather than store what a file load
	// would reject.
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	sink := &memSink{}
	_, err := Seed(context.Background(), sink, demo.Config{Items: 10, Now: testenv.Now}, now, nil)
	if err == nil || !strings.Contains(err.Error(), "is invalid") || !strings.Contains(err.Error(), "in the future") {
		t.Fatalf("err = %v, want an invalid generated record named", err)
	}
	if len(sink.events)+len(sink.decls)+len(sink.decs) != 0 {
		t.Errorf("stored records despite the failure")
	}
}

func TestSeedWithoutEngine(t *testing.T) {
	defer func(d time.Duration) { progressInterval = d }(progressInterval)
	progressInterval = 0
	cfg := demo.Config{Items: 500, Now: testenv.Now, BatchSize: 100}
	tests := []struct {
		name    string
		sink    *memSink
		wantErr error
	}{
		{"stored", &memSink{}, nil},
		{"engine failure", &memSink{failAt: 2}, errEngine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []ingest.Progress
			st, err := Seed(context.Background(), tt.sink, cfg, testenv.Now, func(p ingest.Progress) { calls = append(calls, p) })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got := demo.Stats{Items: st.Items, Events: int64(len(tt.sink.events)),
				Declarations: int64(len(tt.sink.decls)), Decisions: int64(len(tt.sink.decs))}
			if diff := cmp.Diff(st, got); diff != "" {
				t.Errorf("Stats vs stored (-stats +sink):\n%s", diff)
			}
			if len(calls) == 0 || calls[len(calls)-1].Read > st.Events+st.Declarations+st.Decisions {
				t.Errorf("progress calls %+v for %+v", calls, st)
			}
		})
	}
}

// Files writes what Seed would store, as files that read back without a
// rejected row, byte for byte the same for the same configuration.
func TestFiles(t *testing.T) {
	cfg := demo.Config{Items: 300, Seed: 9, Now: testenv.Now}
	dirs := []string{t.TempDir(), t.TempDir()}
	var st demo.Stats
	for _, dir := range dirs {
		var err error
		if st, err = Files(context.Background(), dir, cfg, testenv.Now); err != nil {
			t.Fatal(err)
		}
	}
	for kind, want := range map[string]int64{"events": st.Events, "declarations": st.Declarations, "decisions": st.Decisions,
		"holidays": int64(len(demo.Holidays()))} {
		a, err := os.ReadFile(filepath.Join(dirs[0], kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dirs[1], kind+".csv")); string(a) != string(b) {
			t.Errorf("%s.csv differs between two runs of the same configuration", kind)
		}
		if rows := int64(strings.Count(string(a), "\n")) - 1; rows != want {
			t.Errorf("%s.csv has %d rows, Stats says %d", kind, rows, want)
		}
	}
}
