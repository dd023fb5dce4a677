package aggregate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/method"
)

// Rollup aggregates МО values to regions by each element's aggregation in
// the methodology — counts sum, НОК scores average over the МО that have
// one — as the rating engine does, for pages and reports that show region
// figures without running it. region maps an МО to its region; values of
// an МО without one are an error.
func Rollup(values []datavalue.Value, m *method.Methodology, region func(mo string) (string, bool)) ([]datavalue.Value, error) {
	type key struct{ region, de, period string }
	type acc struct {
		sum float64
		n   int
	}
	sums := map[key]*acc{}
	aggs := map[string]method.AggType{}
	for _, v := range values {
		if _, ok := aggs[v.DataElement]; !ok {
			de, found := m.DataElement(v.DataElement)
			if !found {
				return nil, fmt.Errorf("в методике %s нет элемента данных %s", m.ID, v.DataElement)
			}
			if de.Aggregation != method.AggSum && de.Aggregation != method.AggAverage {
				return nil, fmt.Errorf("элемент %s: свод по %s не поддерживается", de.ID, de.Aggregation)
			}
			aggs[v.DataElement] = de.Aggregation
		}
		r, ok := region(v.OrgUnit)
		if !ok {
			return nil, fmt.Errorf("МО %s не относится ни к одному субъекту", v.OrgUnit)
		}
		k := key{r, v.DataElement, v.Period}
		a := sums[k]
		if a == nil {
			a = &acc{}
			sums[k] = a
		}
		a.sum += v.Value
		a.n++
	}
	out := make([]datavalue.Value, 0, len(sums))
	for k, a := range sums {
		v := a.sum
		if aggs[k.de] == method.AggAverage {
			v /= float64(a.n)
		}
		out = append(out, datavalue.Value{DataElement: k.de, Period: k.period, OrgUnit: k.region, Value: v,
			Source: datavalue.Source{File: Source}})
	}
	slices.SortFunc(out, func(a, b datavalue.Value) int {
		return strings.Compare(a.OrgUnit+"\x00"+a.Period+"\x00"+a.DataElement, b.OrgUnit+"\x00"+b.Period+"\x00"+b.DataElement)
	})
	return out, nil
}
