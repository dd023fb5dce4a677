// Package tilemap places regions on a tile grid (one square per region)
// roughly where they lie, from their coordinates. The layout is derived
// deterministically, so a new region list needs no hand-made file.
package tilemap

import (
	"math"
	"sort"
)

// Region is a unit to place.
type Region struct {
	Code     string
	Lat, Lon float64
}

// Cell is a tile position: column from the west, row from the north.
type Cell struct{ Col, Row int }

// Layout is the placement of every region.
type Layout struct {
	Cols, Rows int
	Cells      map[string]Cell
}

// Place lays regions out on a cols×rows grid. Positions come from the rank
// of longitude and latitude mixed with their linear position: European
// Russia is dense and Siberia sparse, so pure linear scaling would pile the
// west onto a few cells and pure ranks would lose the shape. Collisions go
// to the nearest free cell, densest-first so that crowded regions keep the
// best spots; ties break by code, which makes the layout deterministic.
func Place(regions []Region, cols, rows int) Layout {
	n := len(regions)
	out := Layout{Cols: cols, Rows: rows, Cells: make(map[string]Cell, n)}
	if n == 0 {
		return out
	}
	if cols*rows < n {
		rows = (n + cols - 1) / cols
		out.Rows = rows
	}
	lon := func(r Region) float64 {
		// Chukotka crosses the antimeridian.
		if r.Lon < 0 {
			return r.Lon + 360
		}
		return r.Lon
	}
	xs, ys := make([]float64, n), make([]float64, n)
	for i, r := range regions {
		xs[i], ys[i] = lon(r), r.Lat
	}
	xq, yq := quantiles(xs), quantiles(ys)
	xl, yl := linear(xs), linear(ys)
	type want struct {
		code string
		x, y float64
	}
	ws := make([]want, n)
	for i, r := range regions {
		x := 0.7*xq[i] + 0.3*xl[i]
		y := 0.6*yq[i] + 0.4*yl[i]
		ws[i] = want{r.Code, x * float64(cols-1), (1 - y) * float64(rows-1)}
	}
	// Place regions nearest to many others first (crowded centre of
	// European Russia), far-flung ones later, where space is plenty.
	crowd := make([]float64, n)
	for i := range ws {
		for j := range ws {
			d := math.Hypot(ws[i].x-ws[j].x, ws[i].y-ws[j].y)
			crowd[i] += 1 / (1 + d)
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		if crowd[order[a]] != crowd[order[b]] {
			return crowd[order[a]] > crowd[order[b]]
		}
		return ws[order[a]].code < ws[order[b]].code
	})
	taken := make([]bool, cols*rows)
	for _, i := range order {
		best, bestD := -1, math.Inf(1)
		for c := 0; c < cols*rows; c++ {
			if taken[c] {
				continue
			}
			d := math.Hypot(float64(c%cols)-ws[i].x, float64(c/cols)-ws[i].y)
			if d < bestD-1e-9 {
				best, bestD = c, d
			}
		}
		taken[best] = true
		out.Cells[ws[i].code] = Cell{Col: best % cols, Row: best / cols}
	}
	return out
}

// quantiles maps each value to its mid-rank in [0, 1].
func quantiles(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]float64, len(v))
	if len(v) == 1 {
		out[0] = 0.5
		return out
	}
	for r, i := range idx {
		out[i] = float64(r) / float64(len(v)-1)
	}
	return out
}

// linear maps values onto [0, 1] between their minimum and maximum.
func linear(v []float64) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	out := make([]float64, len(v))
	for i, x := range v {
		if hi > lo {
			out[i] = (x - lo) / (hi - lo)
		} else {
			out[i] = 0.5
		}
	}
	return out
}
