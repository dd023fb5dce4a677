// Package chart draws small server-side SVG charts (line, bars, histogram)
// for the Russian pages. Charts need no JavaScript and stay legible in print:
// fixed palette, dark strokes, text in the SVG itself.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/rufmt"
)

func esc(s string) string { return template.HTMLEscapeString(s) }

// f writes a coordinate with one decimal (dot: SVG syntax, not a number
// shown to people).
func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// Point is one labelled value of a line chart; NaN leaves a gap.
type Point struct {
	Label string
	Value float64
}

// Line draws a line chart of pts with value labels on each point. invert
// puts small values at the top (for ranks).
func Line(title string, pts []Point, prec int, invert bool) template.HTML {
	const w, h, left, right, top, bottom = 580.0, 220.0, 52.0, 32.0, 22.0, 36.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart chart-line" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">`, f(w), f(h), f(w), f(h), esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if !math.IsNaN(p.Value) {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	if math.IsInf(lo, 0) {
		b.WriteString(`<text x="20" y="40">Нет данных</text></svg>`)
		return template.HTML(b.String())
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.1
	lo, hi = lo-pad, hi+pad
	pw, ph := w-left-right, h-top-bottom
	x := func(i int) float64 {
		if len(pts) == 1 {
			return left + pw/2
		}
		return left + pw*float64(i)/float64(len(pts)-1)
	}
	y := func(v float64) float64 {
		t := (v - lo) / (hi - lo)
		if invert {
			t = 1 - t
		}
		return top + ph*(1-t)
	}
	// Three grid lines with their values.
	for k := 0; k <= 2; k++ {
		v := lo + (hi-lo)*float64(k)/2
		fmt.Fprintf(&b, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/><text class="axis" x="%s" y="%s" text-anchor="end">%s</text>`,
			f(left), f(w-right), f(y(v)), f(y(v)), f(left-6), f(y(v)+4), esc(rufmt.Number(v, prec)))
	}
	var path strings.Builder
	pen := false
	for i, p := range pts {
		if math.IsNaN(p.Value) {
			pen = false
			continue
		}
		cmd := "L"
		if !pen {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%s %s ", cmd, f(x(i)), f(y(p.Value)))
		pen = true
	}
	fmt.Fprintf(&b, `<path class="line" d="%s"/>`, strings.TrimSpace(path.String()))
	for i, p := range pts {
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="middle">%s</text>`, f(x(i)), f(h-12), esc(p.Label))
		if math.IsNaN(p.Value) {
			continue
		}
		fmt.Fprintf(&b, `<circle class="dot" cx="%s" cy="%s" r="4"><title>%s: %s</title></circle><text class="val" x="%s" y="%s" text-anchor="middle">%s</text>`,
			f(x(i)), f(y(p.Value)), esc(p.Label), esc(rufmt.Number(p.Value, prec)), f(x(i)), f(y(p.Value)-9), esc(rufmt.Number(p.Value, prec)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Marker is a reference value drawn across a bar (e.g. a median).
type Marker struct {
	Name  string
	Value float64
	Class string // CSS class: "m1", "m2"
}

// Bar is one horizontal bar with optional markers.
type Bar struct {
	Label   string
	Value   float64
	Markers []Marker
}

// Bars draws horizontal bars on a 0..max scale with reference markers;
// the legend names the markers of the first bar.
func Bars(title string, bars []Bar, max float64, prec int) template.HTML {
	const w, labelW, right, rowH, top = 700.0, 270.0, 60.0, 30.0, 8.0
	h := top + rowH*float64(len(bars)) + 30
	pw := w - labelW - right
	if max <= 0 {
		max = 1
		for _, br := range bars {
			max = math.Max(max, br.Value)
			for _, m := range br.Markers {
				max = math.Max(max, m.Value)
			}
		}
	}
	x := func(v float64) float64 { return labelW + pw*math.Max(0, math.Min(v, max))/max }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart chart-bars" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s"><title>%s</title>`, f(w), f(h), f(w), f(h), esc(title), esc(title))
	for i, br := range bars {
		y := top + rowH*float64(i)
		fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%s</text>`, f(labelW-8), f(y+rowH/2+4), esc(truncate(br.Label, 36)))
		fmt.Fprintf(&b, `<rect class="track" x="%s" y="%s" width="%s" height="%s"/>`, f(labelW), f(y+6), f(pw), f(rowH-12))
		if !math.IsNaN(br.Value) {
			fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>`, f(labelW), f(y+6), f(x(br.Value)-labelW), f(rowH-12), esc(br.Label), esc(rufmt.Number(br.Value, prec)))
		}
		fmt.Fprintf(&b, `<text class="val" x="%s" y="%s">%s</text>`, f(w-right+6), f(y+rowH/2+4), esc(rufmt.Number(br.Value, prec)))
		for _, m := range br.Markers {
			if math.IsNaN(m.Value) {
				continue
			}
			fmt.Fprintf(&b, `<line class="marker %s" x1="%s" x2="%s" y1="%s" y2="%s"><title>%s: %s</title></line>`, esc(m.Class), f(x(m.Value)), f(x(m.Value)), f(y+2), f(y+rowH-2), esc(m.Name), esc(rufmt.Number(m.Value, prec)))
		}
	}
	if len(bars) > 0 {
		lx := labelW
		ly := h - 10
		fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="14" height="10"/><text class="axis" x="%s" y="%s">значение</text>`, f(lx), f(ly-9), f(lx+18), f(ly))
		lx += 90
		for _, m := range bars[0].Markers {
			fmt.Fprintf(&b, `<line class="marker %s" x1="%s" x2="%s" y1="%s" y2="%s"/><text class="axis" x="%s" y="%s">%s</text>`, esc(m.Class), f(lx+5), f(lx+5), f(ly-11), f(ly+2), f(lx+14), f(ly), esc(m.Name))
			lx += 14 + 8*float64(len([]rune(m.Name)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Histogram draws the distribution of values in bins equal-width bins and
// marks highlight (NaN: none) with a labelled line.
func Histogram(title string, values []float64, bins int, highlight float64, highlightName string, prec int) template.HTML {
	const w, h, left, right, top, bottom = 560.0, 220.0, 40.0, 16.0, 24.0, 40.0
	var xs []float64
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart chart-hist" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s"><title>%s</title>`, f(w), f(h), f(w), f(h), esc(title), esc(title))
	if len(xs) == 0 || bins < 1 {
		b.WriteString(`<text x="20" y="40">Нет данных</text></svg>`)
		return template.HTML(b.String())
	}
	lo, hi := xs[0], xs[0]
	for _, v := range xs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi-lo < 1e-12 {
		lo, hi = lo-0.5, hi+0.5
	}
	counts := make([]int, bins)
	for _, v := range xs {
		k := int(float64(bins) * (v - lo) / (hi - lo))
		counts[min(max(k, 0), bins-1)]++
	}
	top1 := 1
	for _, c := range counts {
		top1 = max(top1, c)
	}
	pw, ph := w-left-right, h-top-bottom
	bw := pw / float64(bins)
	for k, c := range counts {
		bh := ph * float64(c) / float64(top1)
		from, to := lo+(hi-lo)*float64(k)/float64(bins), lo+(hi-lo)*float64(k+1)/float64(bins)
		fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s"><title>%s–%s: %d</title></rect>`,
			f(left+bw*float64(k)+1), f(top+ph-bh), f(bw-2), f(bh), esc(rufmt.Number(from, prec)), esc(rufmt.Number(to, prec)), c)
		if c > 0 {
			fmt.Fprintf(&b, `<text class="val" x="%s" y="%s" text-anchor="middle">%d</text>`, f(left+bw*(float64(k)+0.5)), f(top+ph-bh-4), c)
		}
	}
	fmt.Fprintf(&b, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(left), f(w-right), f(top+ph), f(top+ph))
	fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="start">%s</text><text class="axis" x="%s" y="%s" text-anchor="end">%s</text>`,
		f(left), f(h-22), esc(rufmt.Number(lo, prec)), f(w-right), f(h-22), esc(rufmt.Number(hi, prec)))
	if !math.IsNaN(highlight) {
		hx := left + pw*(highlight-lo)/(hi-lo)
		fmt.Fprintf(&b, `<line class="marker m1" x1="%s" x2="%s" y1="%s" y2="%s"/><text class="axis" x="%s" y="%s" text-anchor="middle">%s: %s</text>`,
			f(hx), f(hx), f(top-4), f(top+ph), f(math.Min(math.Max(hx, left+60), w-right-60)), f(h-6), esc(highlightName), esc(rufmt.Number(highlight, prec)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
