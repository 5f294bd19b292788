// Package auth authenticates callers of the postclear server and says what
// they may do. Two agencies share one server, and it holds enforcement data,
// so every request carries a credential: a JWT (HS256 with a shared secret,
// or RS256/ES256 with public keys from a JWKS file) or a static API key
// whose hash is listed in a keys file. Either yields a Principal with one
// Role and, for AGENCY, the countries it may see.
//
// The package has no opinion on listen addresses beyond LoopbackOnly: the
// server decides whether running without authentication is allowed.
// docs/auth.md is the operator's guide.
package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/postclear/postclear/internal/postclear"
)

// Error codes of this package, shown to GraphQL users as extensions.code
// next to the codes of package postclear.
const (
	EUnauthenticated = "UNAUTHENTICATED" // no credential, or one we cannot verify
	ERateLimited     = "RATE_LIMITED"    // the caller exceeded its request rate
)

// Leeway is the clock skew tolerated on exp, nbf and iat: enough for
// servers whose clocks drift by seconds, too little to matter for expiry.
const Leeway = 30 * time.Second

// jwksCheckEvery is how often a request may stat the JWKS and API keys
// files for changes; a kid miss checks at once (see watchedFile.recheck).
const jwksCheckEvery = 5 * time.Second

// minHS256Secret is the shortest shared secret accepted: RFC 7518 §3.2
// requires a key at least as long as the hash output.
const minHS256Secret = 32

// Config says which credentials are accepted. The zero Config accepts none
// and leaves authentication disabled (see Authenticator.Enabled).
type Config struct {
	// HS256Secret enables HS256 JWTs signed with this shared secret (at
	// least 32 bytes).
	HS256Secret []byte
	// JWKSFile enables RS256 and ES256 JWTs verified with the public keys
	// in this RFC 7517 key set file, re-read when it changes.
	JWKSFile string
	// APIKeysFile enables static API keys listed by hash in this file (see
	// docs/auth.md for its format), re-read when it changes.
	APIKeysFile string
	// Issuer and Audience, when set, must match the JWT's iss and be one
	// of its aud. They do not apply to API keys.
	Issuer, Audience string
}

// Authenticator verifies credentials. It is safe for concurrent use.
type Authenticator struct {
	cfg     Config
	jwks    *watchedFile[jwks]     // nil unless Config.JWKSFile is set
	apiKeys *watchedFile[[]apiKey] // nil unless Config.APIKeysFile is set
	parser  *jwt.Parser
	methods []string // the JWT algorithms configured
	now     func() time.Time
}

// New returns an Authenticator for cfg. It reads the JWKS and API keys
// files now, so that a broken file stops the server at start-up rather
// than rejecting every request later.
func New(cfg Config) (_ *Authenticator, err error) {
	defer postclear.Wrap(&err, "auth.New")
	a := &Authenticator{cfg: cfg, now: time.Now}
	if cfg.HS256Secret != nil && len(cfg.HS256Secret) < minHS256Secret {
		return nil, fmt.Errorf("HS256 secret is %d bytes, want at least %d", len(cfg.HS256Secret), minHS256Secret)
	}
	if cfg.JWKSFile != "" {
		if a.jwks, err = newWatchedFile(cfg.JWKSFile, jwksCheckEvery, parseJWKS); err != nil {
			return nil, err
		}
	}
	if cfg.APIKeysFile != "" {
		if a.apiKeys, err = newWatchedFile(cfg.APIKeysFile, jwksCheckEvery, parseAPIKeys); err != nil {
			return nil, err
		}
	}
	// Only the algorithms whose keys are configured are valid. The key
	// function checks again per key, but listing them here means a token
	// with alg "none" or an algorithm we never configured is refused
	// before any key is looked at.
	var methods []string
	if cfg.HS256Secret != nil {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if a.jwks != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg())
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithLeeway(Leeway),
		jwt.WithIssuedAt(),
		// A token without exp would be valid forever; no issuer we work
		// with needs that, and an API key is the tool for long-lived access.
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return a.now() }),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	a.parser = jwt.NewParser(opts...)
	a.methods = methods
	return a, nil
}

// Enabled reports whether any credential is configured. When it is false
// every Authenticate fails and Middleware lets every request through as a
// local administrator, which the server must allow only on loopback.
func (a *Authenticator) Enabled() bool {
	return a.cfg.HS256Secret != nil || a.jwks != nil || a.apiKeys != nil
}

