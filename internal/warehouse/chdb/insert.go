package chdb

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// Insert stores rows in table as one statement,
//
//	INSERT INTO table (columns) FROM INFILE '/tmp/….native' FORMAT Native
//
// reading the rows from a temporary file holding them as one Native block.
// Native is columnar and binary: the cheapest format for us to write and
// for the engine to read. It names a type for each column, and the engine
// converts from the type we write to the table's (Int64 to UInt32, String
// to LowCardinality(String), DateTime to DateTime64 …), so Insert writes
// each Go type one way (string as String, int64 as Int64, …) and needs no
// lookup of the table's schema. Each column's Go type is taken from the
// first row; every row must use the same types.
//
// Why a file: libchdb splits a query text into statements the way
// clickhouse-client does, and data inline after FORMAT ends at the first
// blank line ("\n\n"), which binary data (the UInt32 2570 is 0A 0A …) and
// even TSV (an empty string in a one-column row) can contain; the rest is
// then silently dropped or an error. INSERT … SELECT FROM input() with inline
// data inserts nothing, and RowBinaryWithNamesAndTypes rejects a type that
// differs from the table's. Writing a 100 000-row file costs a few
// milliseconds against the page cache.
func (e *Engine) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	return e.insert(ctx, table, columns, func() ([]byte, error) {
		if err := checkInsert(table, columns, rows); err != nil || len(rows) == 0 {
			return nil, err
		}
		return encodeNative(columns, rows)
	})
}

// InsertColumns implements warehouse.ColumnInserter: the same insert as
// Insert, its Native block written straight from each column's typed
// slice, with no boxed value per cell.
func (e *Engine) InsertColumns(ctx context.Context, table string, columns []warehouse.Column) error {
	names := make([]string, len(columns))
	for j, c := range columns {
		names[j] = c.Name
	}
	return e.insert(ctx, table, names, func() ([]byte, error) {
		if err := checkInsert(table, names, nil); err != nil {
			return nil, err
		}
		n, err := warehouse.ColumnsLen(columns)
		if err != nil || n == 0 {
			return nil, err
		}
		return encodeColumns(columns, n)
	})
}

// insert inserts the Native block that encode returns (nil: nothing to
// insert) into table's columns.
func (e *Engine) insert(ctx context.Context, table string, columns []string, encode func() ([]byte, error)) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer postclear.Wrap(&err, "chdb insert into %s", table)
	s, err := e.session()
	if err != nil {
		return err
	}
	data, err := encode()
	if err != nil || data == nil {
		return err
	}
	return s.insertNative(ctx, table, columns, data)
}

// insertNative inserts data, a Native block of columns, into table
// through a temporary file (see Insert for why a file).
func (s *session) insertNative(ctx context.Context, table string, columns []string, data []byte) error {
	f, err := os.CreateTemp("", "postclear-chdb-insert-*.native")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	q := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") FROM INFILE " +
		warehouse.QuoteString(f.Name()) + " FORMAT Native"
	return s.exec(ctx, q, nil)
}

// checkInsert rejects names that are not plain identifiers (they come
// from code, never from users, so this catches mistakes rather than
// attacks) and rows of the wrong length.
func checkInsert(table string, columns []string, rows [][]any) error {
	if !identifier.MatchString(table) {
		return fmt.Errorf("invalid table name %q", table)
	}
	if len(columns) == 0 {
		return fmt.Errorf("no columns")
	}
	for _, c := range columns {
		if !identifier.MatchString(c) {
			return fmt.Errorf("invalid column name %q", c)
		}
	}
	for i, row := range rows {
		if len(row) != len(columns) {
			return fmt.Errorf("row %d has %d values for %d columns", i, len(row), len(columns))
		}
	}
	return nil
}

// encoding is how one Go type travels in Native: the column type named in
// the block, and the encoding of one value of it (a Native column is its
// values' RowBinary encodings one after another).
type encoding struct {
	typ    string // the input() column type
	append func(b []byte, v any) ([]byte, error)
}

