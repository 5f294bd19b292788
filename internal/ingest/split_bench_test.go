package ingest

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/internal/warehouse/chdb"
)

// timedEngine adds up, per kind of statement, the wall time and the
// process's CPU time (the embedded engine runs in the process) while the
// engine ran it. With serial set it runs one statement at a time, so that
// the CPU of two concurrent statements is not counted for both.
type timedEngine struct {
	warehouse.Engine
	b      *testing.B
	serial bool
	run    sync.Mutex
	mu     sync.Mutex
	wall   map[string]time.Duration
	cpu    map[string]time.Duration
}

// newTimedEngine times e's statements, one at a time with SPLIT_SERIAL.
func newTimedEngine(b *testing.B, e warehouse.Engine) *timedEngine {
	return &timedEngine{Engine: e, b: b, serial: os.Getenv("SPLIT_SERIAL") != "",
		wall: map[string]time.Duration{}, cpu: map[string]time.Duration{}}
}

func (e *timedEngine) timed(label string, fn func() error) error {
	if e.serial {
		e.run.Lock()
		defer e.run.Unlock()
	}
	start, cpu0 := time.Now(), cpuTime(e.b)
	err := fn()
	e.mu.Lock()
	e.wall[label] += time.Since(start)
	e.cpu[label] += cpuTime(e.b) - cpu0
	e.mu.Unlock()
	return err
}

// statementLabel names the refresh's statements by their target.
func statementLabel(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	for _, t := range []string{"item_facts (" + warehouse.FactKey + ", item_id, version, is_deleted)",
		"INTO {db:Identifier}.item_facts", "INTO {db:Identifier}.item_dossier", "INTO {db:Identifier}.item_fact_keys",
		"INTO {db:Identifier}.declaration_facts", "TRUNCATE", "OPTIMIZE", "DELETE"} {
		if strings.Contains(q, t) {
			return "exec " + t
		}
	}
	return "exec " + q[:min(len(q), 40)]
}

func (e *timedEngine) Exec(ctx context.Context, q string, p warehouse.Params) error {
	return e.timed(statementLabel(q), func() error { return e.Engine.Exec(ctx, q, p) })
}

func (e *timedEngine) Query(ctx context.Context, q string, p warehouse.Params) (rows warehouse.Rows, err error) {
	err = e.timed("query", func() error {
		rows, err = e.Engine.Query(ctx, q, p)
		return err
	})
	return rows, err
}

func (e *timedEngine) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	return e.timed("insert "+table[strings.LastIndex(table, ".")+1:], func() error {
		return e.Engine.Insert(ctx, table, columns, rows)
	})
}

// InsertColumns keeps the engine's column-by-column insert, when it has
// one (warehouse.ColumnInserter).
func (e *timedEngine) InsertColumns(ctx context.Context, table string, columns []warehouse.Column) error {
	return e.timed("insert "+table[strings.LastIndex(table, ".")+1:], func() error {
		return warehouse.InsertColumns(ctx, e.Engine, table, columns)
	})
}

// BenchmarkLoadSplit loads the seed in the directory POSTCLEAR_BENCH_SEED
// (`postclear seed --out`: events, declarations, decisions, in the order
// of make bench) into a fresh database, and prints for each kind its wall
// and CPU time and their split by statement (docs/benchmarks.md, "Where
// `postclear ingest` spends its time"). SPLIT_SERIAL=1 runs one statement
// at a time.
//
// With POSTCLEAR_BENCH_DATA it loads into that embedded database instead (a
// copy of a loaded one: it is written to) the one file
// POSTCLEAR_BENCH_FILE of kind POSTCLEAR_BENCH_KIND, to measure a load
// into a large database without loading it first (docs/benchmarks.md,
// "Refreshing by ranges of item_id").
func BenchmarkLoadSplit(b *testing.B) {
	ctx := context.Background()
	if data := os.Getenv("POSTCLEAR_BENCH_DATA"); data != "" {
		e, err := chdb.Open(ctx, chdb.Options{DataDir: data})
		if err != nil {
			b.Fatal(err)
		}
		defer e.Close()
		te := newTimedEngine(b, e)
		store := warehouse.NewStore(te, warehouse.Layout{Database: "postclear"})
		// As postclear ingest opens its store: a first refresh, which
		// finalizes what a crash left and after which a process refreshes
		// only its own items.
		if err := store.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			loadSplit(ctx, b, te, store, postclear.RecordKind(os.Getenv("POSTCLEAR_BENCH_KIND")), os.Getenv("POSTCLEAR_BENCH_FILE"))
		}
		return
	}
	dir := os.Getenv("POSTCLEAR_BENCH_SEED")
	if dir == "" {
		b.Skip("POSTCLEAR_BENCH_SEED not set")
	}
	e := testenv.Embedded(b)
	for b.Loop() {
		te := newTimedEngine(b, e)
		store := warehouse.NewStore(te, testenv.Database(b, e))
		for _, kind := range []postclear.RecordKind{postclear.KindEvents, postclear.KindDeclarations, postclear.KindDecisions} {
			loadSplit(ctx, b, te, store, kind, filepath.Join(dir, string(kind)+".csv"))
		}
	}
}

// loadSplit loads file, records of kind, into store over te and prints
// the load's time and its split by statement.
func loadSplit(ctx context.Context, b *testing.B, te *timedEngine, store *warehouse.Store, kind postclear.RecordKind, file string) {
	te.wall, te.cpu = map[string]time.Duration{}, map[string]time.Duration{}
	start, cpu0 := time.Now(), cpuTime(b)
	sum, err := LoadFiles(ctx, store, kind, []string{file}, LoadOptions{})
	if err != nil || sum.Rejected > 0 {
		b.Fatalf("%s: %d rejected: %v", kind, sum.Rejected, err)
	}
	wall, cpu := time.Since(start), cpuTime(b)-cpu0
	n := float64(sum.Accepted)
	fmt.Printf("%s: %d rows, wall %.2f s (%.0f rows/s), cpu %.2f s (%.2f µs/row)\n",
		kind, sum.Accepted, wall.Seconds(), n/wall.Seconds(), cpu.Seconds(), cpu.Seconds()*1e6/n)
	for _, l := range slices.Sorted(maps.Keys(te.wall)) {
		fmt.Printf("    %-50s wall %6.2f s  cpu %6.2f s  %5.2f µs/row\n",
			l, te.wall[l].Seconds(), te.cpu[l].Seconds(), te.cpu[l].Seconds()*1e6/n)
	}
}
