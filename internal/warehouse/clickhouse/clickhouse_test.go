package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	chgo "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// The server must start while ClickHouse is down: Open succeeds, and every
// call fails quickly with ENGINE_UNAVAILABLE instead of hanging or crashing.
func TestServerDown(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{URL: "clickhouse://default:@" + closedPort(t) + "/default?dial_timeout=2s"})
	if err != nil {
		t.Fatalf("Open with the server down: %v", err)
	}
	defer e.Close()

	calls := []struct {
		name string
		call func(context.Context) error
	}{
		{"Ping", e.Ping},
		{"Query", func(ctx context.Context) error {
			rows, err := e.Query(ctx, "SELECT {n:UInt8}", warehouse.Params{"n": 1})
			if err == nil {
				rows.Close()
			}
			return err
		}},
		{"Exec", func(ctx context.Context) error {
			return e.Exec(ctx, "CREATE TABLE t (x UInt8) ENGINE = Memory", nil)
		}},
		{"Insert", func(ctx context.Context) error {
			return e.Insert(ctx, "t", []string{"x"}, [][]any{{uint8(1)}})
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := c.call(ctx)
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %v, want a fast failure", took)
			}
			if got := postclear.ErrorCode(err); got != postclear.EUnavailable {
				t.Errorf("error code = %q, want %q (err: %v)", got, postclear.EUnavailable, err)
			}
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("cause lost: %v", err)
			}
		})
	}
}

// The dial must honour the caller's context: clickhouse-go's own native dial
// ignores it, and a readiness probe may not wait the whole dial timeout.
func TestDialerHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := dialer(30*time.Second, nil)(ctx, closedPort(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("dial with a cancelled context: %v, want context.Canceled", err)
	}
}

// A server that accepts connections but never answers (hung, or not
// ClickHouse) must not hold a readiness probe past its deadline.
func TestPingSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	e, err := Open(context.Background(), Options{URL: "clickhouse://" + l.Addr().String(), DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = e.Ping(ctx)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Ping took %v with a 300ms deadline", took)
	}
	if got := postclear.ErrorCode(err); got != postclear.EUnavailable {
		t.Errorf("error code = %q, want %q (err: %v)", got, postclear.EUnavailable, err)
	}
}

