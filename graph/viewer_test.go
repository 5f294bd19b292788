package graph_test

import (
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/auth"
)

// viewer describes the caller as its credential says, with the
// permissions its role has: what a frontend shows and offers.
func TestViewer(t *testing.T) {
	authn, mint := hs256(t)
	srv := httptest.NewServer(limitsHandler(graph.Config{Auth: authn}))
	defer srv.Close()
	for _, tc := range []struct {
		p    auth.Principal
		want map[string]any
	}{
		{auth.Principal{Subject: "root", Role: auth.RoleAdmin},
			map[string]any{"subject": "root", "role": "ADMIN", "countries": []any{}, "permissions": []any{"READ", "INGEST", "ADMIN"}}},
		{auth.Principal{Subject: "ana", Role: auth.RoleAnalyst},
			map[string]any{"subject": "ana", "role": "ANALYST", "countries": []any{}, "permissions": []any{"READ"}}},
		{auth.Principal{Subject: "ke", Role: auth.RoleAgency, Countries: []string{"TH", "KE"}},
			map[string]any{"subject": "ke", "role": "AGENCY", "countries": []any{"KE", "TH"}, "permissions": []any{"READ"}}},
	} {
		_, out := postAuth(t, srv.URL+"/graphql", mint(tc.p), `{ viewer { subject role countries permissions } }`)
		got, _ := out["data"].(map[string]any)
		if diff := cmp.Diff(map[string]any{"viewer": tc.want}, got); diff != "" {
			t.Errorf("viewer of %s (-want +got):\n%s\n%v", tc.p.Subject, diff, out)
		}
	}
	_, out := postAuth(t, srv.URL+"/graphql", mint(auth.Principal{Subject: "feed", Role: auth.RoleIngest}), `{ viewer { role } }`)
	if errorCode(out) != "FORBIDDEN" {
		t.Errorf("viewer as INGEST: %v, want FORBIDDEN (it may not read)", out)
	}
}
