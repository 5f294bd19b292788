package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/postclear/postclear/graph/generated"
	"github.com/postclear/postclear/internal/postclear"
)

// EvaluationJSON renders the evaluation of mouID for quarter as the
// mouEvaluation field answers it, every field of Evaluation selected, as
// indented JSON: the `.json` download and `postclear report --format
// json`, machine-readable in the API's shape (docs/mou.md). ctx carries
// the caller (auth.WithPrincipal), whose scope the evaluation keeps.
func EvaluationJSON(ctx context.Context, r *Resolver, mouID, quarter string) ([]byte, error) {
	es := generated.NewExecutableSchema(generated.Config{Resolvers: r, Directives: generated.DirectiveRoot{Allow: allow}})
	var sb strings.Builder
	sb.WriteString("query ($mouId: ID!, $quarter: String!) { mouEvaluation(mouId: $mouId, quarter: $quarter) ")
	selectAll(&sb, es.Schema(), "Evaluation")
	sb.WriteString(" }")
	exec := executor.New(es)
	ctx = graphql.StartOperationTrace(ctx)
	oc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: sb.String(),
		Variables: map[string]any{"mouId": mouID, "quarter": quarter}})
	if errs != nil {
		return nil, errs
	}
	ctx = graphql.WithOperationContext(ctx, oc)
	next, ctx := exec.DispatchOperation(ctx, oc)
	resp := next(ctx)
	if len(resp.Errors) > 0 {
		e := resp.Errors[0]
		var pe *postclear.Error
		if errors.As(e, &pe) {
			return nil, pe
		}
		code, _ := e.Extensions["code"].(string)
		return nil, postclear.Errorf(code, "%s", e.Message)
	}
	var data struct{ MouEvaluation json.RawMessage }
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		return nil, err
	}
	// Indented in the order of the fields, as the API answers them.
	var out bytes.Buffer
	if err := json.Indent(&out, data.MouEvaluation, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// notInEvaluationJSON are the fields EvaluationJSON leaves out: the MoU's
// own lists, which read the engine again and are not the quarter's (the
// evaluation holds the quarter's activities, disputes and actions), and an
// action's history.
var notInEvaluationJSON = map[string]bool{"MoU.activities": true, "MoU.disputes": true, "MoU.actions": true, "Action.history": true}

// selectAll writes the selection set of every field of the object type
// name, recursively.
func selectAll(sb *strings.Builder, schema *ast.Schema, name string) {
	sb.WriteString("{ ")
	for _, f := range schema.Types[name].Fields {
		if strings.HasPrefix(f.Name, "__") || notInEvaluationJSON[name+"."+f.Name] {
			continue
		}
		sb.WriteString(f.Name + " ")
		if t := schema.Types[f.Type.Name()]; t.Kind == ast.Object {
			selectAll(sb, schema, t.Name)
		}
	}
	sb.WriteString("} ")
}
