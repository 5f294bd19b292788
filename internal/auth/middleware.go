package auth

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// LocalPrincipal is who every request is when authentication is disabled.
// It is an administrator because the only user of an open server is the
// operator on the same machine; the server must refuse to run open on
// anything but a loopback address (see LoopbackOnly).
var LocalPrincipal = Principal{Subject: "local", Role: RoleAdmin}

// Middleware authenticates each request from its Authorization header and
// stores the principal in the request context (see FromContext). A request
// without a valid credential gets 401 with a WWW-Authenticate challenge
// and a GraphQL-shaped error body, and never reaches next. When a is not
// Enabled, every request runs as LocalPrincipal.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return a.Guard(nil, next)
}

// Guard is Middleware with rate limiting by l (none when l is nil), as
// Admit decides: a request refused for its credential gets 401 with a
// WWW-Authenticate challenge, one over its rate 429 with Retry-After.
func (a *Authenticator) Guard(l *RateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, wait, err := a.Admit(r.Context(), l, ClientIP(r), r.Header.Get("Authorization"))
		switch {
		case err == nil:
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		case wait > 0:
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
			writeError(w, http.StatusTooManyRequests, ERateLimited, postclear.ErrorMessage(err))
		default:
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeError(w, http.StatusUnauthorized, EUnauthenticated, postclear.ErrorMessage(err))
		}
	})
}

// Admit decides whether a client at ip presenting authorization (an
// Authorization header value, empty for none) is let in, and as whom; every
// way in (HTTP requests, the WebSocket's connection_init) goes through it.
// With rate limiting by l (none when nil), an authenticated client is
// limited per principal; one that is not authenticated is limited per IP,
// whether authentication is off (every caller is LocalPrincipal, so the
// IP is all that tells them apart) or its credential failed. A client
// whose IP bucket is empty is refused before its credential is even
// checked, so guessing credentials, or flooding the server with bad ones,
// is limited like any other request.
//
// A refusal is a *postclear.Error: ERateLimited with the wait until a
// token is there (> 0), or EUnauthenticated (wait 0).
func (a *Authenticator) Admit(ctx context.Context, l *RateLimiter, ip, authorization string) (p Principal, wait time.Duration, err error) {
	ipKey := "ip:" + ip
	if l != nil {
		if ok, wait := l.check(ipKey, false); !ok {
			return Principal{}, wait, rateLimited(wait)
		}
	}
	p, key := LocalPrincipal, ipKey
	if a.Enabled() {
		if p, err = a.Authenticate(ctx, authorization); err != nil {
			if l != nil {
				l.Allow(ipKey) // a failed credential costs its IP a token
			}
			return Principal{}, 0, err
		}
		key = "sub:" + p.Subject
	}
	if l != nil {
		if ok, wait := l.Allow(key); !ok {
			return Principal{}, wait, rateLimited(wait)
		}
	}
	return p, 0, nil
}

func rateLimited(wait time.Duration) error {
	return postclear.Errorf(ERateLimited, "rate limit exceeded; retry after %ds", retryAfterSeconds(wait))
}

// retryAfterSeconds is a wait in whole seconds, at least one.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// writeError answers in the shape a GraphQL client already parses, so an
// authentication or rate-limit failure shows up like any other error.
func writeError(w http.ResponseWriter, status int, code, message string) {
	type extensions struct {
		Code string `json:"code"`
	}
	type gqlError struct {
		Message    string     `json:"message"`
		Extensions extensions `json:"extensions"`
	}
	body, _ := json.Marshal(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{message, extensions{code}}}})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
