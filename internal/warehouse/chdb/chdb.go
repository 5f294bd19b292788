// Package chdb is the embedded engine: ClickHouse running inside the
// postclear process as the shared library libchdb, bound through purego
// (no cgo) and loaded only when Open is called, so that a binary configured
// for a ClickHouse server starts without the library.
//
// The library holds one engine per process. Every Engine this package
// returns shares one process-wide connection to it; Open with a different
// data directory while that connection is open is an error.
package chdb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	chproto "github.com/ClickHouse/clickhouse-go/v2/lib/proto"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

// Options configure Open.
type Options struct {
	// LibPath is libchdb's path. Empty means POSTCLEAR_CHDB_LIB, then
	// CHDB_LIB_PATH, then $XDG_CACHE_HOME/postclear/chdb/VERSION/libchdb.so
	// (~/.cache when XDG_CACHE_HOME is unset), where `make chdb` puts it.
	LibPath string
	// DataDir is the directory the engine keeps its databases in; it is
	// created if missing. Empty means an in-memory engine whose data is
	// gone when the process ends.
	DataDir string
	// Settings are ClickHouse settings (e.g. max_execution_time) applied
	// to the connection, and so to every query.
	Settings map[string]string
}

// Engine is a handle on the process-wide embedded engine. It is safe for
// concurrent use; the engine runs one statement at a time.
type Engine struct {
	s      *session
	closed atomic.Bool
}

var _ warehouse.Engine = (*Engine)(nil)

// session is the process's one connection to the engine.
type session struct {
	lib *lib
	// connp is what chdb_connect returned (a chdb_connection*), needed to
	// close; conn is the chdb_connection the query functions take.
	connp, conn unsafe.Pointer
	dataDir     string
	settings    map[string]string
	refs        int

	// turn serialises statements. The engine runs one statement per
	// connection at a time anyway; a channel rather than a mutex lets a
	// caller waiting its turn give up when its context ends.
	turn chan struct{}

	// maxExec is the max_execution_time of Options.Settings in seconds
	// (0: none), and curExec the one in force on the connection now,
	// guarded by turn (see bound).
	maxExec, curExec float64
}

var (
	// mu guards current and loaded.
	mu      sync.Mutex
	current *session
	// loaded is the library once dlopened: it is never unloaded, since
	// ClickHouse's threads and globals outlive any connection.
	loaded     *lib
	loadedPath string
)

// identifier is what Insert accepts as a table or column name, and Open as
// a setting name: plain names, optionally qualified with dots.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// codeName matches the symbolic error name ending an engine message.
var codeName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// Open returns a handle on the embedded engine, starting it on first use.
// A second Open while the engine is open shares it, provided it asks for
// the same data directory and settings.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dataDir := opts.DataDir
	if dataDir != "" {
		abs, err := filepath.Abs(dataDir)
		if err != nil {
			return nil, fmt.Errorf("chdb open: data directory: %w", err)
		}
		dataDir = abs
	}
	for name := range opts.Settings {
		if !identifier.MatchString(name) {
			return nil, fmt.Errorf("chdb open: invalid setting name %q", name)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if s := current; s != nil {
		if s.dataDir != dataDir {
			return nil, fmt.Errorf("chdb open: the embedded engine is already open on %s; one process holds one engine, so it cannot also open %s",
				describeDir(s.dataDir), describeDir(dataDir))
		}
		if !maps.Equal(s.settings, opts.Settings) {
			return nil, errors.New("chdb open: the embedded engine is already open with other settings; settings apply to the whole process")
		}
		s.refs++
		return &Engine{s: s}, nil
	}

	l, err := loadOnce(opts.LibPath)
	if err != nil {
		if errors.Is(err, errNotFound) {
			return nil, &postclear.Error{
				Code:    postclear.EUnavailable,
				Message: "the embedded engine library (libchdb) is missing: run `make chdb`, or set POSTCLEAR_CHDB_LIB to its path",
				Err:     err,
			}
		}
		return nil, warehouse.Unavailable("chdb", err)
	}
	args := []string{"clickhouse"}
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, warehouse.Unavailable("chdb", fmt.Errorf("chdb open: %w", err))
		}
		if err := checkNotLocked(dataDir); err != nil {
			return nil, err
		}
		args = append(args, "--path="+dataDir)
	}
	connp, err := l.connectKeepingSignals(args)
	if err != nil {
		return nil, warehouse.Unavailable("chdb", err)
	}
	maxExec, err := seconds(opts.Settings["max_execution_time"])
	if err != nil {
		l.closeConn(connp)
		return nil, fmt.Errorf("chdb open: max_execution_time: %w", err)
	}
	s := &session{
		lib:      l,
		connp:    connp,
		conn:     *(*unsafe.Pointer)(connp),
		dataDir:  dataDir,
		settings: maps.Clone(opts.Settings),
		refs:     1,
		turn:     make(chan struct{}, 1),
		maxExec:  maxExec,
		curExec:  maxExec,
	}
	// libchdb 26.5 ignores settings passed to chdb_connect as --name=value
	// arguments (clickhouse-local's syntax): getSetting shows them
	// unchanged. SET on the connection lasts for the connection's life.
	for _, name := range slices.Sorted(maps.Keys(opts.Settings)) {
		q := "SET " + name + " = " + warehouse.QuoteString(opts.Settings[name])
		// Without ctx's deadline, which bound would otherwise apply
		// before the settings are in force.
		if err := s.exec(context.WithoutCancel(ctx), q, nil); err != nil {
			l.closeConn(connp)
			return nil, fmt.Errorf("chdb open: setting %s: %w", name, err)
		}
	}
	current = s
	return &Engine{s: s}, nil
}

