package index

import (
	"fmt"
	"math"
)

// impute returns vals with missing cells filled by method, and which cells
// were filled. Statistics use every unit's observed value (screening comes
// later and only looks at what was observed). Group methods fall back to the
// all-unit statistic when the unit's group has no observed value; an
// indicator with no observed value at all stays missing, with a warning.
func impute(vals [][]float64, units []Unit, ids []string, method ImputeMethod) (out [][]float64, was [][]bool, warnings []string) {
	out = make([][]float64, len(vals))
	was = make([][]bool, len(vals))
	var groups map[string][]int
	if method == ImputeGroupMean || method == ImputeGroupMedian {
		groups = make(map[string][]int)
		for u, unit := range units {
			groups[unit.Group] = append(groups[unit.Group], u)
		}
	}
	stat := median
	if method == ImputeMean || method == ImputeGroupMean {
		stat = mean
	}
	var buf []float64
	for i, row := range vals {
		out[i] = append([]float64(nil), row...)
		was[i] = make([]bool, len(row))
		if method == ImputeNone || method == "" {
			continue
		}
		missing := 0
		buf = buf[:0]
		for _, v := range row {
			if present(v) {
				buf = append(buf, v)
			} else {
				missing++
			}
		}
		if missing == 0 {
			continue
		}
		if len(buf) == 0 {
			warnings = append(warnings, fmt.Sprintf("indicator %q: no observed values, nothing to impute from", ids[i]))
			continue
		}
		all := stat(buf)
		groupStat := make(map[string]float64)
		for u, v := range row {
			if present(v) {
				continue
			}
			fill := all
			if groups != nil {
				g := units[u].Group
				s, ok := groupStat[g]
				if !ok {
					s = groupStatistic(row, groups[g], stat)
					groupStat[g] = s
				}
				if present(s) {
					fill = s
				}
			}
			out[i][u] = fill
			was[i][u] = true
		}
	}
	return out, was, warnings
}

// groupStatistic is stat over the observed values of the members; NaN when
// none is observed.
func groupStatistic(row []float64, members []int, stat func([]float64) float64) float64 {
	var xs []float64
	for _, u := range members {
		if present(row[u]) {
			xs = append(xs, row[u])
		}
	}
	if len(xs) == 0 {
		return math.NaN()
	}
	return stat(xs)
}
