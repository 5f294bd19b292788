// Package testenv gives tests real engines: the embedded chDB engine always,
// and a ClickHouse server when POSTCLEAR_TEST_CLICKHOUSE_URL names one, so
// that the same query and ingest suites run on both. Each test gets its own
// freshly migrated database (one chDB engine serves the whole process, as
// ENGINE.md requires), dropped when the test ends.
package testenv

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
	"github.com/postclear/postclear/internal/warehouse/chdb"
	"github.com/postclear/postclear/internal/warehouse/clickhouse"
)

var (
	embeddedOnce sync.Once
	embedded     warehouse.Engine
	embeddedErr  error
	dbSeq        atomic.Int64
)

// Embedded returns the process-wide in-memory chDB engine. The test is
// skipped with a log line when libchdb is missing, unless
// POSTCLEAR_REQUIRE_CHDB is set (as `make test` does), where it fails.
func Embedded(t testing.TB) warehouse.Engine {
	t.Helper()
	embeddedOnce.Do(func() {
		embedded, embeddedErr = chdb.Open(context.Background(), chdb.Options{})
	})
	if embeddedErr != nil {
		if os.Getenv("POSTCLEAR_REQUIRE_CHDB") == "" {
			t.Skipf("skipping: embedded engine unavailable: %v (run `make chdb`; set POSTCLEAR_REQUIRE_CHDB=1 to make this a failure)", embeddedErr)
		}
		t.Fatalf("embedded engine: %v", embeddedErr)
	}
	return embedded
}

// Engines returns every engine the suite should run on: chDB, and the
// ClickHouse server named by POSTCLEAR_TEST_CLICKHOUSE_URL when set.
func Engines(t testing.TB) []warehouse.Engine {
	t.Helper()
	out := []warehouse.Engine{Embedded(t)}
	url := os.Getenv("POSTCLEAR_TEST_CLICKHOUSE_URL")
	if url == "" {
		t.Log("server engine suite skipped: set POSTCLEAR_TEST_CLICKHOUSE_URL=clickhouse://default:@127.0.0.1:9000/default to run it")
		return out
	}
	e, err := clickhouse.Open(context.Background(), clickhouse.Options{URL: url})
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { e.Close() })
	return append(out, e)
}

// Database creates a uniquely named database on e, migrates it, and drops
// it when the test ends.
func Database(t testing.TB, e warehouse.Engine) warehouse.Layout {
	t.Helper()
	layout := warehouse.Layout{Database: fmt.Sprintf("t_%d_%d", os.Getpid(), dbSeq.Add(1))}
	ctx := context.Background()
	if _, err := warehouse.Migrate(ctx, e, layout); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+layout.Database, nil); err != nil {
			t.Logf("drop %s: %v", layout.Database, err)
		}
	})
	return layout
}

// Now is the fixed "now" of fixtures, so that validation of future
// timestamps and J+n windows give the same answers on any day.
var Now = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)

// Code returns postclear.ErrorCode(err), for terse assertions.
func Code(err error) string { return postclear.ErrorCode(err) }

// BenchItems is the number of demo items a benchmark loads:
// POSTCLEAR_BENCH_ITEMS, or def when it is unset.
func BenchItems(b testing.TB, def int) int {
	s := os.Getenv("POSTCLEAR_BENCH_ITEMS")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("POSTCLEAR_BENCH_ITEMS=%q is not a number of items", s)
	}
	return n
}
