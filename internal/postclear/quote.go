package postclear

import (
	"strconv"
	"unicode/utf8"
)

// MaxQuotedBytes is how much of a rejected value an error message repeats.
// A message goes to a terminal, an --errors file and a GraphQL answer, and a
// 64 KiB value copied into each of them helps nobody find the fault.
const MaxQuotedBytes = 40

// Quote returns s in Go double-quoted form, as %q would, for a message about
// a rejected value. A value longer than MaxQuotedBytes is cut at a character
// boundary and its length is given: "AAAA…" (65536 bytes).
func Quote(s string) string {
	if len(s) <= MaxQuotedBytes {
		return strconv.Quote(s)
	}
	return strconv.Quote(Cut(s, MaxQuotedBytes)) + " (" + strconv.Itoa(len(s)) + " bytes)"
}

// Cut returns s when it has at most n bytes, else its first n bytes or
// fewer, cut at a character boundary, followed by "…": for repeating what a
// caller sent without repeating all of it.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// QuotePrefix quotes the start of a value that was cut off while it was
// read, so that its length is unknown: "AAAA…".
func QuotePrefix(s string) string {
	cut := min(len(s), MaxQuotedBytes)
	for cut > 0 && cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut] + "…")
}
