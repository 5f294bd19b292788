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
	"context"
	"encoding/csv"
	"errors"
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

// DefaultMaxRecordBytes bounds one record (a CSV row, a JSON Lines line)
// unless Options say otherwise. The largest valid record is a declaration
// with a 512-character description, well under 4 KiB; the bound is there so
// that an endless line (a gzip bomb, /dev/zero) is rejected as a row
// instead of growing memory without limit.
const DefaultMaxRecordBytes = 64 << 10

// Options tunes a Reader. The zero value gives the defaults.
type Options struct {
	// Now is the ingestion time that Validate judges future timestamps
	// against; zero means time.Now().
	Now time.Time
	// MaxRecordBytes bounds a record's size in the file, in bytes; zero
	// means DefaultMaxRecordBytes. A longer record is rejected with its
	// line and the field it was in, and reading goes on with the next
	// line.
	MaxRecordBytes int
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return o
}

// bufSize is the read buffer of a file: large enough that reading costs a
// few system calls per thousand rows.
const bufSize = 64 << 10

// Reader streams the records of one file. It is not safe for concurrent use.
type Reader[T Record] struct {
	name  string
	now   time.Time
	limit int // MaxRecordBytes
	s     *postclear.RecordSchema[T]
	// g guards every byte the reader takes from the file, and br buffers
	// what g hands out.
	g      *guard
	br     *bufio.Reader
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
	line int
	long []byte   // accumulates a line longer than the bufio buffer
	raw  [][]byte // a line's raw values, by field (scanObject)
	next int      // the field the next member probably is (fieldOf)
	text []byte   // the values' text, one after another
	ends []int    // where each field's text ends in text
}

// Open is OpenWith without cancellation, for data already in memory and for
// tests; files go through OpenWith so that a signal can stop the reading.
func Open[T Record](name string, r io.Reader, now time.Time) (*Reader[T], error) {
	return OpenWith[T](context.Background(), name, r, Options{Now: now})
}

// OpenWith starts reading the records of kind T from r. name is the file
// name used in error messages and to pick the format: ".csv", ".jsonl",
// ".ndjson" or ".json", each optionally followed by ".gz". For "-", "" or
// any other name the format is sniffed: a first non-blank byte "{" means
// JSON Lines, anything else CSV. Gzip is recognised by its magic bytes
// whatever the name.
//
// Every read from r checks ctx, so cancelling it stops even the reading of
// an endless line; Next then returns ctx's cause.
//
// A CSV header that lacks a required column or names an unknown one makes
// OpenWith fail with a *FileError whose cause is a *postclear.Error (code
// EInvalid) naming the columns.
func OpenWith[T Record](ctx context.Context, name string, r io.Reader, o Options) (*Reader[T], error) {
	o = o.withDefaults()
	// Peek at the magic bytes without a buffer of our own, so that plain
	// files are buffered once (below) and gzip gets a buffered source.
	var magic [2]byte
	n, err := io.ReadFull(r, magic[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, &FileError{File: name, Err: err}
	}
	src := io.MultiReader(bytes.NewReader(magic[:n]), r)
	if n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(bufio.NewReaderSize(src, bufSize))
		if err != nil {
			return nil, errorf(name, "not a valid gzip file: %v", err)
		}
		src = zr
	}
	g := &guard{ctx: ctx, r: src, stopAt: -1}
	br := bufio.NewReaderSize(g, bufSize)
	skipBOM(br)
	rd := &Reader[T]{name: name, now: o.Now, limit: o.MaxRecordBytes, s: postclear.SchemaOf[T](), g: g, br: br}
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
			return nil, errorf(name, "is a JSON array; postclear reads JSON Lines, one object per line")
		}
		return rd, nil
	}
	if err := rd.openCSV(); err != nil {
		return nil, err
	}
	return rd, nil
}

// guard sits between a file's bytes (decompressed) and the reader's buffer.
// It stops the reading once ctx is done, so that a signal ends even the
// reading of /dev/zero, and it hands out no byte at or beyond stopAt (when
// stopAt ≥ 0): the CSV reader sets stopAt for each record, so that an
// endless record costs bounded memory.
type guard struct {
	ctx    context.Context
	r      io.Reader
	pulled int64 // bytes handed out so far
	stopAt int64
}

