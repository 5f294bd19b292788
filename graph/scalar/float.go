package scalar

import (
	"context"
	"errors"
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalFloat writes the Float scalar as gqlgen's own does (fmt's %g, the
// shortest representation that reads back exactly, and an error for an
// infinity or NaN), but through strconv into a stack buffer instead of
// fmt.Fprintf: a stage-times answer holds eight floats a row, and fmt's
// printer was 4 % of the handler's time (docs/benchmarks.md, issue 17).
func MarshalFloat(f float64) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return errors.New("cannot marshal infinite no NaN float values")
		}
		var buf [32]byte
		_, err := w.Write(strconv.AppendFloat(buf[:0], f, 'g', -1, 64))
		return err
	})
}

// UnmarshalFloat reads the Float scalar as gqlgen does.
func UnmarshalFloat(ctx context.Context, v any) (float64, error) {
	return graphql.UnmarshalFloatContext(ctx, v)
}
