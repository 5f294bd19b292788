package report

import (
	"cmp"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
	"github.com/go-text/typesetting/bidi"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// typesetter draws the document's text. With the embedded fonts (fonts.go),
// a string that Noto Sans covers without combining marks goes straight to
// fpdf, as Unicode text in Noto Sans. Any other string is split into runs
// by direction (Unicode bidi), script and font, shaped with HarfBuzz
// (go-text/typesetting: Arabic joining, Thai marks, ligatures), wrapped,
// put in visual order, and drawn run by run: runs whose glyphs are those of
// their code points at their plain advances as Unicode text, the others
// glyph by glyph at the positions the shaper gave, inside a marked-content
// span whose ActualText is the run's text in logical order, so that copying
// and text extraction give back the characters rather than glyph numbers.
//
// Without the fonts it draws everything in the core font Helvetica,
// translated to Windows-1252, as the PDF did before.
type typesetter struct {
	pdf   *fpdf.Fpdf
	fonts *fontSet
	tr    func(string) string
	style string

	faces      map[*embeddedFont]*docFace
	byFace     map[*font.Face]*docFace
	maps       map[string]*fontmap
	registered map[string]bool

	seg     shaping.Segmenter
	bidi    bidi.Paragraph
	shaper  shaping.HarfbuzzShaper
	wrapper shaping.LineWrapper
}

// docFace is an embedded font as one document uses it: go-text faces keep
// caches, so they are not shared between documents rendered at once.
type docFace struct {
	f    *embeddedFont
	face *font.Face
}

// em is the shaping size: positions come out in thousandths of an em
// (26.6 fixed point), converted to millimetres at the current font size.
const em = 1000

// plainFeatures turn off kerning and ligatures for Latin, Cyrillic and
// Chinese, which then shape to the glyphs of their code points at the
// advances fpdf uses, and are drawn as plain Unicode text.
var plainFeatures = []shaping.FontFeature{
	{Tag: ot.MustNewTag("kern"), Value: 0},
	{Tag: ot.MustNewTag("liga"), Value: 0},
	{Tag: ot.MustNewTag("clig"), Value: 0},
}

func newTypesetter(pdf *fpdf.Fpdf, fonts *fontSet) *typesetter {
	t := &typesetter{pdf: pdf, fonts: fonts, faces: map[*embeddedFont]*docFace{}, byFace: map[*font.Face]*docFace{},
		maps: map[string]*fontmap{}, registered: map[string]bool{}}
	t.tr = func(s string) string { return s }
	if fonts == nil {
		t.tr = pdf.UnicodeTranslatorFromDescriptor("")
	}
	return t
}

// setFont sets the style ("", "B" or "I") and size in points of the text
// that follows. fpdf's current font is then Noto Sans (or Helvetica) in
// that style, so that fpdf's own text calls keep working for Latin text.
func (t *typesetter) setFont(style string, size float64) {
	t.style = style
	if t.fonts == nil {
		t.pdf.SetFont("Helvetica", style, size)
		return
	}
	t.use(t.fonts.get(roleSans, style), false, size)
}

// use makes f fpdf's current font, registering it with the document the
// first time; glyphs selects its copy addressed by glyph id.
func (t *typesetter) use(f *embeddedFont, glyphs bool, size float64) {
	family := strings.TrimSuffix(f.file, ".ttf")
	if glyphs {
		family += "-glyphs"
	}
	if !t.registered[family] {
		data := f.data
		if glyphs {
			var err error
			if data, err = f.glyph(); err != nil {
				t.pdf.SetError(err)
				return
			}
		}
		t.pdf.AddUTF8FontFromBytes(family, "", data)
		t.registered[family] = true
	}
	t.pdf.SetFont(family, "", size)
}

func (t *typesetter) sizes() (pt, mm float64) { return t.pdf.GetFontSize() }

func (t *typesetter) restore() {
	pt, _ := t.sizes()
	t.setFont(t.style, pt)
}

// plain reports whether s can go straight to fpdf in the current font.
func (t *typesetter) plain(s string) bool {
	if t.fonts == nil {
		return true
	}
	sans := t.face(t.fonts.get(roleSans, t.style)).face
	for _, r := range s {
		if r == '\n' {
			continue
		}
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			return false
		}
		if _, ok := sans.NominalGlyph(r); !ok {
			return false
		}
	}
	return true
}

