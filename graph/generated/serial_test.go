package generated

import (
	"bytes"
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestMarshalSliceSeriallyAsConcurrently checks that the serial list
// marshaler gives each element its index in the path, and that a panic in
// one element nulls that element and reports the error at its path, as
// gqlgen's concurrent one does.
func TestMarshalSliceSeriallyAsConcurrently(t *testing.T) {
	for name, marshal := range map[string]func(context.Context, int, int64, bool, func(context.Context, int) graphql.Marshaler) graphql.Array{
		"serial": marshalSliceSerially, "gqlgen": graphql.MarshalSliceConcurrently,
	} {
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "rows"}}})
		paths := make([]string, 3)
		got := marshal(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			paths[i] = graphql.GetFieldContext(ctx).Path().String()
			if i == 1 {
				panic("boom")
			}
			return graphql.MarshalInt(i)
		})
		var out bytes.Buffer
		got.MarshalGQL(&out)
		if out.String() != "[0,null,2]" {
			t.Errorf("%s: got %s, want [0,null,2]", name, out.String())
		}
		if paths[0] != "rows[0]" || paths[1] != "rows[1]" || paths[2] != "rows[2]" {
			t.Errorf("%s: paths %q", name, paths)
		}
		errs := graphql.GetErrors(ctx)
		if len(errs) != 1 || errs[0].Path.String() != "rows[1]" {
			t.Errorf("%s: errors %v, want one at rows[1]", name, errs)
		}
	}
}
