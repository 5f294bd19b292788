package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/internal/postclear"
)

var secret = []byte("0123456789abcdef0123456789abcdef-test-only")

// Keys are generated once per test binary: RSA generation is slow enough
// to matter across many tests.
var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	rsaKey2  *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
)

func testKeys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaKey2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
}

func ecJWK(kid string, k *ecdsa.PublicKey) map[string]any {
	raw, err := k.Bytes() // 0x04 || X || Y
	if err != nil {
		panic(err)
	}
	return map[string]any{"kty": "EC", "kid": kid, "crv": "P-256", "x": b64(raw[1:33]), "y": b64(raw[33:])}
}

// writeJWKS writes a key set to path and moves its mtime forward, so that a
// rewrite within the filesystem's timestamp granularity is still a change.
func writeJWKS(t *testing.T, path string, keys ...map[string]any) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, b)
}

var mtimeSeq time.Duration

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	mtimeSeq += 2 * time.Second
	mt := time.Now().Add(mtimeSeq)
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

// sign makes a token with arbitrary claims, for the cases MintHS256 refuses
// to make.
func sign(t *testing.T, m jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claimsFor(role string, extra ...any) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"sub": "alice", "role": role, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(c, extra[i].(string))
			continue
		}
		c[extra[i].(string)] = extra[i+1]
	}
	return c
}

func mustNew(t *testing.T, cfg Config) *Authenticator {
	t.Helper()
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// wantAuthErr checks err is an UNAUTHENTICATED *postclear.Error with the
// given message, and that the message does not leak the token.
func wantAuthErr(t *testing.T, err error, msg, token string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Authenticate succeeded, want %q", msg)
	}
	if code := postclear.ErrorCode(err); code != EUnauthenticated {
		t.Errorf("code = %q, want %q (err %v)", code, EUnauthenticated, err)
	}
	if got := postclear.ErrorMessage(err); got != msg {
		t.Errorf("message = %q, want %q (err %v)", got, msg, err)
	}
	if token != "" && strings.Contains(err.Error(), token) {
		t.Errorf("error %q echoes the token", err)
	}
}

