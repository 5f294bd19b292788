package chdb

import (
	"context"
	"testing"

	"github.com/postclear/postclear/internal/postclear"
)

// The engine's own limits reach users as TIMEOUT and TOO_LARGE, not as an
// internal error, whichever engine runs the query.
func TestEngineLimitsAreUserErrors(t *testing.T) {
	e := openTest(t, Options{})
	for _, tt := range []struct{ name, sql, code string }{
		{"max_execution_time", "SELECT count() FROM numbers(1000000000000) SETTINGS max_execution_time = 1, timeout_overflow_mode = 'throw'", postclear.ETimeout},
		{"max_memory_usage", "SELECT length(groupArray(number)) FROM numbers(100000000) SETTINGS max_memory_usage = 20000000", postclear.ETooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := e.Query(context.Background(), tt.sql, nil)
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			if got := postclear.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}
