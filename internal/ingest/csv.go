package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
)

func (r *Reader[T]) openCSV(br *bufio.Reader) error {
	cr := csv.NewReader(br)
	// The record slice is reused between rows; the strings in it are not
	// (encoding/csv allocates one string per row and slices the fields out
	// of it), so records may keep them.
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return errorf(r.name, "empty file: a CSV file starts with a header row naming its columns (%s)", strings.Join(r.s.fields, ","))
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return errorf(r.name, "header row: %v", pe.Err)
		}
		return fmt.Errorf("ingest %s: %w", r.name, err)
	}
	r.colField = make([]int, len(header))
	seen := make([]bool, len(r.s.fields))
	var problems []string
	for i, col := range header {
		f := r.s.index(col)
		r.colField[i] = f
		switch {
		case f < 0:
			msg := fmt.Sprintf("unknown column %q", col)
			if near := nearest(col, r.s.fields); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			problems = append(problems, msg)
		case seen[f]:
			problems = append(problems, fmt.Sprintf("column %q appears twice", col))
		default:
			seen[f] = true
		}
	}
	for f, ok := range seen {
		if !ok && !r.s.optional[f] {
			problems = append(problems, fmt.Sprintf("missing column %q", r.s.fields[f]))
		}
	}
	if problems != nil {
		return errorf(r.name, "header row (%s file): %s", r.s.kind, strings.Join(problems, "; "))
	}
	r.csv = cr
	return nil
}

func (r *Reader[T]) nextCSV() (T, int, []postclear.FieldError, error) {
	row, err := r.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			var zero T
			if err != io.EOF {
				err = fmt.Errorf("ingest %s: %w", r.name, err)
			}
			return zero, 0, nil, err
		}
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return r.rowError(pe.StartLine, fmt.Sprintf("row has %d fields, the header has %d", len(row), len(r.colField)))
		}
		// A quoting error: encoding/csv has consumed the row (and, for an
		// unterminated quote, everything after it), so reading goes on
		// with the next row.
		return r.rowError(pe.StartLine, fmt.Sprintf("bad CSV quoting: %v", pe.Err))
	}
	line, _ := r.csv.FieldPos(0)
	var zero T
	r.rec = zero
	var conv []fieldMsg
	for i, v := range row {
		if msg := r.s.set(&r.rec, r.colField[i], v); msg != "" {
			conv = append(conv, fieldMsg{r.colField[i], msg})
		}
	}
	return r.finish(&r.rec, line, conv)
}

// nearest returns the field name within edit distance 2 of s, to suggest a
// fix for a typo in a header; "" if there is none.
func nearest(s string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
