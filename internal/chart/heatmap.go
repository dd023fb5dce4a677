package chart

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/rufmt"
)

// HeatCell is one cell of a heat map; a NaN Value means no data.
type HeatCell struct {
	Value float64
	Text  string // shown in the cell; "" shows Value
	Title string // the tooltip; "" is row, column and Text
	Flag  bool   // outlined, with the meaning named by the flag legend
}

// Scale maps values to colour classes: class k holds values up to
// Breaks[k], the last class everything above.
type Scale struct {
	Breaks       []float64
	Fills, Texts []string
}

// heatPalette runs from light (few) to dark (many). The text colour of each
// class keeps WCAG AA contrast, as the map's palette does.
var heatPalette = []struct{ Fill, Text string }{
	{"#eff3ff", "#111"}, {"#bdd7e7", "#111"}, {"#6baed6", "#111"}, {"#3182bd", "#fff"}, {"#08519c", "#fff"},
}

// HeatMissing is the fill of cells without data.
const HeatMissing = "#e5e5e5"

// QuantileScale splits values into up to n classes of about equal size:
// slot counts are skewed (a few large МО), and equal-width classes would
// paint almost everything the lightest colour.
func QuantileScale(values []float64, n int) Scale {
	var xs []float64
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
		}
	}
	n = min(max(n, 1), len(heatPalette))
	slices.Sort(xs)
	var breaks []float64
	if len(xs) > 0 {
		for k := 1; k < n; k++ {
			b := xs[min(len(xs)-1, len(xs)*k/n)]
			if len(breaks) == 0 || b > breaks[len(breaks)-1] {
				if b < xs[len(xs)-1] {
					breaks = append(breaks, b)
				}
			}
		}
	}
	sc := Scale{Breaks: breaks}
	// Spread the classes over the whole palette so that the darkest colour
	// always means the top class.
	classes := len(breaks) + 1
	for k := range classes {
		i := 0
		if classes > 1 {
			i = k * (len(heatPalette) - 1) / (classes - 1)
		}
		sc.Fills = append(sc.Fills, heatPalette[i].Fill)
		sc.Texts = append(sc.Texts, heatPalette[i].Text)
	}
	return sc
}

// Class is the class of v; -1 for NaN.
func (s Scale) Class(v float64) int {
	if math.IsNaN(v) {
		return -1
	}
	for k, b := range s.Breaks {
		if v <= b {
			return k
		}
	}
	return len(s.Breaks)
}

// Labels names each class: "до 1,5", "1,5 – 3,0", "более 3,0".
func (s Scale) Labels(prec int, unit string) []string {
	if len(s.Breaks) == 0 {
		return []string{"все значения" + unit}
	}
	out := make([]string, 0, len(s.Breaks)+1)
	for k := range len(s.Breaks) + 1 {
		switch {
		case k == 0:
			out = append(out, "до "+rufmt.Number(s.Breaks[0], prec)+unit)
		case k == len(s.Breaks):
			out = append(out, "более "+rufmt.Number(s.Breaks[k-1], prec)+unit)
		default:
			out = append(out, rufmt.Number(s.Breaks[k-1], prec)+" – "+rufmt.Number(s.Breaks[k], prec)+unit)
		}
	}
	return out
}

// Heatmap draws rows × cols cells coloured by sc, with the scale's legend
// (and flagName's, when a cell is flagged) under the grid, so that the
// chart stays readable in print. cells is [row][col].
func Heatmap(title string, rows, cols []string, cells [][]HeatCell, sc Scale, prec int, unit, flagName string) template.HTML {
	const labelW, cellW, cellH, headH, top = 250.0, 92.0, 26.0, 44.0, 4.0
	w := labelW + cellW*float64(max(len(cols), 1)) + 8
	gridH := top + headH + cellH*float64(len(rows))
	labels := sc.Labels(prec, unit)
	legendH := 40.0
	h := gridH + legendH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart chart-heat" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s"><title>%s</title>`,
		f(w), f(h), f(w), f(h), esc(title), esc(title))
	if len(rows) == 0 || len(cols) == 0 {
		b.WriteString(`<text x="20" y="40">Нет данных</text></svg>`)
		return template.HTML(b.String())
	}
	for j, c := range cols {
		x := labelW + cellW*(float64(j)+0.5)
		lines := wrap(c, 13, 2)
		for i, ln := range lines {
			fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="middle">%s</text>`, f(x), f(top+headH-8-14*float64(len(lines)-1-i)), esc(ln))
		}
	}
	flagged := false
	for i, r := range rows {
		y := top + headH + cellH*float64(i)
		fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="end">%s</text>`, f(labelW-8), f(y+cellH/2+4), esc(truncate(r, 34)))
		for j := range cols {
			var c HeatCell
			if i < len(cells) && j < len(cells[i]) {
				c = cells[i][j]
			} else {
				c.Value = math.NaN()
			}
			fill, ink := HeatMissing, "#111"
			if k := sc.Class(c.Value); k >= 0 && k < len(sc.Fills) {
				fill, ink = sc.Fills[k], sc.Texts[k]
			}
			text := c.Text
			if text == "" {
				text = rufmt.Number(c.Value, prec)
			}
			tip := c.Title
			if tip == "" {
				tip = r + ", " + cols[j] + ": " + text
			}
			x := labelW + cellW*float64(j)
			fmt.Fprintf(&b, `<g><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#fff"/>`,
				esc(tip), f(x), f(y), f(cellW), f(cellH), fill)
			if c.Flag {
				flagged = true
				fmt.Fprintf(&b, `<rect class="flag" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#b91c1c" stroke-width="3"/>`,
					f(x+2), f(y+2), f(cellW-4), f(cellH-4))
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s" text-anchor="middle">%s%s</text></g>`, f(x+cellW/2), f(y+cellH/2+4), ink, esc(text),
				map[bool]string{true: " !"}[c.Flag])
		}
	}
	// Legend: one swatch per class, then missing data and the flag.
	lx, ly := 8.0, gridH+14
	item := func(fill, stroke, label string) {
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="14" height="14" fill="%s" stroke="%s"/><text class="axis" x="%s" y="%s">%s</text>`,
			f(lx), f(ly), fill, stroke, f(lx+18), f(ly+11), esc(label))
		lx += 30 + 6.5*float64(len([]rune(label)))
	}
	for k, l := range labels {
		item(sc.Fills[k], "#666", l)
	}
	item(HeatMissing, "#666", "нет данных")
	if flagged && flagName != "" {
		item("none", "#b91c1c", flagName)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// wrap splits s into at most n lines of about width runes at spaces,
// truncating the last.
func wrap(s string, width, n int) []string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > n {
		lines[n-1] = strings.Join(lines[n-1:], " ")
		lines = lines[:n]
	}
	for i := range lines {
		lines[i] = truncate(lines[i], width+2)
	}
	return lines
}
