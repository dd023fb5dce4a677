package method

import (
	"fmt"
	"slices"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// dataSets checks the collection forms.
func (b *builder) dataSets(raw []rawDataSet) {
	seen := map[string]int{}
	for i, r := range raw {
		path, ctx := fmt.Sprintf("data_sets[%d]", i), itemName("data set", r.ID, i)
		b.checkID(path, ctx, r.ID, seen)
		b.require(path, ctx, "name", r.Name)
		ds := DataSet{ID: r.ID, Name: r.Name, Description: r.Description, DataElements: r.DataElements,
			Level: orgunit.Organisation.String(), PeriodType: r.PeriodType, DeadlineDays: r.DeadlineDays}
		if len(r.DataElements) == 0 && !b.failed[join(path, "data_elements")] {
			b.add(path, "%s: data_elements is required", ctx)
		}
		for j, id := range r.DataElements {
			epath := fmt.Sprintf("%s.data_elements[%d]", path, j)
			if _, ok := b.des[id]; !ok {
				b.add(epath, "%s: unknown data element %q", ctx, id)
			} else if slices.Contains(r.DataElements[:j], id) {
				b.add(epath, "%s: data element %q is listed twice", ctx, id)
			}
		}
		if r.Level != "" {
			if l, err := orgunit.ParseLevel(r.Level); err != nil {
				b.add(join(path, "level"), "%s: level: unknown level %q (want organisation or region)", ctx, r.Level)
			} else {
				ds.Level = l.String()
			}
		}
		if !r.PeriodType.Valid() && !b.failed[join(path, "period_type")] {
			b.add(path, "%s: period_type is required", ctx)
		}
		if r.DeadlineDays < 0 {
			b.add(join(path, "deadline_days"), "%s: deadline_days must not be negative", ctx)
		}
		b.m.DataSets = append(b.m.DataSets, ds)
	}
}

// rules checks the validation rules.
func (b *builder) rules(raw []rawRule) {
	seen := map[string]int{}
	for i, r := range raw {
		path, ctx := fmt.Sprintf("validation_rules[%d]", i), itemName("validation rule", r.ID, i)
		b.checkID(path, ctx, r.ID, seen)
		b.require(path, ctx, "name", r.Name)
		rule := ValidationRule{ID: r.ID, Name: r.Name, Description: r.Description,
			Operator: Operator(r.Operator), Missing: SkipIfAnyMissing}
		if b.require(path, ctx, "left", r.Left) {
			rule.Left = b.formula(join(path, "left"), ctx+": left", r.Left)
		}
		if b.require(path, ctx, "operator", r.Operator) && !slices.Contains(operators, rule.Operator) {
			b.add(join(path, "operator"), "%s: operator: unknown operator %q (want %s)", ctx, r.Operator, list(operators))
		}
		if b.require(path, ctx, "right", r.Right) {
			rule.Right = b.formula(join(path, "right"), ctx+": right", r.Right)
		}
		if r.Missing != "" {
			rule.Missing = MissingStrategy(r.Missing)
			if !slices.Contains(missingStrategies, rule.Missing) {
				b.add(join(path, "missing"), "%s: missing: unknown strategy %q (want %s)", ctx, r.Missing, list(missingStrategies))
			}
		}
		b.m.Validation = append(b.m.Validation, rule)
	}
}

// inputs checks what can be checked within one file; CheckInputs resolves
// the other methodologies.
func (b *builder) inputs(raw []Input) {
	seen := map[string]int{}
	for i, in := range raw {
		path, ctx := fmt.Sprintf("inputs[%d]", i), itemName("input", in.DataElement, i)
		if b.require(path, ctx, "data_element", in.DataElement) {
			if _, ok := b.des[in.DataElement]; !ok {
				b.add(join(path, "data_element"), "%s: unknown data element %q", ctx, in.DataElement)
			} else if first, dup := seen[in.DataElement]; dup {
				b.add(path, "%s: the data element is already filled by an input (line %d)", ctx, first)
			}
			seen[in.DataElement] = b.line(path)
		}
		if b.require(path, ctx, "methodology", in.Methodology) && in.Methodology == b.m.ID {
			b.add(join(path, "methodology"), "%s: a methodology cannot take an input from itself", ctx)
		}
		in.line = b.line(path)
		b.m.Inputs = append(b.m.Inputs, in)
	}
}
