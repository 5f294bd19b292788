package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk is a verification key from the JWKS file, bound to the one JWS
// algorithm it may verify.
type jwk struct {
	alg string // "RS256" or "ES256"
	key crypto.PublicKey
}

// jwks maps key ids to keys.
type jwks map[string]jwk

// minRSABits rejects RSA keys too short to trust (NIST SP 800-131A).
const minRSABits = 2048

// parseJWKS parses an RFC 7517 key set. RSA keys and EC P-256 keys with
// "use" absent or "sig" are loaded; keys of other types (symmetric "oct",
// OKP, other curves) are skipped so that a provider's full key set can be
// used as is. A supported key that is malformed fails the whole file, and
// so does any private key material: a JWKS file on this server holds
// public keys only, and a private key in it means a leak, not a key to use.
func parseJWKS(data []byte) (jwks, error) {
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("JWKS is not JSON: %w", err)
	}
	if set.Keys == nil {
		return nil, errors.New(`JWKS has no "keys" array`)
	}
	out := make(jwks)
	for i, m := range set.Keys {
		k, ok, err := parseJWK(m)
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d: %w", i, err)
		}
		if !ok {
			continue
		}
		kid, _ := m["kid"].(string)
		if _, dup := out[kid]; dup {
			return nil, fmt.Errorf("JWKS key %d: duplicate kid %q", i, kid)
		}
		out[kid] = k
	}
	return out, nil
}

func parseJWK(m map[string]any) (jwk, bool, error) {
	str := func(name string) string { s, _ := m[name].(string); return s }
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
		if _, ok := m[private]; ok {
			return jwk{}, false, fmt.Errorf("contains private or symmetric key member %q", private)
		}
	}
	if use := str("use"); use != "" && use != "sig" {
		return jwk{}, false, nil
	}
	alg := str("alg")
	switch str("kty") {
	case "RSA":
		if alg != "" && alg != "RS256" {
			return jwk{}, false, nil // e.g. PS256 or RSA-OAEP: not for us
		}
		n, err := b64int(str("n"))
		if err != nil {
			return jwk{}, false, fmt.Errorf("RSA modulus: %w", err)
		}
		e, err := b64int(str("e"))
		if err != nil {
			return jwk{}, false, fmt.Errorf("RSA exponent: %w", err)
		}
		if n.BitLen() < minRSABits {
			return jwk{}, false, fmt.Errorf("RSA key of %d bits, want at least %d", n.BitLen(), minRSABits)
		}
		if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
			return jwk{}, false, errors.New("RSA exponent out of range")
		}
		return jwk{alg: "RS256", key: &rsa.PublicKey{N: n, E: int(e.Int64())}}, true, nil
	case "EC":
		if str("crv") != "P-256" || (alg != "" && alg != "ES256") {
			return jwk{}, false, nil
		}
		x, err := b64fixed(str("x"), 32)
		if err != nil {
			return jwk{}, false, fmt.Errorf("EC x: %w", err)
		}
		y, err := b64fixed(str("y"), 32)
		if err != nil {
			return jwk{}, false, fmt.Errorf("EC y: %w", err)
		}
		// ParseUncompressedPublicKey checks the point is on the curve,
		// which a hand-built ecdsa.PublicKey would not.
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return jwk{}, false, fmt.Errorf("EC point: %w", err)
		}
		return jwk{alg: "ES256", key: pub}, true, nil
	}
	return jwk{}, false, nil
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("not base64url")
	}
	return new(big.Int).SetBytes(b), nil
}

func b64fixed(s string, n int) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64url")
	}
	if len(b) != n {
		return nil, fmt.Errorf("%d bytes, want %d", len(b), n)
	}
	return b, nil
}
