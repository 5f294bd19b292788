package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"

	"github.com/postclear/postclear/internal/postclear"
)

// nextJSONL reads lines until one holds a record or rejected row. Blank
// lines are skipped, as is customary for JSON Lines.
func (r *Reader[T]) nextJSONL() (T, int, []postclear.FieldError, error) {
	for {
		b, tooLong, err := r.readLine()
		if err != nil && err != io.EOF {
			var zero T
			return zero, 0, nil, r.brokenAt(r.line+1, err)
		}
		if err == io.EOF && len(b) == 0 && !tooLong {
			var zero T
			return zero, 0, nil, io.EOF
		}
		r.line++
		if tooLong {
			key, v := jsonFieldAt(r.long)
			return r.rowFieldError(r.line, r.s.Index(key), r.tooLong(v))
		}
		if isBlank(b) {
			continue
		}
		return r.parseObject(b, r.line)
	}
}

// readLine returns the next line without its newline. The slice is valid
// until the next call. A line longer than r.limit is consumed, its first
// r.limit bytes are kept in r.long, and it is reported as tooLong. The last
// line of a file may come with io.EOF.
func (r *Reader[T]) readLine() (line []byte, tooLong bool, err error) {
	b, err := r.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		if line = trimNewline(b); len(line) > r.limit {
			r.long = append(r.long[:0], line[:r.limit]...)
			return nil, true, err
		}
		return line, false, err
	}
	r.long = append(r.long[:0], b...)
	for err == bufio.ErrBufferFull {
		b, err = r.br.ReadSlice('\n')
		if len(r.long) <= r.limit {
			r.long = append(r.long, b...)
		}
	}
	line = trimNewline(r.long)
	if len(line) > r.limit {
		r.long = r.long[:r.limit]
		return nil, true, err
	}
	return line, false, err
}

// jsonFieldAt finds, in the first bytes of a line too long to read whole,
// the field whose value was being read where the bytes end, and the start
// of that value; "" when the line breaks off outside a value.
func jsonFieldAt(prefix []byte) (field, value string) {
	dec := json.NewDecoder(bytes.NewReader(prefix))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", ""
	}
	for {
		t, err := dec.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			return "", ""
		}
		at := dec.InputOffset()
		if _, err := dec.Token(); err != nil {
			v := bytes.TrimLeft(prefix[at:], " \t\r\n:")
			return key, string(bytes.TrimPrefix(v, []byte(`"`)))
		}
		if !dec.More() {
			return "", ""
		}
	}
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseObject decodes one JSON Lines line with encoding/json. The common
// line, an object of known fields with string, number or null values, is
// decoded in one call into a struct of raw values (rawFields); anything else
// (a syntax error, an unknown or repeated field, a value of the wrong JSON
// type) takes decodeTokens, which walks the line with the streaming decoder
// to say exactly what is wrong. Both give the same record for the same
// line. The line is already bounded by the record size limit.
func (r *Reader[T]) parseObject(line []byte, lineNo int) (T, int, []postclear.FieldError, error) {
	if r.raw == nil {
		r.raw = newRawFields(r.s.Names())
	}
	if !r.raw.decode(line, r.s.IndexBytes) {
		return r.decodeTokens(line, lineNo)
	}
	// The values' text goes into one buffer, made one string: one
	// allocation per line, which the record's strings share.
	buf, ends := r.raw.text[:0], r.raw.ends[:0]
	for f := range r.s.Fields {
		raw := r.raw.value(f)
		switch {
		case len(raw) == 0 || raw[0] == 'n': // missing or null: empty
		case raw[0] == '"':
			if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
				buf = append(buf, raw[1:len(raw)-1]...)
				break
			}
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return r.decodeTokens(line, lineNo)
			}
			buf = append(buf, s...)
		case r.s.Fields[f].Numeric() && raw[0] != 't' && raw[0] != 'f' && raw[0] != '{' && raw[0] != '[':
			buf = append(buf, raw...)
		default:
			return r.decodeTokens(line, lineNo)
		}
		ends = append(ends, len(buf))
	}
	r.raw.text, r.raw.ends = buf, ends
	all := string(buf)
	var zero T
	r.rec = zero
	rec := &r.rec
	var conv []fieldMsg
	start := 0
	for f, end := range ends {
		if msg := r.s.Fields[f].Parse(rec, all[start:end]); msg != "" {
			conv = append(conv, fieldMsg{f, msg})
		}
		start = end
	}
	return r.finish(rec, lineNo, conv)
}

// rawFields holds the raw JSON values of one line's members, by field, in
// a struct built for the kind (one json.RawMessage per field, tagged with
// its name), reused from line to line so that decoding a line allocates
// little.
type rawFields struct {
	v    reflect.Value // the struct
	ptr  any           // a pointer to it, for json.Unmarshal
	n    int
	text []byte // the values' text, one after another
	ends []int  // where each field's text ends in text
}

func newRawFields(names []string) *rawFields {
	fields := make([]reflect.StructField, len(names))
	for i, name := range names {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[json.RawMessage](), Tag: reflect.StructTag(`json:"` + name + `"`)}
	}
	p := reflect.New(reflect.StructOf(fields))
	return &rawFields{v: p.Elem(), ptr: p.Interface(), n: len(names)}
}

func (r *rawFields) value(f int) []byte { return r.v.Field(f).Bytes() }

