package report

import "time"

// SetRetryWait shortens the pause between attempts of e for tests.
func SetRetryWait(e *Evaluator, wait func(n int) time.Duration) { e.retryWait = wait }
