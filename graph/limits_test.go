package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/postclear"
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

// GraphiQL's own introspection query must stay within the depth limit, or
// its docs and autocompletion break; a deeper query is refused. The query
// is taken from the GraphiQL bundle the server embeds (graphql-js's
// getIntrospectionQuery, with its options filled in as GraphiQL sets them).
func TestDepthLimit(t *testing.T) {
	h := limitsHandler(graph.Config{Introspection: true})
	if js, err := os.ReadFile("graphiql/assets/graphiql.min.js"); err != nil {
		if os.Getenv("POSTCLEAR_REQUIRE_GRAPHIQL") != "" {
			t.Fatalf("GraphiQL's files are required (POSTCLEAR_REQUIRE_GRAPHIQL): %v", err)
		}
		t.Log("GraphiQL's introspection query not checked: run scripts/fetch-graphiql.sh")
	} else {
		query := graphiqlIntrospectionQuery(t, string(js))
		if _, out := postQuery(t, h, query); errorCode(out) != "" {
			t.Fatalf("GraphiQL's introspection query was refused: %v", out["errors"])
		}
	}
	deep := "{ __schema { types { " + strings.Repeat("ofType { ", 14) + "name" + strings.Repeat(" }", 14) + " } } }"
	if _, out := postQuery(t, h, deep); errorCode(out) != "DEPTH_LIMIT_EXCEEDED" {
		t.Errorf("a 17-level query: %v, want DEPTH_LIMIT_EXCEEDED", out["errors"])
	}
}

// graphiqlIntrospectionQuery rebuilds the introspection query from the
// template literal in GraphiQL's bundle: ${s("x")} (an option GraphiQL
// turns on) becomes x, any other ${…} (an optional field such as
// description) becomes "description", and \n a newline.
func graphiqlIntrospectionQuery(t *testing.T, js string) string {
	t.Helper()
	m := regexp.MustCompile("query IntrospectionQuery \\{[^`]*").FindString(js)
	if m == "" {
		t.Fatal("no introspection query in graphiql.min.js")
	}
	q := regexp.MustCompile(`\$\{\w+\("([^"]*)"\)\}`).ReplaceAllString(m, "$1")
	q = regexp.MustCompile(`\$\{\w+\}`).ReplaceAllString(q, "description")
	return strings.ReplaceAll(q, `\n`, "\n")
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

// 400 aliased KPI fields selecting one number each stayed under the
// complexity limit and held the engine for the whole request time; they
// are refused before anything runs (a resolver reached here would panic:
// this handler has no engine).
func TestAliasAmplification(t *testing.T) {
	var q strings.Builder
	q.WriteString("{")
	for i := range 400 {
		fmt.Fprintf(&q, ` a%d: clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01"}) { items }`, i)
	}
	q.WriteString(" }")
	for _, tt := range []struct {
		name string
		cfg  graph.Config
		code string
	}{
		{"statement limit", graph.Config{ComplexityLimit: 1 << 20}, graph.EStatementLimit},
		{"complexity", graph.Config{MaxStatements: 1 << 20}, "COMPLEXITY_LIMIT_EXCEEDED"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, out := postQuery(t, limitsHandler(tt.cfg), q.String())
			if errorCode(out) != tt.code {
				t.Errorf("400 aliased KPI fields: code %q, want %s", errorCode(out), tt.code)
			}
		})
	}
	// Thirty fit the defaults.
	var ok strings.Builder
	ok.WriteString("{")
	for i := range graph.DefaultMaxStatements {
		fmt.Fprintf(&ok, ` a%d: clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01"}) { key { period } items meanHours p50Hours p90Hours }`, i)
	}
	ok.WriteString(" }")
	limits := graph.NewHandler(&graph.Resolver{Analytics: emptyAnalytics{}}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)})
	if _, out := postQuery(t, limits, ok.String()); out["errors"] != nil {
		t.Errorf("%d KPI fields: %v", graph.DefaultMaxStatements, out["errors"])
	}
}

// emptyAnalytics answers clearanceTimes with no rows; any other family
// would panic (the embedded interface is nil).
type emptyAnalytics struct{ postclear.Analytics }

func (emptyAnalytics) ClearanceTimes(context.Context, postclear.KPIQuery, float64) ([]postclear.ClearanceStat, error) {
	return nil, nil
}

// A body sent without Content-Length (chunked) over the limit is 413
// TOO_LARGE too; before, gqlgen answered it 200 BAD_USER_INPUT.
func TestChunkedBodyLimit(t *testing.T) {
	h := limitsHandler(graph.Config{MaxBodyBytes: 1024})
	body := `{"query": "{ dataStatus { events } } # ` + strings.Repeat("x", 4096) + `"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", io.MultiReader(strings.NewReader(body)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	if rec.Code != http.StatusRequestEntityTooLarge || errorCode(out) != "TOO_LARGE" {
		t.Errorf("a chunked 4 KiB body with a 1 KiB limit: status %d, code %q", rec.Code, errorCode(out))
	}
}

// A body that is not JSON is refused with a message quoting its start,
// not the whole body (which may be megabytes, or a credential).
func TestUndecodableBodyIsNotEchoed(t *testing.T) {
	h := limitsHandler(graph.Config{})
	secret := strings.Repeat("s3cr3t", 1000)
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": `+secret))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out struct {
		Errors []struct{ Message string }
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	if len(out.Errors) != 1 {
		t.Fatalf("status %d, body %.200s", rec.Code, rec.Body)
	}
	if msg := out.Errors[0].Message; len(msg) > 200 || !strings.Contains(msg, "s3cr3t") {
		t.Errorf("message of %d bytes %.300q: want at most 200 bytes quoting the body's start", len(msg), msg)
	}
}