// errRecordTooLong is what the guard returns at stopAt.
var errRecordTooLong = errors.New("record too long")

func (g *guard) Read(p []byte) (int, error) {
	if g.ctx.Err() != nil {
		return 0, context.Cause(g.ctx)
	}
	if g.stopAt >= 0 {
		room := g.stopAt - g.pulled
		if room <= 0 {
			return 0, errRecordTooLong
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := g.r.Read(p)
	g.pulled += int64(n)
	return n, err
}

// consumed is the offset in the file (decompressed) of the next byte the
// reader will parse.
func (r *Reader[T]) consumed() int64 { return r.g.pulled - int64(r.br.Buffered()) }

// skipLine discards the rest of the current physical line, whatever its
// length, holding at most the buffer in memory.
func (r *Reader[T]) skipLine() error {
	r.g.stopAt = -1
	for {
		_, err := r.br.ReadSlice('\n')
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}

// tooLong is the message for a record over the limit whose value in field
// starts with v.
func (r *Reader[T]) tooLong(v string) string {
	msg := fmt.Sprintf("the record is longer than %d bytes, the limit of a record (--max-record-bytes)", r.limit)
	if v != "" {
		msg += "; the value starts " + postclear.QuotePrefix(v)
	}
	return msg
}

// FileError is a problem with a file as a whole: it cannot be opened, its
// header is wrong, or it breaks off (a truncated gzip stream). The rows read
// before it stay read; nothing after it is. Line is the line at which
// reading stopped, 0 when no row was read.
type FileError struct {
	File string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// brokenAt reports a failure to read on at line: a broken gzip stream, a
// read error. Cancellation is passed on as it is, for the caller to stop.
func (r *Reader[T]) brokenAt(line int, err error) error {
	if r.g.ctx.Err() != nil {
		return context.Cause(r.g.ctx)
	}
	return &FileError{File: r.name, Line: line, Err: fmt.Errorf("the file breaks off here, the rest of it was not read: %w", err)}
}

// Format reports the syntax the reader decided on.
func (r *Reader[T]) Format() Format { return r.format }

// Next returns the next row: a valid record with its line number, or the
// reasons the row at line was rejected (errs non-empty, rec zero). At the
// end of the input err is io.EOF; any other err is about the file, not a
// row, and ends the reading: a *FileError (a read or gzip failure, with the
// line where the file broke off), or the cause of the context's
// cancellation.
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
	verrs := r.s.Validate(rec, r.now)
	if len(conv) == 0 && len(verrs) == 0 {
		return *rec, line, nil, nil
	}
	errs := make([]postclear.FieldError, 0, len(conv)+len(verrs))
	for _, c := range conv {
		errs = append(errs, r.fieldError(line, c.field, c.msg))
	}
	for _, v := range verrs {
		if !slices.ContainsFunc(conv, func(c fieldMsg) bool { return c.field >= 0 && r.s.Fields[c.field].Name == v.Field }) {
			errs = append(errs, r.fieldError(line, r.s.Index(v.Field), v.Message))
		}
	}
	// Report in the canonical field order, row-level problems first, so
	// that the same row gives the same report in CSV and JSON Lines.
	slices.SortStableFunc(errs, func(a, b postclear.FieldError) int {
		return r.s.Index(a.Field) - r.s.Index(b.Field)
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
		fe.Field = r.s.Fields[field].Name
	}
	return fe
}

// rowError rejects a whole row, for problems no single field owns.
func (r *Reader[T]) rowError(line int, msg string) (T, int, []postclear.FieldError, error) {
	return r.rowFieldError(line, -1, msg)
}

// rowFieldError rejects a row for one problem of field (-1: the row).
func (r *Reader[T]) rowFieldError(line, field int, msg string) (T, int, []postclear.FieldError, error) {
	var zero T
	return zero, line, []postclear.FieldError{r.fieldError(line, field, msg)}, nil
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
	return &FileError{File: name, Err: postclear.Errorf(postclear.EInvalid, format, args...)}
}
