// Package warehousetest is the conformance suite every warehouse.Engine
// must pass, so that the embedded engine and a ClickHouse server behave
// the same to the code above them: parameters, scanning, multi-block
// results, inserts and errors. Each engine's tests call Run.
package warehousetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// Run runs the suite against e. Every subtest works in a database of its
// own, dropped when it ends, so the suite can share an engine with other
// tests (the embedded engine is one per process).
func Run(t *testing.T, e warehouse.Engine) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, warehouse.Engine)
	}{
		{"Ping", testPing},
		{"Params", testParams},
		{"Injection", testInjection},
		{"ScanTypes", testScanTypes},
		{"Columns", testColumns},
		{"MultiBlock", testMultiBlock},
		{"Insert", testInsert},
		{"InsertColumns", testInsertColumns},
		{"InsertNullableArray", testInsertNullableArray},
		{"InsertLarge", testInsertLarge},
		{"InsertErrors", testInsertErrors},
		{"Errors", testErrors},
		{"DoneContext", testDoneContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, e) })
	}
}

// Database creates a database with a name unique to t and drops it when t
// ends, and returns its name.
func Database(t *testing.T, e warehouse.Engine) string {
	t.Helper()
	var r [4]byte
	if _, err := rand.Read(r[:]); err != nil {
		t.Fatal(err)
	}
	name := "wt_" + strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(t.Name()), "_"), "_") + "_" + hex.EncodeToString(r[:])
	ctx := context.Background()
	if err := e.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+name, nil); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+"", nil); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return name
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

func exec(t *testing.T, e warehouse.Engine, query string) {
	t.Helper()
	if err := e.Exec(context.Background(), query, nil); err != nil {
		t.Fatalf("exec %q: %v", query, err)
	}
}

// readAll runs query and scans each row of its result into an R.
func readAll[R any](t *testing.T, e warehouse.Engine, query string, scan func(warehouse.Rows, *R) error) []R {
	t.Helper()
	var got []R
	err := warehouse.Each(context.Background(), e, query, nil, func(rows warehouse.Rows) error {
		var r R
		err := scan(rows, &r)
		got = append(got, r)
		return err
	})
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	return got
}

// queryOne runs query, expects exactly one row, and scans it into dest.
func queryOne(t *testing.T, e warehouse.Engine, query string, params warehouse.Params, dest ...any) {
	t.Helper()
	rows, err := e.Query(context.Background(), query, params)
	if err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("query %q: no row (err %v)", query, rows.Err())
	}
	if err := rows.Scan(dest...); err != nil {
		t.Fatalf("query %q: scan: %v", query, err)
	}
	if rows.Next() {
		t.Fatalf("query %q: more than one row", query)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("query %q: %v", query, err)
	}
}

func testPing(t *testing.T, e warehouse.Engine) {
	if err := e.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.Name(); n != "chdb" && n != "clickhouse" {
		t.Errorf("Name() = %q, want chdb or clickhouse", n)
	}
}