// decode fills the struct from line and reports whether line is an object
// whose members are all known fields, each given once. json.Unmarshal
// matches names without regard to case and lets a repeated name overwrite
// the first, so the names are also checked exactly, as written in line.
func (r *rawFields) decode(line []byte, index func([]byte) int) bool {
	for i := range r.n {
		f := r.v.Field(i)
		f.SetBytes(f.Bytes()[:0]) // empty: absent, unless the line gives it
	}
	if json.Unmarshal(line, r.ptr) != nil {
		return false
	}
	var seen uint64
	ok := true
	eachMemberName(line, func(name []byte) {
		f := index(name)
		if f < 0 || seen&(1<<f) != 0 {
			ok = false
		}
		seen |= 1 << max(f, 0)
	})
	return ok
}

// eachMemberName calls fn with the name of each member of the object in
// line, as written (escapes left in), in order. line must be valid JSON
// (json.Unmarshal accepted it): the scan only follows strings and nesting.
func eachMemberName(line []byte, fn func([]byte)) {
	depth, expectName := 0, false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '"':
			end := i + 1
			for line[end] != '"' {
				if line[end] == '\\' {
					end++
				}
				end++
			}
			if depth == 1 && expectName {
				fn(line[i+1 : end])
				expectName = false
			}
			i = end
		case '{', '[':
			depth++
			expectName = depth == 1 && c == '{'
		case '}', ']':
			depth--
		case ',':
			expectName = depth == 1
		}
	}
}

// decodeTokens decodes a line token by token with encoding/json's
// streaming decoder, so that an unknown or repeated field is reported with
// its name, a missing field is told from an empty one, and a number is
// accepted where the field is a decimal or a count.
func (r *Reader[T]) decodeTokens(line []byte, lineNo int) (T, int, []postclear.FieldError, error) {
	var zero T
	r.rec = zero
	rec := &r.rec
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return r.rowError(lineNo, "invalid JSON at column 1: expected a JSON object")
	}
	var conv []fieldMsg
	var seen uint64
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return r.rowError(lineNo, jsonSyntax(dec, err))
		}
		key := t.(string) // the decoder yields only strings as keys
		f := r.s.Index(key)
		switch {
		case f < 0:
			conv = append(conv, fieldMsg{-1, "unknown field " + postclear.Quote(key)})
		case seen&(1<<f) != 0:
			conv = append(conv, fieldMsg{f, "field given twice"})
		}
		if f >= 0 {
			seen |= 1 << f
		}
		t, err = dec.Token()
		if err != nil {
			return r.rowError(lineNo, jsonSyntax(dec, err))
		}
		var msg string
		switch v := t.(type) {
		case json.Delim:
			// An object or array: no field holds one, and reading on
			// would mean parsing what may be deeply nested.
			if f >= 0 {
				conv = append(conv, fieldMsg{f, "must be a JSON string, not an object or array"})
			}
			return r.reject(lineNo, conv)
		case string:
			if f >= 0 {
				msg = r.s.Fields[f].Parse(rec, v)
			}
		case nil:
			if f >= 0 {
				msg = r.s.Fields[f].Parse(rec, "")
			}
		case json.Number:
			switch {
			case f < 0:
			case r.s.Fields[f].Numeric():
				msg = r.s.Fields[f].Parse(rec, v.String())
			default:
				msg = "must be a JSON string, not the number " + shorten(v.String())
			}
		default: // true, false
			if f >= 0 {
				msg = "must be a JSON string"
			}
		}
		if msg != "" {
			conv = append(conv, fieldMsg{f, msg})
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return r.rowError(lineNo, jsonSyntax(dec, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return r.rowError(lineNo, fmt.Sprintf("invalid JSON at column %d: unexpected text after the object", dec.InputOffset()+1))
	}
	// A missing field means the same as an empty one: a default for the
	// optional fields, "required" for the others.
	for f := range r.s.Fields {
		if seen&(1<<f) == 0 {
			if msg := r.s.Fields[f].Parse(rec, ""); msg != "" {
				conv = append(conv, fieldMsg{f, msg})
			}
		}
	}
	return r.finish(rec, lineNo, conv)
}

// jsonSyntax describes a JSON error of a line with the column where the
// decoder stopped.
func jsonSyntax(dec *json.Decoder, err error) string {
	col := dec.InputOffset() + 1
	var se *json.SyntaxError
	if errors.As(err, &se) {
		col = se.Offset + 1 // Offset counts the bytes before the fault
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Sprintf("invalid JSON at column %d: the line ends inside the object", col)
	}
	return fmt.Sprintf("invalid JSON at column %d: %v", col, err)
}

// shorten cuts a number's text for a message, as Quote cuts a string.
func shorten(s string) string {
	if len(s) <= postclear.MaxQuotedBytes {
		return s
	}
	return s[:postclear.MaxQuotedBytes] + "…"
}

// reject returns the messages collected so far as the row's errors, for a
// line that is abandoned before all of it was read.
func (r *Reader[T]) reject(lineNo int, conv []fieldMsg) (T, int, []postclear.FieldError, error) {
	errs := make([]postclear.FieldError, len(conv))
	for i, c := range conv {
		errs[i] = r.fieldError(lineNo, c.field, c.msg)
	}
	var zero T
	return zero, lineNo, errs, nil
}
