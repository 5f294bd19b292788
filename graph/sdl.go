package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// schemaHandler serves the schema the server executes as SDL, for code
// generators (graphql-codegen and the like) and readers: with every
// description, the @allow permission of each field and the @specifiedBy
// URL of each custom scalar. It is what introspection tells, so it is
// served only where introspection is allowed, to the same callers.
func schemaHandler(schema *ast.Schema) http.Handler {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(schema)
	sdl := buf.Bytes()
	sum := sha256.Sum256(sdl)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="schema.graphql"`)
		h.Set("Cache-Control", "private, no-cache")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(sdl))
	})
}
