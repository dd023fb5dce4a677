package index

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/stats"
)

// impute returns vals with missing cells filled by cfg, and which cells
// were filled. Only units with include[u] take part: their observed values
// feed the statistics and their missing cells are filled; the others' cells
// are left as they are (with screening first, include excludes the screened
// units). Rows without a cell to fill are shared with vals, not copied.
//
// Group methods use g. A unit whose group has no observed value of the
// indicator, or that has no group, follows cfg.EmptyGroup (left missing, or
// the all-unit statistic); a warning names each such group and indicator.
// An indicator with no observed value at all stays missing, with a warning.
func impute(vals [][]float64, include []bool, g *grouping, cfg ImputeConfig, ids []string) (out [][]float64, was [][]bool, warnings []string) {
	out = make([][]float64, len(vals))
	was = make([][]bool, len(vals))
	nU := len(include)
	flatWas := make([]bool, len(vals)*nU)
	method := cfg.Method
	group := method == ImputeGroupMean || method == ImputeGroupMedian
	if !group {
		g = nil
	} else if g != nil {
		warnings = append(warnings, g.warnings("impute "+string(method))...)
	}
	stat := stats.Median
	if method == ImputeMean || method == ImputeGroupMean {
		stat = mean
	}
	var buf, groupStat []float64
	// empty[group label] = indicators for which the group had nothing to
	// impute from; "" collects units without a group.
	empty := map[string][]string{}
	var emptyOrder []string
	for i, row := range vals {
		out[i] = row
		was[i] = flatWas[i*nU : (i+1)*nU : (i+1)*nU]
		if method == ImputeNone || method == "" || !anyMissing(row, include) {
			continue
		}
		buf = observed(buf[:0], row, include, nil, -1)
		if len(buf) == 0 {
			warnings = append(warnings, fmt.Sprintf("indicator %q: no observed values, nothing to impute from", ids[i]))
			continue
		}
		all := math.NaN() // computed when first needed: group methods rarely do
		if g != nil {
			groupStat = groupStat[:0]
			for range g.labels {
				groupStat = append(groupStat, math.Inf(1)) // not yet computed
			}
		}
		filled := slices.Clone(row)
		reported := map[int]bool{}
		for u, v := range row {
			if !include[u] || present(v) {
				continue
			}
			fill := math.NaN()
			if g == nil {
				if !present(all) {
					all = stat(observed(buf[:0], row, include, nil, -1))
				}
				fill = all
			} else {
				k := g.of[u]
				if k >= 0 {
					if math.IsInf(groupStat[k], 1) {
						buf = observed(buf[:0], row, include, g.of, k)
						groupStat[k] = math.NaN()
						if len(buf) > 0 {
							groupStat[k] = stat(buf)
						}
					}
					fill = groupStat[k]
				}
				if !present(fill) {
					if !reported[k] {
						reported[k] = true
						label := ""
						if k >= 0 {
							label = g.labels[k]
						}
						if _, seen := empty[label]; !seen {
							emptyOrder = append(emptyOrder, label)
						}
						empty[label] = append(empty[label], ids[i])
					}
					if cfg.EmptyGroup != EmptyGroupAllUnits {
						continue
					}
					if !present(all) {
						all = stat(observed(buf[:0], row, include, nil, -1))
					}
					fill = all
				}
			}
			filled[u] = fill
			was[i][u] = true
		}
		out[i] = filled
	}
	outcome := "left missing"
	if cfg.EmptyGroup == EmptyGroupAllUnits {
		outcome = "filled with the statistic over all units"
	}
	for _, label := range emptyOrder {
		who := fmt.Sprintf("group %q of %s", label, g.label())
		if label == "" {
			who = fmt.Sprintf("units without %s", g.label())
		}
		warnings = append(warnings, fmt.Sprintf("impute %s: %s has no observed value of %s: missing values %s",
			method, who, strings.Join(quoteAll(empty[label]), ", "), outcome))
	}
	return out, was, warnings
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// anyMissing reports whether a unit taking part lacks a value.
func anyMissing(row []float64, include []bool) bool {
	for u, v := range row {
		if include[u] && !present(v) {
			return true
		}
	}
	return false
}

// observed appends to dst the observed values of the units taking part,
// restricted to units u with groupOf[u] == g when groupOf is set.
func observed(dst, row []float64, include []bool, groupOf []int, g int) []float64 {
	for u, v := range row {
		if include[u] && present(v) && (groupOf == nil || groupOf[u] == g) {
			dst = append(dst, v)
		}
	}
	return dst
}
