package warehouse_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/testenv"
	"github.com/postclear/postclear/internal/warehouse"
)

type column struct{ Name, Type string }

// schemaColumns is the table a record schema says its kind is stored in.
func schemaColumns[T postclear.Record](version string) (string, []column) {
	sc := postclear.SchemaOf[T]()
	var cols []column
	for i := range sc.Fields {
		cols = append(cols, column{sc.Fields[i].ColumnName(), warehouse.ColumnType(sc.Fields[i].Type)})
	}
	return sc.Table, append(cols, column{version, "UInt64"})
}

// Every record schema matches the columns of its table in a migrated
// database, name, type and order (system.columns), so that a field added to
// a schema without its migration, or the reverse, fails here and not in an
// insert.
func TestRecordSchemasMatchTables(t *testing.T) {
	e := testenv.Embedded(t)
	layout := testenv.Database(t, e)
	for _, kind := range []func() (string, []column){
		func() (string, []column) { return schemaColumns[postclear.Event]("ingest_version") },
		func() (string, []column) { return schemaColumns[postclear.Declaration]("ingest_version") },
		func() (string, []column) { return schemaColumns[postclear.Decision]("ingest_version") },
		func() (string, []column) { return schemaColumns[postclear.Activity]("version") },
		func() (string, []column) { return schemaColumns[postclear.Dispute]("version") },
		func() (string, []column) { return schemaColumns[postclear.Holiday]("ingest_version") },
		func() (string, []column) { return schemaColumns[postclear.Action]("version") },
	} {
		table, want := kind()
		t.Run(table, func(t *testing.T) {
			rows, err := e.Query(context.Background(),
				"SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position",
				warehouse.Params{"db": layout.Database, "table": table})
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []column
			for rows.Next() {
				var c column
				if err := rows.Scan(&c.Name, &c.Type); err != nil {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("table %s (-schema +migrated):\n%s", table, diff)
			}
		})
	}
}
