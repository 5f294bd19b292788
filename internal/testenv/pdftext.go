package testenv

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

var (
	pdfStreams = regexp.MustCompile(`(?s)<<([^>]*)>>\s*stream\r?\n(.*?)endstream`)
	pdfTextOps = regexp.MustCompile(`(?s)/ActualText <([0-9A-F]*)>>> BDC.*?EMC|\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// PDFText returns the text of a PDF's page streams, in the order drawn,
// for tests that read back what a document says: the string of each Tj
// operator (UTF-16BE when utf16 is set, as with report's embedded fonts;
// Windows-1252 with the core fonts), except that the glyphs of a
// marked-content span with an ActualText count as that text. Page streams
// may be compressed; font and image streams are skipped, so that two
// renderings with the same text give the same result whatever glyphs
// their font subsets hold.
func PDFText(t testing.TB, pdf []byte, utf16 bool) []string {
	t.Helper()
	var out []string
	for _, s := range pdfStreams.FindAllSubmatch(pdf, -1) {
		dict, body := s[1], s[2]
		if bytes.Contains(dict, []byte("/Length1")) || bytes.Contains(dict, []byte("/Subtype")) {
			continue // fonts and images
		}
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("PDF stream: %v", err)
			}
			if body, err = io.ReadAll(r); err != nil {
				t.Fatalf("PDF stream: %v", err)
			}
		} else if bytes.Contains(dict, []byte("/Filter")) {
			continue
		}
		for _, m := range pdfTextOps.FindAllSubmatch(body, -1) {
			if m[1] != nil {
				b, err := hex.DecodeString(string(m[1]))
				if err != nil || len(b) < 2 {
					t.Fatalf("ActualText %q: %v", m[1], err)
				}
				out = append(out, utf16BE(b[2:])) // after the byte-order mark
				continue
			}
			b := []byte(strings.NewReplacer(`\\`, `\`, `\(`, `(`, `\)`, `)`, `\r`, "\r").Replace(string(m[2])))
			if utf16 {
				out = append(out, utf16BE(b))
			} else {
				out = append(out, string(b))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no text in the PDF")
	}
	return out
}

func utf16BE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}
