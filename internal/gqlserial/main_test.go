package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

var sample = objects + listOf("Plain") + listOf("Resolving") + listOf("Shape") + listOf("Stage")

const objects = `
func (ec *executionContext) _Plain(ctx context.Context, sel ast.SelectionSet, obj *postclear.Plain) graphql.Marshaler {
	out.Values[i] = ec._Plain_n(ctx, field, obj)
}

func (ec *executionContext) _Resolving(ctx context.Context, sel ast.SelectionSet, obj *postclear.Resolving) graphql.Marshaler {
			out.ResolveConcurrently(ec.OperationContext, &deferred, i,
}

func (ec *executionContext) _Shape(ctx context.Context, sel ast.SelectionSet, obj model.Shape) graphql.Marshaler {
	switch obj := (obj).(type) {
}

`

// listOf is gqlgen's marshaler of a list of the GraphQL type name.
func listOf(name string) string {
	return strings.NewReplacer("T", name).Replace(`
func (ec *executionContext) marshalNT2ᚕTᚄ(ctx context.Context, sel ast.SelectionSet, v []postclear.T) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		fc := graphql.GetFieldContext(ctx)
		fc.Result = &v[i]
		return ec.marshalNT2T(ctx, sel, v[i])
	})
}
`)
}

// TestRewriteKeepsResolvingListsConcurrent checks that only the lists of
// plain objects and of enums are marshalled in one goroutine: those of an
// object with a concurrently resolved field, and of an interface, keep
// gqlgen's concurrency.
func TestRewriteKeepsResolvingListsConcurrent(t *testing.T) {
	out, n := rewrite([]byte(sample))
	if n != 2 {
		t.Errorf("rewrote %d lists, want 2 (Plain, Stage)", n)
	}
	for _, c := range []struct {
		list   string
		serial bool
	}{{"Plain", true}, {"Resolving", false}, {"Shape", false}, {"Stage", true}} {
		i := bytes.Index(out, []byte("2ᚕ"+c.list+"ᚄ(ctx"))
		call := string(out[i : i+250])
		if got := strings.Contains(call, "ret := marshalSliceSerially(ctx, len(v), 0, false, func"); got != c.serial {
			t.Errorf("list of %s marshalled serially: %v, want %v:\n%s", c.list, got, c.serial, call)
		}
	}
}

// TestGeneratedIsRewritten checks that the committed executor went through
// the rewrite (make generate), and that the lists of objects with
// resolvers, the MoU family's, are still concurrent.
func TestGeneratedIsRewritten(t *testing.T) {
	src, err := os.ReadFile("../../graph/generated/generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if _, n := rewrite(src); n != 0 {
		t.Errorf("%d lists left to rewrite: run make generate", n)
	}
	for _, list := range []string{"StageStat", "ThresholdRate", "OpenItemEdge"} {
		if bytes.Contains(src, []byte("graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {\n\t\tfc := graphql.GetFieldContext(ctx)\n\t\tfc.Result = &v[i]\n\t\treturn ec.marshalN"+list+"2")) {
			t.Errorf("list of %s still marshalled concurrently", list)
		}
	}
	if !bytes.Contains(src, []byte("return ec.marshalNAction2")) || bytes.Count(src, []byte("graphql.MarshalSliceConcurrently(")) == 0 {
		t.Error("no list left concurrent: the lists of Action (resolvers) should be")
	}
}
