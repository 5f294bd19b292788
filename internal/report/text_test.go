package report

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"

	"github.com/postclear/postclear/internal/postclear"
)

// testFonts returns the embedded fonts, or skips (fails under
// POSTCLEAR_REQUIRE_FONTS) without them.
func testFonts(t *testing.T) *fontSet {
	t.Helper()
	fonts, err := loadFonts()
	if err != nil {
		if os.Getenv("POSTCLEAR_REQUIRE_FONTS") != "" {
			t.Fatalf("POSTCLEAR_REQUIRE_FONTS is set but %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	return fonts
}

func testTypesetter(t *testing.T) *typesetter {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	ts := newTypesetter(pdf, testFonts(t))
	ts.setFont("", 10)
	return ts
}

// TestIdentityCmap checks the copy of the Arabic and Thai fonts that the
// PDF addresses by glyph id: code n is glyph n, metrics unchanged.
func TestIdentityCmap(t *testing.T) {
	for _, f := range testFonts(t).fonts {
		if f.role != roleArabic && f.role != roleThai {
			continue
		}
		b, err := f.glyph()
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		face, err := font.ParseTTF(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: the rewritten font does not parse: %v", f.file, err)
		}
		orig := font.NewFace(f.font)
		n := 0
		for it := face.Cmap.Iter(); it.Next(); n++ {
			r, g := it.Char()
			if r != 0xFFFF && font.GID(r) != g {
				t.Fatalf("%s: code %d maps to glyph %d", f.file, r, g)
			}
		}
		if gid, _ := orig.NominalGlyph('ب'); f.role == roleArabic {
			if g, ok := face.NominalGlyph(rune(gid)); !ok || g != gid || face.HorizontalAdvance(g) != orig.HorizontalAdvance(gid) {
				t.Errorf("%s: glyph %d of ب: code maps to %d (%v), advance %v, want %v", f.file, gid, g, ok, face.HorizontalAdvance(g), orig.HorizontalAdvance(gid))
			}
		}
		if n < 100 {
			t.Errorf("%s: only %d codes in the identity cmap", f.file, n)
		}
		if sum := sfntSum(b); sum != 0xB1B0AFBA {
			t.Errorf("%s: whole-file checksum %#x, want 0xB1B0AFBA", f.file, sum)
		}
	}
}

// TestArabicIsShapedRightToLeft checks that an Arabic name is one
// right-to-left run whose glyphs are the joined forms, in visual order,
// between the Latin runs around it.
func TestArabicIsShapedRightToLeft(t *testing.T) {
	ts := testTypesetter(t)
	text := []rune("Barid Al-Maghrib / بريد المغرب (designated postal operator)")
	lines := ts.wrap(text, math.Inf(1))
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	var arabic *int
	for i, o := range lines[0] {
		role := ts.byFace[o.Face].f.role
		got := string(text[o.Runes.Offset : o.Runes.Offset+o.Runes.Count])
		if int(o.VisualIndex) != i {
			t.Errorf("run %d %q drawn at visual position %d", i, got, o.VisualIndex)
		}
		if role != roleArabic {
			continue
		}
		arabic = &i
		if strings.TrimSpace(got) != "بريد المغرب" || o.Direction.Progression() != di.TowardTopLeft {
			t.Errorf("Arabic run %q, direction %v; want بريد المغرب right to left", got, o.Direction)
		}
		// Visual order: the first glyph drawn (leftmost) belongs to the
		// last letter, the last glyph to the first letter.
		first, last := o.Glyphs[0], o.Glyphs[len(o.Glyphs)-1]
		if first.ClusterIndex < last.ClusterIndex {
			t.Errorf("glyph clusters %d … %d: not right to left", first.ClusterIndex, last.ClusterIndex)
		}
		// Joined forms: the initial beh of بريد is not the isolated beh.
		df := ts.byFace[o.Face]
		iso, _ := df.face.NominalGlyph('ب')
		for _, g := range o.Glyphs {
			if g.ClusterIndex == o.Runes.Offset && g.GlyphID == iso {
				t.Errorf("ب at the start of بريد drawn in its isolated form")
			}
		}
		if ts.asText(df, text, &o) {
			t.Error("the Arabic run would be drawn as plain text")
		}
	}
	if arabic == nil {
		t.Fatal("no run in the Arabic font")
	}
}

// TestBidiNumberInsideArabic checks the visual order of runs by UAX #9:
// in "بريد 2025 المغرب" the number stays between the words, and المغرب,
// the last word, is leftmost.
func TestBidiNumberInsideArabic(t *testing.T) {
	ts := testTypesetter(t)
	text := []rune("Post: بريد 2025 المغرب.")
	lines := ts.wrap(text, math.Inf(1))
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	var visual []string
	for v := range lines[0] {
		for _, o := range lines[0] {
			if int(o.VisualIndex) == v {
				visual = append(visual, strings.TrimSpace(string(text[o.Runes.Offset:o.Runes.Offset+o.Runes.Count])))
			}
		}
	}
	want := []string{"Post:", "المغرب", "2025", "بريد", "."}
	if strings.Join(visual, "|") != strings.Join(want, "|") {
		t.Errorf("runs left to right %q, want %q", visual, want)
	}
}

// TestThaiMarksStack checks that a tone mark above an upper vowel is not
// the glyph of its code point at its plain position: the shaper moved or
// replaced it so that the two stack instead of overprinting.
func TestThaiMarksStack(t *testing.T) {
	ts := testTypesetter(t)
	text := []rune("ปี่")
	outs := ts.shape(text)
	if len(outs) != 1 || ts.byFace[outs[0].Face].f.role != roleThai {
		t.Fatalf("%d runs, want one in the Thai font", len(outs))
	}
	df := ts.byFace[outs[0].Face]
	tone, _ := df.face.NominalGlyph('่')
	for _, g := range outs[0].Glyphs {
		if g.GlyphID == tone && g.XOffset == 0 && g.YOffset == 0 {
			t.Errorf("the tone mark of ปี่ is the plain glyph at the plain place: %+v", g)
		}
	}
	if ts.asText(df, text, &outs[0]) {
		t.Error("ปี่ would be drawn as plain text")
	}
}

// TestLatinStaysPlainText checks the fast path: Latin, Cyrillic and
// precomposed accents go to fpdf as Unicode text; Chinese, combining marks
// and other scripts are laid out.
func TestLatinStaysPlainText(t *testing.T) {
	ts := testTypesetter(t)
	for s, want := range map[string]bool{
		"Administration des Douanes et Impôts Indirects": true,
		"Федеральная таможенная служба":                  true,
		"Clearance time p90 · 12.5 h – MET":              true,
		"中国邮政":                                           false,
		"e\u0301":                                        false,
		"กรมศุลกากร":                                     false,
	} {
		if got := ts.plain(s); got != want {
			t.Errorf("plain(%q) = %v, want %v", s, got, want)
		}
	}
	// Chinese is laid out, but drawn as Unicode text: no glyph ids.
	text := []rune("中国邮政集团")
	outs := ts.shape(text)
	if len(outs) != 1 || !ts.asText(ts.byFace[outs[0].Face], text, &outs[0]) {
		t.Errorf("Chinese is not drawn as plain text")
	}
}

// TestCoreFontFallback renders with no embedded fonts, as a build without
// `make fonts` does: the document still comes out, in Helvetica, with Thai
// as dots — what every PDF looked like before the fonts.
func TestCoreFontFallback(t *testing.T) {
	ev := &postclear.Evaluation{MoU: postclear.MoU{ID: "mou-th-2025", Country: "TH", CustomsAdministration: "กรมศุลกากร",
		PostalOperator: "Thailand Post"}, Quarter: "2025-Q3", PreviousQuarter: "2025-Q2",
		From: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)}
	var b bytes.Buffer
	if err := writePDF(&b, ev, PDFOptions{Uncompressed: true}, nil); err != nil {
		t.Fatal(err)
	}
	pdf := b.String()
	if !strings.Contains(pdf, "/Helvetica") || strings.Contains(pdf, "/FontFile2") {
		t.Error("the fallback does not use the core font alone")
	}
	if !strings.Contains(pdf, `(Thailand Post \(designated postal operator\))Tj`) || !strings.Contains(pdf, `(.......... \(customs administration\))Tj`) {
		t.Error("the fallback does not print Latin as text and Thai as dots")
	}
}

// TestCountAxesAreWhole checks every count axis from 0 to 100,000 items:
// each tick is a whole number, so no label reads 0.5 items.
func TestCountAxesAreWhole(t *testing.T) {
	for maxV := 0; maxV <= 100_000; maxV++ {
		top := niceTop(float64(maxV), postclear.UnitCount)
		n := axisTicks(top, postclear.UnitCount)
		if top < float64(maxV) {
			t.Fatalf("max %d: axis ends at %v", maxV, top)
		}
		for i := 0; i <= n; i++ {
			if l := tickLabel(top*float64(i)/float64(n), postclear.UnitCount); strings.ContainsAny(l, ".") {
				t.Fatalf("max %d: axis to %v in %d ticks has the label %q", maxV, top, n, l)
			}
		}
	}
}

// TestValueLabelsClearTheTargetLine places a label for every point and
// target line of a plot, on a 0.1 mm grid: a label is cut by the target
// line only when the other side of its point is cut too or outside the
// plot, and it stays inside the plot.
func TestValueLabelsClearTheTargetLine(t *testing.T) {
	const top, bottom = 50.0, 92.0
	cut := func(y, ty float64) bool { return ty >= y+labelTop-0.3 && ty <= y+labelBottom+0.3 }
	inPlot := func(y float64) bool { return y+labelTop >= top && y+labelBottom <= bottom }
	for cy := top; cy <= bottom; cy += 0.1 {
		for ty := top; ty <= bottom; ty += 0.1 {
			for _, above := range []bool{true, false} {
				y := valueLabelY(cy, top, bottom, ty, above)
				other := cy - 5
				if y == other {
					other = cy + 1
				}
				if y != cy-5 && y != cy+1 {
					t.Fatalf("point at %.1f: label at %.1f, neither above nor below it", cy, y)
				}
				if !inPlot(y) {
					t.Fatalf("point at %.1f, target at %.1f: label at %.1f leaves the plot", cy, ty, y)
				}
				if cut(y, ty) && inPlot(other) && !cut(other, ty) {
					t.Fatalf("point at %.1f, target at %.1f: label at %.1f is struck through, %.1f is free", cy, ty, y, other)
				}
			}
		}
	}
}
