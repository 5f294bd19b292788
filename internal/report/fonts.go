package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/go-text/typesetting/font"
)

// fontDir holds the fonts scripts/fetch-fonts.sh copies there before the
// build (`make fonts`). Git ignores the fonts; manifest.txt and README.md
// are committed, so the package compiles without them and the PDF falls
// back to the core font Helvetica.
//
//go:embed fonts
var fontDir embed.FS

// Roles of the fonts, in the order a rune that no script prefers looks
// for a font that has it.
const (
	roleSans   = "sans"   // Latin, Greek, Cyrillic
	roleArabic = "arabic" // Arabic script
	roleThai   = "thai"   // Thai
	roleCJK    = "cjk"    // Chinese (Han), kana
)

var fontRoles = []string{roleSans, roleArabic, roleThai, roleCJK}

// embeddedFont is one font file of the manifest, loaded.
type embeddedFont struct {
	file  string // file name in fonts/
	role  string
	style string // "" (regular), "B" or "I", as fpdf names them
	data  []byte
	font  *font.Font // parsed for shaping; safe for concurrent use
	upem  float64

	glyphOnce sync.Once
	glyphData []byte // data with a cmap that maps code n to glyph n
	glyphErr  error
}

// fontSet is the fonts of the manifest, by role and style.
type fontSet struct {
	fonts []*embeddedFont
}

// get returns the font of role in style, else the role's regular font.
func (s *fontSet) get(role, style string) *embeddedFont {
	var regular *embeddedFont
	for _, f := range s.fonts {
		if f.role == role && f.style == style {
			return f
		}
		if f.role == role && f.style == "" {
			regular = f
		}
	}
	return regular
}

// loadFonts reads, checks and parses the embedded fonts once per process.
var loadFonts = sync.OnceValues(func() (*fontSet, error) { return readFonts(fontDir) })

// EmbeddedFonts reports whether this binary embeds the PDF's fonts: nil,
// or why the PDF falls back to Helvetica (whose Windows-1252 text prints
// Arabic, Thai and Chinese as dots).
func EmbeddedFonts() error {
	_, err := loadFonts()
	return err
}

// manifestLine is one font line of fonts/manifest.txt.
type manifestLine struct {
	file, role, style, sha256 string
}

func readManifest(dir fs.FS) ([]manifestLine, error) {
	b, err := fs.ReadFile(dir, "fonts/manifest.txt")
	if err != nil {
		return nil, err
	}
	var out []manifestLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 7 {
			return nil, fmt.Errorf("fonts/manifest.txt:%d: %d fields, want 7", n, len(f))
		}
		style := map[string]string{"R": "", "B": "B", "I": "I"}
		st, ok := style[f[2]]
		if !ok {
			return nil, fmt.Errorf("fonts/manifest.txt:%d: style %q, want R, B or I", n, f[2])
		}
		out = append(out, manifestLine{file: f[0], role: f[1], style: st, sha256: f[6]})
	}
	return out, sc.Err()
}

// readFonts loads every font of the manifest from dir, checking each
// against its sha256: all of them, or an error that says what is missing.
func readFonts(dir fs.FS) (*fontSet, error) {
	lines, err := readManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("PDF fonts: %w", err)
	}
	set := &fontSet{}
	var missing []string
	for _, l := range lines {
		data, err := fs.ReadFile(dir, "fonts/"+l.file)
		if errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, l.file)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("PDF fonts: %w", err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != l.sha256 {
			return nil, fmt.Errorf("PDF fonts: fonts/%s is not the pinned file (sha256 %x, want %s): run make fonts", l.file, sum, l.sha256)
		}
		f, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("PDF fonts: parse fonts/%s: %w", l.file, err)
		}
		set.fonts = append(set.fonts, &embeddedFont{file: l.file, role: l.role, style: l.style, data: data,
			font: f.Font, upem: float64(f.Upem())})
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("PDF fonts: this build does not embed %s (run make fonts, or scripts/fetch-fonts.sh internal/report/fonts, before go build)",
			strings.Join(missing, ", "))
	}
	for _, role := range fontRoles {
		if set.get(role, "") == nil {
			return nil, fmt.Errorf("PDF fonts: fonts/manifest.txt has no regular %s font", role)
		}
	}
	return set, nil
}

