package auth

import (
	"encoding/json"
	"net/http"

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

// Guard is Middleware with rate limiting by l (none when l is nil):
// an authenticated request is limited per principal; a request that is not
// authenticated is limited per client IP, whether authentication is off
// (every caller is LocalPrincipal, so the IP is all that tells them apart)
// or its credential failed. A client whose IP bucket is empty is refused
// before its credential is even checked, so guessing credentials, or
// flooding the server with bad ones, is limited like any other request.
func (a *Authenticator) Guard(l *RateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := "ip:" + clientIP(r)
		if l != nil && l.limited(w, ip, false) {
			return
		}
		p, key := LocalPrincipal, ip
		if a.Enabled() {
			var err error
			p, err = a.Authenticate(r.Context(), r.Header.Get("Authorization"))
			if err != nil {
				if l != nil {
					l.Allow(ip) // a failed credential costs its IP a token
				}
				w.Header().Set("WWW-Authenticate", "Bearer")
				writeError(w, http.StatusUnauthorized, EUnauthenticated, postclear.ErrorMessage(err))
				return
			}
			key = "sub:" + p.Subject
		}
		if l != nil && l.limited(w, key, true) {
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
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
