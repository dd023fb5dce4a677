package workflow

import (
	"fmt"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
)

// ReportingLevel is the level of the units that report ds: its Level, an
// organisation (МО) when it names none.
func ReportingLevel(ds *method.DataSet) (orgunit.Level, error) {
	if ds.Level == "" {
		return orgunit.Organisation, nil
	}
	l, err := orgunit.ParseLevel(ds.Level)
	if err != nil {
		return l, fmt.Errorf("data set %s: %w", ds.ID, err)
	}
	return l, nil
}

// ReportingUnits are the units under root (root included) that report ds,
// in the hierarchy's order: root itself when it reports, else its
// descendants at the data set's level. A root below that level (a
// department of an МО) or unknown reports nothing.
func ReportingUnits(h *orgunit.Hierarchy, ds *method.DataSet, root string) []*orgunit.Unit {
	lvl, err := ReportingLevel(ds)
	if err != nil {
		return nil
	}
	ru, ok := h.Get(root)
	if !ok {
		return nil
	}
	switch {
	case ru.Level == lvl:
		return []*orgunit.Unit{ru}
	case ru.Level > lvl:
		return nil
	}
	var out []*orgunit.Unit
	for _, u := range h.Descendants(root) {
		if u.Level == lvl {
			out = append(out, u)
		}
	}
	return out
}