// width is the width of s in millimetres in the current font.
func (t *typesetter) width(s string) float64 {
	if t.plain(s) {
		return t.pdf.GetStringWidth(t.tr(s))
	}
	var w fixed.Int26_6
	for _, o := range t.shape([]rune(strings.ReplaceAll(s, "\n", " "))) {
		w += o.Advance
	}
	return t.mm(w)
}

// cell is fpdf's CellFormat without border or link.
func (t *typesetter) cell(w, h float64, s string, align string, ln int, fill bool) {
	if t.plain(s) {
		t.pdf.CellFormat(w, h, t.tr(s), "", ln, align, fill, 0, "")
		return
	}
	x, y := t.at(&w)
	page := t.pdf.PageNo()
	t.pdf.CellFormat(w, h, "", "", ln, align, fill, 0, "")
	if t.pdf.PageNo() != page { // fpdf broke the page before the cell
		_, y, _, _ = t.pdf.GetMargins()
	}
	text := []rune(strings.ReplaceAll(s, "\n", " "))
	for _, line := range t.wrap(text, math.Inf(1)) {
		t.drawAligned(x, y, w, h, text, line, align)
	}
	t.restore()
}

// multiCell is fpdf's MultiCell without border or fill: s wrapped to w,
// one line of height h after the other, starting at the current x.
func (t *typesetter) multiCell(w, h float64, s, align string) {
	if t.plain(s) {
		t.pdf.MultiCell(w, h, t.tr(s), "", align, false)
		return
	}
	x, _ := t.at(&w)
	for _, para := range strings.Split(s, "\n") {
		text := []rune(para)
		lines := t.wrap(text, w-2*t.pdf.GetCellMargin())
		if len(lines) == 0 {
			t.pdf.SetX(x)
			t.pdf.CellFormat(w, h, "", "", 2, align, false, 0, "")
		}
		for _, line := range lines {
			t.pdf.SetX(x)
			y, page := t.pdf.GetY(), t.pdf.PageNo()
			t.pdf.CellFormat(w, h, "", "", 2, align, false, 0, "")
			if t.pdf.PageNo() != page {
				_, y, _, _ = t.pdf.GetMargins()
			}
			t.drawAligned(x, y, w, h, text, line, align)
		}
	}
	left, _, _, _ := t.pdf.GetMargins()
	t.pdf.SetX(left)
	t.restore()
}

// at returns the current position, and sets a zero width to the rest of
// the line, as fpdf does.
func (t *typesetter) at(w *float64) (x, y float64) {
	x, y = t.pdf.GetXY()
	if *w == 0 {
		pw, _ := t.pdf.GetPageSize()
		_, _, right, _ := t.pdf.GetMargins()
		*w = pw - right - x
	}
	return x, y
}

// shape splits text into runs by direction, script and font and shapes
// them, in logical order.
func (t *typesetter) shape(text []rune) []shaping.Output {
	if len(text) == 0 {
		return nil
	}
	in := shaping.Input{Text: text, RunEnd: len(text), Direction: di.DirectionLTR, Size: fixed.I(em), Language: language.NewLanguage("en")}
	runs := t.seg.Split(in, t.fontmap())
	outs := make([]shaping.Output, 0, len(runs))
	for _, r := range runs {
		if role := t.byFace[r.Face].f.role; role == roleSans || role == roleCJK {
			r.FontFeatures = plainFeatures
		}
		outs = append(outs, t.shaper.Shape(r))
	}
	return outs
}

// wrap breaks text into lines at most maxW millimetres wide (UAX #14 line
// breaks; inside a word only when it does not fit alone), each with its
// runs' visual order resolved. The lines are valid until the next wrap.
func (t *typesetter) wrap(text []rune, maxW float64) []shaping.Line {
	outs := t.shape(text)
	if len(outs) == 0 {
		return nil
	}
	_, mm := t.sizes()
	limit := fixed.Int26_6(math.MaxInt32)
	if v := maxW / mm * em * 64; v < float64(limit) {
		limit = fixed.Int26_6(v)
	}
	lines, _ := t.wrapper.WrapParagraphF(shaping.WrapConfig{Direction: di.DirectionLTR}, limit, text, shaping.NewSliceIterator(outs))
	levels := t.levels(text)
	for _, line := range lines {
		visualOrder(line, levels)
	}
	return lines
}

