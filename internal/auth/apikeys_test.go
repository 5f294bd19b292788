package auth

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHashAPIKey(t *testing.T) {
	// The SHA-256 of "abc" from FIPS 180-2, so the stored format is pinned
	// to the standard and not to this code's own output.
	const want = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashAPIKey("abc"); got != want {
		t.Errorf("HashAPIKey(abc) = %q, want %q", got, want)
	}
	k, err := GenerateAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k, apiKeyPrefix) || !isToken68(k) || looksLikeJWT(k) || strings.Contains(k, ".") {
		t.Errorf("GenerateAPIKey = %q: not a dot-free token68 with prefix %q", k, apiKeyPrefix)
	}
}

func TestParseAPIKeys(t *testing.T) {
	h := strings.Repeat("ab", 32)
	h2 := strings.Repeat("cd", 32)
	tests := []struct {
		name string
		file string
		want []Principal
		err  string // substring
	}{
		{"full", "# comment\n\nsha256:" + h + " role=AGENCY countries=TH,ke name=dashboard\n\tsha256:" + strings.ToUpper(h2) + "\trole=ingest\r\n",
			[]Principal{
				{Subject: "dashboard", Role: RoleAgency, Countries: []string{"KE", "TH"}, TokenID: "sha256:abababababababab"},
				{Subject: "apikey:cdcdcdcdcdcd", Role: RoleIngest, TokenID: "sha256:cdcdcdcdcdcdcdcd"},
			}, ""},
		{"empty", "", nil, ""},
		{"no prefix", h + " role=ADMIN", nil, "line 1: first field must be sha256:<hex>"},
		{"short hash", "sha256:abcd role=ADMIN", nil, "64 hex digits"},
		{"not hex", "sha256:" + strings.Repeat("zz", 32) + " role=ADMIN", nil, "not hex"},
		{"no role", "sha256:" + h + " name=x", nil, "missing role="},
		{"unknown role", "sha256:" + h + " role=ROOT", nil, `unknown role "ROOT"`},
		{"agency without countries", "sha256:" + h + " role=AGENCY", nil, "requires a non-empty countries scope"},
		{"countries on analyst", "sha256:" + h + " role=ANALYST countries=KE", nil, "only valid for role AGENCY"},
		{"bad country", "sha256:" + h + " role=AGENCY countries=KE,,TH", nil, "unknown country"},
		{"typo field", "sha256:" + h + " role=AGENCY contries=KE", nil, `unknown field "contries"`},
		{"repeated field", "sha256:" + h + " role=ADMIN role=ANALYST", nil, `field "role" given twice`},
		{"control byte in name", "sha256:" + h + " role=ADMIN name=a\x1bb", nil, "name must be printable ASCII"},
		{"empty value", "sha256:" + h + " role=", nil, "not name=value"},
		{"duplicate hash", "sha256:" + h + " role=ADMIN\n#\nsha256:" + h + " role=ANALYST", nil, "line 3: same key hash as line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := parseAPIKeys([]byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []Principal
			for _, k := range keys {
				got = append(got, k.p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("principals (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPIKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.txt")
	const adminKey, agencyKey = "pck_admin-key-for-tests", "pck_agency-key-for-tests"
	writeFile(t, path, []byte(HashAPIKey(adminKey)+" role=ADMIN name=ops\n"+
		HashAPIKey(agencyKey)+" role=AGENCY countries=KE name=ke-post\n"))
	a := mustNew(t, Config{APIKeysFile: path})
	clock := time.Now()
	a.apiKeys.now = func() time.Time { return clock }
	ctx := context.Background()

	tests := []struct {
		name, header string
		want         Principal
		err          string
	}{
		{"admin", "Bearer " + adminKey, Principal{Subject: "ops", Role: RoleAdmin, TokenID: HashAPIKey(adminKey)[:23]}, ""},
		// The entry that matches is not the first: lookup must scan on.
		{"agency", "bearer  " + agencyKey, Principal{Subject: "ke-post", Role: RoleAgency, Countries: []string{"KE"}, TokenID: HashAPIKey(agencyKey)[:23]}, ""},
		{"last byte differs", "Bearer " + adminKey[:len(adminKey)-1] + "X", Principal{}, "invalid API key"},
		{"prefix of a key", "Bearer " + adminKey[:8], Principal{}, "invalid API key"},
		{"the hash itself", "Bearer " + strings.TrimPrefix(HashAPIKey(adminKey), "sha256:"), Principal{}, "invalid API key"},
		{"missing header", "", Principal{}, "missing bearer token"},
		{"basic scheme", "Basic " + adminKey, Principal{}, "Authorization header must use the Bearer scheme"},
		{"no token", "Bearer ", Principal{}, "missing bearer token"},
		{"bad characters", "Bearer " + adminKey + " extra", Principal{}, "malformed bearer token"},
		{"JWT-shaped", "Bearer a.b.c", Principal{}, "JWT authentication is not configured"},
		{"too long", "Bearer " + strings.Repeat("k", maxTokenLen+1), Principal{}, "bearer token too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Authenticate(ctx, tt.header)
			if tt.err != "" {
				wantAuthErr(t, err, tt.err, strings.TrimPrefix(tt.header, "Bearer "))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("principal (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("revocation", func(t *testing.T) {
		writeFile(t, path, []byte(HashAPIKey(agencyKey)+" role=AGENCY countries=KE name=ke-post\n"))
		clock = clock.Add(jwksCheckEvery)
		_, err := a.Authenticate(ctx, "Bearer "+adminKey)
		wantAuthErr(t, err, "invalid API key", adminKey)
	})

	t.Run("returned principal does not alias the file", func(t *testing.T) {
		p, err := a.Authenticate(ctx, "Bearer "+agencyKey)
		if err != nil {
			t.Fatal(err)
		}
		p.Countries[0] = "FR"
		p, _ = a.Authenticate(ctx, "Bearer "+agencyKey)
		if p.Countries[0] != "KE" {
			t.Errorf("scope changed to %v through a returned principal", p.Countries)
		}
	})
}