// glyphFont returns the font with its cmap replaced by one that maps code
// n to glyph n, made once. fpdf embeds a TrueType font as a CID font whose
// codes are Unicode code points, mapped to glyphs through the font's cmap;
// shaped Arabic and Thai use glyphs that no code point maps to (joining
// forms, dots placed apart, marks moved for tall letters), so they are
// drawn with this copy, which fpdf subsets like any other, by glyph id.
func (f *embeddedFont) glyph() ([]byte, error) {
	f.glyphOnce.Do(func() { f.glyphData, f.glyphErr = identityCmap(f.data) })
	return f.glyphData, f.glyphErr
}

// identityCmap rewrites a TrueType file with a single Windows Unicode BMP
// cmap (format 4) mapping codes 1 … numGlyphs−1 to the glyphs of the same
// number. Codes must stay below the UTF-16 surrogates, which fpdf cannot
// write.
func identityCmap(ttf []byte) ([]byte, error) {
	tables, err := sfntTables(ttf)
	if err != nil {
		return nil, err
	}
	maxp, ok := tables["maxp"]
	if !ok || len(maxp) < 6 {
		return nil, errors.New("identity cmap: no maxp table")
	}
	n := int(binary.BigEndian.Uint16(maxp[4:]))
	if n < 2 || n > 0xD800 {
		return nil, fmt.Errorf("identity cmap: %d glyphs do not fit below the UTF-16 surrogates", n)
	}
	// Two segments: 1 … n−1 with delta 0, and the closing 0xFFFF.
	seg := []uint16{
		4, 0, 0, 4, 4, 1, 0, // format, length (set below), language, segCountX2, searchRange, entrySelector, rangeShift
		uint16(n - 1), 0xFFFF, // endCode
		0,         // reservedPad
		1, 0xFFFF, // startCode
		0, 1, // idDelta
		0, 0, // idRangeOffset
	}
	seg[1] = uint16(2 * len(seg))
	cmap := binary.BigEndian.AppendUint16(nil, 0)  // version
	cmap = binary.BigEndian.AppendUint16(cmap, 1)  // one subtable
	cmap = binary.BigEndian.AppendUint16(cmap, 3)  // platform Windows
	cmap = binary.BigEndian.AppendUint16(cmap, 1)  // encoding Unicode BMP
	cmap = binary.BigEndian.AppendUint32(cmap, 12) // its offset
	for _, v := range seg {
		cmap = binary.BigEndian.AppendUint16(cmap, v)
	}
	tables["cmap"] = cmap
	return sfntFile(binary.BigEndian.Uint32(ttf), tables), nil
}

// sfntTables splits an OpenType file into its tables.
func sfntTables(b []byte) (map[string][]byte, error) {
	if len(b) < 12 {
		return nil, errors.New("sfnt: file too short")
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 12+16*n {
		return nil, errors.New("sfnt: table directory too short")
	}
	out := make(map[string][]byte, n)
	for i := range n {
		r := b[12+16*i:]
		off, length := int(binary.BigEndian.Uint32(r[8:])), int(binary.BigEndian.Uint32(r[12:]))
		if off < 0 || length < 0 || off+length > len(b) {
			return nil, fmt.Errorf("sfnt: table %q out of the file", r[:4])
		}
		out[string(r[:4])] = b[off : off+length]
	}
	return out, nil
}

// sfntFile writes tables as an OpenType file with correct checksums.
func sfntFile(version uint32, tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	sr, es := 1, 0
	for sr*2 <= n {
		sr, es = sr*2, es+1
	}
	out := binary.BigEndian.AppendUint32(nil, version)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16*sr))
	out = binary.BigEndian.AppendUint16(out, uint16(es))
	out = binary.BigEndian.AppendUint16(out, uint16(16*(n-sr)))
	dir := len(out)
	out = append(out, make([]byte, 16*n)...)
	headAt := -1
	for i, t := range tags {
		data := tables[t]
		if t == "head" && len(data) >= 12 {
			data = append([]byte(nil), data...)
			binary.BigEndian.PutUint32(data[8:], 0) // checkSumAdjustment, set below
			headAt = len(out)
		}
		r := out[dir+16*i:]
		copy(r, t)
		binary.BigEndian.PutUint32(r[4:], sfntSum(data))
		binary.BigEndian.PutUint32(r[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(r[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-sfntSum(out))
	}
	return out
}

// sfntSum is the OpenType table checksum: the sum of big-endian uint32s,
// the last one padded with zeros.
func sfntSum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += binary.BigEndian.Uint32(w[:])
	}
	return s
}
