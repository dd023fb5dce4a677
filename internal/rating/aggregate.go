package rating

import (
	"math"

	"github.com/cifra-health/cifra/internal/period"
)

// Aggregation is how a data element combines over time and over units.
type Aggregation string

// Aggregation types of data elements.
const (
	AggSum     Aggregation = "sum"
	AggAverage Aggregation = "average"
	AggLast    Aggregation = "last"
	AggMin     Aggregation = "min"
	AggMax     Aggregation = "max"
)

// Element asks for one data element and how it aggregates.
type Element struct {
	ID          string
	Aggregation Aggregation
}

// Aggregated holds, per requested data element, one value per universe unit
// (NaN = no data) for one period.
type Aggregated struct {
	Elements []string
	Values   [][]float64 // [element][unit]
	index    map[string]int
	// Unplaced counts values whose org unit is not in the universe.
	Unplaced int
}

// Get returns the value of element id at unit u.
func (a *Aggregated) Get(id string, u int) (float64, bool) {
	e, ok := a.index[id]
	if !ok {
		return math.NaN(), false
	}
	v := a.Values[e][u]
	return v, !math.IsNaN(v)
}

// Series is the per-unit slice of one element (nil when not requested).
func (a *Aggregated) Series(id string) []float64 {
	if e, ok := a.index[id]; ok {
		return a.Values[e]
	}
	return nil
}

// Set overrides one value (used for inputs computed by another methodology).
func (a *Aggregated) Set(id string, u int, v float64) {
	if e, ok := a.index[id]; ok {
		a.Values[e][u] = v
	}
}

type cell struct {
	sum, min, max float64
	n             int
	lastStart     int64
	last          float64
}

func (c *cell) add(v float64, start int64) {
	if c.n == 0 {
		c.min, c.max = v, v
		c.lastStart, c.last = start, v
	} else {
		// Values are never NaN here, so plain comparisons do (math.Min
		// spends most of its time on NaN and signed zeros).
		if v < c.min {
			c.min = v
		}
		if v > c.max {
			c.max = v
		}
		if start >= c.lastStart {
			c.lastStart, c.last = start, v
		}
	}
	c.sum += v
	c.n++
}

func (c *cell) value(a Aggregation) float64 {
	if c.n == 0 {
		return math.NaN()
	}
	switch a {
	case AggAverage:
		return c.sum / float64(c.n)
	case AggLast:
		return c.last
	case AggMin:
		return c.min
	case AggMax:
		return c.max
	default:
		return c.sum
	}
}

// acrossUnits is the aggregation used between units: a "last" stock sums
// across organisations, everything else keeps its own rule.
func acrossUnits(a Aggregation) Aggregation {
	if a == AggLast {
		return AggSum
	}
	return a
}

// Aggregate computes, for period p, each element's value at every unit of
// the universe.
//
// Over time, a unit's own values inside p combine by the element's
// aggregation; when a unit reported the same element at several period types
// inside p (say a yearly total and monthly values), only the coarsest type
// counts, so nothing is counted twice. Up the hierarchy, a unit that
// reported a value itself keeps it; otherwise it gets the aggregate of its
// children's values. Ratios are never averaged here: indicators are
// evaluated on the aggregated numerator and denominator.
func Aggregate(d *Dataset, u *Universe, elements []Element, p period.Period) *Aggregated {
	nu := u.Len()
	out := &Aggregated{index: map[string]int{}}
	deSlot := make([]int, len(d.des))
	for i := range deSlot {
		deSlot[i] = -1
	}
	for i, e := range elements {
		out.index[e.ID] = i
		out.Elements = append(out.Elements, e.ID)
		if di, ok := d.deIndex[e.ID]; ok {
			deSlot[di] = i
		}
	}
	ouSlot := make([]int, len(d.ous))
	for i, code := range d.ous {
		ouSlot[i] = u.Index(code)
	}
	// Per period: inside p? coarseness (higher type = coarser) and start.
	inside := make([]bool, len(d.pes))
	typ := make([]int8, len(d.pes))
	start := make([]int64, len(d.pes))
	for i, q := range d.pes {
		inside[i] = p.Contains(q)
		typ[i] = int8(q.Type())
		start[i] = q.Start().Unix()
	}
	ne := len(elements)
	coarsest := make([]int8, ne*nu)
	for pe, rows := range d.rows {
		if !inside[pe] {
			continue
		}
		for _, r := range rows {
			e := deSlot[r.de]
			if e < 0 {
				continue
			}
			x := ouSlot[r.ou]
			if x < 0 {
				out.Unplaced++
				continue
			}
			if k := e*nu + x; typ[pe] > coarsest[k] {
				coarsest[k] = typ[pe]
			}
		}
	}
	cells := make([]cell, ne*nu)
	for pe, rows := range d.rows {
		if !inside[pe] {
			continue
		}
		for _, r := range rows {
			e := deSlot[r.de]
			if e < 0 {
				continue
			}
			x := ouSlot[r.ou]
			if x < 0 {
				continue
			}
			k := e*nu + x
			if typ[pe] == coarsest[k] {
				cells[k].add(r.v, start[pe])
			}
		}
	}
	out.Values = make([][]float64, ne)
	children := make([]cell, nu)
	for e, el := range elements {
		vals := make([]float64, nu)
		own := cells[e*nu : (e+1)*nu]
		clear(children)
		across := acrossUnits(el.Aggregation)
		for _, x := range u.bottomUp {
			v := own[x].value(el.Aggregation)
			if math.IsNaN(v) {
				v = children[x].value(across)
			}
			vals[x] = v
			if pa := u.Parent[x]; pa >= 0 && !math.IsNaN(v) {
				children[pa].add(v, 0)
			}
		}
		out.Values[e] = vals
	}
	return out
}
