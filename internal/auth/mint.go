package auth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MintOption adds a claim to a token made by MintHS256.
type MintOption func(*claims)

// MintIssuer sets the token's iss; needed when the server's Config.Issuer
// is set.
func MintIssuer(iss string) MintOption { return func(c *claims) { c.Issuer = iss } }

// MintAudience sets the token's aud; needed when the server's
// Config.Audience is set.
func MintAudience(aud ...string) MintOption {
	return func(c *claims) { c.Audience = jwt.ClaimStrings(aud) }
}

// MintHS256 returns an HS256 JWT for p valid from now for ttl, for the
// `postclear token` command and for tests. It refuses principals that
// Authenticate would refuse, so a minted token never fails for its claims.
// Without p.TokenID the token gets a random jti, so that audit logs can
// tell two tokens of one subject apart.
func MintHS256(secret []byte, p Principal, ttl time.Duration, opts ...MintOption) (string, error) {
	if len(secret) < minHS256Secret {
		return "", fmt.Errorf("mint token: HS256 secret is %d bytes, want at least %d", len(secret), minHS256Secret)
	}
	if ttl <= 0 {
		return "", fmt.Errorf("mint token: ttl %v is not positive", ttl)
	}
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	if p.TokenID == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("mint token: %w", err)
		}
		p.TokenID = hex.EncodeToString(b[:])
	}
	now := time.Now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   p.Subject,
			ID:        p.TokenID,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Role:      string(p.Role),
		Countries: p.Countries,
	}
	for _, o := range opts {
		o(&c)
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	if err != nil {
		return "", fmt.Errorf("mint token: %w", err)
	}
	return s, nil
}
