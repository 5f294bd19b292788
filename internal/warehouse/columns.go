package warehouse

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Column is one column of an insert given column by column: its name and
// its values, a slice with one element per row of one of the types
// Engine.Insert takes ([]string, []time.Time, []int64, []uint64, []int,
// []uint8, []uint32, []float64, []bool, []postclear.Decimal), or
// []*string and []*time.Time for a Nullable column (nil is NULL), or
// [][]string for an Array(String) column.
type Column struct {
	Name   string
	Values any
}

// ColumnInserter is an Engine that can take an insert column by column:
// typed slices straight from the records, without boxing every value in
// an interface as Insert's rows do. The embedded engine is one; the
// server engine is not (clickhouse-go's batch takes rows), and
// InsertColumns sends its rows instead.
type ColumnInserter interface {
	InsertColumns(ctx context.Context, table string, columns []Column) error
}

// InsertColumns stores columns (all of one length) in table as one insert:
// through e's InsertColumns when e is a ColumnInserter, otherwise as rows
// through e.Insert. What is stored is the same either way.
func InsertColumns(ctx context.Context, e Engine, table string, columns []Column) error {
	if ci, ok := e.(ColumnInserter); ok {
		return ci.InsertColumns(ctx, table, columns)
	}
	names, rows, err := ColumnRows(columns)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return e.Insert(ctx, table, names, rows)
}

// ColumnRows turns columns into the names and rows Engine.Insert takes.
// Nullable and array columns have no row form (Insert takes neither) and
// are refused.
func ColumnRows(columns []Column) (names []string, rows [][]any, err error) {
	n, err := ColumnsLen(columns)
	if err != nil {
		return nil, nil, err
	}
	names = make([]string, len(columns))
	rows = make([][]any, n)
	cells := make([]any, n*len(columns))
	for i := range rows {
		rows[i] = cells[i*len(columns) : (i+1)*len(columns) : (i+1)*len(columns)]
	}
	for j, c := range columns {
		names[j] = c.Name
		if !columnTypes[reflect.TypeOf(c.Values)] {
			return nil, nil, fmt.Errorf("column %s: %T has no row form", c.Name, c.Values)
		}
		v := reflect.ValueOf(c.Values)
		for i := range rows {
			rows[i][j] = v.Index(i).Interface()
		}
	}
	return names, rows, nil
}

// columnTypes are the types of Column.Values, true for those with a row
// form.
var columnTypes = map[reflect.Type]bool{
	reflect.TypeFor[[]string]():            true,
	reflect.TypeFor[[]time.Time]():         true,
	reflect.TypeFor[[]int64]():             true,
	reflect.TypeFor[[]uint64]():            true,
	reflect.TypeFor[[]int]():               true,
	reflect.TypeFor[[]uint8]():             true,
	reflect.TypeFor[[]uint32]():            true,
	reflect.TypeFor[[]float64]():           true,
	reflect.TypeFor[[]bool]():              true,
	reflect.TypeFor[[]postclear.Decimal](): true,
	reflect.TypeFor[[]*string]():           false,
	reflect.TypeFor[[]*time.Time]():        false,
	reflect.TypeFor[[][]string]():          false,
}

// ColumnsLen returns the number of rows of columns, which must all have
// the same, and be of a type Column allows.
func ColumnsLen(columns []Column) (int, error) {
	if len(columns) == 0 {
		return 0, fmt.Errorf("no columns")
	}
	n := -1
	for _, c := range columns {
		if _, ok := columnTypes[reflect.TypeOf(c.Values)]; !ok {
			return 0, fmt.Errorf("column %s: unsupported values %T", c.Name, c.Values)
		}
		m := reflect.ValueOf(c.Values).Len()
		if n >= 0 && m != n {
			return 0, fmt.Errorf("column %s has %d values, column %s %d", c.Name, m, columns[0].Name, n)
		}
		n = m
	}
	return n, nil
}

// recordColumnsOf returns the columns of recs for the names of
// recordColumns (the fields', then version), each row i getting version
// first − i.
func recordColumnsOf[T postclear.Record](recs []T, names []string, first uint64) []Column {
	sc := postclear.SchemaOf[T]()
	cols := make([]Column, 0, len(sc.Fields)+1)
	for j := range sc.Fields {
		cols = append(cols, Column{Name: names[j], Values: fieldValues(recs, sc.Fields[j].Ptr)})
	}
	versions := make([]uint64, len(recs))
	for i := range versions {
		versions[i] = first - uint64(i)
	}
	return append(cols, Column{Name: names[len(names)-1], Values: versions})
}

// fieldValues is one field of every record, as a slice of the type
// columnValue gives a single value.
func fieldValues[T any](recs []T, ptr func(*T) any) any {
	if len(recs) == 0 {
		return []string{}
	}
	switch ptr(&recs[0]).(type) {
	case *string:
		return valuesOf(recs, func(r *T) string { return *ptr(r).(*string) })
	case *time.Time:
		return valuesOf(recs, func(r *T) time.Time { return *ptr(r).(*time.Time) })
	case **time.Time:
		return valuesOf(recs, func(r *T) time.Time {
			if p := *ptr(r).(**time.Time); p != nil {
				return *p
			}
			return noDate
		})
	case *postclear.Decimal:
		return valuesOf(recs, func(r *T) postclear.Decimal { return *ptr(r).(*postclear.Decimal) })
	case *int:
		return valuesOf(recs, func(r *T) uint32 { return uint32(*ptr(r).(*int)) }) // counts are validated to fit
	}
	panic(fmt.Sprintf("warehouse: no column value for %T", ptr(&recs[0])))
}

func valuesOf[T, V any](recs []T, value func(*T) V) []V {
	vals := make([]V, len(recs))
	for i := range recs {
		vals[i] = value(&recs[i])
	}
	return vals
}
