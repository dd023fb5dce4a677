package method

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/formula"
	"github.com/cifra-health/cifra/internal/index"
)

// lint records warnings: things a file may say but a methodologist
// probably did not mean. They do not stop Parse; `cifra methodology check`
// prints them.
//
//   - Siblings whose weights are all fractions below 1 look like shares of
//     their parent, so they should sum to 1; Cifra re-scales weights to
//     their sum, so 0.5, 0.6, 0.5 (1.6) silently count as 0.31, 0.38, 0.31.
//     Whole-number weights (3 and 1) are relative and need not sum to 1.
//   - A node with weight 0 never counts.
//   - An indicator outside the tree is computed but does not count; a data
//     element that no tree indicator, denomination, validation rule or input
//     uses is collected for nothing.
//   - When the file has data sets, a tree indicator whose data elements no
//     data set collects and no input fills has no data.
func (b *builder) lint() {
	if b.m.Tree == nil || len(b.probs.list) > 0 {
		return
	}
	b.lintWeights(b.m.Tree)
	inTree := map[string]bool{}
	for _, id := range treeIndicators(b.m.Tree) {
		inTree[id] = true
	}
	used := map[string]bool{}
	for i, ind := range b.m.Indicators {
		if !inTree[ind.ID] {
			b.warn(fmt.Sprintf("indicators[%d]", i), "indicator %q is not in the index tree: it is computed but does not count", ind.ID)
			continue
		}
		for _, id := range indicatorElements(&ind) {
			used[id] = true
		}
	}
	for _, s := range b.m.Pipeline.Denominate.By {
		used[s] = true
	}
	for _, r := range b.m.Validation {
		for _, e := range []*formula.Expr{r.Left, r.Right} {
			if e != nil {
				for _, id := range e.Vars() {
					used[id] = true
				}
			}
		}
	}
	for _, in := range b.m.Inputs {
		used[in.DataElement] = true
	}
	for i, de := range b.m.DataElements {
		if !used[de.ID] {
			b.warn(fmt.Sprintf("data_elements[%d]", i), "data element %q is unreachable: no indicator of the index, denomination, validation rule or input uses it", de.ID)
		}
	}
	if len(b.m.DataSets) == 0 {
		return
	}
	collected := map[string]bool{}
	for _, ds := range b.m.DataSets {
		for _, id := range ds.DataElements {
			collected[id] = true
		}
	}
	for _, in := range b.m.Inputs {
		collected[in.DataElement] = true
	}
	for i, ind := range b.m.Indicators {
		if !inTree[ind.ID] {
			continue
		}
		var missing []string
		for _, id := range indicatorElements(&ind) {
			if !collected[id] {
				missing = append(missing, fmt.Sprintf("%q", id))
			}
		}
		if len(missing) > 0 {
			b.warn(fmt.Sprintf("indicators[%d]", i), "indicator %q has no data: no data set collects and no input fills %s", ind.ID, strings.Join(missing, ", "))
		}
	}
}

func (b *builder) lintWeights(n *index.Node) {
	if len(n.Children) == 0 {
		return
	}
	shares, sum := true, 0.0
	var ws []string
	for _, c := range n.Children {
		if c.Weight == 0 {
			b.warn(b.nodePaths[c.ID], "node %q has weight 0: it never counts", c.ID)
		}
		shares = shares && c.Weight > 0 && c.Weight < 1
		sum += c.Weight
		ws = append(ws, fmt.Sprintf("%g", c.Weight))
	}
	if shares && math.Abs(sum-1) > 1e-6 {
		b.warn(b.nodePaths[n.ID], "node %q: the weights of its children (%s) look like shares but sum to %g, not 1; they count as their share of %g",
			n.ID, strings.Join(ws, ", "), round6(sum), round6(sum))
	}
	for _, c := range n.Children {
		b.lintWeights(c)
	}
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func (b *builder) warn(path, format string, args ...any) {
	b.m.Warnings = append(b.m.Warnings, Problem{File: b.probs.file, Line: b.line(path), Msg: fmt.Sprintf(format, args...)})
	slices.SortStableFunc(b.m.Warnings, func(x, y Problem) int { return x.Line - y.Line })
}

// indicatorElements lists the data elements of an indicator's formulas.
func indicatorElements(ind *Indicator) []string {
	var ids []string
	for _, e := range []*formula.Expr{ind.Numerator, ind.Denominator} {
		if e != nil {
			ids = append(ids, e.Vars()...)
		}
	}
	return ids
}
