// Package clickhouse is the warehouse engine for a ClickHouse server or
// cluster, spoken to over clickhouse-go's native API (not database/sql, so
// that batches, server-side parameters, query IDs and server exceptions keep
// their own types).
//
// Opening never dials: a postclear server must be able to start while
// ClickHouse is down, report not-ready, and recover on its own when
// ClickHouse returns. Connections are made on demand by clickhouse-go's pool,
// and Ping is what reports reachability.
package clickhouse

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	chgo "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/shopspring/decimal"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// DefaultDialTimeout bounds connecting to a server, handshake included,
// when neither Options nor the URL say otherwise. clickhouse-go's own
// default (30 s) would let a request wait on a hung server far longer than a
// user does; the handshake ignores the request's context.
const DefaultDialTimeout = 5 * time.Second

// Options configures an Engine.
type Options struct {
	// URL names the server, e.g.
	// clickhouse://user:pass@host:9000/db?dial_timeout=2s. Schemes
	// clickhouse:// and tcp:// use the native protocol, http:// and https://
	// the HTTP interface. Several hosts may be listed comma-separated. Query
	// parameters that clickhouse-go does not know become ClickHouse
	// settings.
	URL string
	// Settings are sent with every query, on top of those in URL; e.g.
	// max_execution_time, so the server stops work that a client-side cancel
	// would leave running.
	Settings map[string]any
	// MaxOpenConns caps concurrent connections; 0 keeps clickhouse-go's
	// default.
	MaxOpenConns int
	// DialTimeout overrides the URL's dial_timeout; when both are unset it is
	// DefaultDialTimeout.
	DialTimeout time.Duration
	// QueryID, when set, returns the ID to give the query run under ctx, or
	// "" to let the server choose one. It lets the wiring reuse a request ID
	// so a slow request can be found in system.query_log (and killed with
	// KILL QUERY) without this package knowing where the ID comes from.
	QueryID func(ctx context.Context) string
}

// Engine runs ClickHouse SQL on a server or cluster. It is safe for
// concurrent use.
type Engine struct {
	conn    driver.Conn
	queryID func(context.Context) string
	// maxExec is the configured max_execution_time in seconds (0: none).
	maxExec float64
	// kill stops the server's query id after its caller has gone
	// (killQuery; a test replaces it).
	kill func(id string)
}

var _ warehouse.Engine = (*Engine)(nil)

// Open configures an Engine without connecting, so it succeeds while the
// server is down; only a malformed URL is an error.
func Open(ctx context.Context, o Options) (*Engine, error) {
	_ = ctx // nothing to wait for: connections are made on first use
	opts, err := driverOptions(o)
	if err != nil {
		return nil, err
	}
	maxExec, err := seconds(opts.Settings["max_execution_time"])
	if err != nil {
		return nil, fmt.Errorf("clickhouse open: max_execution_time: %w", err)
	}
	conn, err := chgo.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse open: %w", err)
	}
	e := &Engine{conn: conn, queryID: o.QueryID, maxExec: maxExec}
	e.kill = e.killQuery
	return e, nil
}

// seconds reads a max_execution_time setting, given as a number or text.
func seconds(v any) (float64, error) {
	if v == nil {
		return 0, nil
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%v is not a number of seconds", v)
	}
	return f, nil
}

// driverOptions turns Options into clickhouse-go's, apart from any I/O, so
// the URL handling can be tested without a server.
func driverOptions(o Options) (*chgo.Options, error) {
	scheme, _, ok := strings.Cut(o.URL, "://")
	if !ok {
		return nil, errors.New("clickhouse URL: want clickhouse://user:password@host:9000/database")
	}
	switch strings.ToLower(scheme) {
	case "clickhouse", "tcp", "http", "https":
	default:
		// ParseDSN would take any scheme as the native protocol, so a
		// postgres:// URL pasted by mistake would dial port 9000 of the
		// wrong server instead of failing at startup.
		return nil, fmt.Errorf("clickhouse URL: unsupported scheme %q (want clickhouse, tcp, http or https)", scheme)
	}
	// ParseDSN's errors already mask the password.
	opts, err := chgo.ParseDSN(o.URL)
	if err != nil {
		return nil, fmt.Errorf("clickhouse URL: %w", err)
	}
	if opts.Settings == nil {
		opts.Settings = chgo.Settings{}
	}
	for k, v := range o.Settings {
		opts.Settings[k] = v
	}
	if o.MaxOpenConns > 0 {
		opts.MaxOpenConns = o.MaxOpenConns
	}
	switch {
	case o.DialTimeout > 0:
		opts.DialTimeout = o.DialTimeout
	case opts.DialTimeout == 0:
		opts.DialTimeout = DefaultDialTimeout
	}
	if opts.Protocol == chgo.Native {
		opts.DialContext = dialer(opts.DialTimeout, opts.TLS)
	}
	return opts, nil
}