// levels returns the bidi embedding level of each rune of text, in a left
// to right paragraph.
func (t *typesetter) levels(text []rune) []bidi.Level {
	runs := t.bidi.Segment(text, bidi.LeftToRight)
	levels := make([]bidi.Level, len(text))
	for i := range runs.NumRuns() {
		r := runs.Run(i)
		for j := r.Start; j < r.End; j++ {
			levels[j] = r.Level
		}
	}
	return levels
}

// visualOrder sets the VisualIndex of each run of line by rule L2 of
// UAX #9: from the highest level down to the lowest odd one, reverse every
// sequence of runs at that level or above. (go-text's wrapper reverses
// each stretch of right-to-left runs alone, which swaps the Arabic words
// on either side of a number inside Arabic text.)
func visualOrder(line shaping.Line, levels []bidi.Level) {
	order := make([]int, len(line))
	level := func(i int) bidi.Level { return levels[line[i].Runes.Offset] }
	var highest, lowestOdd bidi.Level = 0, math.MaxInt8
	for i := range line {
		order[i] = i
		l := level(i)
		highest = max(highest, l)
		if l%2 == 1 {
			lowestOdd = min(lowestOdd, l)
		}
	}
	for l := highest; l >= lowestOdd; l-- {
		for i := 0; i < len(order); {
			if level(order[i]) < l {
				i++
				continue
			}
			j := i
			for j < len(order) && level(order[j]) >= l {
				j++
			}
			slices.Reverse(order[i:j])
			i = j
		}
	}
	for v, i := range order {
		line[i].VisualIndex = int32(v)
	}
}

func (t *typesetter) mm(v fixed.Int26_6) float64 {
	_, mm := t.sizes()
	return float64(v) / 64 / em * mm
}

// drawAligned draws line in the cell at (x, y) of w × h with fpdf's
// padding and baseline.
func (t *typesetter) drawAligned(x, y, w, h float64, text []rune, line shaping.Line, align string) {
	var adv fixed.Int26_6
	for _, o := range line {
		adv += o.Advance
	}
	width, cm := t.mm(adv), t.pdf.GetCellMargin()
	dx := cm
	switch {
	case strings.Contains(align, "R"):
		dx = w - cm - width
	case strings.Contains(align, "C"):
		dx = (w - width) / 2
	}
	_, mm := t.sizes()
	t.drawLine(x+dx, y+0.5*h+0.3*mm, text, line)
}

// drawLine draws the runs of line from x on the baseline y: placed in
// visual order, drawn in logical order, so that text extraction that
// follows the content stream reads the text as written.
func (t *typesetter) drawLine(x, y float64, text []rune, line shaping.Line) {
	order := make([]int, len(line))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(line[a].VisualIndex, line[b].VisualIndex) })
	xs := make([]float64, len(line))
	for _, i := range order {
		xs[i] = x
		x += t.mm(line[i].Advance)
	}
	for i := range line {
		t.drawRun(xs[i], y, text, &line[i])
	}
}

// drawRun draws one shaped run from x on the baseline y.
func (t *typesetter) drawRun(x, y float64, text []rune, o *shaping.Output) {
	df := t.byFace[o.Face]
	pt, _ := t.sizes()
	runText := text[o.Runes.Offset : o.Runes.Offset+o.Runes.Count]
	if t.asText(df, text, o) {
		t.use(df.f, false, pt)
		t.pdf.Text(x, y, string(runText))
		return
	}
	t.use(df.f, true, pt)
	gs := o.Glyphs
	xs := make([]float64, len(gs))
	for i, g := range gs {
		xs[i] = x
		x += t.mm(g.XAdvance)
	}
	// One marked-content span per cluster (a letter with its marks, a
	// ligature), drawn in logical order: extractors that place the
	// ActualText where its glyphs are (poppler) then read right-to-left
	// runs in the right order too.
	var clusters [][2]int
	for i := 0; i < len(gs); {
		j := i + 1
		for j < len(gs) && gs[j].ClusterIndex == gs[i].ClusterIndex {
			j++
		}
		clusters = append(clusters, [2]int{i, j})
		i = j
	}
	if o.Direction.Progression() == di.TowardTopLeft {
		slices.Reverse(clusters)
	}
	var codes []rune
	for _, c := range clusters {
		g0 := gs[c[0]]
		t.pdf.RawWriteStr("/Span <</ActualText " + pdfTextString(string(text[g0.ClusterIndex:g0.ClusterIndex+g0.RuneCount])) + ">> BDC")
		// Glyphs at their plain advance without offset go out together in
		// one string; any other is placed alone.
		start := -1
		flush := func() {
			if len(codes) > 0 {
				t.pdf.Text(xs[start], y, string(codes))
				codes = codes[:0]
			}
		}
		for i := c[0]; i < c[1]; i++ {
			g := gs[i]
			if g.XOffset == 0 && g.YOffset == 0 && near(g.XAdvance, df.advance(g.GlyphID)) {
				if len(codes) == 0 {
					start = i
				}
				codes = append(codes, rune(g.GlyphID))
				continue
			}
			flush()
			t.pdf.Text(xs[i]+t.mm(g.XOffset), y-t.mm(g.YOffset), string(rune(g.GlyphID)))
		}
		flush()
		t.pdf.RawWriteStr("EMC")
	}
}

