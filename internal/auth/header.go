package auth

import (
	"strings"

	"github.com/postclear/postclear/internal/postclear"
)

// maxTokenLen bounds what we are willing to parse; real JWTs and API keys
// are far shorter, and the bound keeps a hostile header from costing
// base64 and JSON work.
const maxTokenLen = 8 << 10

// parseAuthorization extracts the credential from an Authorization header
// of the form "Bearer <token>" (RFC 6750). The scheme is case-insensitive;
// the token must be token68 syntax, which both JWTs and our API keys are.
func parseAuthorization(header string) (string, error) {
	if header == "" {
		return "", postclear.Errorf(EUnauthenticated, "missing bearer token")
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", postclear.Errorf(EUnauthenticated, "Authorization header must use the Bearer scheme")
	}
	token = strings.TrimLeft(token, " ")
	switch {
	case token == "":
		return "", postclear.Errorf(EUnauthenticated, "missing bearer token")
	case len(token) > maxTokenLen:
		return "", postclear.Errorf(EUnauthenticated, "bearer token too long")
	case !isToken68(token):
		return "", postclear.Errorf(EUnauthenticated, "malformed bearer token")
	}
	return token, nil
}

// isToken68 reports whether s matches RFC 7235 token68:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isToken68(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// looksLikeJWT reports whether a token has the three dot-separated parts
// of a JWS compact serialisation. API keys never contain dots (see
// HashAPIKey's doc), so the two kinds of credential cannot be confused.
func looksLikeJWT(token string) bool {
	return strings.Count(token, ".") == 2
}