// checkNotLocked refuses a data directory another process holds. The
// engine locks DIR/status itself, but its refusal only reaches the process's
// stderr and chdb_connect returns a bare failure; asking first gives the
// user a message that says what to do.
func checkNotLocked(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, "status"), os.O_RDONLY, 0)
	if err != nil {
		return nil // no status file yet: nobody has opened the directory
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return &postclear.Error{
			Code: postclear.EUnavailable,
			Message: "the data directory " + dir + " is in use by another process (a running postclear server?): " +
				"stop it, or send the records to that server through the ingest mutations",
			Err: err,
		}
	}
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

func describeDir(dir string) string {
	if dir == "" {
		return "memory"
	}
	return dir
}

func loadOnce(path string) (*lib, error) {
	if path == "" {
		path = defaultLibPath()
	}
	if loaded != nil {
		if path != loadedPath {
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("load libchdb: %w at %s", errNotFound, path)
			}
			return nil, fmt.Errorf("load libchdb: %s is already loaded; cannot also load %s", loadedPath, path)
		}
		return loaded, nil
	}
	l, err := load(path)
	if err != nil {
		return nil, err
	}
	loaded, loadedPath = l, path
	return l, nil
}

// Name reports "chdb".
func (e *Engine) Name() string { return "chdb" }

// Capabilities reports a single writer: the engine locks its data
// directory to this process, so nothing else writes to its databases;
// and serial statements: its one session runs one at a time.
func (e *Engine) Capabilities() warehouse.Capabilities {
	return warehouse.Capabilities{SingleWriter: true, Serial: true}
}

// Close releases this handle; the last handle to close closes the
// connection, after which Open may start the engine again (on another
// data directory, too). Close is idempotent.
func (e *Engine) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	s := e.s
	s.refs--
	if s.refs > 0 {
		return nil
	}
	// Wait for a running statement: closing under it would free the
	// connection it uses. Every statement is bounded (max_execution_time,
	// and the caller's deadline), but a stopping process must not wait
	// for the longest one: after CloseWait the connection is left open,
	// for the process's exit to end, as a crash would (parts being
	// written are discarded when the engine next opens the directory).
	select {
	case s.turn <- struct{}{}:
	case <-time.After(CloseWait):
		return errors.New("chdb close: a statement is still running; the connection is left to the end of the process")
	}
	s.lib.closeConn(s.connp)
	s.conn = nil
	current = nil
	<-s.turn
	return nil
}

// CloseWait is how long Close waits for a running statement to end.
var CloseWait = 2 * time.Second

func (e *Engine) session() (*session, error) {
	if e.closed.Load() {
		return nil, errors.New("chdb: engine is closed")
	}
	return e.s, nil
}

// Ping runs SELECT 1.
func (e *Engine) Ping(ctx context.Context) error {
	s, err := e.session()
	if err != nil {
		return fmt.Errorf("chdb ping: %w", err)
	}
	if err := s.exec(ctx, "SELECT 1", nil); err != nil {
		return fmt.Errorf("chdb ping: %w", err)
	}
	return nil
}

// Exec runs a statement and discards any output.
func (e *Engine) Exec(ctx context.Context, query string, params warehouse.Params) error {
	s, err := e.session()
	if err != nil {
		return fmt.Errorf("chdb exec: %w", err)
	}
	if err := s.exec(ctx, query, params); err != nil {
		return fmt.Errorf("chdb exec: %w", err)
	}
	return nil
}

// Query runs a statement and returns its rows, read from the engine's
// Native output with clickhouse-go's column types so that scanning behaves
// exactly as it does on a ClickHouse server.
func (e *Engine) Query(ctx context.Context, query string, params warehouse.Params) (warehouse.Rows, error) {
	s, err := e.session()
	if err != nil {
		return nil, fmt.Errorf("chdb query: %w", err)
	}
	res, err := s.query(ctx, query, "Native", params)
	if err != nil {
		return nil, fmt.Errorf("chdb query: %w", err)
	}
	return newRows(s.lib, res), nil
}

