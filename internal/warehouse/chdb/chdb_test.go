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
