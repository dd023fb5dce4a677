package store

import (
	"context"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/workflow"
)

// DataSetValues reads the values of the given data elements for the units
// for exactly period p (not its sub-periods), by unit, with their comments.
// The form, the checks and the import's validation read a data set this way.
func (s *Store) DataSetValues(ctx context.Context, elements, units []string, p period.Period) (map[string]workflow.Values, map[string]map[string]string, error) {
	vals := map[string]workflow.Values{}
	comments := map[string]map[string]string{}
	if len(units) == 0 {
		return vals, comments, nil
	}
	want := make(map[string]bool, len(units))
	for _, u := range units {
		want[u] = true
	}
	f := ValueFilter{DataElements: elements, Within: &p}
	if len(units) <= 200 { // beyond, one scan filtered here beats a long IN list
		f.OrgUnits = units
	}
	id := p.String()
	err := s.EachValue(ctx, f, func(v StoredValue) error {
		if v.Period != id || !want[v.OrgUnit] {
			return nil
		}
		if vals[v.OrgUnit] == nil {
			vals[v.OrgUnit], comments[v.OrgUnit] = workflow.Values{}, map[string]string{}
		}
		vals[v.OrgUnit][v.DataElement] = v.Value
		if v.Comment != "" {
			comments[v.OrgUnit][v.DataElement] = v.Comment
		}
		return nil
	})
	return vals, comments, err
}
