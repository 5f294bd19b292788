//go:build tools

// This file pins the gqlgen code generator in go.mod, so that
// `go run github.com/99designs/gqlgen generate` uses the same version as the
// runtime library.
package graph

import _ "github.com/99designs/gqlgen"
