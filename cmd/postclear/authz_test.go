package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postclear/postclear/internal/auth"
)

// authServer runs the server with HS256 tokens, its configuration changed
// by configure, and returns a function minting a token for a principal.
func authServer(t *testing.T, database string, configure ...func(*Config)) (*Server, func(auth.Principal) string) {
	t.Helper()
	requireEngine(t)
	secret := []byte("0123456789abcdef0123456789abcdef-test-secret")
	file := filepath.Join(t.TempDir(), "hs256.secret")
	if err := os.WriteFile(file, append(secret, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Database = "127.0.0.1:0", testDataDir, database
	cfg.AuthHS256SecretFile = file
	cfg.RateLimit = 0
	for _, c := range configure {
		c(&cfg)
	}
	s := &Server{Config: cfg, Logger: newLogger("text", io.Discard)}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, func(p auth.Principal) string {
		tok, err := auth.MintHS256(secret, p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
}

func postAs(t *testing.T, s *Server, token, query string, vars map[string]any) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr()+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func firstCode(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func TestRolesAndScopes(t *testing.T) {
	s, mint := authServer(t, "e2e_authz")
	ingester := mint(auth.Principal{Subject: "post-feed", Role: auth.RoleIngest})
	analyst := mint(auth.Principal{Subject: "analyst", Role: auth.RoleAnalyst})
	kenya := mint(auth.Principal{Subject: "ke-customs", Role: auth.RoleAgency, Countries: []string{"KE"}})

	if status, _ := postAs(t, s, "", `{ dataStatus { events } }`, nil); status != http.StatusUnauthorized {
		t.Errorf("no token: status %d, want 401", status)
	}
	records := []map[string]any{
		event("CP123456785CN", "EMA", "2025-03-01T10:00:00Z"),
		{"itemId": "RR000000014FR", "eventCode": "EMA", "eventTime": "2025-03-02T10:00:00Z", "office": "FRCDGA",
			"originCountry": "FR", "destinationCountry": "MA", "mailClass": "LETTER"},
		// Sent from KE to TH: Thai customs data, not the KE agency's.
		{"itemId": "CP200000054KE", "eventCode": "EMA", "eventTime": "2025-03-03T10:00:00Z", "office": "KENBOA",
			"originCountry": "KE", "destinationCountry": "TH", "mailClass": "PARCEL"},
	}
	if _, r := postAs(t, s, ingester, ingestEvents, map[string]any{"r": records}); len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"accepted":3`) {
		t.Fatalf("INGEST caller could not ingest: %s %+v", r.Data, r.Errors)
	}
	tests := []struct {
		name, token, query, wantCode, wantData string
	}{
		{"ingest role cannot read", ingester, `{ dataStatus { events } }`, "FORBIDDEN", ""},
		{"agency cannot ingest", kenya, ingestEvents, "FORBIDDEN", ""},
		{"analyst cannot create MoUs", analyst, `mutation { archiveMou(id: "x") { id } }`, "FORBIDDEN", ""},
		{"analyst sees everything", analyst, `{ dataStatus { events items } }`, "", `{"dataStatus":{"events":3,"items":3}}`},
		{"agency sees the items destined to its country only", kenya, `{ dataStatus { events items } }`, "", `{"dataStatus":{"events":1,"items":1}}`},
		{"agency sees nothing of an item sent from its country", kenya,
			`{ deliveryTimes(filter: {from: "2025-01-01", to: "2025-06-01"}, groupBy: [ORIGIN_COUNTRY, DESTINATION_COUNTRY]) { key { originCountry destinationCountry } items } }`,
			"", `{"deliveryTimes":[{"key":{"originCountry":"CN","destinationCountry":"KE"},"items":1}]}`},
		{"agency filtering on its origin items learns nothing", kenya,
			`{ deliveryTimes(filter: {from: "2025-01-01", to: "2025-06-01", originCountries: ["KE"]}) { items } }`,
			"", `{"deliveryTimes":[]}`},
		{"agency naming another country learns nothing", kenya,
			`{ deliveryTimes(filter: {from: "2025-01-01", to: "2025-06-01", destinationCountries: ["MA"]}, groupBy: [DESTINATION_COUNTRY]) { items } }`,
			"", `{"deliveryTimes":[]}`},
		{"agency grouping shows only its items", kenya,
			`{ deliveryTimes(filter: {from: "2025-01-01", to: "2025-06-01"}, groupBy: [DESTINATION_COUNTRY]) { key { destinationCountry } items } }`,
			"", `{"deliveryTimes":[{"key":{"destinationCountry":"KE"},"items":1}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var vars map[string]any
			if tt.query == ingestEvents {
				vars = map[string]any{"r": records}
			}
			_, r := postAs(t, s, tt.token, tt.query, vars)
			if got := firstCode(r); got != tt.wantCode {
				t.Errorf("code = %q, want %q (errors %+v)", got, tt.wantCode, r.Errors)
			}
			if tt.wantData != "" && string(r.Data) != tt.wantData {
				t.Errorf("data = %s, want %s", r.Data, tt.wantData)
			}
		})
	}
}

func TestAgencySeesOnlyItsMoUs(t *testing.T) {
	s, mint := authServer(t, "e2e_mou_scope")
	admin := mint(auth.Principal{Subject: "admin", Role: auth.RoleAdmin})
	kenya := mint(auth.Principal{Subject: "ke-customs", Role: auth.RoleAgency, Countries: []string{"KE"}})
	create := `mutation($in: MoUInput!) { createMou(input: $in) { id } }`
	ids := map[string]string{}
	for _, c := range []string{"KE", "MA"} {
		_, r := postAs(t, s, admin, create, map[string]any{"in": map[string]any{
			"country": c, "customsAdministration": "Customs " + c, "postalOperator": "Post " + c,
			"signedOn": "2025-01-10", "effectiveFrom": "2025-02-01"}})
		var out struct{ CreateMou struct{ ID string } }
		if err := json.Unmarshal(r.Data, &out); err != nil || len(r.Errors) > 0 {
			t.Fatalf("create %s MoU: %s %+v", c, r.Data, r.Errors)
		}
		ids[c] = out.CreateMou.ID
	}
	if _, r := postAs(t, s, kenya, `{ mous { country } }`, nil); string(r.Data) != `{"mous":[{"country":"KE"}]}` {
		t.Errorf("KE agency lists %s, want only the KE MoU", r.Data)
	}
	if _, r := postAs(t, s, kenya, `query($id: ID!) { mouEvaluation(mouId: $id, quarter: "2025-Q2") { quarter } }`, map[string]any{"id": ids["MA"]}); firstCode(r) != "NOT_FOUND" {
		t.Errorf("KE agency evaluating the MA MoU: %s %+v, want NOT_FOUND", r.Data, r.Errors)
	}
	for c, want := range map[string]int{"MA": http.StatusNotFound, "KE": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+s.Addr()+"/reports/mous/"+ids[c]+"/2025-Q2.csv", nil)
		req.Header.Set("Authorization", "Bearer "+kenya)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("KE agency downloading the %s report: status %d, want %d", c, resp.StatusCode, want)
		}
	}
}
