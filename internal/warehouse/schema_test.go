package warehouse_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The DDL of both layouts is pinned by golden files: cluster mode cannot
// run on these machines, so its rendered text is what reviewers check.
func TestMigrationsGolden(t *testing.T) {
	for _, tt := range []struct {
		name   string
		layout warehouse.Layout
	}{
		{"single", warehouse.Layout{Database: "postclear"}},
		{"cluster", warehouse.Layout{Database: "postclear", Cluster: "postclear_cluster"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := warehouse.Migrations(tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, m := range ms {
				for _, s := range m.Statements {
					b.WriteString("-- migration ")
					b.WriteString(m.Name)
					b.WriteString("\n")
					b.WriteString(s)
					b.WriteString(";\n\n")
				}
			}
			golden := filepath.Join("testdata", "ddl_"+tt.name+".golden.sql")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/warehouse -run Golden -update)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("DDL differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func TestClusterDDLShape(t *testing.T) {
	ms, err := warehouse.Migrations(warehouse.Layout{Database: "pc", Cluster: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, s := range m.Statements {
			if strings.HasPrefix(s, "INSERT INTO ") {
				// A data step runs once, through the Distributed
				// tables, which send each row to its shard.
				if strings.Contains(s, "_local") {
					t.Errorf("migration %s: data step reading or writing a shard's local table:\n%s", m.Name, s)
				}
				continue
			}
			if !strings.Contains(s, "ON CLUSTER c1") {
				t.Errorf("migration %s: statement without ON CLUSTER:\n%s", m.Name, s)
			}
			if strings.Contains(s, "MergeTree") && !strings.Contains(s, "ENGINE = Distributed") && !strings.Contains(s, "Replicated") {
				t.Errorf("migration %s: MergeTree table that is not Replicated:\n%s", m.Name, s)
			}
		}
	}
}

func TestLayoutRejectsUnsafeNames(t *testing.T) {
	for _, l := range []warehouse.Layout{{Database: "a;DROP"}, {Database: ""}, {Database: "ok", Cluster: "x y"}} {
		if _, err := warehouse.Migrations(l); err == nil {
			t.Errorf("Migrations(%+v) = nil error, want a refusal", l)
		}
	}
}
