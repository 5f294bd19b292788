package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
)

// Series is one line of a chart: y values at the chart's x values.
type Series struct {
	Label string
	Y     []float64 // NaN where there is no point
}

// PlotPNG draws a line chart of series over xs (both axes linear, from 0)
// with the standard library only: the benchmark's chart has a handful of
// points and labels, not worth a plotting dependency.
func PlotPNG(w io.Writer, title, xLabel, yLabel string, xs []float64, series []Series) error {
	const W, H, left, right, top, bottom = 960, 600, 70, 250, 40, 60
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	fill(img, img.Bounds(), color.White)
	xMax, yMax := 0.0, 0.0
	for _, x := range xs {
		xMax = math.Max(xMax, x)
	}
	for _, s := range series {
		for _, y := range s.Y {
			if !math.IsNaN(y) {
				yMax = math.Max(yMax, y)
			}
		}
	}
	xMax, yMax = niceCeil(xMax), niceCeil(yMax)
	pw, ph := W-left-right, H-top-bottom
	px := func(x float64) int { return left + int(x/xMax*float64(pw)) }
	py := func(y float64) int { return top + ph - int(y/yMax*float64(ph)) }
	grey, black := color.RGBA{220, 220, 220, 255}, color.Black
	for i := 0; i <= 5; i++ {
		y, x := yMax*float64(i)/5, xMax*float64(i)/5
		line(img, left, py(y), left+pw, py(y), grey)
		line(img, px(x), top, px(x), top+ph, grey)
		text(img, left-6-textWidth(num(y)), py(y)-5, num(y), black)
		text(img, px(x)-textWidth(num(x))/2, top+ph+8, num(x), black)
	}
	line(img, left, top, left, top+ph, black)
	line(img, left, top+ph, left+pw, top+ph, black)
	text(img, left, 12, title, black)
	text(img, left+pw/2-textWidth(xLabel)/2, H-24, xLabel, black)
	text(img, 6, top-20, yLabel, black)
	for i, s := range series {
		c := palette[i%len(palette)]
		prev := -1
		for j, y := range s.Y {
			if math.IsNaN(y) {
				continue
			}
			fill(img, image.Rect(px(xs[j])-3, py(y)-3, px(xs[j])+4, py(y)+4), c)
			if prev >= 0 {
				for d := -1; d <= 1; d++ { // 3 px wide
					line(img, px(xs[prev]), py(s.Y[prev])+d, px(xs[j]), py(y)+d, c)
				}
			}
			prev = j
		}
		ly := top + 10 + 22*i
		fill(img, image.Rect(W-right+15, ly, W-right+35, ly+10), c)
		text(img, W-right+42, ly, s.Label, black)
	}
	return png.Encode(w, img)
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255},
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func num(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

// line draws with Bresenham's algorithm.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		img.Set(x0, y0, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

// glyphs is a 3×5 pixel font, scaled 2×: each glyph is five rows of three
// bits. Letters are drawn in one case.
var glyphs = map[rune][5]uint8{
	'0': {7, 5, 5, 5, 7}, '1': {2, 6, 2, 2, 7}, '2': {7, 1, 7, 4, 7}, '3': {7, 1, 7, 1, 7},
	'4': {5, 5, 7, 1, 1}, '5': {7, 4, 7, 1, 7}, '6': {7, 4, 7, 5, 7}, '7': {7, 1, 1, 1, 1},
	'8': {7, 5, 7, 5, 7}, '9': {7, 5, 7, 1, 7},
	'a': {2, 5, 7, 5, 5}, 'b': {6, 5, 6, 5, 6}, 'c': {3, 4, 4, 4, 3}, 'd': {6, 5, 5, 5, 6},
	'e': {7, 4, 6, 4, 7}, 'f': {7, 4, 6, 4, 4}, 'g': {3, 4, 5, 5, 3}, 'h': {5, 5, 7, 5, 5},
	'i': {7, 2, 2, 2, 7}, 'j': {1, 1, 1, 5, 2}, 'k': {5, 5, 6, 5, 5}, 'l': {4, 4, 4, 4, 7},
	'm': {5, 7, 7, 5, 5}, 'n': {6, 5, 5, 5, 5}, 'o': {2, 5, 5, 5, 2}, 'p': {6, 5, 6, 4, 4},
	'q': {2, 5, 5, 6, 3}, 'r': {6, 5, 6, 5, 5}, 's': {3, 4, 2, 1, 6}, 't': {7, 2, 2, 2, 2},
	'u': {5, 5, 5, 5, 7}, 'v': {5, 5, 5, 5, 2}, 'w': {5, 5, 7, 7, 5}, 'x': {5, 5, 2, 5, 5},
	'y': {5, 5, 2, 2, 2}, 'z': {7, 1, 2, 4, 7},
	'/': {1, 1, 2, 4, 4}, '-': {0, 0, 7, 0, 0}, '.': {0, 0, 0, 0, 2}, ',': {0, 0, 0, 2, 4},
	'(': {1, 2, 2, 2, 1}, ')': {4, 2, 2, 2, 4}, ':': {0, 2, 0, 2, 0}, '%': {5, 1, 2, 4, 5},
	'=': {0, 7, 0, 7, 0}, '+': {0, 2, 7, 2, 0}, '×': {0, 5, 2, 5, 0},
}

const glyphScale = 2

func textWidth(s string) int { return len([]rune(s)) * 4 * glyphScale }

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	for _, r := range strings.ToLower(s) {
		g := glyphs[r]
		for row := 0; row < 5; row++ {
			for col := 0; col < 3; col++ {
				if g[row]&(4>>col) != 0 {
					fill(img, image.Rect(x+col*glyphScale, y+row*glyphScale, x+(col+1)*glyphScale, y+(row+1)*glyphScale), c)
				}
			}
		}
		x += 4 * glyphScale
	}
}
