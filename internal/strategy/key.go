package strategy

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
)

// Key names one target series: a region's targets for one indicator, or
// one node of the index tree, of one methodology.
type Key struct {
	Region      string `json:"region"`      // ISO 3166-2:RU code, e.g. "RU-TUL"
	Methodology string `json:"methodology"` // methodology id
	Indicator   string `json:"indicator"`   // indicator id or node id
}

func (k Key) String() string { return k.Region + "/" + k.Methodology + "/" + k.Indicator }

func compareKeys(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Methodology, b.Methodology), cmp.Compare(a.Indicator, b.Indicator))
}

// Measure is what a target is set on: an indicator (its raw value, in its
// unit) or a node of the index tree (its score). A leaf of the tree has the
// id of its indicator; the id then means the indicator's value, because
// strategies set targets in the indicator's own unit.
type Measure struct {
	Methodology string
	ID          string
	Name        string // Russian
	Unit        string // Russian; "балл" for nodes
	Direction   index.Direction
	Node        bool // an inner node or the root: a score of 0..100
	// Lo and Hi bound plausible values: targets outside are refused and
	// forecasts are clamped to them. Hi is +Inf when there is no bound.
	Lo, Hi float64
	// Default is the methodology's own target for an indicator, if any.
	Default *float64
}

// ScoreUnit is the unit of node scores.
const ScoreUnit = "балл"

// MeasureOf finds id in m: an indicator first, then a node of the tree.
func MeasureOf(m *method.Methodology, id string) (Measure, bool) {
	if ind, ok := m.Indicator(id); ok {
		ms := Measure{Methodology: m.ID, ID: id, Name: ind.Name, Unit: ind.Unit, Direction: ind.Direction, Lo: 0, Hi: math.Inf(1), Default: ind.Target}
		if ind.Unit == "%" {
			ms.Hi = 100
		}
		return ms, true
	}
	if n, ok := m.Node(id); ok {
		return Measure{Methodology: m.ID, ID: id, Name: n.Name, Unit: ScoreUnit, Direction: index.HigherIsBetter, Node: true, Lo: 0, Hi: 100}, true
	}
	return Measure{}, false
}

// Measures lists every indicator of m, then every inner node of its tree
// (root first), the ids a target may name.
func Measures(m *method.Methodology) []Measure {
	var out []Measure
	for _, ind := range m.Indicators {
		ms, _ := MeasureOf(m, ind.ID)
		out = append(out, ms)
	}
	var walk func(n *index.Node)
	walk = func(n *index.Node) {
		if n == nil || len(n.Children) == 0 {
			return
		}
		if _, isInd := m.Indicator(n.ID); !isInd {
			ms, _ := MeasureOf(m, n.ID)
			out = append(out, ms)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(m.Tree)
	return out
}

// Better reports whether a is strictly better than b in direction d.
func Better(d index.Direction, a, b float64) bool { return float64(d)*(a-b) > 0 }

// Meets reports whether value v reaches target t in direction d: at least
// t when higher is better, at most t when lower is better. A difference
// below one billionth of the target (rounding of stored values) counts as
// reached.
func Meets(d index.Direction, v, t float64) bool {
	tol := 1e-9 * math.Max(1, math.Abs(t))
	return float64(d)*(v-t) >= -tol
}

// directionName is the word used in files and JSON.
func directionName(d index.Direction) string {
	if d == index.LowerIsBetter {
		return "lower"
	}
	return "higher"
}

// methodologyByID indexes methodologies, refusing duplicates.
func methodologyByID(ms []*method.Methodology) (map[string]*method.Methodology, error) {
	out := make(map[string]*method.Methodology, len(ms))
	for _, m := range ms {
		if _, dup := out[m.ID]; dup {
			return nil, fmt.Errorf("strategy: methodology %q given twice", m.ID)
		}
		out[m.ID] = m
	}
	return out, nil
}

func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