func TestDriverOptions(t *testing.T) {
	type summary struct {
		Addr         []string
		User, DB     string
		HTTP         bool
		DialTimeout  time.Duration
		MaxOpenConns int
		Settings     map[string]any
		DialContext  bool
	}
	tests := []struct {
		name string
		in   Options
		want summary
	}{
		{
			name: "URL dial timeout",
			in:   Options{URL: "clickhouse://u:p@h:9000/db?dial_timeout=2s"},
			want: summary{Addr: []string{"h:9000"}, User: "u", DB: "db", DialTimeout: 2 * time.Second, Settings: map[string]any{}, DialContext: true},
		},
		{
			name: "Options override URL",
			in: Options{
				URL:          "clickhouse://u@h1:9000,h2:9000/db?dial_timeout=2s&max_execution_time=30&max_threads=2",
				DialTimeout:  7 * time.Second,
				MaxOpenConns: 3,
				Settings:     map[string]any{"max_execution_time": 60},
			},
			want: summary{
				Addr: []string{"h1:9000", "h2:9000"}, User: "u", DB: "db", DialTimeout: 7 * time.Second, MaxOpenConns: 3,
				Settings: map[string]any{"max_execution_time": 60, "max_threads": 2}, DialContext: true,
			},
		},
		{
			name: "default dial timeout",
			in:   Options{URL: "tcp://h:9000"},
			want: summary{Addr: []string{"h:9000"}, DialTimeout: DefaultDialTimeout, Settings: map[string]any{}, DialContext: true},
		},
		{
			// The HTTP transport dials raw TCP through DialContext and adds
			// TLS itself, so ours must not be installed there.
			name: "http",
			in:   Options{URL: "http://h:8123/db"},
			want: summary{Addr: []string{"h:8123"}, DB: "db", HTTP: true, DialTimeout: DefaultDialTimeout, Settings: map[string]any{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := driverOptions(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := summary{
				Addr: o.Addr, User: o.Auth.Username, DB: o.Auth.Database, HTTP: o.Protocol == chgo.HTTP,
				DialTimeout: o.DialTimeout, MaxOpenConns: o.MaxOpenConns, Settings: o.Settings, DialContext: o.DialContext != nil,
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("driverOptions(%q) (-want +got):\n%s", tt.in.URL, diff)
			}
		})
	}
}

func TestDriverOptionsErrors(t *testing.T) {
	for _, url := range []string{
		"",
		"h:9000",
		"postgres://u:p@h:5432/db",
		"clickhouse://",
		"clickhouse://u:p@h:9000/db?dial_timeout=soon",
		"clickhouse://u:s3cr%zzet@h:9000/db", // bad escape in the password
	} {
		t.Run(url, func(t *testing.T) {
			_, err := driverOptions(Options{URL: url})
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "s3cr") {
				t.Errorf("error shows the password: %v", err)
			}
			// The same error must also stop Open, before any dial.
			if _, err := Open(context.Background(), Options{URL: url}); err == nil {
				t.Error("Open: no error")
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	live := context.Background()
	expired, cancel := context.WithDeadline(live, time.Now().Add(-time.Second))
	defer cancel()
	cancelled, cancel2 := context.WithCancel(live)
	cancel2()

	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}

	tests := []struct {
		name string
		ctx  context.Context
		err  error
		code string
	}{
		{"nil", live, nil, ""},
		{"connection refused", live, refused, postclear.EUnavailable},
		{"dial error past caller deadline", expired, &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}, postclear.EUnavailable},
		{"EOF mid-query", live, fmt.Errorf("read data: %w", io.EOF), postclear.EUnavailable},
		{"unexpected EOF", live, fmt.Errorf("read data: %w", io.ErrUnexpectedEOF), postclear.EUnavailable},
		{"connection reset", live, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, postclear.EUnavailable},
		{"pool exhausted", live, chgo.ErrAcquireConnTimeout, postclear.EUnavailable},
		{"no servers", live, chgo.ErrAcquireConnNoAddress, postclear.EUnavailable},
		{"DNS failure", live, &net.DNSError{Err: "no such host", Name: "ch", IsNotFound: true}, postclear.EUnavailable},
		{"read timeout, no caller deadline", live, readTimeout, postclear.EUnavailable},
		{"read timeout past caller deadline", expired, readTimeout, postclear.ETimeout},
		{"caller deadline", expired, context.DeadlineExceeded, postclear.ETimeout},
		{"caller cancelled", cancelled, context.Canceled, postclear.EInternal},
		{"TIMEOUT_EXCEEDED", live, &chgo.Exception{Code: 159, Name: "DB::Exception", Message: "Timeout exceeded"}, postclear.ETimeout},
		{"TOO_SLOW", live, &chgo.Exception{Code: 160, Message: "Estimated query execution time is too long"}, postclear.ETimeout},
		{"MEMORY_LIMIT_EXCEEDED", live, fmt.Errorf("query processing: %w", &chgo.Exception{Code: 241, Message: "Memory limit exceeded"}), postclear.ETooLarge},
		{"TOO_MANY_ROWS_OR_BYTES", live, &chgo.Exception{Code: 396, Message: "Limit for result exceeded"}, postclear.ETooLarge},
		{"AUTHENTICATION_FAILED", live, &chgo.Exception{Code: 516, Message: "default: Authentication failed"}, postclear.EUnavailable},
		{"UNKNOWN_TABLE", live, &chgo.Exception{Code: 60, Message: "Table default.t does not exist"}, postclear.EInternal},
		{"already translated", live, postclear.Errorf(postclear.EInvalid, "bad"), postclear.EInvalid},
		{"other", live, errors.New("something else"), postclear.EInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.ctx, "query", tt.err)
			if code := postclear.ErrorCode(got); code != tt.code {
				t.Errorf("code = %q, want %q (err: %v)", code, tt.code, got)
			}
			if tt.err != nil && !errors.Is(got, tt.err) {
				t.Errorf("cause lost: %v", got)
			}
		})
	}
}

// A server exception stays reachable with errors.As and the error names the
// operation, while the user's message says nothing of the SQL.
func TestTranslateException(t *testing.T) {
	ex := &chgo.Exception{Code: 159, Message: "Timeout exceeded: elapsed 30.1 seconds, maximum: 30"}
	err := translate(context.Background(), "query", ex)
	var got *chgo.Exception
	if !errors.As(err, &got) || got.Code != 159 {
		t.Fatalf("exception not kept as the cause: %v", err)
	}
	if want := "clickhouse query: code: 159"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if msg := postclear.ErrorMessage(err); strings.Contains(msg, "code") {
		t.Errorf("user message leaks the server's: %q", msg)
	}

	plain := translate(context.Background(), "exec", &chgo.Exception{Code: 62, Message: "Syntax error"})
	if want := "clickhouse exec: code: 62, message: Syntax error"; plain.Error() != want {
		t.Errorf("error = %q, want %q", plain, want)
	}
}

// Bad identifiers are refused before anything is sent; the engine points at
// a closed port, so reaching the network would give ENGINE_UNAVAILABLE.
func TestInsertValidates(t *testing.T) {
	e, err := Open(context.Background(), Options{URL: "clickhouse://" + closedPort(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tests := []struct {
		name    string
		table   string
		columns []string
		rows    [][]any
		want    string
	}{
		{"injection in table", "t; DROP TABLE x", []string{"a"}, [][]any{{1}}, "invalid table name"},
		{"empty table", "", []string{"a"}, [][]any{{1}}, "invalid table name"},
		{"quote in column", "db.t", []string{"a", "b`"}, [][]any{{1, 2}}, "invalid column name"},
		{"leading digit", "db.t", []string{"1a"}, [][]any{{1}}, "invalid column name"},
		{"no columns", "db.t", nil, [][]any{{}}, "no columns"},
		{"short row", "db.t", []string{"a", "b"}, [][]any{{1, 2}, {3}}, "row 1 has 1 values for 2 columns"},
		{"bytes", "db.t", []string{"a", "b"}, [][]any{{1, []byte("x")}}, "row 0, column b: unsupported value type []uint8"},
		{"nil", "db.t", []string{"a"}, [][]any{{nil}}, "unsupported value type <nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Insert(context.Background(), tt.table, tt.columns, tt.rows)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if code := postclear.ErrorCode(err); code != postclear.EInternal {
				t.Errorf("code = %q, want %q: names come from code, so a bad one is our fault", code, postclear.EInternal)
			}
		})
	}
	// No rows: nothing to send, so no error even with the server down.
	if err := e.Insert(context.Background(), "db.t", []string{"a"}, nil); err != nil {
		t.Errorf("empty insert: %v", err)
	}
}

// driverValue's output must be accepted by clickhouse-go's own columns and
// read back exactly: Decimal(18, 6) for money, DateTime for instants.
func TestDriverValueRoundTrip(t *testing.T) {
	dec, err := column.Type("Decimal(18, 6)").Column("amount", &column.ServerContext{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"0", "12.5", "-0.000001", "999999999999.999999", "-123456.789012"} {
		d, err := postclear.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := dec.AppendRow(driverValue(d)); err != nil {
			t.Fatalf("append %s: %v", s, err)
		}
		var back decimal.Decimal
		if err := dec.ScanRow(&back, dec.Rows()-1); err != nil {
			t.Fatal(err)
		}
		if back.String() != d.String() {
			t.Errorf("Decimal %s came back as %s", d, back)
		}
	}

	dt, err := column.Type("DateTime").Column("at", &column.ServerContext{Timezone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 30, 2, 30, 15, 0, time.FixedZone("UTC+5", 5*3600))
	if got := driverValue(at).(time.Time); got.Location() != time.UTC || !got.Equal(at) {
		t.Errorf("driverValue(%v) = %v, want the same instant in UTC", at, got)
	}
	if err := dt.AppendRow(driverValue(at)); err != nil {
		t.Fatal(err)
	}
	var back time.Time
	if err := dt.ScanRow(&back, 0); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(at) {
		t.Errorf("DateTime %v came back as %v", at, back)
	}

	for _, v := range []any{"s", int64(-1), uint64(1), 1.5, true, uint8(2)} {
		if got := driverValue(v); got != v {
			t.Errorf("driverValue(%#v) = %#v, want it unchanged", v, got)
		}
	}
}

type ctxKey struct{}

// Every statement has a query ID (the hook's, or one of its own) and runs
// under max_execution_time = what remains of its caller's deadline when
// that is sooner than the configured limit.
func TestStatementOptions(t *testing.T) {
	e := &Engine{maxExec: 30, queryID: func(ctx context.Context) string {
		id, _ := ctx.Value(ctxKey{}).(string)
		return id
	}}
	base := context.Background()
	st, err := e.statement(context.WithValue(base, ctxKey{}, "req-42"), warehouse.Params{"n": 1})
	if err != nil || st.id != "req-42" {
		t.Errorf("statement under a request's ID: id %q, err %v", st.id, err)
	}
	if st, err = e.statement(base, nil); err != nil || !strings.HasPrefix(st.id, "postclear-") {
		t.Errorf("statement without a request ID: id %q, err %v", st.id, err)
	}
	if _, err := e.statement(base, warehouse.Params{"x": struct{}{}}); err == nil {
		t.Error("unsupported parameter type accepted")
	}
	for _, tt := range []struct {
		deadline time.Duration // 0: none
		maxExec  float64
		want     string // "" for none
	}{
		{0, 30, ""},
		{time.Hour, 30, ""},
		{2 * time.Second, 30, "2"},
		{2 * time.Second, 0, "2"},
		{2 * time.Second, 1, ""},
	} {
		ctx := base
		if tt.deadline > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(base, tt.deadline)
			defer cancel()
		}
		e.maxExec = tt.maxExec
		got, ok := e.limit(ctx)
		if tt.want == "" && ok || tt.want != "" && (!ok || got > tt.want || got < "1.9") {
			t.Errorf("deadline %v, configured %v: limit %q (%v), want %q", tt.deadline, tt.maxExec, got, ok, tt.want)
		}
	}
}

// blockingConn is a server connection whose statements run until their
// context is cancelled.
type blockingConn struct {
	driver.Conn
	started chan struct{}
}

func (c *blockingConn) Exec(ctx context.Context, _ string, _ ...any) error {
	close(c.started)
	<-ctx.Done()
	return ctx.Err()
}

// A statement whose caller goes away is cancelled (clickhouse-go then sends
// the protocol's Cancel) and killed on the server by its query ID; one that
// completes is not.
func TestStatementKilledWhenCallerGoes(t *testing.T) {
	conn := &blockingConn{started: make(chan struct{})}
	killed := make(chan string, 1)
	e := &Engine{conn: conn, queryID: func(context.Context) string { return "req-7" }, kill: func(id string) { killed <- id }}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-conn.started
		cancel()
	}()
	if err := e.Exec(ctx, "SELECT sleepEachRow(1) FROM numbers(100)", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Exec = %v, want context.Canceled", err)
	}
	select {
	case id := <-killed:
		if id != "req-7" {
			t.Errorf("killed %q, want req-7", id)
		}
	default:
		t.Error("the statement was not killed after its caller went away")
	}

	st, err := e.statement(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st.end()
	select {
	case id := <-killed:
		t.Errorf("a completed statement was killed (%s)", id)
	default:
	}
}
