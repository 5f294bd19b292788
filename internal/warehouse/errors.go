package warehouse

import "github.com/postclear/postclear/internal/postclear"

// ClickHouse error codes that mean something to a user rather than a fault
// of ours (ClickHouse's src/Common/ErrorCodes.cpp). Both engines raise them.
const (
	codeTooManyRows              = 158
	codeTimeoutExceeded          = 159
	codeTooSlow                  = 160 // the engine predicts max_execution_time will be exceeded
	codeTooManySimultaneous      = 202
	codeSocketTimeout            = 209 // between servers of a cluster
	codeNetworkError             = 210 // between servers of a cluster
	codeMemoryLimitExceeded      = 241
	codeAllConnectionTriesFailed = 279 // a Distributed query reached no replica of a shard
	codeTooManyBytes             = 307
	codeTooManyRowsOrBytes       = 396
	codeAuthenticationFailed     = 516
)

// Messages users see; the engine's own text stays in the cause, for the log.
const (
	msgTimeout        = "the query took longer than allowed; narrow the filters or the date range"
	msgMemory         = "the query needs more memory than the engine allows; narrow the filters or the date range"
	msgResultTooLarge = "the query reads or returns more data than the engine allows; narrow the filters or the date range"
)

// ClassifyException turns an engine exception code into the error users
// see, keeping err as the cause: the engine's limits (max_execution_time,
// max_memory_usage, result limits) are TIMEOUT and TOO_LARGE with a
// message a user can act on, and a server that answers but cannot serve
// is ENGINE_UNAVAILABLE. It returns nil for any other code: that error is
// ours (the SQL is ours) and stays internal.
func ClassifyException(engine string, code int32, err error) error {
	switch code {
	case codeTimeoutExceeded, codeTooSlow:
		return Timeout(err)
	case codeMemoryLimitExceeded:
		return &postclear.Error{Code: postclear.ETooLarge, Message: msgMemory, Err: err}
	case codeTooManyRows, codeTooManyBytes, codeTooManyRowsOrBytes:
		return &postclear.Error{Code: postclear.ETooLarge, Message: msgResultTooLarge, Err: err}
	case codeTooManySimultaneous, codeSocketTimeout, codeNetworkError,
		codeAllConnectionTriesFailed, codeAuthenticationFailed:
		// The server answered but cannot serve: busy, a shard
		// unreachable, or our credentials refused. None is the query's
		// fault, and /readyz should say so.
		return Unavailable(engine, err)
	}
	return nil
}

// Timeout is the error of a query stopped for taking too long.
func Timeout(err error) error {
	return &postclear.Error{Code: postclear.ETimeout, Message: msgTimeout, Err: err}
}