var encodings = map[string]encoding{
	"string": {"String", func(b []byte, v any) ([]byte, error) {
		return appendString(b, v.(string)), nil
	}},
	"int64": {"Int64", func(b []byte, v any) ([]byte, error) {
		return binary.LittleEndian.AppendUint64(b, uint64(v.(int64))), nil
	}},
	"int": {"Int64", func(b []byte, v any) ([]byte, error) {
		return binary.LittleEndian.AppendUint64(b, uint64(v.(int))), nil
	}},
	"uint64": {"UInt64", func(b []byte, v any) ([]byte, error) {
		return binary.LittleEndian.AppendUint64(b, v.(uint64)), nil
	}},
	"uint32": {"UInt32", func(b []byte, v any) ([]byte, error) {
		return binary.LittleEndian.AppendUint32(b, v.(uint32)), nil
	}},
	"uint8": {"UInt8", func(b []byte, v any) ([]byte, error) {
		return append(b, v.(uint8)), nil
	}},
	"float64": {"Float64", func(b []byte, v any) ([]byte, error) {
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.(float64))), nil
	}},
	"bool": {"Bool", func(b []byte, v any) ([]byte, error) {
		if v.(bool) {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	}},
	// DateTime is seconds since 1970 as UInt32; 'UTC' so that a cast to a
	// Date or to a DateTime in another zone starts from UTC.
	"time.Time": {"DateTime('UTC')", func(b []byte, v any) ([]byte, error) {
		sec, err := dateTime(v.(time.Time))
		return binary.LittleEndian.AppendUint32(b, sec), err
	}},
	// Decimal(18, 6) is an Int64 count of millionths, which is exactly
	// what postclear.Decimal holds.
	"postclear.Decimal": {"Decimal(18, 6)", func(b []byte, v any) ([]byte, error) {
		return binary.LittleEndian.AppendUint64(b, uint64(v.(postclear.Decimal).Units())), nil
	}},
}

// encodeNative encodes rows as one Native block: column and row counts,
// then each column's name, type and values. (Revision 0, as in a Native
// file: no block-info header.)
func encodeNative(columns []string, rows [][]any) ([]byte, error) {
	b := make([]byte, 0, estimateSize(columns, rows))
	b = binary.AppendUvarint(b, uint64(len(columns)))
	b = binary.AppendUvarint(b, uint64(len(rows)))
	for j, c := range columns {
		name := typeName(rows[0][j])
		enc, ok := encodings[name]
		if !ok {
			return nil, fmt.Errorf("column %s: unsupported value type %s", c, name)
		}
		b = appendString(b, c)
		b = appendString(b, enc.typ)
		var err error
		for i, row := range rows {
			v := row[j]
			if got := typeName(v); got != name {
				return nil, fmt.Errorf("row %d, column %s: value of type %s in a column of %s", i, c, got, name)
			}
			if b, err = enc.append(b, v); err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", i, c, err)
			}
		}
	}
	return b, nil
}

