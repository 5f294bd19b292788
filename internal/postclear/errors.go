package postclear

import (
	"errors"
	"fmt"
)

// Error codes, shown to GraphQL users as extensions.code.
const (
	EInvalid     = "BAD_USER_INPUT"     // the caller's input breaks a rule
	ENotFound    = "NOT_FOUND"          // the named thing does not exist
	EConflict    = "CONFLICT"           // the change contradicts stored state
	EUnavailable = "ENGINE_UNAVAILABLE" // the engine cannot be reached
	ETooLarge    = "TOO_LARGE"          // a request exceeds a configured limit
	EForbidden   = "FORBIDDEN"          // the caller may not see or do this
	ETimeout     = "TIMEOUT"            // the work took longer than allowed
	EInternal    = "INTERNAL"           // a fault of ours; details only in the log
)

// Error is the application error every adapter translates into. Message is
// safe to show to a user; the wrapped cause is for logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EInternal
	}
}

// ErrorMessage returns the user-facing message of err: the message of its
// first *Error, or a generic text for internal errors so that no SQL, path
// or stack reaches a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// FieldError says why one record was rejected: which record (Index counts
// from 0 within a GraphQL list; Line counts from 1 within a file, header
// included), which field, and why.
type FieldError struct {
	Index   int    `json:"index"`
	Line    int    `json:"line,omitempty"`
	File    string `json:"file,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string {
	where := fmt.Sprintf("record %d", e.Index)
	if e.Line > 0 {
		where = fmt.Sprintf("line %d", e.Line)
		if e.File != "" {
			where = fmt.Sprintf("%s:%d", e.File, e.Line)
		}
	}
	if e.Field == "" {
		return where + ": " + e.Message
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Field, e.Message)
}

// Wrap names the operation in *errp, keeping the cause (and so the code
// of a *Error in it), when *errp is not nil. It is meant to be deferred
// at the top of a function with a named error result:
//
//	defer postclear.Wrap(&err, "evaluate MoU %s %s", id, quarter)
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
