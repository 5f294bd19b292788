package warehouse

import (
	"strings"
	"testing"
)

// Migration 0010 computes the span of the facts it copies with the
// expression the refresh uses for the facts it writes.
func TestMigrationSpanIsTheRefreshs(t *testing.T) {
	src, err := migrationFiles.ReadFile("migrations/0010_item_facts_order.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), spanMonths) {
		t.Errorf("migration 0010 does not compute span_months as spanMonths does:\n%s", spanMonths)
	}
}
