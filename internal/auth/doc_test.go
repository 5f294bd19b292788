package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDocExamples parses the API keys file shown in docs/auth.md and checks
// that its hashes are those of the example keys the page names, so the
// page cannot drift from the format.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "auth.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- example: apikeys")
	if !ok {
		t.Fatal("docs/auth.md: apikeys example marker not found")
	}
	_, rest, _ = strings.Cut(rest, "```\n")
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("docs/auth.md: apikeys example block not closed")
	}
	keys, err := parseAPIKeys([]byte(block))
	if err != nil {
		t.Fatalf("docs/auth.md example: %v", err)
	}
	want := map[string]Principal{
		"pck_example-ke-dashboard": {Subject: "ke-dashboard", Role: RoleAgency, Countries: []string{"KE", "TH"}},
		"pck_example-ingest-job":   {Subject: "nightly-ingest", Role: RoleIngest},
	}
	if len(keys) != len(want) {
		t.Fatalf("%d keys in the example, want %d", len(keys), len(want))
	}
	for key, w := range want {
		got, ok := lookupAPIKey(keys, key)
		if !ok {
			t.Errorf("example key %q does not match the example file", key)
			continue
		}
		got.TokenID = ""
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}
}