// dialer returns a dial function that honours the caller's context.
// clickhouse-go's built-in native dial uses net.DialTimeout and ignores the
// context, so a readiness probe with a 1 s deadline would block for the whole
// dial timeout on an unreachable host. Setting DialContext replaces the
// driver's TLS handling too, hence the tls.Dialer.
func dialer(timeout time.Duration, cfg *tls.Config) func(ctx context.Context, addr string) (net.Conn, error) {
	nd := &net.Dialer{Timeout: timeout}
	if cfg == nil {
		return func(ctx context.Context, addr string) (net.Conn, error) {
			return nd.DialContext(ctx, "tcp", addr)
		}
	}
	td := &tls.Dialer{NetDialer: nd, Config: cfg}
	return func(ctx context.Context, addr string) (net.Conn, error) {
		return td.DialContext(ctx, "tcp", addr)
	}
}

// Name implements warehouse.Engine.
func (e *Engine) Name() string { return engineName }

// Capabilities reports no single writer: other postclear processes may
// write to the server's databases at any time.
func (e *Engine) Capabilities() warehouse.Capabilities { return warehouse.Capabilities{} }

// Close closes the pool's connections.
func (e *Engine) Close() error { return e.conn.Close() }

// Ping reports whether a server answers. Every failure, whatever its cause,
// is ENGINE_UNAVAILABLE: that is what /readyz needs to know, and the cause is
// kept for the log.
func (e *Engine) Ping(ctx context.Context) error {
	// clickhouse-go bounds the handshake of a new connection by the dial
	// timeout, not by ctx, so a server that accepts connections but never
	// answers would hold a probe past its deadline. The goroutine left
	// behind ends within the dial timeout.
	done := make(chan error, 1)
	go func() { done <- e.conn.Ping(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	if err != nil {
		return warehouse.Unavailable(engineName, fmt.Errorf("clickhouse ping: %w", err))
	}
	return nil
}

// Query implements warehouse.Engine.
func (e *Engine) Query(ctx context.Context, query string, params warehouse.Params) (warehouse.Rows, error) {
	st, err := e.statement(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("clickhouse query: %w", err)
	}
	rows, err := e.conn.Query(st.ctx, query)
	if err != nil {
		st.end()
		return nil, translate(ctx, "query", err)
	}
	return &resultRows{ctx: ctx, rows: rows, st: st}, nil
}

// Exec implements warehouse.Engine.
func (e *Engine) Exec(ctx context.Context, query string, params warehouse.Params) error {
	st, err := e.statement(ctx, params)
	if err != nil {
		return fmt.Errorf("clickhouse exec: %w", err)
	}
	defer st.end()
	return translate(ctx, "exec", e.conn.Exec(st.ctx, query))
}

// identifier is what Insert accepts as a table or column name: plain
// names, optionally database-qualified. Names come from the code, never from
// users, so this guards against mistakes rather than attacks; it is what
// lets the names go into the SQL text unquoted.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// Insert implements warehouse.Engine with one native batch, so the rows
// travel in ClickHouse's columnar format and arrive as a single insert.
func (e *Engine) Insert(ctx context.Context, table string, columns []string, rows [][]any) (err error) {
	if !identifier.MatchString(table) {
		return fmt.Errorf("clickhouse insert: invalid table name %q", table)
	}
	if len(columns) == 0 {
		return fmt.Errorf("clickhouse insert into %s: no columns", table)
	}
	for _, c := range columns {
		if !identifier.MatchString(c) {
			return fmt.Errorf("clickhouse insert into %s: invalid column name %q", table, c)
		}
	}
	for i, r := range rows {
		if len(r) != len(columns) {
			return fmt.Errorf("clickhouse insert into %s: row %d has %d values for %d columns", table, i, len(r), len(columns))
		}
		for j, v := range r {
			if !insertable(v) {
				return fmt.Errorf("clickhouse insert into %s: row %d, column %s: unsupported value type %T", table, i, columns[j], v)
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}

	st, err := e.statement(ctx, nil)
	if err != nil {
		return fmt.Errorf("clickhouse insert into %s: %w", table, err)
	}
	defer st.end()
	op := "insert into " + table
	batch, err := e.conn.PrepareBatch(st.ctx, "INSERT INTO "+table+" ("+strings.Join(columns, ", ")+")")
	if err != nil {
		return translate(ctx, op, err)
	}
	// Close aborts the insert and releases the connection when Append fails
	// part-way; after Send it does nothing.
	defer batch.Close()

	vals := make([]any, len(columns))
	for i, r := range rows {
		for j, v := range r {
			vals[j] = driverValue(v)
		}
		if err := batch.Append(vals...); err != nil {
			return translate(ctx, fmt.Sprintf("%s, row %d", op, i), err)
		}
	}
	return translate(ctx, op, batch.Send())
}

// insertable reports whether v is one of the value types warehouse.Engine
// promises to store. clickhouse-go alone would accept more ([]byte or nil
// into a String column, anything with a String method), and then this engine
// would store rows the embedded one refuses.
func insertable(v any) bool {
	switch v.(type) {
	case string, time.Time, int64, uint64, int, uint8, uint32, float64, bool, postclear.Decimal:
		return true
	}
	return false
}

// driverValue converts the warehouse's value types into ones clickhouse-go's
// columns accept; the rest it takes as they are.
func driverValue(v any) any {
	switch x := v.(type) {
	case postclear.Decimal:
		// A Decimal column appends shopspring decimals (or strings, which
		// would be parsed again). units × 10⁻⁶ is exact, whatever the
		// column's scale.
		return decimal.New(x.Units(), -postclear.DecimalScale)
	case time.Time:
		// A DateTime column stores seconds since the epoch either way; UTC
		// keeps what the embedded engine and this one store identical.
		return x.UTC()
	default:
		return v
	}
}

// statement is one statement's context for clickhouse-go: its server-side
// {name:Type} parameters, its query ID and its settings.
type statement struct {
	ctx context.Context
	id  string
	// end releases the statement: when its caller's context ended while
	// it ran, the server is told to stop it.
	end func()
}

// statement prepares the context of one statement under ctx.
//
// Every statement runs under max_execution_time, the configured one or
// what remains of ctx's deadline when sooner, so the server stops a
// statement whose caller has gone even where a cancel does not reach it.
// clickhouse-go would set max_execution_time to the deadline plus 5 s by
// itself, overriding a smaller configured limit, so the context it gets
// has no deadline of its own: it is cancelled when ctx ends instead,
// which makes clickhouse-go send the native protocol's Cancel. And since a
// cancel is not always enough (the HTTP interface ignores a closed
// connection unless cancel_http_readonly_queries_on_client_close is set),
// end then kills the query by its ID (KILL QUERY … ASYNC).
func (e *Engine) statement(ctx context.Context, params warehouse.Params) (*statement, error) {
	var opts []chgo.QueryOption
	if len(params) > 0 {
		formatted, err := params.Format()
		if err != nil {
			return nil, err
		}
		opts = append(opts, chgo.WithParameters(formatted))
	}
	id := ""
	if e.queryID != nil {
		id = e.queryID(ctx)
	}
	if id == "" {
		var b [12]byte
		rand.Read(b[:])
		id = "postclear-" + hex.EncodeToString(b[:])
	}
	opts = append(opts, chgo.WithQueryID(id))
	if limit, ok := e.limit(ctx); ok {
		opts = append(opts, chgo.WithSettings(chgo.Settings{"max_execution_time": limit}))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	st := &statement{ctx: chgo.Context(qctx, opts...), id: id}
	st.end = func() {
		stopped := !stop() // ctx ended, so qctx was cancelled
		cancel()
		if stopped {
			e.kill(id)
		}
	}
	return st, nil
}

// limit returns the max_execution_time of a statement under ctx, when it
// must be set: what remains of ctx's deadline, in whole milliseconds, when
// sooner than the configured limit.
func (e *Engine) limit(ctx context.Context) (string, bool) {
	d, ok := ctx.Deadline()
	if !ok {
		return "", false
	}
	left := math.Max(math.Ceil(time.Until(d).Seconds()*1000)/1000, 0.001)
	if e.maxExec != 0 && e.maxExec <= left {
		return "", false
	}
	return strconv.FormatFloat(left, 'f', -1, 64), true
}

// killQuery asks the server to stop the query id and its parts on other
// shards (initial_query_id), without waiting for them to stop.
func (e *Engine) killQuery(id string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.conn.Exec(chgo.Context(ctx, chgo.WithParameters(map[string]string{"id": id})),
			"KILL QUERY WHERE initial_query_id = {id:String} ASYNC")
	}()
}

// resultRows adapts driver.Rows to warehouse.Rows, translating errors that
// arrive while streaming (a server exception or a dropped connection can come
// after the first block).
type resultRows struct {
	ctx  context.Context
	rows driver.Rows
	st   *statement
}

func (r *resultRows) Next() bool        { return r.rows.Next() }
func (r *resultRows) Columns() []string { return r.rows.Columns() }
func (r *resultRows) Err() error        { return translate(r.ctx, "query", r.rows.Err()) }

func (r *resultRows) Close() error {
	err := translate(r.ctx, "query", r.rows.Close())
	r.st.end()
	return err
}

// Scan errors are a mismatch between the SQL and the destination types, a
// fault of ours, so they keep clickhouse-go's message and no user code.
func (r *resultRows) Scan(dest ...any) error {
	if err := r.rows.Scan(dest...); err != nil {
		return fmt.Errorf("clickhouse scan: %w", err)
	}
	return nil
}
