// Package alert announces target breaches between quarters (docs/mou.md,
// "Target breaches"; docs/operations.md, "Target-breach alerts"): a
// Checker compares each check of the active MoUs' targets with what was
// announced before and posts one message per new breach and per recovery
// to a webhook, signed with HMAC-SHA256 and retried with backoff.
package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// The headers of a webhook request.
const (
	// HeaderSignature is "sha256=" and the hex HMAC-SHA256, keyed with the
	// secret, of the timestamp header's value, a ".", and the body.
	HeaderSignature = "X-Postclear-Signature"
	// HeaderTimestamp is the Unix time, in seconds, the request was sent
	// at (each attempt has its own); a receiver refuses old ones, so that
	// a captured request cannot be replayed later.
	HeaderTimestamp = "X-Postclear-Timestamp"
	// HeaderDelivery identifies the message, the same in every attempt,
	// so that a receiver can drop a message it got twice (an attempt that
	// timed out after it arrived).
	HeaderDelivery = "X-Postclear-Delivery"
	// HeaderEvent is "breach" or "recovery".
	HeaderEvent = "X-Postclear-Event"
)

// Sign returns the signature header's value for body sent at timestamp
// (HeaderTimestamp's value).
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is body's at timestamp under secret,
// and timestamp is within maxAge of now: what a receiver checks.
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, maxAge time.Duration) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if age := now.Sub(time.Unix(sec, 0)); age > maxAge || age < -maxAge {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// Defaults of a Webhook.
const (
	DefaultAttempts = 6
	DefaultBaseWait = time.Second
	DefaultMaxWait  = 30 * time.Second
	DefaultTimeout  = 10 * time.Second
)

// Webhook posts messages to URL.
type Webhook struct {
	URL string
	// Secret, when set, signs every request (HeaderSignature).
	Secret []byte
	// Client sends the requests; nil means one with DefaultTimeout.
	Client *http.Client
	// Attempts bounds the tries of one message (DefaultAttempts when 0).
	Attempts int
	// BaseWait and MaxWait shape the pauses between tries: the n-th pause
	// is BaseWait·2^(n−1), at most MaxWait, of which a random half is
	// taken away (jitter, so that many senders do not retry in step); a
	// Retry-After header of the receiver, up to MaxWait, is used instead.
	BaseWait, MaxWait time.Duration
	// Sleep waits d or until ctx is done; nil means a timer. Tests
	// replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now stamps the requests; nil means time.Now.
	Now func() time.Time
}

// PermanentError is a refusal that retrying cannot change: the receiver
// answered 4xx (other than 408 and 429).
type PermanentError struct{ Status int }

func (e *PermanentError) Error() string {
	return fmt.Sprintf("the webhook refused the message with HTTP %d", e.Status)
}

// Send posts body (JSON) as one message of kind event, trying again after
// a network error, a timeout, HTTP 5xx, 408 or 429, up to Attempts times.
// It returns nil once the receiver answered 2xx.
func (w *Webhook) Send(ctx context.Context, event string, body []byte) error {
	var id [16]byte
	rand.Read(id[:])
	delivery := hex.EncodeToString(id[:])
	attempts := w.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	var last error
	for n := 1; ; n++ {
		retryAfter, err := w.try(ctx, event, delivery, body)
		if err == nil {
			return nil
		}
		if _, permanent := err.(*PermanentError); permanent {
			return err
		}
		last = err
		if n == attempts {
			return fmt.Errorf("webhook: %d attempts failed, the last: %w", attempts, last)
		}
		if err := w.sleep(ctx, w.wait(n, retryAfter)); err != nil {
			return fmt.Errorf("webhook: %w (after: %v)", err, last)
		}
	}
}

// try sends one attempt; it returns the receiver's Retry-After, if any.
func (w *Webhook) try(ctx context.Context, event, delivery string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, &PermanentError{}
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "postclear-alerts")
	req.Header.Set(HeaderEvent, event)
	req.Header.Set(HeaderDelivery, delivery)
	req.Header.Set(HeaderTimestamp, ts)
	if len(w.Secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: DefaultTimeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return 0, nil
	case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500:
		var after time.Duration
		if sec, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && sec > 0 {
			after = time.Duration(sec) * time.Second
		}
		return after, fmt.Errorf("HTTP %d", s)
	default:
		return 0, &PermanentError{Status: s}
	}
}

// wait is the pause after the n-th failed attempt.
func (w *Webhook) wait(n int, retryAfter time.Duration) time.Duration {
	base, maxWait := w.BaseWait, w.MaxWait
	if base <= 0 {
		base = DefaultBaseWait
	}
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	if retryAfter > 0 {
		return min(retryAfter, maxWait)
	}
	d := min(base<<(n-1), maxWait)
	if d <= 0 { // shifted out of range
		d = maxWait
	}
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

func (w *Webhook) sleep(ctx context.Context, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
