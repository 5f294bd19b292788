package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
)

// apiKeyPrefix marks keys made by GenerateAPIKey, so that a leaked key is
// recognisable to secret scanners and in logs.
const apiKeyPrefix = "pck_"

// HashAPIKey returns the form in which an API key is stored in the keys
// file: "sha256:" followed by the lower-case hex SHA-256 of the key. A
// plain hash (not a slow password hash) is enough because keys are long
// random strings, not something a person chose; it also keeps every
// request's check cheap.
//
// Keys are sent as bearer tokens, so they must be RFC 7235 token68 text
// and must not contain '.', which marks a JWT.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// GenerateAPIKey returns a new random API key (256 bits of entropy) in a
// form that satisfies HashAPIKey's rules.
func GenerateAPIKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate API key: %w", err)
	}
	return apiKeyPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// apiKey is one line of the keys file.
type apiKey struct {
	hash [sha256.Size]byte
	p    Principal
}

// maxAPIKeysFile bounds the keys file; a few thousand lines is already far
// more than any deployment needs, and every lookup scans them all.
const maxAPIKeysFile = 1 << 20

// parseAPIKeys parses the keys file. Format, one key per line:
//
//	sha256:<64 hex> role=<ROLE> [countries=<CC>,<CC>...] [name=<name>]
//
// Blank lines and lines starting with '#' are ignored. Fields are
// separated by spaces or tabs. Unknown fields, repeated fields and
// repeated hashes are errors: in a file that grants access, a typo such as
// "contries=" must fail loudly rather than widen a scope. The name becomes
// the principal's subject; without one the subject is "apikey:" and the
// first 12 hex digits of the hash.
func parseAPIKeys(data []byte) ([]apiKey, error) {
	if len(data) > maxAPIKeysFile {
		return nil, fmt.Errorf("API keys file larger than %d bytes", maxAPIKeysFile)
	}
	var keys []apiKey
	seen := make(map[[sha256.Size]byte]int)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxAPIKeysFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, err := parseAPIKeyLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if prev, dup := seen[k.hash]; dup {
			return nil, fmt.Errorf("line %d: same key hash as line %d", n, prev)
		}
		seen[k.hash] = n
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return keys, nil
}

func parseAPIKeyLine(line string) (apiKey, error) {
	fields := strings.Fields(line)
	var k apiKey
	digest, ok := strings.CutPrefix(fields[0], "sha256:")
	if !ok {
		return k, fmt.Errorf("first field must be sha256:<hex>")
	}
	digest = strings.ToLower(digest)
	if len(digest) != 2*sha256.Size {
		return k, fmt.Errorf("hash must be %d hex digits", 2*sha256.Size)
	}
	if _, err := hex.Decode(k.hash[:], []byte(digest)); err != nil {
		return k, fmt.Errorf("hash is not hex")
	}
	var haveRole, haveCountries, haveName bool
	for _, f := range fields[1:] {
		name, value, ok := strings.Cut(f, "=")
		if !ok || value == "" {
			return k, fmt.Errorf("field %q is not name=value", truncate(f, 32))
		}
		var dup bool
		switch name {
		case "role":
			dup, haveRole = haveRole, true
			k.p.Role = Role(value)
		case "countries":
			dup, haveCountries = haveCountries, true
			k.p.Countries = strings.Split(value, ",")
		case "name":
			dup, haveName = haveName, true
			if !printableASCII(value) {
				return k, fmt.Errorf("name must be printable ASCII")
			}
			k.p.Subject = value
		default:
			return k, fmt.Errorf("unknown field %q", truncate(name, 32))
		}
		if dup {
			return k, fmt.Errorf("field %q given twice", name)
		}
	}
	if !haveRole {
		return k, fmt.Errorf("missing role=")
	}
	if k.p.Subject == "" {
		k.p.Subject = "apikey:" + digest[:12]
	}
	// The hash prefix, not the name, identifies the credential in audit
	// logs: names may be reused across rotated keys.
	k.p.TokenID = "sha256:" + digest[:16]
	if err := k.p.validate(); err != nil {
		return k, fmt.Errorf("%s", postclear.ErrorMessage(err))
	}
	return k, nil
}

// printableASCII keeps control bytes out of subjects, which end up in logs.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// lookupAPIKey finds the key whose hash matches token. It compares against
// every entry with subtle.ConstantTimeCompare and never stops early, so the
// time taken does not tell a caller how close a guess came or where in the
// file a key sits.
func lookupAPIKey(keys []apiKey, token string) (Principal, bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range keys {
		eq := subtle.ConstantTimeCompare(sum[:], keys[i].hash[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return Principal{}, false
	}
	p := keys[found].p
	p.Countries = append([]string(nil), p.Countries...) // callers may not alias the file's copy
	return p, true
}
