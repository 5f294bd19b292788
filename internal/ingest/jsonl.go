package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
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
			return r.rowFieldError(r.line, r.s.index(key), r.tooLong(v))
		}
		if isBlank(b) {
			continue
		}
		return r.parseObject(string(b), r.line)
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

// parseObject decodes one JSON Lines line: a flat object whose members are
// the file field names with string values (or numbers, for decimals, or
// null). It is a small hand-written parser rather than encoding/json so that
// a row costs no reflection, unknown and repeated fields are caught with
// their names, and a missing field is distinguishable from an empty one.
func (r *Reader[T]) parseObject(line string, lineNo int) (T, int, []postclear.FieldError, error) {
	p := jsonParser{s: line}
	var zero T
	r.rec = zero
	rec := &r.rec
	var conv []fieldMsg
	var seen uint64
	p.ws()
	if !p.consume('{') {
		return r.rowError(lineNo, p.syntax("expected a JSON object"))
	}
	p.ws()
	if !p.consume('}') {
		for {
			p.ws()
			key, ok := p.str()
			if !ok {
				return r.rowError(lineNo, p.syntax("expected a field name in double quotes"))
			}
			p.ws()
			if !p.consume(':') {
				return r.rowError(lineNo, p.syntax("expected ':' after field name"))
			}
			p.ws()
			f := r.s.index(key)
			switch {
			case f < 0:
				conv = append(conv, fieldMsg{-1, "unknown field " + postclear.Quote(key)})
			case seen&(1<<f) != 0:
				conv = append(conv, fieldMsg{f, "field given twice"})
			}
			if f >= 0 {
				seen |= 1 << f
			}
			val, kind := p.value()
			switch {
			case kind == jsonInvalid:
				return r.rowError(lineNo, p.syntax("invalid value"))
			case kind == jsonComposite:
				// Not parsed further: no field holds an object or array, and
				// skipping one would mean recursion an input could make
				// arbitrarily deep.
				if f >= 0 {
					conv = append(conv, fieldMsg{f, "must be a JSON string, not an object or array"})
				}
				return r.reject(lineNo, conv)
			case f < 0:
			case kind == jsonString || kind == jsonNull:
				if msg := r.s.set(rec, f, val); msg != "" {
					conv = append(conv, fieldMsg{f, msg})
				}
			case kind == jsonNumber && r.s.decimal[f]:
				if msg := r.s.set(rec, f, val); msg != "" {
					conv = append(conv, fieldMsg{f, msg})
				}
			case kind == jsonNumber:
				conv = append(conv, fieldMsg{f, fmt.Sprintf("must be a JSON string, not the number %s", val)})
			default:
				conv = append(conv, fieldMsg{f, "must be a JSON string"})
			}
			p.ws()
			if p.consume('}') {
				break
			}
			if !p.consume(',') {
				return r.rowError(lineNo, p.syntax("expected ',' or '}'"))
			}
		}
	}
	p.ws()
	if p.i != len(p.s) {
		return r.rowError(lineNo, p.syntax("unexpected text after the object"))
	}
	// A missing field means the same as an empty one: a default for the
	// optional fields, "required" for the others.
	for f := range r.s.fields {
		if seen&(1<<f) == 0 {
			if msg := r.s.set(rec, f, ""); msg != "" {
				conv = append(conv, fieldMsg{f, msg})
			}
		}
	}
	return r.finish(rec, lineNo, conv)
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

type jsonKind int

const (
	jsonInvalid jsonKind = iota
	jsonString
	jsonNumber
	jsonNull
	jsonOther     // true or false: never a valid field value
	jsonComposite // an object or array, left unparsed
)

type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *jsonParser) consume(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) syntax(msg string) string {
	return fmt.Sprintf("invalid JSON at column %d: %s", p.i+1, msg)
}

// value parses a JSON scalar. Strings are returned decoded, numbers as
// their text, null as "". At an object or array it stops and reports
// jsonComposite.
func (p *jsonParser) value() (string, jsonKind) {
	if p.i >= len(p.s) {
		return "", jsonInvalid
	}
	switch c := p.s[p.i]; {
	case c == '"':
		s, ok := p.str()
		if !ok {
			return "", jsonInvalid
		}
		return s, jsonString
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		if !p.number() {
			return "", jsonInvalid
		}
		return p.s[start:p.i], jsonNumber
	case c == 'n':
		return "", p.literal("null", jsonNull)
	case c == 't':
		return "", p.literal("true", jsonOther)
	case c == 'f':
		return "", p.literal("false", jsonOther)
	case c == '{' || c == '[':
		return "", jsonComposite
	}
	return "", jsonInvalid
}

func (p *jsonParser) literal(lit string, k jsonKind) jsonKind {
	if len(p.s)-p.i >= len(lit) && p.s[p.i:p.i+len(lit)] == lit {
		p.i += len(lit)
		return k
	}
	return jsonInvalid
}

// number checks the JSON number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() bool {
	p.consume('-')
	switch {
	case p.consume('0'):
	case p.i < len(p.s) && p.s[p.i] >= '1' && p.s[p.i] <= '9':
		p.digits()
	default:
		return false
	}
	if p.consume('.') && p.digits() == 0 {
		return false
	}
	if p.consume('e') || p.consume('E') {
		if !p.consume('+') {
			p.consume('-')
		}
		if p.digits() == 0 {
			return false
		}
	}
	return true
}

func (p *jsonParser) digits() int {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

// str parses a JSON string at p.i. Without escapes the result is a
// substring of the line (no allocation beyond the line's own).
func (p *jsonParser) str() (string, bool) {
	if !p.consume('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			return s, true
		case c == '\\':
			return p.strEscaped(start)
		case c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

func (p *jsonParser) strEscaped(start int) (string, bool) {
	buf := []byte(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), true
		case c < 0x20:
			return "", false
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", false
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by an escaped low one is one
				// character; anything else becomes U+FFFD, as in
				// encoding/json.
				r2 := rune(-1)
				if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					var ok2 bool
					if r2, ok2 = p.hex4(); !ok2 {
						return "", false
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.i, r2 = save, -1
					}
				}
				if r2 >= 0 {
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *jsonParser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}
