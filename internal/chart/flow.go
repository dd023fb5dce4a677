package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/cifra-health/cifra/internal/rufmt"
)

// FlowNode is a step of a flow diagram, placed by the caller on a grid:
// the caller knows the process, so it knows the order of the steps better
// than any automatic layout would.
type FlowNode struct {
	ID, Label string
	Col, Row  int
	Count     int // cases that reached the step, shown under the label
}

// FlowEdge is a transition between two nodes and how many cases took it.
type FlowEdge struct {
	From, To string
	Value    int
}

// Flow draws a directly-follows graph: nodes as boxes on their grid cells,
// transitions as arrows whose width follows the number of cases. Arrows
// that skip columns or go back bend away from the boxes in their way.
// Transitions under minShare of the largest are left out, as process-mining
// tools filter their maps, so that the main path stays legible; the caller
// lists them all in a table.
func Flow(title string, nodes []FlowNode, edges []FlowEdge, minShare float64) template.HTML {
	const colW, rowH, nodeW, nodeH, left, top, bottom = 150.0, 120.0, 112.0, 48.0, 12.0, 64.0, 64.0
	cols, rows := 1, 1
	pos := map[string]FlowNode{}
	for _, n := range nodes {
		cols, rows = max(cols, n.Col+1), max(rows, n.Row+1)
		pos[n.ID] = n
	}
	w := left*2 + colW*float64(cols-1) + nodeW
	h := top + rowH*float64(rows-1) + nodeH + bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart chart-flow" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s"><title>%s</title>`,
		f(w), f(h), f(w), f(h), esc(title), esc(title))
	b.WriteString(`<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">` +
		`<path d="M0 0L10 5L0 10z" fill="#0b4f9c"/></marker></defs>`)
	if len(edges) == 0 {
		b.WriteString(`<text x="20" y="40">Нет данных</text></svg>`)
		return template.HTML(b.String())
	}
	top1 := 1
	for _, e := range edges {
		top1 = max(top1, e.Value)
	}
	x := func(n FlowNode) float64 { return left + colW*float64(n.Col) }
	y := func(n FlowNode) float64 { return top + rowH*float64(n.Row) }
	// Edges first, so that the boxes cover their ends.
	for _, e := range edges {
		a, okA := pos[e.From]
		z, okZ := pos[e.To]
		share := float64(e.Value) / float64(top1)
		if !okA || !okZ || e.Value <= 0 || share < minShare {
			continue
		}
		sw := 1.5 + 12*share
		var d string
		var mx, my float64
		switch {
		case z.Col > a.Col && (z.Col == a.Col+1 || z.Row != a.Row):
			// The next column, or another row: an S-curve.
			x1, y1 := x(a)+nodeW, y(a)+nodeH/2
			x2, y2 := x(z), y(z)+nodeH/2
			c := (x2 - x1) / 2
			d = fmt.Sprintf("M%s %s C%s %s %s %s %s %s", f(x1), f(y1), f(x1+c), f(y1), f(x2-c), f(y2), f(x2-4), f(y2))
			mx, my = (x1+x2)/2, (y1+y2)/2
			if y1 == y2 {
				my -= 8 // above the arrow, clear of its width
			}
		default:
			// Skipping columns on one row, staying in a column or going
			// back: an arc above the row (below for the lower rows).
			x1, x2 := x(a)+nodeW/2, x(z)+nodeW/2
			dir, y1 := -1.0, y(a)
			if a.Row > 0 {
				dir, y1 = 1, y(a)+nodeH
			}
			y2 := y(z)
			if dir > 0 {
				y2 = y(z) + nodeH
			}
			span := math.Abs(float64(z.Col-a.Col)) + 1
			bend := dir * math.Min(14+10*span, top-8)
			if x1 == x2 {
				x1, x2 = x1-nodeW/4, x2+nodeW/4
			}
			d = fmt.Sprintf("M%s %s C%s %s %s %s %s %s", f(x1), f(y1), f(x1), f(y1+bend), f(x2), f(y2+bend), f(x2), f(y2-dir*4))
			mx, my = (x1+x2)/2, (y1+y2)/2+bend*0.75
		}
		tip := fmt.Sprintf("%s → %s: %s", a.Label, z.Label, rufmt.Number(float64(e.Value), 0))
		fmt.Fprintf(&b, `<path class="flow" d="%s" fill="none" stroke="#0b4f9c" stroke-opacity="0.45" stroke-width="%s" marker-end="url(#flow-arrow)"><title>%s</title></path>`,
			d, f(sw), esc(tip))
		fmt.Fprintf(&b, `<text class="val" x="%s" y="%s" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">%s</text>`,
			f(mx), f(my+4), esc(rufmt.Number(float64(e.Value), 0)))
	}
	for _, n := range nodes {
		fmt.Fprintf(&b, `<g><title>%s: %s</title><rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="#f2f6fc" stroke="#0b4f9c" stroke-width="1.5"/>`,
			esc(n.Label), esc(rufmt.Number(float64(n.Count), 0)), f(x(n)), f(y(n)), f(nodeW), f(nodeH))
		lines := wrap(n.Label, 16, 2)
		for i, ln := range lines {
			fmt.Fprintf(&b, `<text class="lbl" x="%s" y="%s" text-anchor="middle">%s</text>`, f(x(n)+nodeW/2), f(y(n)+15+12*float64(i)), esc(ln))
		}
		if n.Count > 0 {
			fmt.Fprintf(&b, `<text class="val" x="%s" y="%s" text-anchor="middle">%s</text>`, f(x(n)+nodeW/2), f(y(n)+nodeH-4+float64(max(0, 2-len(lines)))*-6), esc(rufmt.Number(float64(n.Count), 0)))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
