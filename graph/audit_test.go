package graph_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/postclear/postclear/graph"
)

// auditDir holds the pinned graphql-http audit (scripts/fetch-graphql-http.sh
// installs it).
var auditDir = filepath.Join("..", "scripts", "graphql-http-audit")

// TestGraphQLOverHTTPAudit runs graphql-http's server audits (the
// GraphQL-over-HTTP spec's MUSTs and SHOULDs) against the real handler.
// Every MUST passes; a SHOULD or MAY that does not is listed in
// auditExplained, and in docs/api.md, with the reason.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	if _, err := os.Stat(filepath.Join(auditDir, "node_modules", "graphql-http")); err != nil {
		if os.Getenv("POSTCLEAR_REQUIRE_AUDIT") != "" {
			t.Fatalf("the graphql-http audit is required (POSTCLEAR_REQUIRE_AUDIT) but not installed: run scripts/fetch-graphql-http.sh")
		}
		t.Skip("skipping: the graphql-http audit is not installed (scripts/fetch-graphql-http.sh); POSTCLEAR_REQUIRE_AUDIT=1 makes this a failure")
	}
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{}, nil, graph.Config{Introspection: true, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	cmd := exec.Command("node", "audit.mjs", srv.URL+"/graphql")
	cmd.Dir = auditDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit: %v\n%s", err, stderr.String())
	}
	type result struct{ ID, Name, Status, Reason string }
	var results []result
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit output %q: %v", sc.Text(), err)
		}
		results = append(results, r)
	}
	if len(results) < 20 {
		t.Fatalf("only %d audits ran:\n%s", len(results), out)
	}
	failed := map[string]bool{}
	for _, r := range results {
		if r.Status == "ok" {
			continue
		}
		failed[r.ID] = true
		if _, ok := auditExplained[r.ID]; ok && r.Status != "error" {
			continue
		}
		t.Errorf("%s %s: %s (%s)", r.ID, r.Name, r.Status, r.Reason)
	}
	for id := range auditExplained {
		if !failed[id] {
			t.Errorf("audit %s passes now: remove it from auditExplained and docs/api.md", id)
		}
	}
	t.Logf("%d audits, %d not passed (explained)", len(results), len(failed))
}

// auditExplained are the SHOULD and MAY audits postclear does not pass,
// with the reason (docs/api.md says the same).
var auditExplained = map[string]string{}
