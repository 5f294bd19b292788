package clickhouse

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/warehouse/warehousetest"
)

// TestServer runs the engine-independent warehouse suite against a real
// ClickHouse server. It covers the transport (native batches, parameters,
// type mapping); the SQL itself is covered by the embedded engine's run of
// the same suite.
func TestServer(t *testing.T) {
	url := os.Getenv("POSTCLEAR_TEST_CLICKHOUSE_URL")
	if url == "" {
		t.Skip("POSTCLEAR_TEST_CLICKHOUSE_URL is unset; set it to e.g. clickhouse://default:@127.0.0.1:9000/default to run the warehouse suite against a ClickHouse server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := Open(ctx, Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	// Fail with the cause, rather than in the middle of the suite, when the
	// variable names a server that is not there.
	if err := e.Ping(ctx); err != nil {
		t.Fatalf("POSTCLEAR_TEST_CLICKHOUSE_URL is set but the server does not answer: %v", err)
	}
	warehousetest.Run(t, e)
}
