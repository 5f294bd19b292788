package chdb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
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

// A statement runs under what remains of its caller's deadline when that
// is sooner than max_execution_time: the engine cannot be cancelled once
// a statement runs, so it must stop by itself when the caller has gone.
// The next statement without a deadline is back under the configured
// limit.
func TestStatementsEndWithTheirCallersDeadline(t *testing.T) {
	e := openTest(t, Options{Settings: map[string]string{"max_execution_time": "600"}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rows, err := e.Query(ctx, "SELECT count() FROM numbers_mt(1000000000000)", nil)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if got := postclear.ErrorCode(err); got != postclear.ETimeout {
		t.Fatalf("a 10¹² row count under a 300 ms deadline: code %q (%v), want %q", got, err, postclear.ETimeout)
	}
	// Bounded by the deadline, not by the configured 600 s; a generous
	// margin for a loaded machine.
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the statement ran %v after a 300 ms deadline", took)
	}
	rows, err = e.Query(context.Background(), "SELECT toString(getSetting('max_execution_time'))", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var limit string
	for rows.Next() {
		if err := rows.Scan(&limit); err != nil {
			t.Fatal(err)
		}
	}
	if limit != "600" {
		t.Errorf("max_execution_time after the bounded statement = %s, want the configured 600", limit)
	}
}

// Parameters too large for the engine to parse in good time (a filter list
// of 200,000 values ran 90 s, ignoring max_execution_time) are refused
// before they reach it.
func TestLargeParametersRefused(t *testing.T) {
	e := openTest(t, Options{})
	list := make([]string, 50_000)
	for i := range list {
		list[i] = fmt.Sprintf("OFFICE%07d", i)
	}
	_, err := e.Query(context.Background(), "SELECT length({l:Array(String)})", warehouse.Params{"l": list})
	if got := postclear.ErrorCode(err); got != postclear.ETooLarge {
		t.Errorf("a %d-value parameter: code %q (%v), want %q", len(list), got, err, postclear.ETooLarge)
	}
}
