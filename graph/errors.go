package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/postclear/postclear/internal/postclear"
)

// fail makes every resolver error a *postclear.Error: application errors
// pass through, anything else (an engine fault, a bug) becomes an internal
// error whose cause is logged, never shown. So the presenter can tell
// resolver errors from gqlgen's own input errors.
func (r *Resolver) fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *postclear.Error
	if errors.As(err, &pe) {
		return err
	}
	return &postclear.Error{Code: postclear.EInternal, Message: "internal error", Err: fmt.Errorf("%s: %w", op, err)}
}

// presentError shapes every error users see: a clear message and a code in
// extensions.code; internal details (SQL, paths, stacks) only in the log.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var pe *postclear.Error
		if errors.As(err, &pe) {
			gqlErr.Message = postclear.ErrorMessage(pe)
			if pe.Code == postclear.EInternal {
				gqlErr.Message = "internal error"
				logger.ErrorContext(ctx, "request failed", "path", gqlErr.Path.String(), "cause", pe.Err)
			}
			if pe.Code == postclear.EUnavailable || pe.Code == postclear.ETimeout {
				logger.WarnContext(ctx, "request failed", "path", gqlErr.Path.String(), "code", pe.Code, "cause", pe.Err)
			}
			setCode(gqlErr, pe.Code)
			return gqlErr
		}
		// Not from a resolver: gqlgen's parsing, validation or argument
		// coercion (a malformed Date, an unknown enum value). The message
		// names the argument and is safe to show, except that gqlgen
		// quotes a whole body it cannot decode as JSON: only its start is.
		if msg, body, ok := strings.Cut(gqlErr.Message, " body:"); ok && strings.HasPrefix(msg, undecodableBody) {
			gqlErr.Message = msg + "; the body begins " + strconv.Quote(postclear.Cut(body, quotedBodyBytes))
		}
		if _, ok := gqlErr.Extensions["code"]; !ok {
			setCode(gqlErr, postclear.EInvalid)
		}
		return gqlErr
	}
}

// undecodableBody starts gqlgen's message for a POST body that is not
// JSON; quotedBodyBytes is how much of the body the message keeps.
const (
	undecodableBody = "json request body could not be decoded"
	quotedBodyBytes = 64
)

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

// recoverPanic keeps the server alive when a resolver panics (the chDB
// signal-handler fix in package chdb is what makes a Go nil dereference a
// panic rather than a crash) and reports an internal error.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &postclear.Error{Code: postclear.EInternal, Message: "internal error"}
	}
}
