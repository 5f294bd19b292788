package graph_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/postclear/postclear/graph"
	"github.com/postclear/postclear/internal/postclear"
)

// GET /schema.graphql serves the executed schema as SDL that parses, with
// @specifiedBy on every custom scalar; it follows introspection (off: 404)
// and authentication.
func TestSchemaSDL(t *testing.T) {
	h := limitsHandler(graph.Config{Introspection: true})
	rec := serve(h, httptest.NewRequest(http.MethodGet, "/schema.graphql", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: rec.Body.String()})
	if err != nil {
		t.Fatalf("the SDL does not parse: %v", err)
	}
	for _, scalar := range []string{"Date", "Time", "Int64"} {
		def := schema.Types[scalar]
		if def == nil || def.Directives.ForName("specifiedBy") == nil {
			t.Errorf("scalar %s has no @specifiedBy", scalar)
		}
	}
	if f := schema.Query.Fields.ForName("clearanceTimes"); f == nil || f.Description == "" || f.Directives.ForName("allow") == nil {
		t.Errorf("clearanceTimes lacks its description or @allow: %+v", f)
	}
	if rec.Header().Get("ETag") == "" {
		t.Error("no ETag")
	}
	if got := serve(limitsHandler(graph.Config{}), httptest.NewRequest(http.MethodGet, "/schema.graphql", nil)).Code; got != http.StatusNotFound {
		t.Errorf("with introspection off: status %d, want 404", got)
	}
	authn, _ := hs256(t)
	if got := serve(limitsHandler(graph.Config{Introspection: true, Auth: authn}), httptest.NewRequest(http.MethodGet, "/schema.graphql", nil)).Code; got != http.StatusUnauthorized {
		t.Errorf("without a credential: status %d, want 401", got)
	}
}

// The enums of the schema hold exactly the values the domain accepts.
func TestSchemaEnumsMatchTheDomain(t *testing.T) {
	rec := serve(limitsHandler(graph.Config{Introspection: true}), httptest.NewRequest(http.MethodGet, "/schema.graphql", nil))
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: rec.Body.String()})
	if err != nil {
		t.Fatal(err)
	}
	for enum, domain := range map[string][]string{
		"ActivityKind":      postclear.ActivityKinds,
		"DisputeResolution": postclear.Resolutions,
		"MailClass":         postclear.MailClasses,
		"ItemCategory":      postclear.Categories,
		"SeizureCategory":   postclear.SeizureCategories,
	} {
		var values []string
		for _, v := range schema.Types[enum].EnumValues {
			values = append(values, v.Name)
		}
		if diff := cmp.Diff(slices.Sorted(slices.Values(domain)), slices.Sorted(slices.Values(values))); diff != "" {
			t.Errorf("enum %s (-domain +schema):\n%s", enum, diff)
		}
	}
}

// commitmentMoUs holds one MoU with an open and a resolved dispute; any
// other method would panic (the interface it forwards to is nil).
type commitmentMoUs struct{ mouStore }

// mouStore names graph.MoUs for embedding: its field would otherwise be
// called MoUs, like one of its methods.
type mouStore = graph.MoUs

func (commitmentMoUs) MoU(_ context.Context, id string) (postclear.MoU, error) {
	return postclear.MoU{ID: id, Country: "KE"}, nil
}

func (commitmentMoUs) Disputes(context.Context, string, time.Time, time.Time) ([]postclear.Dispute, error) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	return []postclear.Dispute{
		{MoUID: "m", OpenedOn: day, Subject: "open"},
		{MoUID: "m", OpenedOn: day, Subject: "closed", ResolvedOn: &day, Resolution: "MEDIATION"},
	}, nil
}

func (commitmentMoUs) Activities(context.Context, string, time.Time, time.Time) ([]postclear.Activity, error) {
	return []postclear.Activity{{MoUID: "m", Title: "t", Kind: "WORKSHOP"}}, nil
}

// A dispute's resolution is null while it is open, an enum value once
// resolved; an activity's kind is an enum value.
func TestCommitmentEnums(t *testing.T) {
	h := graph.NewHandler(&graph.Resolver{MoUs: commitmentMoUs{}}, nil, graph.Config{Logger: slog.New(slog.DiscardHandler)})
	_, out := postQuery(t, h, `{ mou(id: "m") { disputes { subject resolution } activities { kind } } }`)
	got, _ := json.Marshal(out)
	want := `{"data":{"mou":{"activities":[{"kind":"WORKSHOP"}],"disputes":[{"resolution":null,"subject":"open"},{"resolution":"MEDIATION","subject":"closed"}]}}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if strings.Contains(string(got), `"errors"`) {
		t.Error(string(got))
	}
}
