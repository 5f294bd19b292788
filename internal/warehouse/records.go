package warehouse

import (
	"fmt"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// The tables of the record kinds follow their schemas (postclear.RecordSchema):
// a column per field, in field order, of the type ColumnType gives, then
// the version column that decides which copy of a key is kept. A test holds
// the migrations against this.

// ColumnType is the ClickHouse type a field of type t is stored as. No
// record column is Nullable: an empty value is stored as "", 0, or, for a
// date, 1970-01-01 (noDate).
func ColumnType(t postclear.FieldType) string {
	switch t {
	case postclear.TypeText:
		return "String"
	case postclear.TypeCode:
		return "LowCardinality(String)"
	case postclear.TypeTimestamp, postclear.TypeDate:
		return "DateTime('UTC')"
	case postclear.TypeDecimal:
		return "Decimal(18, 6)"
	case postclear.TypeCount:
		return "UInt32"
	}
	panic(fmt.Sprintf("warehouse: no column type for field type %d", t))
}

// recordColumns returns the columns an insert of kind T names: the fields'
// columns, then version.
func recordColumns[T postclear.Record](version string) []string {
	sc := postclear.SchemaOf[T]()
	cols := make([]string, 0, len(sc.Fields)+1)
	for i := range sc.Fields {
		cols = append(cols, sc.Fields[i].ColumnName())
	}
	return append(cols, version)
}

// recordRow returns the values of rec for the columns of recordColumns.
func recordRow[T postclear.Record](rec *T, version uint64) []any {
	sc := postclear.SchemaOf[T]()
	row := make([]any, 0, len(sc.Fields)+1)
	for i := range sc.Fields {
		row = append(row, columnValue(sc.Fields[i].Ptr(rec)))
	}
	return append(row, version)
}

// columnValue is a field's value as Engine.Insert takes it, given as
// RecordField.Ptr gives it.
func columnValue(v any) any {
	switch p := v.(type) {
	case *string:
		return *p
	case *time.Time:
		return *p
	case **time.Time:
		if *p == nil {
			return noDate
		}
		return **p
	case *postclear.Decimal:
		return *p
	case *int:
		return uint32(*p) // counts are validated to fit
	}
	panic(fmt.Sprintf("warehouse: no column value for %T", v))
}
