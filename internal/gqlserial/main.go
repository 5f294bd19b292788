// Command gqlserial rewrites gqlgen's generated executor so that it
// marshals in one goroutine the elements of every list whose elements
// resolve nothing: enums, scalars and objects none of whose fields runs a
// resolver or a method taking a context (make generate runs it after
// gqlgen).
//
// gqlgen v0.17 marshals every element of every list of objects in a
// goroutine of its own (graphql.MarshalSliceConcurrently) and offers no
// switch for it. For postclear's answers, plain rows of numbers read from
// the engine, those goroutines, their stacks and allocations were most of
// the server's own time (issue 17, docs/benchmarks.md); lists whose
// elements do resolve something (a resolver may wait on I/O) keep
// gqlgen's concurrency.
//
//	go run ./internal/gqlserial graph/generated/generated.go
package main

import (
	"fmt"
	"os"
	"regexp"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gqlserial GENERATED.go")
		os.Exit(2)
	}
	src, err := os.ReadFile(os.Args[1])
	if err == nil {
		var n int
		src, n = rewrite(src)
		err = os.WriteFile(os.Args[1], src, 0o644)
		fmt.Printf("gqlserial: %d lists marshalled in one goroutine\n", n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gqlserial:", err)
		os.Exit(1)
	}
}

var (
	// A list's marshaler: the call, then the element's marshaler, named
	// after the element's GraphQL type (marshalN<Type>2<Go type>).
	sliceCall = regexp.MustCompile(`graphql\.MarshalSliceConcurrently(\(ctx, len\(v\), \d+, \w+, func\(ctx context\.Context, i int\) graphql\.Marshaler \{\s*fc := graphql\.GetFieldContext\(ctx\)\s*fc\.Result = &v\[i\]\s*return ec\.marshal[NO](\w+?)2)`)
	// An object's marshaler, up to the next top-level declaration.
	objectFunc = regexp.MustCompile(`(?s)\nfunc \(ec \*executionContext\) _(\w+)\(ctx context\.Context, sel ast\.SelectionSet, obj [^)]*\) graphql\.Marshaler \{(.*?)\n}\n`)
	// What in an object's marshaler may run concurrently: a field
	// resolved concurrently, or (for an interface or a union) a concrete
	// type that the marshaler cannot see from here.
	resolves = regexp.MustCompile(`Concurrently|\.\(type\)`)
)

// rewrite replaces the concurrent marshaling of lists whose element type
// runs nothing concurrently by marshalSliceSerially (graph/generated/
// serial.go), and says how many it replaced.
func rewrite(src []byte) ([]byte, int) {
	concurrent := map[string]bool{}
	for _, m := range objectFunc.FindAllSubmatch(src, -1) {
		if resolves.Match(m[2]) {
			concurrent[string(m[1])] = true
		}
	}
	n := 0
	out := sliceCall.ReplaceAllFunc(src, func(call []byte) []byte {
		m := sliceCall.FindSubmatch(call)
		if concurrent[string(m[2])] {
			return call
		}
		n++
		return append([]byte("marshalSliceSerially"), m[1]...)
	})
	return out, n
}
