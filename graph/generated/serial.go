package generated

// This file is written by hand; generated.go calls it once
// internal/gqlserial has rewritten it (make generate).

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSliceSerially is graphql.MarshalSliceConcurrently in the calling
// goroutine, for lists whose elements resolve nothing: each element gets
// the same field context (its index in the path) and the same recovery
// from a panic (the element null, the error reported at its path).
func marshalSliceSerially(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		ret[i] = marshalElement1(ctx, i, omitPanicHandler, marshalElement)
	}
	return ret
}

func marshalElement1(ctx context.Context, i int, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler) {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return marshalElement(ctx, i)
}
