package catalog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/workflow"
)

// DataSetRef is a data set with the methodology that defines it (and so
// its validation rules).
type DataSetRef struct {
	M  *method.Methodology
	DS *method.DataSet
}

// DataSets lists every data set of the loaded methodologies, the first
// definition winning when two methodologies reuse an id.
func (c *Catalog) DataSets() []DataSetRef {
	var out []DataSetRef
	seen := map[string]bool{}
	for _, m := range c.Methodologies() {
		for i := range m.DataSets {
			ds := &m.DataSets[i]
			if !seen[ds.ID] {
				seen[ds.ID] = true
				out = append(out, DataSetRef{m, ds})
			}
		}
	}
	return out
}

// maxImportChecks bounds the unit × period pairs an import is checked on
// against the validation rules: a bulk load of history is not a form.
const maxImportChecks = 2000

// ImportViolations checks the units and periods an import touches against
// the validation rules of every data set holding its elements, over the
// stored values overlaid with the imported ones, so that a dry run is
// checked as if written. Imports are not refused for violations: the
// values are a draft until submitted, and submitting needs them fixed.
func (c *Catalog) ImportViolations(ctx context.Context, vals []datavalue.Value) ([]workflow.Violation, error) {
	type key struct{ unit, period string }
	touched := map[key]map[string]float64{}
	for _, v := range vals {
		k := key{v.OrgUnit, v.Period}
		if touched[k] == nil {
			if len(touched) == maxImportChecks {
				continue
			}
			touched[k] = map[string]float64{}
		}
		touched[k][v.DataElement] = v.Value
	}
	var out []workflow.Violation
	for _, d := range c.DataSets() {
		rules := workflow.DataSetRules(d.M, d.DS)
		if len(rules) == 0 {
			continue
		}
		for k, imported := range touched {
			pe, err := period.Parse(k.period)
			if err != nil || pe.Type() != d.DS.PeriodType {
				continue
			}
			if !slices.ContainsFunc(d.DS.DataElements, func(de string) bool { _, ok := imported[de]; return ok }) {
				continue
			}
			stored, _, err := c.store.DataSetValues(ctx, d.DS.DataElements, []string{k.unit}, pe)
			if err != nil {
				return nil, err
			}
			merged := workflow.Values{}
			for de, x := range stored[k.unit] {
				merged[de] = x
			}
			for de, x := range imported {
				merged[de] = x
			}
			out = append(out, workflow.Validate(rules, k.period, map[string]workflow.Values{k.unit: merged})...)
		}
	}
	slices.SortFunc(out, func(a, b workflow.Violation) int {
		return cmp.Or(cmp.Compare(a.OrgUnit, b.OrgUnit), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Rule, b.Rule))
	})
	return out, nil
}

// Check is workflow.Check of d for period p over units with their stored
// values and approvals: what `cifra workflow check` prints and /checks
// shows, read the same way for both.
func (c *Catalog) Check(ctx context.Context, d DataSetRef, p period.Period, units []string, now time.Time) (workflow.Report, error) {
	vals, _, err := c.store.DataSetValues(ctx, d.DS.DataElements, units, p)
	if err != nil {
		return workflow.Report{}, fmt.Errorf("check %s %s: %w", d.DS.ID, p, err)
	}
	approvals, err := c.store.Approvals(ctx, d.DS.ID, p.String())
	if err != nil {
		return workflow.Report{}, fmt.Errorf("check %s %s: %w", d.DS.ID, p, err)
	}
	status := make(map[string]workflow.Status, len(approvals))
	for u, a := range approvals {
		status[u] = workflow.Status{State: a.State, SubmittedAt: a.SubmittedAt}
	}
	return workflow.Check(d.M, d.DS, p, units, vals, status, now), nil
}
