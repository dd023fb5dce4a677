// Package rating turns data values into a composite-index rating: it
// aggregates data elements over time and up the organisation hierarchy,
// evaluates the methodology's indicator formulas, runs the index pipeline
// and assembles the league table, explanations, uncertainty and what-if.
package rating

import (
	"fmt"
	"math"
	"sort"

	"github.com/cifra-health/cifra/internal/period"
)

// Dataset holds data values in memory with interned identifiers, so that a
// few million values aggregate without a map lookup per value.
type Dataset struct {
	deIndex map[string]int32
	des     []string
	ouIndex map[string]int32
	ous     []string
	peIndex map[string]int32
	pes     []period.Period
	// rows are bucketed by period, so that aggregating one period reads
	// only the values inside it rather than the whole history.
	rows [][]row
	n    int
	hint int
}

type row struct {
	de, ou int32
	v      float64
}

// NewDataset makes an empty dataset; hint is the expected number of values.
func NewDataset(hint int) *Dataset {
	return &Dataset{
		deIndex: map[string]int32{},
		ouIndex: map[string]int32{},
		peIndex: map[string]int32{},
		hint:    hint,
	}
}

func intern(idx map[string]int32, list *[]string, s string) int32 {
	if i, ok := idx[s]; ok {
		return i
	}
	i := int32(len(*list))
	idx[s] = i
	*list = append(*list, s)
	return i
}

// Add appends one value; period must be a valid period identifier.
func (d *Dataset) Add(dataElement, periodID, orgUnit string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("dataset: %s %s %s: value %v is not a finite number", dataElement, periodID, orgUnit, v)
	}
	pi, ok := d.peIndex[periodID]
	if !ok {
		p, err := period.Parse(periodID)
		if err != nil {
			return fmt.Errorf("dataset: %w", err)
		}
		pi = int32(len(d.pes))
		d.peIndex[periodID] = pi
		d.pes = append(d.pes, p)
		// A guess at the bucket size saves most regrowth: values usually
		// spread evenly over a few dozen periods.
		d.rows = append(d.rows, make([]row, 0, d.hint/32))
	}
	d.rows[pi] = append(d.rows[pi], row{
		de: intern(d.deIndex, &d.des, dataElement),
		ou: intern(d.ouIndex, &d.ous, orgUnit),
		v:  v,
	})
	d.n++
	return nil
}

// Len is the number of values.
func (d *Dataset) Len() int { return d.n }

// OrgUnits lists the distinct org-unit codes in the dataset.
func (d *Dataset) OrgUnits() []string { return append([]string(nil), d.ous...) }

// Periods lists the distinct periods, ordered by start and then length.
func (d *Dataset) Periods() []period.Period {
	out := append([]period.Period(nil), d.pes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// PeriodsOf lists the periods of type t for which the dataset has any value
// inside, ordered.
func (d *Dataset) PeriodsOf(t period.Type) []period.Period {
	seen := map[period.Period]bool{}
	for _, p := range d.pes {
		var q period.Period
		if p.Type() == t {
			q = p
		} else {
			q = period.Of(p.Start(), t)
			if !q.Contains(p) {
				continue
			}
		}
		seen[q] = true
	}
	out := make([]period.Period, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
