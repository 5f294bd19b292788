package ingest

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/postclear/postclear/internal/postclear"
)

// CSVWriter writes records of kind T as CSV: a header row, then one row per
// record, fields in the canonical order of DOMAIN.md, timestamps as RFC 3339
// in UTC ("2025-03-01T10:15:00Z"), decimals in plain notation.
type CSVWriter[T Record] struct {
	w      *csv.Writer
	s      *postclear.RecordSchema[T]
	row    []string
	header bool
}

// NewCSVWriter returns a writer to w. Call Flush when done; the header is
// written even if no record is.
func NewCSVWriter[T Record](w io.Writer) *CSVWriter[T] {
	return &CSVWriter[T]{w: csv.NewWriter(w), s: postclear.SchemaOf[T]()}
}

// Write writes one record.
func (cw *CSVWriter[T]) Write(rec T) error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	cw.row = cw.row[:0]
	for i := range cw.s.Fields {
		cw.row = append(cw.row, cw.s.Fields[i].Format(&rec))
	}
	if err := cw.w.Write(cw.row); err != nil {
		return fmt.Errorf("write %s CSV: %w", cw.s.Kind, err)
	}
	return nil
}

// Flush writes any buffered data and reports the first write error.
func (cw *CSVWriter[T]) Flush() error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return fmt.Errorf("write %s CSV: %w", cw.s.Kind, err)
	}
	return nil
}

func (cw *CSVWriter[T]) writeHeader() error {
	if cw.header {
		return nil
	}
	cw.header = true
	if err := cw.w.Write(cw.s.Names()); err != nil {
		return fmt.Errorf("write %s CSV: %w", cw.s.Kind, err)
	}
	return nil
}

// WriteCSV writes recs as a CSV file with a header row.
func WriteCSV[T Record](w io.Writer, recs []T) error {
	cw := NewCSVWriter[T](w)
	for _, r := range recs {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// WriteJSONL writes recs as JSON Lines with the file field names.
func WriteJSONL[T Record](w io.Writer, recs []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		// The record types carry the file field names as JSON tags, and
		// their time.Time values are UTC, which encodes with "Z".
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write %s JSON Lines: %w", postclear.SchemaOf[T]().Kind, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s JSON Lines: %w", postclear.SchemaOf[T]().Kind, err)
	}
	return nil
}

// ErrorReport writes rejected rows to a file for the person who produced
// the input: CSV with the columns file, line, field, message, or JSON Lines
// with the same keys when the report's name ends in ".jsonl".
type ErrorReport struct {
	bw    *bufio.Writer
	csv   *csv.Writer
	jsonl bool
	n     int
}

// NewErrorReport returns a report written to w; name decides the format.
func NewErrorReport(name string, w io.Writer) *ErrorReport {
	bw := bufio.NewWriter(w)
	r := &ErrorReport{bw: bw, jsonl: strings.HasSuffix(strings.ToLower(name), ".jsonl")}
	if !r.jsonl {
		r.csv = csv.NewWriter(bw)
		r.csv.Write([]string{"file", "line", "field", "message"}) // error surfaces in Flush
	}
	return r
}

// errorLine is one JSON Lines entry of an ErrorReport.
type errorLine struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Add appends errs to the report.
func (r *ErrorReport) Add(errs ...postclear.FieldError) error {
	for _, e := range errs {
		r.n++
		if r.jsonl {
			b, err := json.Marshal(errorLine{e.File, e.Line, e.Field, e.Message})
			if err != nil {
				return fmt.Errorf("write error report: %w", err)
			}
			r.bw.Write(b)
			if err := r.bw.WriteByte('\n'); err != nil {
				return fmt.Errorf("write error report: %w", err)
			}
			continue
		}
		if err := r.csv.Write([]string{e.File, fmt.Sprint(e.Line), e.Field, e.Message}); err != nil {
			return fmt.Errorf("write error report: %w", err)
		}
	}
	return nil
}

// Count is the number of errors added so far.
func (r *ErrorReport) Count() int { return r.n }

// Flush writes buffered entries; call it before closing the file.
func (r *ErrorReport) Flush() error {
	if r.csv != nil {
		r.csv.Flush()
		if err := r.csv.Error(); err != nil {
			return fmt.Errorf("write error report: %w", err)
		}
	}
	if err := r.bw.Flush(); err != nil {
		return fmt.Errorf("write error report: %w", err)
	}
	return nil
}
