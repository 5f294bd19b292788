package chdb

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse/warehousetest"
)

// openTest opens the in-memory engine for a test, or skips the test when
// libchdb is missing, unless POSTCLEAR_REQUIRE_CHDB is set (as in CI).
func openTest(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := Open(context.Background(), opts)
	if err != nil {
		if postclear.ErrorCode(err) == postclear.EUnavailable && errors.Is(err, errNotFound) && os.Getenv("POSTCLEAR_REQUIRE_CHDB") == "" {
			t.Skipf("skipping: %v (set POSTCLEAR_REQUIRE_CHDB=1 to make this a failure)", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

func TestConformance(t *testing.T) {
	warehousetest.Run(t, openTest(t, Options{}))
}

// TestReadStats: a query reports the rows and bytes the engine read, which
// the benchmarks give next to their times.
func TestReadStats(t *testing.T) {
	e := openTest(t, Options{})
	for _, n := range []uint64{1000, 50_000} {
		rows, err := e.Query(context.Background(), "SELECT sum(number) FROM numbers({n:UInt64})", map[string]any{"n": n})
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		read, bytes := rows.(interface{ ReadStats() (uint64, uint64) }).ReadStats()
		rows.Close()
		// numbers(n) is n UInt64 values of 8 bytes.
		if read != n || bytes != 8*n {
			t.Errorf("numbers(%d): read %d rows, %d bytes; want %d rows, %d bytes", n, read, bytes, n, 8*n)
		}
	}
}
