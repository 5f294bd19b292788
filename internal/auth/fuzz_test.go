package auth

import (
	"crypto/sha256"
	"strings"
	"testing"
)

// The seed corpora live in testdata/fuzz/<FuzzName>, so `go test` runs
// them as regression cases and `go test -fuzz` starts from them.

// FuzzParseAPIKeys checks the keys file parser never panics and never
// yields a key that breaks the Principal rules: whatever a malformed file
// holds, it must not grant a role we do not know or an unscoped AGENCY.
func FuzzParseAPIKeys(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := parseAPIKeys(data)
		if err != nil {
			return
		}
		seen := make(map[[sha256.Size]byte]bool)
		for _, k := range keys {
			if seen[k.hash] {
				t.Fatalf("duplicate hash accepted")
			}
			seen[k.hash] = true
			p := k.p
			if _, ok := ParseRole(string(p.Role)); !ok || string(p.Role) != strings.ToUpper(string(p.Role)) {
				t.Fatalf("accepted role %q", p.Role)
			}
			if !printableASCII(p.Subject) || !strings.HasPrefix(p.TokenID, "sha256:") {
				t.Fatalf("principal without subject or token id: %+v", p)
			}
			if p.Scoped() != (len(p.Countries) > 0) {
				t.Fatalf("role %s with countries %v", p.Role, p.Countries)
			}
			// What was accepted must survive validation again unchanged.
			q := p
			if err := q.validate(); err != nil {
				t.Fatalf("accepted principal fails validate: %v", err)
			}
		}
	})
}

// FuzzParseAuthorization checks the header parser never panics, that what
// it returns is a plain token68 (no spaces or control bytes can reach the
// JWT parser or a log line), and that it round-trips.
func FuzzParseAuthorization(f *testing.F) {
	f.Fuzz(func(t *testing.T, header string) {
		tok, err := parseAuthorization(header)
		if err != nil {
			if tok != "" {
				t.Fatalf("error %v with token %q", err, tok)
			}
			return
		}
		if tok == "" || len(tok) > maxTokenLen || !isToken68(tok) {
			t.Fatalf("accepted token %q", tok)
		}
		if !strings.HasSuffix(header, tok) {
			t.Fatalf("token %q is not the tail of %q", tok, header)
		}
		again, err := parseAuthorization("Bearer " + tok)
		if err != nil || again != tok {
			t.Fatalf("round trip of %q: %q, %v", tok, again, err)
		}
	})
}