// testParams round-trips a value of each placeholder type the analytics
// queries use.
func testParams(t *testing.T, e warehouse.Engine) {
	ts := time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC)
	t.Run("String", func(t *testing.T) {
		for _, s := range trickyStrings {
			var got string
			queryOne(t, e, "SELECT {s:String}", warehouse.Params{"s": s}, &got)
			if got != s {
				t.Errorf("got %q, want %q", got, s)
			}
		}
	})
	t.Run("Int64", func(t *testing.T) {
		for _, v := range []int64{0, -1, math.MaxInt64, math.MinInt64} {
			var got int64
			queryOne(t, e, "SELECT {v:Int64}", warehouse.Params{"v": v}, &got)
			if got != v {
				t.Errorf("got %d, want %d", got, v)
			}
		}
	})
	t.Run("UInt64", func(t *testing.T) {
		var got uint64
		queryOne(t, e, "SELECT {v:UInt64}", warehouse.Params{"v": uint64(math.MaxUint64)}, &got)
		if got != math.MaxUint64 {
			t.Errorf("got %d", got)
		}
	})
	t.Run("Float64", func(t *testing.T) {
		for _, v := range []float64{0, 0.1, -2.5e-300, 1e300, math.MaxFloat64} {
			var got float64
			queryOne(t, e, "SELECT {v:Float64}", warehouse.Params{"v": v}, &got)
			if got != v {
				t.Errorf("got %v, want %v", got, v)
			}
		}
	})
	t.Run("DateTime", func(t *testing.T) {
		var got time.Time
		queryOne(t, e, "SELECT {v:DateTime('UTC')}", warehouse.Params{"v": ts}, &got)
		if !got.Equal(ts) {
			t.Errorf("got %v, want %v", got, ts)
		}
		// A value in another zone means the same instant.
		queryOne(t, e, "SELECT {v:DateTime('UTC')}", warehouse.Params{"v": ts.In(time.FixedZone("X", -5*3600))}, &got)
		if !got.Equal(ts) {
			t.Errorf("from another zone: got %v, want %v", got, ts)
		}
		var n uint32
		queryOne(t, e, "SELECT toUnixTimestamp({v:DateTime('UTC')})", warehouse.Params{"v": ts}, &n)
		if int64(n) != ts.Unix() {
			t.Errorf("unix seconds: got %d, want %d", n, ts.Unix())
		}
	})
	t.Run("Date", func(t *testing.T) {
		var got string
		queryOne(t, e, "SELECT toString({v:Date})", warehouse.Params{"v": warehouse.Date(ts)}, &got)
		if got != "2024-02-29" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("ArrayString", func(t *testing.T) {
		var got []string
		queryOne(t, e, "SELECT {v:Array(String)}", warehouse.Params{"v": trickyStrings}, &got)
		if diff := cmp.Diff(trickyStrings, got); diff != "" {
			t.Errorf("(-want +got)\n%s", diff)
		}
		var n uint64
		queryOne(t, e, "SELECT length({v:Array(String)})", warehouse.Params{"v": []string{}}, &n)
		if n != 0 {
			t.Errorf("empty array has length %d", n)
		}
	})
	t.Run("Bool", func(t *testing.T) {
		var got bool
		queryOne(t, e, "SELECT {v:Bool}", warehouse.Params{"v": true}, &got)
		if !got {
			t.Error("got false")
		}
	})
	t.Run("Decimal", func(t *testing.T) {
		d := postclear.DecimalFromUnits(-123456789012)
		var got string
		queryOne(t, e, "SELECT toString({v:Decimal(18, 6)})", warehouse.Params{"v": d}, &got)
		if got != d.String() {
			t.Errorf("got %q, want %q", got, d.String())
		}
	})
}

// trickyStrings hold what a careless encoding breaks: quotes, escapes,
// separators, NUL, non-ASCII.
var trickyStrings = []string{
	"",
	"CN",
	"CN' OR 1=1 --",
	`back\slash \' \\' \n`,
	"tab\there",
	"new\nline\r\n",
	"nul\x00byte",
	`"double" 'single' ` + "`back`",
	"{s:String} ?",
	"Ünïcödé — 中文 — emoji 📦",
	"comma,separated;values|pipe",
	strings.Repeat("long ", 20000),
}

func testInjection(t *testing.T, e warehouse.Engine) {
	db := Database(t, e)
	exec(t, e, "CREATE TABLE "+db+".items (country String) ENGINE = MergeTree ORDER BY country")
	exec(t, e, "INSERT INTO "+db+".items VALUES ('CN'), ('FR'), ('US')")
	for _, v := range []string{"CN' OR 1=1 --", "CN' OR '1'='1", `CN\' OR 1=1 --`, "') OR 1=1 --"} {
		var n uint64
		queryOne(t, e, "SELECT count() FROM "+db+".items WHERE country = {c:String}", warehouse.Params{"c": v}, &n)
		if n != 0 {
			t.Errorf("%q matched %d rows, want 0", v, n)
		}
	}
	var n uint64
	queryOne(t, e, "SELECT count() FROM "+db+".items WHERE country IN {c:Array(String)}",
		warehouse.Params{"c": []string{"CN') OR 1=1 --", "FR"}}, &n)
	if n != 1 {
		t.Errorf("array parameter matched %d rows, want 1", n)
	}
}

// testScanTypes checks that the column types the schema uses scan into the
// Go types clickhouse-go maps them to.
func testScanTypes(t *testing.T, e warehouse.Engine) {
	db := Database(t, e)
	exec(t, e, `CREATE TABLE `+db+`.typed (
		id UInt32,
		name LowCardinality(String),
		at DateTime('UTC'),
		plain DateTime,
		amount Decimal(18, 6),
		weight Nullable(Float64),
		code Nullable(String),
		tags Array(String),
		counts Array(UInt32),
		day Date,
		flag Bool,
		ratio Float64
	) ENGINE = MergeTree ORDER BY id`)
	exec(t, e, `INSERT INTO `+db+`.typed VALUES
		(1, 'letter', '2024-05-06 07:08:09', '2024-05-06 07:08:09', 12.345678, 1.5, 'A1', ['x', 'y'], [1, 2], '2024-05-06', true, 0.25),
		(2, 'parcel', '1970-01-01 00:00:00', '2106-02-07 06:28:15', -0.000001, NULL, NULL, [], [], '1970-01-01', false, -1)`)

	type row struct {
		ID     uint32
		Name   string
		At     time.Time
		Plain  time.Time
		Amount decimal.Decimal
		Weight *float64
		Code   *string
		Tags   []string
		Counts []uint32
		Day    time.Time
		Flag   bool
		Ratio  float64
	}
	rows, err := e.Query(context.Background(), "SELECT * FROM "+db+".typed ORDER BY id", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.Name, &r.At, &r.Plain, &r.Amount, &r.Weight, &r.Code, &r.Tags, &r.Counts, &r.Day, &r.Flag, &r.Ratio); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	w, c := 1.5, "A1"
	want := []row{
		{1, "letter", time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
			decimal.RequireFromString("12.345678"), &w, &c, []string{"x", "y"}, []uint32{1, 2},
			time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), true, 0.25},
		{2, "parcel", time.Unix(0, 0).UTC(), time.Unix(math.MaxUint32, 0).UTC(),
			decimal.RequireFromString("-0.000001"), nil, nil, []string{}, []uint32{},
			time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), false, -1},
	}
	opts := []cmp.Option{
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}

	// A nullable column also scans into a pointer to a pointer.
	var pw **float64 = new(*float64)
	queryOne(t, e, "SELECT weight FROM "+db+".typed WHERE id = 2", nil, pw)
	if *pw != nil {
		t.Errorf("NULL scanned as %v", **pw)
	}
}

