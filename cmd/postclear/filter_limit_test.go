package main

import (
	"strings"
	"testing"
)

// A 200,000-entry filter list is refused with a coded error naming the
// argument, before the engine sees it (issue 9: such a list kept the
// engine busy for 90 s, beyond its own time limit, and every caller
// waited). The bound is --max-filter-values.
func TestLongFilterListIsRefused(t *testing.T) {
	s := startServer(t, "e2e_filter_limit")
	offices := make([]string, 200_000)
	for i := range offices {
		offices[i] = "USJFKA"
	}
	got := post(t, s, `query($o: [String!]) { clearanceTimes(filter: {from: "2025-01-01", to: "2025-04-01", offices: $o}) { items } }`,
		map[string]any{"o": offices})
	if len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
		!strings.Contains(got.Errors[0].Message, "filter.offices: 200000 values, at most 1000 are allowed") {
		t.Fatalf("errors = %+v, want one BAD_USER_INPUT naming filter.offices and the bound", got.Errors)
	}
	if st := post(t, s, `{ dataStatus { events } }`, nil); len(st.Errors) > 0 {
		t.Errorf("the server is not answering after the refusal: %+v", st.Errors)
	}
}
