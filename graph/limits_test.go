package graph_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/postclear/postclear/graph"
)

// limitsHandler is the real handler with no engine behind it: the limits
// act before any resolver runs.
func limitsHandler(cfg graph.Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return graph.NewHandler(&graph.Resolver{}, nil, cfg)
}

func postQuery(t *testing.T, h http.Handler, query string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func errorCode(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

// The playground's own introspection query must stay within the depth
// limit, or the docs explorer breaks; a deeper query is refused.
func TestDepthLimit(t *testing.T) {
	js, err := os.ReadFile("playground/playground.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)const INTROSPECTION = `(.*?)`").FindSubmatch(js)
	if m == nil {
		t.Fatal("no introspection query found in playground.js")
	}
	h := limitsHandler(graph.Config{Introspection: true})
	if _, out := postQuery(t, h, string(m[1])); errorCode(out) != "" {
		t.Fatalf("the playground's introspection query was refused: %v", out["errors"])
	}
	deep := "{ __schema { types { " + strings.Repeat("ofType { ", 14) + "name" + strings.Repeat(" }", 14) + " } } }"
	if _, out := postQuery(t, h, deep); errorCode(out) != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("a 17-level query: %v, want DEPTH_LIMIT_EXCEEDED", out["errors"])
	}
}

func TestIntrospectionCanBeSwitchedOff(t *testing.T) {
	h := limitsHandler(graph.Config{Introspection: false})
	if _, out := postQuery(t, h, "{ __schema { queryType { name } } }"); errorCode(out) == "" {
		t.Errorf("introspection answered with it switched off: %v", out)
	}
}

func TestBodyLimit(t *testing.T) {
	h := limitsHandler(graph.Config{MaxBodyBytes: 1024})
	status, out := postQuery(t, h, "{ dataStatus { events } } # "+strings.Repeat("x", 2048))
	if status != http.StatusRequestEntityTooLarge || errorCode(out) != "TOO_LARGE" {
		t.Errorf("a 2 KiB body with a 1 KiB limit: status %d, %v", status, out)
	}
}
