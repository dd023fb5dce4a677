package index

import (
	"fmt"
	"math"

	"github.com/cifra-health/cifra/internal/stats"
)

// impute returns vals with missing cells filled by method, and which cells
// were filled. Rows without a missing cell are shared with vals, not copied.
// Statistics use every unit's observed value (screening comes later and
// only looks at what was observed). Group methods fall back to the all-unit
// statistic when the unit's group has no observed value; an indicator with
// no observed value at all stays missing, with a warning.
func impute(vals [][]float64, units []Unit, ids []string, method ImputeMethod) (out [][]float64, was [][]bool, warnings []string) {
	out = make([][]float64, len(vals))
	was = make([][]bool, len(vals))
	nU := len(units)
	flatWas := make([]bool, len(vals)*nU)
	var groupOf []int // unit → group number, for group methods
	var nGroups int
	if method == ImputeGroupMean || method == ImputeGroupMedian {
		groupOf = make([]int, nU)
		num := make(map[string]int)
		for u, unit := range units {
			g, ok := num[unit.Group]
			if !ok {
				g = len(num)
				num[unit.Group] = g
			}
			groupOf[u] = g
		}
		nGroups = len(num)
	}
	stat := stats.Median
	if method == ImputeMean || method == ImputeGroupMean {
		stat = mean
	}
	var buf []float64
	var groupStat []float64
	for i, row := range vals {
		out[i] = row
		was[i] = flatWas[i*nU : (i+1)*nU : (i+1)*nU]
		if method == ImputeNone || method == "" || !anyMissing(row) {
			continue
		}
		buf = observed(buf[:0], row, nil, -1)
		if len(buf) == 0 {
			warnings = append(warnings, fmt.Sprintf("indicator %q: no observed values, nothing to impute from", ids[i]))
			continue
		}
		all := math.NaN() // computed when first needed: group methods rarely do
		if groupOf != nil {
			groupStat = groupStat[:0]
			for range nGroups {
				groupStat = append(groupStat, math.Inf(1)) // not yet computed
			}
		}
		filled := append([]float64(nil), row...)
		for u, v := range row {
			if present(v) {
				continue
			}
			fill := math.NaN()
			if groupOf != nil {
				g := groupOf[u]
				if math.IsInf(groupStat[g], 1) {
					buf = observed(buf[:0], row, groupOf, g)
					groupStat[g] = math.NaN()
					if len(buf) > 0 {
						groupStat[g] = stat(buf)
					}
				}
				fill = groupStat[g]
			}
			if !present(fill) {
				if !present(all) {
					all = stat(observed(buf[:0], row, nil, -1))
				}
				fill = all
			}
			filled[u] = fill
			was[i][u] = true
		}
		out[i] = filled
	}
	return out, was, warnings
}

func anyMissing(row []float64) bool {
	for _, v := range row {
		if !present(v) {
			return true
		}
	}
	return false
}

// observed appends to dst the observed values of row, restricted to units
// u with groupOf[u] == g when groupOf is set.
func observed(dst, row []float64, groupOf []int, g int) []float64 {
	for u, v := range row {
		if present(v) && (groupOf == nil || groupOf[u] == g) {
			dst = append(dst, v)
		}
	}
	return dst
}