func testColumns(t *testing.T, e warehouse.Engine) {
	rows, err := e.Query(context.Background(), "SELECT 1 AS a, 'x' AS b, [1] AS `c d`", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if diff := cmp.Diff([]string{"a", "b", "c d"}, rows.Columns()); diff != "" {
		t.Errorf("before Next (-want +got)\n%s", diff)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// testMultiBlock reads a result larger than one block (the engine's
// default block is 65 409 rows).
func testMultiBlock(t *testing.T, e warehouse.Engine) {
	const n = 200_000
	rows, err := e.Query(context.Background(), "SELECT number, toString(number) FROM numbers({n:UInt64})", warehouse.Params{"n": uint64(n)})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var count, sum uint64
	for rows.Next() {
		var v uint64
		var s string
		if err := rows.Scan(&v, &s); err != nil {
			t.Fatal(err)
		}
		if s != strconvU(v) {
			t.Fatalf("row %d: %d and %q disagree", count, v, s)
		}
		if v != count {
			t.Fatalf("row %d holds %d", count, v)
		}
		count++
		sum += v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if count != n || sum != n*(n-1)/2 {
		t.Errorf("read %d rows summing to %d, want %d rows summing to %d", count, sum, n, n*(n-1)/2)
	}
	if err := rows.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if rows.Next() {
		t.Error("Next after Close returned true")
	}
}

func strconvU(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; v > 0; v /= 10 {
		i--
		b[i] = byte('0' + v%10)
	}
	return string(b[i:])
}

// testInsert stores one row per tricky value of every value type Insert
// accepts and reads them back exactly.
// testInsert stores values of every type Insert takes, including tricky
// strings into String and LowCardinality(String), and reads them back.
func testInsert(t *testing.T, e warehouse.Engine) {
	insertAllTypes(t, e, func(table string, cols []string, rows [][]any) error {
		return e.Insert(context.Background(), table, cols, rows)
	})
}

// testInsertColumns stores the same values as testInsert column by column
// (warehouse.InsertColumns: the engine's own columnar insert when it has
// one, rows otherwise) and reads back the same.
func testInsertColumns(t *testing.T, e warehouse.Engine) {
	insertAllTypes(t, e, func(table string, cols []string, rows [][]any) error {
		return warehouse.InsertColumns(context.Background(), e, table, transpose(cols, rows))
	})
}

// transpose turns rows into typed columns, each a slice of the type of its
// first row's value.
func transpose(cols []string, rows [][]any) []warehouse.Column {
	out := make([]warehouse.Column, len(cols))
	for j, name := range cols {
		vals := reflect.MakeSlice(reflect.SliceOf(reflect.TypeOf(rows[0][j])), len(rows), len(rows))
		for i, r := range rows {
			vals.Index(i).Set(reflect.ValueOf(r[j]))
		}
		out[j] = warehouse.Column{Name: name, Values: vals.Interface()}
	}
	return out
}

// testInsertNullableArray stores Nullable and Array columns, which only a
// warehouse.ColumnInserter takes, and reads them back.
func testInsertNullableArray(t *testing.T, e warehouse.Engine) {
	ci, ok := e.(warehouse.ColumnInserter)
	if !ok {
		t.Skip("not a ColumnInserter")
	}
	db := Database(t, e)
	exec(t, e, `CREATE TABLE `+db+`.t (
		id Int64,
		ns Nullable(String),
		lcn LowCardinality(Nullable(String)),
		nt Nullable(DateTime('UTC')),
		arr Array(String),
		lca Array(LowCardinality(String))
	) ENGINE = MergeTree ORDER BY id`)
	type row struct {
		ID       int64
		NS, LCN  *string
		NT       *time.Time
		Arr, LCA []string
	}
	var want []row
	var ids []int64
	var ns []*string
	var nt []*time.Time
	var arr [][]string
	for i := range 3 * len(trickyStrings) {
		r := row{ID: int64(i), Arr: trickyStrings[:i%(len(trickyStrings)+1)]}
		if i%3 != 0 {
			s := trickyStrings[i%len(trickyStrings)]
			at := time.Date(2106, 2, 7, 6, 28, 15, 0, time.UTC).Add(-time.Duration(i) * time.Hour)
			r.NS, r.LCN, r.NT = &s, &s, &at
		}
		if r.Arr == nil {
			r.Arr = []string{}
		}
		r.LCA = r.Arr
		want = append(want, r)
		ids, ns, nt, arr = append(ids, r.ID), append(ns, r.NS), append(nt, r.NT), append(arr, r.Arr)
	}
	err := ci.InsertColumns(context.Background(), db+".t", []warehouse.Column{
		{Name: "id", Values: ids}, {Name: "ns", Values: ns}, {Name: "lcn", Values: ns},
		{Name: "nt", Values: nt}, {Name: "arr", Values: arr}, {Name: "lca", Values: arr},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, e, "SELECT id, ns, lcn, nt, arr, lca FROM "+db+".t ORDER BY id", func(rows warehouse.Rows, r *row) error {
		return rows.Scan(&r.ID, &r.NS, &r.LCN, &r.NT, &r.Arr, &r.LCA)
	})
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// insertAllTypes stores a row of each tricky string, with values of every
// type, through insert, and reads them back.
func insertAllTypes(t *testing.T, e warehouse.Engine, insert func(table string, cols []string, rows [][]any) error) {
	db := Database(t, e)
	exec(t, e, `CREATE TABLE `+db+`.all_types (
		id Int64,
		s String,
		lc LowCardinality(String),
		n Int64,
		u UInt64,
		u32 UInt32,
		u8 UInt8,
		f Float64,
		b Bool,
		at DateTime('UTC'),
		amount Decimal(18, 6),
		note String DEFAULT 'default'
	) ENGINE = MergeTree ORDER BY id`)

	type row struct {
		ID     int64
		S, LC  string
		N      int64
		U      uint64
		U32    uint32
		U8     uint8
		F      float64
		B      bool
		At     time.Time
		Amount int64 // millionths
		Note   string
	}
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	var want []row
	var in [][]any
	for i, s := range trickyStrings {
		r := row{
			ID: int64(i), S: s, LC: s,
			N:   []int64{0, -1, math.MaxInt64, math.MinInt64}[i%4],
			U:   []uint64{0, 1, math.MaxUint64}[i%3],
			U32: []uint32{0, math.MaxUint32}[i%2],
			U8:  uint8(i * 37),
			F:   []float64{0, 0.1, -1e-300, math.MaxFloat64, 1.0 / 3}[i%5],
			B:   i%2 == 1,
			// Stored to the second, in UTC.
			At:     time.Date(2024, 12, 31, 23, 59, i, 0, time.UTC),
			Amount: []int64{0, 1, -1, 999_999_999_999_999_999, -123_456_789}[i%5],
			Note:   "default",
		}
		want = append(want, r)
		at := r.At.In(zone).Add(time.Duration(i) * time.Millisecond)
		in = append(in, []any{int(r.ID), r.S, r.LC, r.N, r.U, r.U32, r.U8, r.F, r.B, at, postclear.DecimalFromUnits(r.Amount)})
	}
	cols := []string{"id", "s", "lc", "n", "u", "u32", "u8", "f", "b", "at", "amount"}
	if err := insert(db+".all_types", cols, in); err != nil {
		t.Fatal(err)
	}

	got := readAll(t, e, "SELECT id, s, lc, n, u, u32, u8, f, b, at, amount, note FROM "+db+".all_types ORDER BY id", func(rows warehouse.Rows, r *row) error {
		var amount decimal.Decimal
		err := rows.Scan(&r.ID, &r.S, &r.LC, &r.N, &r.U, &r.U32, &r.U8, &r.F, &r.B, &r.At, &amount, &r.Note)
		r.Amount = amount.Shift(postclear.DecimalScale).IntPart()
		return err
	})
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// testInsertLarge inserts a batch of the size ingestion sends, across a
// dotted column name and into columns of other types than the values.
func testInsertLarge(t *testing.T, e warehouse.Engine) {
	db := Database(t, e)
	exec(t, e, "CREATE TABLE "+db+".events (item String, code LowCardinality(String), at DateTime64(3, 'UTC'), day Date, n UInt16, amount Decimal(18, 6)) ENGINE = MergeTree ORDER BY (item, at)")
	const n = 100_000
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	in := make([][]any, n)
	for i := range in {
		in[i] = []any{"RR" + strconvU(uint64(i)) + "CN", "EM" + string(rune('A'+i%9)), base.Add(time.Duration(i) * time.Minute), base.Add(time.Duration(i) * time.Minute), int64(i % 1000), postclear.DecimalFromUnits(int64(i))}
	}
	if err := e.Insert(context.Background(), db+".events", []string{"item", "code", "at", "day", "n", "amount"}, in); err != nil {
		t.Fatal(err)
	}
	var count, distinctCodes, sumN uint64
	var maxAt, maxDay time.Time
	var sumAmount decimal.Decimal
	queryOne(t, e, "SELECT count(), uniqExact(code), sum(n), max(at), max(day), sum(amount) FROM "+db+".events", nil,
		&count, &distinctCodes, &sumN, &maxAt, &maxDay, &sumAmount)
	last := base.Add((n - 1) * time.Minute)
	var wantN uint64
	for i := range n {
		wantN += uint64(i % 1000)
	}
	if count != n || distinctCodes != 9 || sumN != wantN || !maxAt.Equal(last) || !maxDay.Equal(last.Truncate(24*time.Hour)) {
		t.Errorf("got count %d, codes %d, sum(n) %d, max(at) %v, max(day) %v; want %d, 9, %d, %v, %v",
			count, distinctCodes, sumN, maxAt, maxDay, n, wantN, last, last.Truncate(24*time.Hour))
	}
	if want := decimal.New(int64(n)*(n-1)/2, -postclear.DecimalScale); !sumAmount.Equal(want) {
		t.Errorf("sum(amount) = %v, want %v", sumAmount, want)
	}
}

func testInsertErrors(t *testing.T, e warehouse.Engine) {
	db := Database(t, e)
	exec(t, e, "CREATE TABLE "+db+".t (a Int64, b String) ENGINE = MergeTree ORDER BY a")
	ctx := context.Background()
	tests := []struct {
		name  string
		table string
		cols  []string
		rows  [][]any
	}{
		{"unknown table", db + ".missing", []string{"a", "b"}, [][]any{{int64(1), "x"}}},
		{"unknown column", db + ".t", []string{"a", "zz"}, [][]any{{int64(1), "x"}}},
		{"bad table name", db + ".t; DROP TABLE x", []string{"a", "b"}, [][]any{{int64(1), "x"}}},
		{"bad column name", db + ".t", []string{"a", "b)"}, [][]any{{int64(1), "x"}}},
		{"short row", db + ".t", []string{"a", "b"}, [][]any{{int64(1)}}},
		{"unsupported type", db + ".t", []string{"a", "b"}, [][]any{{int64(1), []byte("x")}}},
		{"mixed types", db + ".t", []string{"a", "b"}, [][]any{{int64(1), "x"}, {"2", "y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.Insert(ctx, tt.table, tt.cols, tt.rows); err == nil {
				t.Error("no error")
			}
		})
	}
	var n uint64
	queryOne(t, e, "SELECT count() FROM "+db+".t", nil, &n)
	if n != 0 {
		t.Errorf("failed inserts left %d rows", n)
	}
	if err := e.Insert(ctx, db+".t", []string{"a", "b"}, nil); err != nil {
		t.Errorf("empty insert: %v", err)
	}
}

func testErrors(t *testing.T, e warehouse.Engine) {
	ctx := context.Background()
	for _, q := range []string{"SELEC 1", "SELECT * FROM no_such_db.no_such_table", "SELECT {x:Int64}", "SELECT throwIf(1)"} {
		if rows, err := e.Query(ctx, q, nil); err == nil {
			// A server may report a failure only while streaming.
			for rows.Next() {
			}
			if rows.Err() == nil {
				t.Errorf("Query(%q): no error", q)
			}
			rows.Close()
		}
		if err := e.Exec(ctx, q, nil); err == nil {
			t.Errorf("Exec(%q): no error", q)
		}
	}
	if _, err := e.Query(ctx, "SELECT {x:Int64}", warehouse.Params{"x": "not a number"}); err == nil {
		t.Error("unparsable parameter: no error")
	}
	if _, err := e.Query(ctx, "SELECT {x:Int64}", warehouse.Params{"x": struct{}{}}); err == nil {
		t.Error("unsupported parameter type: no error")
	}

	rows, err := e.Query(ctx, "SELECT 1, 2", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal("no row")
	}
	var a uint8
	if err := rows.Scan(&a); err == nil {
		t.Error("Scan with too few destinations: no error")
	}
	var s, s2 []int
	if err := rows.Scan(&s, &s2); err == nil {
		t.Error("Scan into the wrong type: no error")
	}
	// The engine still answers after errors.
	if err := e.Ping(ctx); err != nil {
		t.Errorf("Ping after errors: %v", err)
	}
}

func testDoneContext(t *testing.T, e warehouse.Engine) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Query(ctx, "SELECT 1", nil); err == nil {
		t.Error("Query: no error")
	}
	if err := e.Exec(ctx, "SELECT 1", nil); err == nil {
		t.Error("Exec: no error")
	}
	if err := e.Insert(ctx, "t", []string{"a"}, [][]any{{int64(1)}}); err == nil {
		t.Error("Insert: no error")
	}
}

// AsServer returns e declaring the capabilities of a ClickHouse server
// (no single writer), so that the code paths written for a server, which
// cannot run on the development machines, run on the embedded engine.
func AsServer(e warehouse.Engine) warehouse.Engine { return serverLike{e} }

type serverLike struct{ warehouse.Engine }

func (serverLike) Capabilities() warehouse.Capabilities { return warehouse.Capabilities{} }
