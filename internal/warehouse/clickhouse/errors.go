package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	chgo "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/postclear/postclear/internal/postclear"
	"github.com/postclear/postclear/internal/warehouse"
)

const engineName = "clickhouse"

// translate turns an error from clickhouse-go into the application's error:
// the server unreachable is ENGINE_UNAVAILABLE, the server's time and memory
// limits are TIMEOUT and TOO_LARGE with a message a user can act on, and
// anything else keeps its cause behind the operation's name (an INTERNAL
// error: the SQL is ours). ctx is the caller's context, consulted to tell the
// caller's deadline from a server that stopped answering.
func translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *postclear.Error
	if errors.As(err, &pe) {
		return err
	}
	wrapped := fmt.Errorf("clickhouse %s: %w", op, err)

	var ex *chgo.Exception
	if errors.As(err, &ex) {
		if classified := warehouse.ClassifyException(engineName, ex.Code, wrapped); classified != nil {
			return classified
		}
		return wrapped
	}

	// A dial failure is the server being unreachable even when the
	// caller's deadline is what ended the attempt.
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return warehouse.Unavailable(engineName, wrapped)
	}
	// Past the caller's deadline, a read that timed out or a context error
	// means the query was too slow for the request, not that the server
	// is gone. clickhouse-go sets the deadline server-side too
	// (max_execution_time), so the server stops as well.
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return warehouse.Timeout(wrapped)
	}
	if ctx.Err() != nil {
		// The caller went away; keep context.Canceled findable with
		// errors.Is so the edge can treat it as such.
		return wrapped
	}
	if unreachable(err) {
		return warehouse.Unavailable(engineName, wrapped)
	}
	return wrapped
}

// unreachable reports whether err says the connection to the server could
// not be made or was lost.
func unreachable(err error) bool {
	switch {
	case errors.Is(err, chgo.ErrAcquireConnTimeout), // pool full or dial too slow
		errors.Is(err, chgo.ErrAcquireConnNoAddress),
		errors.Is(err, chgo.ErrConnectionClosed),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return true
	}
	// Any other network error (DNS failure, read timeout with no caller
	// deadline) also means the server cannot be used right now.
	var ne net.Error
	return errors.As(err, &ne)
}
