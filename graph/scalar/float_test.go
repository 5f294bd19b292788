package scalar

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestMarshalFloatAsGqlgen checks that the Float scalar writes every value
// exactly as gqlgen's marshaler does, and refuses the same ones.
func TestMarshalFloatAsGqlgen(t *testing.T) {
	ctx := context.Background()
	for _, f := range []float64{0, -0.0, 1, -1, 12.5, 253.78583333333333, 0.1, 1.0 / 3, 1e20, 1e21, 1e-5, 1e-7, 123456789012,
		math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-300, math.Inf(1), math.Inf(-1), math.NaN()} {
		var got, want bytes.Buffer
		gotErr := MarshalFloat(f).MarshalGQLContext(ctx, &got)
		wantErr := graphql.MarshalFloatContext(f).MarshalGQLContext(ctx, &want)
		if got.String() != want.String() || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%v: wrote %q (error %v), gqlgen writes %q (error %v)", f, got.String(), gotErr, want.String(), wantErr)
		}
	}
}
