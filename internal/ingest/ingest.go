// Package ingest reads and writes the record files of DOMAIN.md: CSV with a
// header row or JSON Lines, each optionally gzip-compressed, for tracking
// events, declarations and customs decisions. Readers stream: every row
// yields either a record that already passed Validate or the reasons it was
// rejected, with file and line, so that one bad row never costs the valid
// rows of the same file. Storing the records is the warehouse's business.
package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/postclear/postclear/internal/postclear"
)

// Format is the syntax of a record file.
type Format string

// The file formats.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// MaxLineBytes bounds one JSON Lines line; a longer line is rejected on its
// own instead of growing memory without limit.
const MaxLineBytes = 1 << 20

// Reader streams the records of one file. It is not safe for concurrent use.
type Reader[T Record] struct {
	name   string
	now    time.Time
	s      *schema[T]
	format Format
	// rec is the record being filled. It lives in the Reader, not on the
	// stack of Next, because the setters are called through a function
	// value and a local passed to them by address would escape: one heap
	// allocation per row.
	rec T

	// CSV
	csv      *csv.Reader
	colField []int // column → field index

	// JSON Lines
	br   *bufio.Reader
	line int
	long []byte // accumulates a line longer than the bufio buffer
}

// Open starts reading the records of kind T from r. name is the file name
// used in error messages and to pick the format: ".csv", ".jsonl",
// ".ndjson" or ".json", each optionally followed by ".gz". For "-", "" or
// any other name the format is sniffed: a first non-blank byte "{" means
// JSON Lines, anything else CSV. Gzip is recognised by its magic bytes
// whatever the name. now is the ingestion time that Validate judges future
// timestamps against.
//
// A CSV header that lacks a required column or names an unknown one makes
// Open fail with a *postclear.Error (code EInvalid) naming the columns.
func Open[T Record](name string, r io.Reader, now time.Time) (*Reader[T], error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, postclear.Errorf(postclear.EInvalid, "%s: not a valid gzip file: %v", name, err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	skipBOM(br)
	rd := &Reader[T]{name: name, now: now, s: schemaFor[T]()}
	first := firstNonBlank(br)
	format, known := formatFromName(name)
	if !known {
		format = CSV
		if first == '{' {
			format = JSONL
		}
	}
	rd.format = format
	if format == JSONL {
		if first == '[' {
			return nil, postclear.Errorf(postclear.EInvalid,
				"%s: is a JSON array; postclear reads JSON Lines, one object per line", name)
		}
		rd.br = br
		return rd, nil
	}
	if err := rd.openCSV(br); err != nil {
		return nil, err
	}
	return rd, nil
}

// Format reports the syntax the reader decided on.
func (r *Reader[T]) Format() Format { return r.format }

// Next returns the next row: a valid record with its line number, or the
// reasons the row at line was rejected (errs non-empty, rec zero). At the
// end of the input err is io.EOF; any other err (a read or gzip failure) is
// about the file, not a row, and ends the reading.
func (r *Reader[T]) Next() (rec T, line int, errs []postclear.FieldError, err error) {
	if r.format == JSONL {
		return r.nextJSONL()
	}
	return r.nextCSV()
}

// ReadAll reads the rest of r, for tests and small inputs.
func ReadAll[T Record](r *Reader[T]) ([]T, []postclear.FieldError, error) {
	var recs []T
	var rejected []postclear.FieldError
	for {
		rec, _, errs, err := r.Next()
		if err == io.EOF {
			return recs, rejected, nil
		}
		if err != nil {
			return recs, rejected, err
		}
		if errs != nil {
			rejected = append(rejected, errs...)
			continue
		}
		recs = append(recs, rec)
	}
}

// finish validates rec after its fields were set and turns the conversion
// messages (conv, by field index) and the rule violations into the row's
// errors. A field that could not be converted is reported once, with the
// conversion message, not again as "required".
func (r *Reader[T]) finish(rec *T, line int, conv []fieldMsg) (T, int, []postclear.FieldError, error) {
	verrs := r.s.validate(rec, r.now)
	if len(conv) == 0 && len(verrs) == 0 {
		return *rec, line, nil, nil
	}
	errs := make([]postclear.FieldError, 0, len(conv)+len(verrs))
	for _, c := range conv {
		errs = append(errs, r.fieldError(line, c.field, c.msg))
	}
	for _, v := range verrs {
		if !slices.ContainsFunc(conv, func(c fieldMsg) bool { return c.field >= 0 && r.s.fields[c.field] == v.Field }) {
			errs = append(errs, r.fieldError(line, r.s.index(v.Field), v.Message))
		}
	}
	// Report in the canonical field order, row-level problems first, so
	// that the same row gives the same report in CSV and JSON Lines.
	slices.SortStableFunc(errs, func(a, b postclear.FieldError) int {
		return r.s.index(a.Field) - r.s.index(b.Field)
	})
	var zero T
	return zero, line, errs, nil
}

type fieldMsg struct {
	field int // index in the schema, -1 for the row as a whole
	msg   string
}

func (r *Reader[T]) fieldError(line, field int, msg string) postclear.FieldError {
	fe := postclear.FieldError{File: r.name, Line: line, Message: msg}
	if field >= 0 {
		fe.Field = r.s.fields[field]
	}
	return fe
}

// rowError rejects a whole row, for problems no single field owns.
func (r *Reader[T]) rowError(line int, msg string) (T, int, []postclear.FieldError, error) {
	var zero T
	return zero, line, []postclear.FieldError{r.fieldError(line, -1, msg)}, nil
}

func formatFromName(name string) (Format, bool) {
	base := strings.ToLower(filepath.Base(name))
	base = strings.TrimSuffix(base, ".gz")
	switch filepath.Ext(base) {
	case ".csv":
		return CSV, true
	case ".jsonl", ".ndjson", ".json":
		return JSONL, true
	}
	return CSV, false
}

func skipBOM(br *bufio.Reader) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
}

// firstNonBlank peeks at the first byte that is not white space, without
// consuming anything; 0 if there is none within the buffer.
func firstNonBlank(br *bufio.Reader) byte {
	for n := 1; n <= br.Size(); n *= 2 {
		b, err := br.Peek(n)
		for _, c := range b {
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				return c
			}
		}
		if err != nil {
			return 0
		}
	}
	return 0
}

func errorf(name, format string, args ...any) error {
	return postclear.Errorf(postclear.EInvalid, "%s: %s", name, fmt.Sprintf(format, args...))
}