// asText reports whether run o can be drawn as its text: left to right,
// one glyph per rune, each the glyph of its code point, at its plain
// advance and without offset (a line's last space may have lost its
// advance to the wrapper).
func (t *typesetter) asText(df *docFace, text []rune, o *shaping.Output) bool {
	if o.Direction.Progression() != di.FromTopLeft || len(o.Glyphs) != o.Runes.Count {
		return false
	}
	for i, g := range o.Glyphs {
		ri := o.Runes.Offset + i
		if g.ClusterIndex != ri || g.RuneCount != 1 || g.GlyphCount != 1 || g.XOffset != 0 || g.YOffset != 0 {
			return false
		}
		if gid, ok := df.face.NominalGlyph(text[ri]); !ok || gid != g.GlyphID {
			return false
		}
		if !near(g.XAdvance, df.advance(g.GlyphID)) && !(g.XAdvance == 0 && unicode.IsSpace(text[ri])) {
			return false
		}
	}
	return true
}

// advance is the glyph's advance in the font's hmtx table, at size em.
func (df *docFace) advance(g font.GID) fixed.Int26_6 {
	return fixed.Int26_6(math.Round(float64(df.face.HorizontalAdvance(g)) * em / df.f.upem * 64))
}

func near(a, b fixed.Int26_6) bool { return a-b <= 1 && b-a <= 1 }

// pdfTextString encodes s as a PDF text string: UTF-16BE with a byte
// order mark, in hexadecimal.
func pdfTextString(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2+2*len(u))
	b[0], b[1] = 0xFE, 0xFF
	for i, v := range u {
		b[2+2*i], b[3+2*i] = byte(v>>8), byte(v)
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

// face returns the document's face of f.
func (t *typesetter) face(f *embeddedFont) *docFace {
	df, ok := t.faces[f]
	if !ok {
		df = &docFace{f: f, face: font.NewFace(f.font)}
		t.faces[f], t.byFace[df.face] = df, df
	}
	return df
}

// fontmap chooses the font of each rune for the current style.
func (t *typesetter) fontmap() *fontmap {
	m, ok := t.maps[t.style]
	if !ok {
		m = &fontmap{prefer: map[language.Script]*docFace{}}
		for _, role := range fontRoles {
			m.chain = append(m.chain, t.face(t.fonts.get(role, t.style)))
		}
		arabic, thai, cjk := m.chain[1], m.chain[2], m.chain[3]
		m.prefer[language.Arabic], m.prefer[language.Thai] = arabic, thai
		for _, s := range []language.Script{language.Han, language.Hiragana, language.Katakana, language.Bopomofo} {
			m.prefer[s] = cjk
		}
		t.maps[t.style] = m
	}
	return m
}

// fontmap implements shaping.FontmapScript: a rune takes the font made for
// its run's script when that font has it (so that digits and punctuation
// inside Arabic text stay in the Arabic font), else the first font of the
// chain that has it.
type fontmap struct {
	chain  []*docFace
	prefer map[language.Script]*docFace
	script language.Script
}

func (m *fontmap) SetScript(s language.Script) { m.script = s }

func (m *fontmap) ResolveFace(r rune) *font.Face {
	if f := m.prefer[m.script]; f != nil {
		if _, ok := f.face.NominalGlyph(r); ok {
			return f.face
		}
	}
	for _, f := range m.chain {
		if _, ok := f.face.NominalGlyph(r); ok {
			return f.face
		}
	}
	return m.chain[0].face
}