func TestHS256(t *testing.T) {
	testKeys(t)
	a := mustNew(t, Config{HS256Secret: secret})
	ctx := context.Background()
	rsaPubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rsaPubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaPubDER})
	noneTok := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", claimsFor("ADMIN"))
	hour := time.Hour
	tests := []struct {
		name  string
		token string
		want  Principal
		err   string
	}{
		{"valid", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("analyst", "jti", "t1")),
			Principal{Subject: "alice", Role: RoleAnalyst, TokenID: "t1"}, ""},
		{"agency", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("AGENCY", "countries", []string{"th", "KE", "KE"})),
			Principal{Subject: "alice", Role: RoleAgency, Countries: []string{"KE", "TH"}}, ""},
		{"roles array", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("", "role", nil, "roles", []string{"INGEST"})),
			Principal{Subject: "alice", Role: RoleIngest}, ""},
		{"expired", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "exp", time.Now().Add(-hour).Unix())),
			Principal{}, "token expired"},
		{"expired within leeway", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "exp", time.Now().Add(-Leeway/2).Unix())),
			Principal{Subject: "alice", Role: RoleAdmin}, ""},
		{"not yet valid", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "nbf", time.Now().Add(hour).Unix())),
			Principal{}, "token not valid yet"},
		{"issued in the future", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "iat", time.Now().Add(hour).Unix())),
			Principal{}, "token issued in the future"},
		{"no exp", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "exp", nil)),
			Principal{}, "token has no expiry (exp)"},
		{"wrong secret", sign(t, jwt.SigningMethodHS256, []byte("another secret of at least 32 bytes!!"), "", claimsFor("ADMIN")),
			Principal{}, "invalid token signature"},
		{"alg none", noneTok, Principal{}, "unsupported token algorithm"},
		{"alg none, signature stripped", noneTok[:strings.LastIndex(noneTok, ".")+1], Principal{}, "unsupported token algorithm"},
		// The classic confusion: sign HS256 with the server's RSA public
		// key as the HMAC secret. Here no JWKS is configured at all, and
		// the secret differs, so it must fail as a bad signature.
		{"alg confusion", sign(t, jwt.SigningMethodHS256, rsaPubPEM, "", claimsFor("ADMIN")),
			Principal{}, "invalid token signature"},
		{"RS256 without JWKS", sign(t, jwt.SigningMethodRS256, rsaKey, "", claimsFor("ADMIN")),
			Principal{}, "unsupported token algorithm"},
		{"unknown role", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ROOT")),
			Principal{}, `unknown role "ROOT"`},
		{"no role", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("", "role", nil)),
			Principal{}, "token has no role"},
		{"two roles", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "roles", []string{"INGEST"})),
			Principal{}, "token names more than one role"},
		{"agency without countries", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("AGENCY")),
			Principal{}, "role AGENCY requires a non-empty countries scope"},
		{"agency with empty countries", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("AGENCY", "countries", []string{})),
			Principal{}, "role AGENCY requires a non-empty countries scope"},
		{"countries on analyst", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ANALYST", "countries", []string{"KE"})),
			Principal{}, "countries scope is only valid for role AGENCY, not ANALYST"},
		{"unknown country", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("AGENCY", "countries", []string{"XX"})),
			Principal{}, `unknown country "XX" in scope`},
		{"countries not a list", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("AGENCY", "countries", "KE")),
			Principal{}, "malformed token"},
		{"no subject", sign(t, jwt.SigningMethodHS256, secret, "", claimsFor("ADMIN", "sub", nil)),
			Principal{}, "credential has no subject"},
		{"garbage", "a.b.c", Principal{}, "malformed token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Authenticate(ctx, "Bearer "+tt.token)
			if tt.err != "" {
				wantAuthErr(t, err, tt.err, tt.token)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, expiryRead(t, got)); diff != "" {
				t.Errorf("principal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIssuerAudience(t *testing.T) {
	a := mustNew(t, Config{HS256Secret: secret, Issuer: "https://idp.example", Audience: "postclear"})
	ok, err := MintHS256(secret, Principal{Subject: "bob", Role: RoleAdmin}, time.Minute,
		MintIssuer("https://idp.example"), MintAudience("other", "postclear"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(context.Background(), "Bearer "+ok); err != nil {
		t.Fatalf("matching iss and aud: %v", err)
	}
	tests := []struct {
		name string
		c    jwt.MapClaims
		err  string
	}{
		{"wrong issuer", claimsFor("ADMIN", "iss", "https://evil.example", "aud", "postclear"), "token issuer not accepted"},
		{"no issuer", claimsFor("ADMIN", "aud", "postclear"), "token has no issuer (iss)"},
		{"wrong audience", claimsFor("ADMIN", "iss", "https://idp.example", "aud", "other"), "token audience not accepted"},
		{"no audience", claimsFor("ADMIN", "iss", "https://idp.example"), "token has no audience (aud)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, secret, "", tt.c)
			_, err := a.Authenticate(context.Background(), "Bearer "+tok)
			wantAuthErr(t, err, tt.err, tok)
		})
	}
}

func TestJWKS(t *testing.T) {
	testKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	writeJWKS(t, path, rsaJWK("r1", &rsaKey.PublicKey), ecJWK("e1", &ecKey.PublicKey),
		map[string]any{"kty": "oct", "kid": "skipped-no-k"}, // other key types are skipped
		map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": "AAAA"})
	a := mustNew(t, Config{JWKSFile: path, HS256Secret: secret})
	ctx := context.Background()
	rsaPubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rsaPubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaPubDER})
	agency := claimsFor("AGENCY", "countries", []string{"TH"})
	tests := []struct {
		name, token, err string
	}{
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, "r1", agency), ""},
		{"ES256", sign(t, jwt.SigningMethodES256, ecKey, "e1", agency), ""},
		{"HS256 still works beside JWKS", sign(t, jwt.SigningMethodHS256, secret, "", agency), ""},
		{"RS256 wrong key", sign(t, jwt.SigningMethodRS256, rsaKey2, "r1", agency), "invalid token signature"},
		{"unknown kid", sign(t, jwt.SigningMethodRS256, rsaKey, "nope", agency), "unknown key id"},
		{"no kid", sign(t, jwt.SigningMethodRS256, rsaKey, "", agency), "unknown key id"},
		{"RS256 against EC key", sign(t, jwt.SigningMethodRS256, rsaKey, "e1", agency), "token algorithm does not match its key"},
		{"ES256 against RSA key", sign(t, jwt.SigningMethodES256, ecKey, "r1", agency), "token algorithm does not match its key"},
		// Alg confusion with the public key known to the server: the HS256
		// path only ever uses the shared secret, whatever the kid says.
		{"alg confusion PEM", sign(t, jwt.SigningMethodHS256, rsaPubPEM, "r1", agency), "invalid token signature"},
		{"alg confusion DER", sign(t, jwt.SigningMethodHS256, rsaPubDER, "r1", agency), "invalid token signature"},
		{"PS256 not configured", sign(t, jwt.SigningMethodPS256, rsaKey, "r1", agency), "unsupported token algorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := a.Authenticate(ctx, "Bearer "+tt.token)
			if tt.err != "" {
				wantAuthErr(t, err, tt.err, tt.token)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Principal{Subject: "alice", Role: RoleAgency, Countries: []string{"TH"}}
			if diff := cmp.Diff(want, expiryRead(t, p)); diff != "" {
				t.Errorf("principal (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("JWKS only refuses HS256 signed with the public key", func(t *testing.T) {
		b := mustNew(t, Config{JWKSFile: path})
		tok := sign(t, jwt.SigningMethodHS256, rsaPubPEM, "r1", agency)
		_, err := b.Authenticate(ctx, "Bearer "+tok)
		wantAuthErr(t, err, "unsupported token algorithm", tok)
	})
}

func TestJWKSReload(t *testing.T) {
	testKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	writeJWKS(t, path, rsaJWK("k1", &rsaKey.PublicKey))
	a := mustNew(t, Config{JWKSFile: path})
	clock := time.Now()
	a.now = func() time.Time { return clock }
	a.jwks.now = a.now
	ctx := context.Background()
	tok1 := "Bearer " + sign(t, jwt.SigningMethodRS256, rsaKey, "k1", claimsFor("ADMIN"))
	tok2 := "Bearer " + sign(t, jwt.SigningMethodES256, ecKey, "k2", claimsFor("ADMIN"))

	if _, err := a.Authenticate(ctx, tok2); postclear.ErrorMessage(err) != "unknown key id" {
		t.Fatalf("k2 before rotation: err = %v, want unknown key id", err)
	}
	// Rotation: a new kid is picked up on the miss, without waiting for
	// the periodic check.
	writeJWKS(t, path, rsaJWK("k1", &rsaKey.PublicKey), ecJWK("k2", &ecKey.PublicKey))
	if _, err := a.Authenticate(ctx, tok2); err != nil {
		t.Fatalf("k2 after rotation: %v", err)
	}
	// Revocation: a removed kid is dropped at the next periodic check.
	writeJWKS(t, path, ecJWK("k2", &ecKey.PublicKey))
	if _, err := a.Authenticate(ctx, tok1); err != nil {
		t.Fatalf("k1 before the periodic check: %v", err)
	}
	clock = clock.Add(jwksCheckEvery)
	if _, err := a.Authenticate(ctx, tok1); postclear.ErrorMessage(err) != "unknown key id" {
		t.Fatalf("k1 after revocation: err = %v, want unknown key id", err)
	}
	// A broken rewrite keeps the last good keys.
	writeFile(t, path, []byte(`{"keys": [`))
	clock = clock.Add(jwksCheckEvery)
	if _, err := a.Authenticate(ctx, tok2); err != nil {
		t.Fatalf("k2 after a broken rewrite: %v", err)
	}
	if a.jwks.lastErr == nil {
		t.Error("broken rewrite not recorded in lastErr")
	}
}

func TestParseJWKS(t *testing.T) {
	testKeys(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	priv := rsaJWK("p", &rsaKey.PublicKey)
	priv["d"] = "AAAA"
	badEC := ecJWK("e", &ecKey.PublicKey)
	badEC["y"] = badEC["x"] // not on the curve (almost surely)
	tests := []struct {
		name string
		keys []map[string]any
		err  string // substring; "" for success
	}{
		{"ok", []map[string]any{rsaJWK("a", &rsaKey.PublicKey), ecJWK("b", &ecKey.PublicKey)}, ""},
		{"private key material", []map[string]any{priv}, `private or symmetric key member "d"`},
		{"short RSA", []map[string]any{rsaJWK("s", &small.PublicKey)}, "1024 bits"},
		{"duplicate kid", []map[string]any{rsaJWK("a", &rsaKey.PublicKey), ecJWK("a", &ecKey.PublicKey)}, "duplicate kid"},
		{"point off curve", []map[string]any{badEC}, "EC point"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]any{"keys": tt.keys})
			_, err := parseJWKS(b)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("parseJWKS error = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestNewConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		cfg     Config
		enabled bool
		err     bool
	}{
		{"nothing", Config{}, false, false},
		{"short secret", Config{HS256Secret: []byte("short")}, false, true},
		{"missing JWKS", Config{JWKSFile: filepath.Join(dir, "none.json")}, false, true},
		{"missing API keys", Config{APIKeysFile: filepath.Join(dir, "none.txt")}, false, true},
		{"secret", Config{HS256Secret: secret}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.cfg)
			if (err != nil) != tt.err {
				t.Fatalf("New error = %v, want error %v", err, tt.err)
			}
			if err == nil && a.Enabled() != tt.enabled {
				t.Errorf("Enabled = %v, want %v", a.Enabled(), tt.enabled)
			}
		})
	}
	a := mustNew(t, Config{})
	_, err := a.Authenticate(context.Background(), "Bearer x")
	wantAuthErr(t, err, "authentication is not configured", "")
}

func TestMintHS256(t *testing.T) {
	a := mustNew(t, Config{HS256Secret: secret})
	in := Principal{Subject: "ke-customs", Role: RoleAgency, Countries: []string{"ke"}}
	tok, err := MintHS256(secret, in, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Authenticate(context.Background(), "Bearer "+tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.TokenID) != 32 {
		t.Errorf("TokenID = %q, want a random 128-bit jti", got.TokenID)
	}
	got.TokenID = ""
	want := Principal{Subject: "ke-customs", Role: RoleAgency, Countries: []string{"KE"}}
	if diff := cmp.Diff(want, expiryRead(t, got)); diff != "" {
		t.Errorf("principal (-want +got):\n%s", diff)
	}
	for _, bad := range []struct {
		name   string
		secret []byte
		p      Principal
		ttl    time.Duration
	}{
		{"agency without countries", secret, Principal{Subject: "x", Role: RoleAgency}, time.Hour},
		{"unknown role", secret, Principal{Subject: "x", Role: "ROOT"}, time.Hour},
		{"short secret", []byte("short"), Principal{Subject: "x", Role: RoleAdmin}, time.Hour},
		{"zero ttl", secret, Principal{Subject: "x", Role: RoleAdmin}, 0},
	} {
		if _, err := MintHS256(bad.secret, bad.p, bad.ttl); err == nil {
			t.Errorf("%s: MintHS256 succeeded", bad.name)
		}
	}
}

func TestPrincipal(t *testing.T) {
	ke := Principal{Subject: "a", Role: RoleAgency, Countries: []string{"KE"}}
	tests := []struct {
		p                              Principal
		read, ingest, admin, scoped    bool
		seesKEtoTH, seesTHtoKE, seesFR bool
	}{
		{Principal{Role: RoleAdmin}, true, true, true, false, true, true, true},
		{Principal{Role: RoleAnalyst}, true, false, false, false, true, true, true},
		{ke, true, false, false, true, false, true, false},
		{Principal{Role: RoleIngest}, false, true, false, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.p.Role), func(t *testing.T) {
			got := []bool{tt.p.CanRead(), tt.p.CanIngest(), tt.p.CanAdmin(), tt.p.Scoped(),
				tt.p.Sees("TH"), tt.p.Sees("KE"), tt.p.Sees("DE")}
			want := []bool{tt.read, tt.ingest, tt.admin, tt.scoped, tt.seesKEtoTH, tt.seesTHtoKE, tt.seesFR}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CanRead, CanIngest, CanAdmin, Scoped, Sees×3 (-want +got):\n%s", diff)
			}
		})
	}
	ctx := WithPrincipal(context.Background(), ke)
	if p, ok := FromContext(ctx); !ok || p.Subject != "a" {
		t.Errorf("FromContext = %+v, %v", p, ok)
	}
	if _, ok := FromContext(context.Background()); ok {
		t.Error("FromContext on an empty context reports a principal")
	}
}

// expiryRead checks that p carries its token's expiry (every test token
// has an exp, within an hour of now), and returns p without it for
// comparing the rest.
func expiryRead(t *testing.T, p Principal) Principal {
	t.Helper()
	if d := time.Until(p.Expires); d < -time.Hour || d > time.Hour {
		t.Errorf("Expires = %v, want the token's exp, within an hour of now", p.Expires)
	}
	p.Expires = time.Time{}
	return p
}
