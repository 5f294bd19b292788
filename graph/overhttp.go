package graph

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
)

// overHTTP brings gqlgen's answers to a request error (a document that
// does not parse or validate, variables that do not coerce) in line with
// the GraphQL-over-HTTP spec's SHOULDs:
//
//   - with application/json (what a client gets unless it asks for
//     application/graphql-response+json) the status is 200, not gqlgen's
//     422: such a client reads errors from the body, and an intermediary
//     may hide a 4xx body;
//   - the answer has no "data" member, since nothing was executed (gqlgen
//     writes "data": null, which means execution failed).
//
// A request with no query at all ({"qeury": …}) is not a GraphQL request:
// it gets 400 whatever it accepts. With application/graphql-response+json
// gqlgen already answers 400. Other answers pass through untouched.
func overHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &requestErrorWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r)
		if rw.status != 0 {
			rw.finish()
		}
	})
}

// noOperation is gqlgen's message for a request without a query.
const noOperation = "no operation provided"

// requestErrorWriter holds an answer whose status says it is a request
// error until finish rewrites it; others go straight through.
type requestErrorWriter struct {
	http.ResponseWriter
	status int // set when holding
	body   bytes.Buffer
}

func (w *requestErrorWriter) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity || code == http.StatusBadRequest {
		w.status = code
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *requestErrorWriter) Write(b []byte) (int, error) {
	if w.status != 0 {
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *requestErrorWriter) finish() {
	body := w.body.Bytes()
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) == nil && members["errors"] != nil && string(members["data"]) == "null" {
		delete(members, "data")
		if b, err := json.Marshal(members); err == nil {
			body = b
		}
	}
	status := w.status
	var errs []struct{ Message string }
	json.Unmarshal(members["errors"], &errs)
	if mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type")); mt == "application/json" && status == http.StatusUnprocessableEntity {
		status = http.StatusOK
	}
	if len(errs) == 1 && errs[0].Message == noOperation {
		status = http.StatusBadRequest
	}
	w.ResponseWriter.WriteHeader(status)
	w.ResponseWriter.Write(body)
}