func (s *session) exec(ctx context.Context, query string, params warehouse.Params) error {
	// The Null format makes the engine skip serialising any output.
	res, err := s.query(ctx, query, "Null", params)
	if err != nil {
		return err
	}
	s.lib.destroy(res)
	return nil
}

// query runs one statement and returns its result, which the caller must
// destroy. A context that is already done stops the statement from
// starting. The C API cannot cancel a running statement (only a streamed
// one, between blocks), so the statement runs under max_execution_time
// set to what remains of ctx's deadline when that is sooner than
// Options.Settings' (bound): the engine itself stops it when the caller
// has gone.
func (s *session) query(ctx context.Context, query, format string, params warehouse.Params) (unsafe.Pointer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	values, err := params.Format()
	if err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(values))
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = values[k]
	}
	names, args := newCStrings(keys), newCStrings(vals)
	q, f := cString(query), cString(format)

	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	var res unsafe.Pointer
	if s.conn != nil {
		if err := s.bound(ctx); err != nil {
			<-s.turn
			return nil, err
		}
		res = s.lib.queryParams(s.conn, &q[0], &f[0], names.ptr(), args.ptr(), uintptr(len(keys)))
	}
	<-s.turn
	runtime.KeepAlive(names)
	runtime.KeepAlive(args)
	runtime.KeepAlive(q)
	runtime.KeepAlive(f)
	return s.check(res)
}

// bound sets the connection's max_execution_time for the next statement:
// the configured limit, or what remains of ctx's deadline when sooner.
// The caller holds the turn. SET lasts for the connection, so it is sent
// only when the limit changes (every statement of a request with a
// deadline, none of a load without one); it costs well under a
// millisecond.
func (s *session) bound(ctx context.Context) error {
	limit := s.maxExec
	if d, ok := ctx.Deadline(); ok {
		left := time.Until(d).Seconds()
		if left <= 0 {
			return context.DeadlineExceeded
		}
		// Whole milliseconds, at least one.
		left = math.Ceil(left*1000) / 1000
		if limit == 0 || left < limit {
			limit = left
		}
	}
	if limit == s.curExec {
		return nil
	}
	q := cString("SET max_execution_time = " + strconv.FormatFloat(limit, 'f', -1, 64))
	f := cString("Null")
	none := newCStrings(nil)
	res, err := s.check(s.lib.queryParams(s.conn, &q[0], &f[0], none.ptr(), none.ptr(), 0))
	runtime.KeepAlive(q)
	runtime.KeepAlive(f)
	runtime.KeepAlive(none)
	if err != nil {
		return fmt.Errorf("bound the statement's run time: %w", err)
	}
	s.lib.destroy(res)
	s.curExec = limit
	return nil
}

// seconds parses a ClickHouse seconds setting ("" is 0, no limit).
func seconds(v string) (float64, error) {
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number of seconds", v)
	}
	return f, nil
}

// wait takes the connection's turn, or gives up when ctx ends.
func (s *session) wait(ctx context.Context) error {
	select {
	case s.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// check turns a result carrying an engine error into a Go error (and
// destroys it).
func (s *session) check(res unsafe.Pointer) (unsafe.Pointer, error) {
	if res == nil {
		return nil, errors.New("the engine returned no result (connection closed?)")
	}
	if msg := s.lib.resultError(res); msg != nil {
		err := parseException(goString(msg))
		s.lib.destroy(res)
		if exc, ok := err.(*chproto.Exception); ok {
			if classified := warehouse.ClassifyException("chdb", exc.Code, err); classified != nil {
				return nil, classified
			}
		}
		return nil, err
	}
	return res, nil
}

// parseException turns the engine's message, "Code: 62. DB::Exception:
// Syntax error: … (SYNTAX_ERROR)", into the error type clickhouse-go
// returns for server errors, so that callers can inspect errors from both
// engines the same way (errors.As with *clickhouse.Exception).
func parseException(msg string) error {
	msg = strings.TrimSpace(msg)
	exc := &chproto.Exception{Name: "DB::Exception", Message: msg}
	rest, ok := strings.CutPrefix(msg, "Code: ")
	if !ok {
		return exc
	}
	num, rest, ok := strings.Cut(rest, ". ")
	if !ok {
		return exc
	}
	var code int32
	if _, err := fmt.Sscan(num, &code); err != nil {
		return exc
	}
	exc.Code = code
	if name, text, ok := strings.Cut(rest, ": "); ok && strings.HasSuffix(name, "Exception") {
		exc.Name, exc.Message = name, text
	}
	if i := strings.LastIndexByte(exc.Message, '('); i >= 0 && strings.HasSuffix(exc.Message, ")") {
		if name := exc.Message[i+1 : len(exc.Message)-1]; codeName.MatchString(name) {
			exc.CodeName = name
		}
	}
	return exc
}