// encodeColumns encodes columns of n rows each as one Native block.
func encodeColumns(columns []warehouse.Column, n int) ([]byte, error) {
	size := 32
	for _, c := range columns {
		size += 2*len(c.Name) + 40 + 9*n
		if v, ok := c.Values.([]string); ok && n > 0 {
			size += (len(v[0]) + 1) * n * 5 / 4
		}
	}
	b := make([]byte, 0, size)
	b = binary.AppendUvarint(b, uint64(len(columns)))
	b = binary.AppendUvarint(b, uint64(n))
	for _, c := range columns {
		typ, err := columnType(c.Values)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		b = appendString(b, c.Name)
		b = appendString(b, typ)
		if b, err = appendColumn(b, c.Values); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	return b, nil
}

// columnType is the Native type a warehouse.Column's values are written
// as: the type encodings gives their element type, Nullable(…) for a
// slice of pointers and Array(String) for [][]string.
func columnType(values any) (string, error) {
	switch values.(type) {
	case []*string:
		return "Nullable(String)", nil
	case []*time.Time:
		return "Nullable(DateTime('UTC'))", nil
	case [][]string:
		return "Array(String)", nil
	}
	t := reflect.TypeOf(values)
	if t == nil || t.Kind() != reflect.Slice {
		return "", fmt.Errorf("unsupported values %T", values)
	}
	enc, ok := encodings[strings.TrimPrefix(t.String(), "[]")]
	if !ok {
		return "", fmt.Errorf("unsupported values %T", values)
	}
	return enc.typ, nil
}

// appendColumn appends the values of one column: each value's RowBinary
// encoding in turn; for Nullable, a byte per row (1 for NULL) and then
// every row's value (zero for NULL); for an array, every row's end offset
// in the flattened values as UInt64 and then the flattened values.
func appendColumn(b []byte, values any) ([]byte, error) {
	switch v := values.(type) {
	case []string:
		for _, x := range v {
			b = appendString(b, x)
		}
	case []time.Time:
		for i := range v {
			sec, err := dateTime(v[i])
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
			b = binary.LittleEndian.AppendUint32(b, sec)
		}
	case []int64:
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, uint64(x))
		}
	case []int:
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, uint64(x))
		}
	case []uint64:
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, x)
		}
	case []uint32:
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, x)
		}
	case []uint8:
		b = append(b, v...)
	case []float64:
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
	case []bool:
		for _, x := range v {
			b = append(b, boolByte(x))
		}
	case []postclear.Decimal:
		for _, x := range v {
			b = binary.LittleEndian.AppendUint64(b, uint64(x.Units()))
		}
	case []*string:
		for _, x := range v {
			b = append(b, boolByte(x == nil))
		}
		for _, x := range v {
			if x == nil {
				b = appendString(b, "")
			} else {
				b = appendString(b, *x)
			}
		}
	case []*time.Time:
		for _, x := range v {
			b = append(b, boolByte(x == nil))
		}
		for i, x := range v {
			var sec uint32
			if x != nil {
				var err error
				if sec, err = dateTime(*x); err != nil {
					return nil, fmt.Errorf("row %d: %w", i, err)
				}
			}
			b = binary.LittleEndian.AppendUint32(b, sec)
		}
	case [][]string:
		end := uint64(0)
		for _, x := range v {
			end += uint64(len(x))
			b = binary.LittleEndian.AppendUint64(b, end)
		}
		for _, x := range v {
			for _, y := range x {
				b = appendString(b, y)
			}
		}
	default:
		return nil, fmt.Errorf("unsupported values %T", values)
	}
	return b, nil
}

func boolByte(x bool) byte {
	if x {
		return 1
	}
	return 0
}

// dateTime is t as a DateTime: seconds since 1970 in a UInt32.
func dateTime(t time.Time) (uint32, error) {
	sec := t.Unix()
	if sec < 0 || sec > math.MaxUint32 {
		return 0, fmt.Errorf("time %s is outside DateTime's range (1970 to 2106)", t.UTC().Format(time.RFC3339))
	}
	return uint32(sec), nil
}

// estimateSize guesses the statement's size from the first row, so that a
// large batch grows its buffer a few times rather than dozens.
func estimateSize(columns []string, rows [][]any) int {
	n := 32
	for j, c := range columns {
		n += 2*len(c) + 32
		switch v := rows[0][j].(type) {
		case string:
			n += (len(v) + 2) * len(rows) * 5 / 4
		default:
			n += 8 * len(rows)
		}
	}
	return n
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// typeName names v's type as the keys of encodings do; a type switch is
// much cheaper than reflection in the per-value loop.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "int64"
	case int:
		return "int"
	case uint64:
		return "uint64"
	case uint32:
		return "uint32"
	case uint8:
		return "uint8"
	case float64:
		return "float64"
	case bool:
		return "bool"
	case time.Time:
		return "time.Time"
	case postclear.Decimal:
		return "postclear.Decimal"
	case nil:
		return "nil"
	default:
		return fmt.Sprintf("%T", v)
	}
}
