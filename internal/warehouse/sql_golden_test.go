package warehouse_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// recorder is an engine that only records the statements sent to it and
// answers every query with one row of ones: enough to drive the store and
// the refresh through their statements in a layout no engine here can run
// (a cluster). What the statements do is tested on the real engine
// elsewhere; this pins their text.
type recorder struct {
	caps  warehouse.Capabilities
	stmts []string
}

func (r *recorder) record(s string) { r.stmts = append(r.stmts, strings.TrimSpace(s)) }

func (r *recorder) Query(_ context.Context, q string, _ warehouse.Params) (warehouse.Rows, error) {
	r.record(q)
	return &oneRow{}, nil
}

func (r *recorder) Exec(_ context.Context, q string, _ warehouse.Params) error {
	r.record(q)
	return nil
}

func (r *recorder) Insert(_ context.Context, table string, columns []string, _ [][]any) error {
	r.record("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") -- rows")
	return nil
}

func (r *recorder) Ping(context.Context) error           { return nil }
func (r *recorder) Name() string                         { return "recorder" }
func (r *recorder) Capabilities() warehouse.Capabilities { return r.caps }
func (r *recorder) Close() error                         { return nil }
func (r *recorder) String() string                       { return strings.Join(r.stmts, ";\n\n") + ";\n" }

// oneRow is a result of one row whose every column is one (or the epoch).
type oneRow struct{ done bool }

func (o *oneRow) Next() bool {
	if o.done {
		return false
	}
	o.done = true
	return true
}

func (o *oneRow) Scan(dest ...any) error {
	for _, d := range dest {
		switch p := d.(type) {
		case *time.Time:
			*p = time.Unix(1, 0).UTC()
		case **time.Time:
			*p = nil
		default:
			v := reflect.ValueOf(d).Elem()
			if v.CanUint() {
				v.SetUint(1)
			}
		}
	}
	return nil
}

func (o *oneRow) Columns() []string { return nil }
func (o *oneRow) Err() error        { return nil }
func (o *oneRow) Close() error      { return nil }

// subqueryIn matches an IN (or NOT IN) over a subquery, with the words
// before it.
var subqueryIn = regexp.MustCompile(`(\S+\s+)(\S+\s+)IN\s+(\(\s*SELECT|visible)`)

// unglobal returns an IN over a subquery that is not GLOBAL: on a cluster
// ClickHouse refuses it (distributed_product_mode = 'deny') when both
// sides read Distributed tables, which every postclear table is there.
func unglobal(sql string) string {
	for _, m := range subqueryIn.FindAllStringSubmatch(sql, -1) {
		w1, w2 := strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		if w2 != "GLOBAL" && (w2 != "NOT" || w1 != "GLOBAL") {
			return m[0]
		}
	}
	return ""
}

func TestUnglobalFindsPlainIN(t *testing.T) {
	for sql, want := range map[string]bool{
		"WHERE item_id IN (SELECT 1)":              true,
		"WHERE (a, b) NOT IN\n  (SELECT 1)":        true,
		"WHERE item_id IN visible":                 true,
		"WHERE item_id GLOBAL IN (SELECT 1)":       false,
		"WHERE (a, b) GLOBAL NOT IN\n  (SELECT 1)": false,
		"WHERE x IN {scope:Array(String)}":         false,
	} {
		if got := unglobal(sql) != ""; got != want {
			t.Errorf("unglobal(%q) found %v, want %v", sql, got, want)
		}
	}
}

// The statements of an insert, a refresh on each code path, and the data
// status are pinned by golden files for a single node and a cluster, and
// on a cluster every IN over a subquery is GLOBAL.
func TestStatementsGolden(t *testing.T) {
	for _, tt := range []struct {
		name   string
		layout warehouse.Layout
	}{
		{"single", warehouse.Layout{Database: "postclear"}},
		{"cluster", warehouse.Layout{Database: "postclear", Cluster: "postclear_cluster"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			ctx := context.Background()
			for _, caps := range []warehouse.Capabilities{{SingleWriter: true}, {}} {
				r := &recorder{caps: caps}
				s := warehouse.NewStore(r, tt.layout)
				ev := postclear.Event{ItemID: "RR123456785CN", EventCode: "EMA", EventTime: time.Unix(0, 0), Office: "CNPEKA", OriginCountry: "CN", DestinationCountry: "KE", MailClass: "LETTER"}
				if err := s.InsertEvents(ctx, []postclear.Event{ev}); err != nil {
					t.Fatal(err)
				}
				for range 2 { // the first refresh of a process, then a later one
					if err := s.Refresh(ctx); err != nil {
						t.Fatal(err)
					}
					if err := s.InsertEvents(ctx, []postclear.Event{ev}); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := s.DataStatus(postclear.WithScope(ctx, postclear.Scope{Restricted: true, Countries: []string{"KE"}})); err != nil {
					t.Fatal(err)
				}
				if tt.layout.Cluster != "" {
					if m := unglobal(r.String()); m != "" {
						t.Errorf("single writer %v: a subquery IN that is not GLOBAL on a cluster: %q", caps.SingleWriter, m)
					}
				}
				b.WriteString("-- single writer: ")
				b.WriteString(map[bool]string{true: "yes", false: "no"}[caps.SingleWriter])
				b.WriteString("\n")
				b.WriteString(r.String())
				b.WriteString("\n")
			}
			golden := filepath.Join("testdata", "statements_"+tt.name+".golden.sql")
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
				t.Errorf("statements differ from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
