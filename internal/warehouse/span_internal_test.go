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

// A table is merged when a load left a large share of its rows outside
// its largest part; events also whenever it is in more than two parts,
// since an item's page reads a granule of each.
func TestNeedsCompaction(t *testing.T) {
	for _, c := range []struct {
		table                 string
		parts, total, largest uint64
		want                  bool
	}{
		{"item_facts", 1, 100, 100, false},
		{"item_facts", 3, 100, 80, false},
		{"item_facts", 3, 100, 79, true},
		{"item_facts", 7, 100, 86, false},
		{"events", 2, 100, 90, false},
		{"events", 3, 100, 90, true},
		{"events", 7, 11_454_263, 9_900_000, true},
		{"events", 2, 100, 50, true},
		{"events", 1, 100, 100, false},
	} {
		if got := needsCompaction(c.table, c.parts, c.total, c.largest); got != c.want {
			t.Errorf("%s in %d parts, %d of %d rows in the largest: merged %v, want %v", c.table, c.parts, c.largest, c.total, got, c.want)
		}
	}
}
