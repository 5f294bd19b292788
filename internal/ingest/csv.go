package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
)

func (r *Reader[T]) openCSV() error {
	// encoding/csv uses r.br as it is (it is a large enough
	// *bufio.Reader), so what it has not consumed stays in r.br, where
	// consumed and skipLine see it.
	cr := csv.NewReader(r.br)
	// The record slice is reused between rows; the strings in it are not
	// (encoding/csv allocates one string per row and slices the fields out
	// of it), so records may keep them.
	cr.ReuseRecord = true
	r.csv = cr
	header, _, err := r.readCSV()
	if err == io.EOF {
		return errorf(r.name, "empty file: a CSV file starts with a header row naming its columns (%s)", strings.Join(r.s.Names(), ","))
	}
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			return errorf(r.name, "header row: %v", pe.Err)
		case errors.Is(err, errRecordTooLong):
			return errorf(r.name, "header row: longer than %d bytes, the limit of a record (--max-record-bytes)", r.limit)
		}
		return r.brokenAt(1, err)
	}
	r.colField = make([]int, len(header))
	seen := make([]bool, len(r.s.Fields))
	var problems []string
	for i, col := range header {
		f := r.s.Index(col)
		r.colField[i] = f
		switch {
		case f < 0:
			msg := "unknown column " + postclear.Quote(col)
			if near := nearest(col, r.s.Names()); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			problems = append(problems, msg)
		case seen[f]:
			problems = append(problems, "column "+postclear.Quote(col)+" appears twice")
		default:
			seen[f] = true
		}
	}
	for f, ok := range seen {
		if !ok && !r.s.Fields[f].Optional {
			problems = append(problems, fmt.Sprintf("missing column %q", r.s.Fields[f].Name))
		}
	}
	if problems != nil {
		return errorf(r.name, "header row (%s file): %s", r.s.Kind, strings.Join(problems, "; "))
	}
	return nil
}

// readCSV reads one record of at most r.limit bytes. A longer one ends in
// errRecordTooLong when the guard stops handing out its bytes (the fields
// read so far are returned), or, if it ended within the last buffer, is
// returned whole with tooLong set.
func (r *Reader[T]) readCSV() (row []string, tooLong bool, err error) {
	start := r.consumed()
	// Allow one buffer beyond the limit, so that a record of exactly
	// r.limit bytes can always be read to its end.
	r.g.stopAt = start + int64(r.limit) + int64(r.br.Size())
	row, err = r.csv.Read()
	r.g.stopAt = -1
	return row, err == nil && r.consumed()-start > int64(r.limit), err
}

// cutField names the field of a row that was cut off at the size limit,
// and the start of its value. encoding/csv returns the fields read before
// the cut and, when the field being read was not quoted, that field's
// bytes as the last one; a quoted field being read is left out. So when
// the fields returned hold far fewer bytes than were read, the cut field
// is the next one, and its value is unknown.
func (r *Reader[T]) cutField(row []string) (field int, value string) {
	n := len(row)
	held := n
	for _, v := range row {
		held += len(v)
	}
	if 2*held < r.limit && n < len(r.colField) {
		return r.colField[n], ""
	}
	if n > 0 && n <= len(r.colField) {
		return r.colField[n-1], row[n-1]
	}
	return -1, ""
}

// csvLine is the line at which row, the last one read, starts; 0 if
// encoding/csv returned no field (FieldPos would panic).
func (r *Reader[T]) csvLine(row []string) int {
	if len(row) == 0 {
		return 0
	}
	line, _ := r.csv.FieldPos(0)
	return line
}

func (r *Reader[T]) nextCSV() (T, int, []postclear.FieldError, error) {
	row, tooLong, err := r.readCSV()
	if tooLong {
		// Name the longest field: it is the one that does not fit.
		longest := 0
		for i := range row {
			if len(row[i]) > len(row[longest]) {
				longest = i
			}
		}
		return r.rowFieldError(r.csvLine(row), r.colField[longest], r.tooLong(row[longest]))
	}
	if err != nil {
		var pe *csv.ParseError
		var zero T
		switch {
		case err == io.EOF:
			return zero, 0, nil, err
		case errors.Is(err, errRecordTooLong):
			// encoding/csv returns the fields read so far: the last one
			// is the field that did not fit. The rest of its line is
			// skipped; encoding/csv has counted the line.
			line := r.csvLine(row)
			f, v := r.cutField(row)
			if err := r.skipLine(); err != nil && err != io.EOF {
				return zero, 0, nil, r.brokenAt(line, err)
			}
			return r.rowFieldError(line, f, r.tooLong(v))
		case !errors.As(err, &pe):
			return zero, 0, nil, r.brokenAt(r.csvLine(row), err)
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
		if msg := r.s.Fields[r.colField[i]].Parse(&r.rec, v); msg != "" {
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
