package warehouse

import (
	"strings"
	"testing"
)

// Migration 0011 computes the key of the facts it copies with the
// expressions the refresh uses for the facts it writes.
func TestMigrationKeyIsTheRefreshs(t *testing.T) {
	src, err := migrationFiles.ReadFile("migrations/0011_item_facts_by_life.sql")
	if err != nil {
		t.Fatal(err)
	}
	for name, expr := range map[string]string{"unclosed": unclosedSQL, "last_month": lastMonthSQL} {
		if !strings.Contains(string(src), expr) {
			t.Errorf("migration 0011 does not compute %s as the refresh does:\n%s", name, expr)
		}
	}
}
