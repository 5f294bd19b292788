// Package warehouse is the seam between postclear and ClickHouse. One SQL
// dialect, ClickHouse's, runs on two engines behind the Engine interface:
// the embedded chDB library (package chdb) and a ClickHouse server or
// cluster (package clickhouse). Everything above this package sees only the
// interface; user values travel only as server-side {name:Type} parameters.
package warehouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Engine runs ClickHouse SQL.
type Engine interface {
	// Query runs a statement that returns rows. Each {name:Type}
	// placeholder in query is bound server-side to params[name].
	Query(ctx context.Context, query string, params Params) (Rows, error)
	// Exec runs a statement that returns no rows (DDL, INSERT … SELECT).
	Exec(ctx context.Context, query string, params Params) error
	// Insert stores rows in table; each row holds one value per column, in
	// the order of columns. Values are string, time.Time (stored as UTC
	// DateTime to the second), int64/uint64/int/uint8/uint32, float64, bool
	// or postclear.Decimal. The batch is sent as one insert.
	Insert(ctx context.Context, table string, columns []string, rows [][]any) error
	// Ping reports whether the engine answers.
	Ping(ctx context.Context) error
	// Name is "chdb" or "clickhouse", for logs and /readyz. Behaviour
	// is chosen by Capabilities, never by the name.
	Name() string
	// Capabilities declares what the engine guarantees.
	Capabilities() Capabilities
	Close() error
}

// Capabilities are the properties of an engine that decide how postclear
// maintains its derived data (Facts): declared by each engine, so that
// code chooses by property and a test can run one engine under another's
// properties (the embedded engine under a server's, for instance).
type Capabilities struct {
	// SingleWriter means that this process is the only writer of the
	// engine's databases, for as long as it has them open: the embedded
	// engine locks its data directory to one process. Facts then keeps
	// its bookkeeping in memory, and rows left in dirty_items by an
	// earlier process are leftovers of a crash. Without it (a ClickHouse
	// server), other postclear processes may be writing at any moment,
	// and what they write is seen only through the engine.
	SingleWriter bool
	// Serial means that the engine runs one statement at a time (the
	// embedded engine has one session): no write lands while a statement
	// runs, so the tables a statement reads, subqueries included, are
	// all of one moment. A server reads each table when it gets to it.
	Serial bool
}

// Rows is a result set, read with Next and Scan like database/sql.
type Rows interface {
	Next() bool
	// Scan copies the current row into dest, one pointer per column, using
	// clickhouse-go's type mapping (e.g. *string, *uint64, *float64,
	// *time.Time, **float64 for Nullable(Float64), *[]string).
	Scan(dest ...any) error
	// Columns names the result's columns.
	Columns() []string
	Err() error
	Close() error
}

// Each runs query on e and calls scan for each row of the result.
func Each(ctx context.Context, e Engine, query string, params Params, scan func(Rows) error) error {
	rows, err := e.Query(ctx, query, params)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Params binds values to the {name:Type} placeholders of a query.
type Params map[string]any

// Date is a parameter value for a {name:Date} placeholder.
type Date time.Time

// MaxParamBytes bounds the text of one statement's parameters, as
// ClickHouse's max_query_size (256 KiB) bounds its SQL text. Neither the
// parsing of parameters nor the analysis of a query over a large constant
// set runs under max_execution_time: a filter list of 200,000 values kept
// the embedded engine busy for 89–97 s with a 1 s limit (parsing the
// parameter took 1.5 s of it; the rest was the new analyzer's handling of
// `column IN <constant array>` beyond about 50,000 values, a cliff: 40,000
// took 0.07 s). A statement whose parameters are larger is refused before
// it reaches the engine.
const MaxParamBytes = 256 << 10

// Format renders each parameter as the text ClickHouse parses for its
// placeholder type: both engines send parameters as strings. Parameters
// longer than MaxParamBytes in all are refused (TOO_LARGE).
func (p Params) Format() (map[string]string, error) {
	out := make(map[string]string, len(p))
	size := 0
	for k, v := range p {
		s, err := FormatValue(v)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", k, err)
		}
		out[k] = s
		if size += len(s); size > MaxParamBytes {
			return nil, &postclear.Error{Code: postclear.ETooLarge,
				Message: fmt.Sprintf("the query's values (filter lists) are longer than %d KiB in all; shorten the lists", MaxParamBytes>>10)}
		}
	}
	return out, nil
}

// FormatValue renders one parameter value as ClickHouse text.
func FormatValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		// The engine parses a parameter in ClickHouse's escaped text
		// format (as in TSV), so a backslash, tab or newline must be
		// escaped to arrive as written, and NUL to survive a C string.
		return textEscaper.Replace(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05"), nil
	case Date:
		return time.Time(x).UTC().Format("2006-01-02"), nil
	case postclear.Decimal:
		return x.String(), nil
	case []int64:
		return arrayLiteral(x, func(n int64) string { return strconv.FormatInt(n, 10) }), nil
	case []string:
		return arrayLiteral(x, QuoteString), nil
	default:
		return "", fmt.Errorf("unsupported parameter type %T", v)
	}
}

// arrayLiteral renders xs as a ClickHouse array literal, each element by
// format.
func arrayLiteral[T any](xs []T, format func(T) string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(format(x))
	}
	b.WriteByte(']')
	return b.String()
}

var textEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`, "\x00", `\0`)

// QuoteString renders s as a ClickHouse string literal, for array
// parameters. It is never used to splice user values into SQL text.
func QuoteString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// Unavailable wraps an engine connection failure as the error users see.
func Unavailable(engine string, err error) error {
	return &postclear.Error{Code: postclear.EUnavailable, Message: "the " + engine + " engine is unavailable", Err: err}
}