// Authenticate verifies the credential in an Authorization header value
// and returns its principal. Every error is a *postclear.Error with code
// EUnauthenticated whose message never contains the credential.
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (Principal, error) {
	if !a.Enabled() {
		return Principal{}, postclear.Errorf(EUnauthenticated, "authentication is not configured")
	}
	token, err := parseAuthorization(authorization)
	if err != nil {
		return Principal{}, err
	}
	if looksLikeJWT(token) {
		if len(a.methods) == 0 {
			// Also keeps the parser from running with no algorithm list,
			// which it would read as "any algorithm".
			return Principal{}, postclear.Errorf(EUnauthenticated, "JWT authentication is not configured")
		}
		return a.verifyJWT(token)
	}
	if a.apiKeys == nil {
		return Principal{}, postclear.Errorf(EUnauthenticated, "invalid API key")
	}
	p, ok := lookupAPIKey(a.apiKeys.get(), token)
	if !ok {
		return Principal{}, postclear.Errorf(EUnauthenticated, "invalid API key")
	}
	return p, nil
}

// claims are the JWT claims we read. Role may come as "role" (a string) or
// "roles" (an array, as many identity providers emit it).
type claims struct {
	jwt.RegisteredClaims
	Role      string   `json:"role,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	Countries []string `json:"countries,omitempty"`
}

var (
	errUnsupportedAlg = errors.New("unsupported token algorithm")
	errUnknownKid     = errors.New("unknown key id")
	errKeyAlgMismatch = errors.New("token algorithm does not match its key")
)

func (a *Authenticator) verifyJWT(token string) (Principal, error) {
	var c claims
	tok, err := a.parser.ParseWithClaims(token, &c, a.key)
	if err != nil {
		alg := ""
		if tok != nil {
			alg, _ = tok.Header["alg"].(string)
		}
		return Principal{}, &postclear.Error{Code: EUnauthenticated, Message: jwtErrorMessage(err, a.methods, alg, &c), Err: err}
	}
	role, err := c.role()
	if err != nil {
		return Principal{}, err
	}
	p := Principal{Subject: c.Subject, Role: role, Countries: c.Countries, TokenID: c.ID}
	if c.ExpiresAt != nil {
		p.Expires = c.ExpiresAt.Time
	}
	if err := p.validate(); err != nil {
		return Principal{}, err
	}
	return p, nil
}

// key picks the verification key for tok. It is where algorithm confusion
// is stopped: the key is chosen by the token's algorithm from keys bound to
// that algorithm, so an HS256 token is only ever checked against the shared
// secret and never against RSA or EC public key bytes, and a JWKS key
// declared for ES256 never verifies an RS256 token.
func (a *Authenticator) key(tok *jwt.Token) (any, error) {
	switch alg := tok.Method.Alg(); alg {
	case jwt.SigningMethodHS256.Alg():
		if a.cfg.HS256Secret == nil {
			return nil, errUnsupportedAlg
		}
		return a.cfg.HS256Secret, nil
	case jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg():
		if a.jwks == nil {
			return nil, errUnsupportedAlg
		}
		kid, _ := tok.Header["kid"].(string)
		k, ok := a.jwks.get()[kid]
		if !ok {
			// A kid we have not seen usually means the keys were rotated
			// since the last periodic check.
			var keys jwks
			keys, _ = a.jwks.recheck()
			k, ok = keys[kid]
		}
		if !ok {
			return nil, errUnknownKid
		}
		if k.alg != alg {
			return nil, errKeyAlgMismatch
		}
		return k.key, nil
	default:
		return nil, errUnsupportedAlg
	}
}

// jwtErrorMessage turns a verification failure into a message for the
// caller. methods are the configured algorithms; alg and c come from the
// unverified token and only choose the wording.
func jwtErrorMessage(err error, methods []string, alg string, c *claims) string {
	switch {
	case errors.Is(err, errUnsupportedAlg):
		return "unsupported token algorithm"
	case errors.Is(err, errUnknownKid):
		return "unknown key id"
	case errors.Is(err, errKeyAlgMismatch):
		return "token algorithm does not match its key"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed token"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		// The parser reports an algorithm outside WithValidMethods as a
		// signature error; say what actually happened.
		if !slices.Contains(methods, alg) {
			return "unsupported token algorithm"
		}
		return "invalid token signature"
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return "unsupported token algorithm"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token issued in the future"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "token issuer not accepted"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "token audience not accepted"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		switch {
		case c.ExpiresAt == nil:
			return "token has no expiry (exp)"
		case c.Issuer == "":
			return "token has no issuer (iss)"
		default:
			return "token has no audience (aud)"
		}
	}
	return "invalid token"
}

// role returns the single role the claims name. A token naming several
// roles is refused: a Principal has one role, and picking the strongest or
// the weakest would both surprise someone.
func (c *claims) role() (Role, error) {
	names := c.Roles
	if c.Role != "" {
		names = append([]string{c.Role}, names...)
	}
	var role Role
	for _, n := range names {
		r, ok := ParseRole(n)
		if !ok {
			return "", postclear.Errorf(EUnauthenticated, "unknown role %q", truncate(n, 32))
		}
		if role != "" && r != role {
			return "", postclear.Errorf(EUnauthenticated, "token names more than one role")
		}
		role = r
	}
	if role == "" {
		return "", postclear.Errorf(EUnauthenticated, "token has no role")
	}
	return role, nil
}
