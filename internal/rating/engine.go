package rating

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

// Engine computes methodologies over one dataset and universe.
type Engine struct {
	Universe *Universe
	Data     *Dataset
	// Methods by id, for methodologies whose inputs are another one's result.
	Methods   map[string]*method.Methodology
	Synthetic bool
	Now       func() time.Time

	// done remembers computed results: a full recompute asks for most
	// periods twice (as themselves and as the previous period of the next)
	// and for input methodologies once per dependent. An Engine is not
	// safe for concurrent use.
	done map[string]*Result
}

// Compute runs methodology m for period p, with the rank change against the
// previous period when there is data for it.
func (e *Engine) Compute(ctx context.Context, m *method.Methodology, p period.Period) (*Result, error) {
	r, err := e.compute(ctx, m, p, map[string]bool{})
	if err != nil {
		return nil, err
	}
	prev := p.Prev()
	if len(e.Data.PeriodsOf(prev.Type())) > 0 && e.hasData(prev) {
		pr, err := e.compute(ctx, m, prev, map[string]bool{})
		if err == nil {
			r.attachPrevious(pr)
		} else {
			r.Warnings = append(r.Warnings, fmt.Sprintf("previous period %s: %v", prev, err))
		}
	}
	return r, nil
}

func (e *Engine) hasData(p period.Period) bool {
	for _, q := range e.Data.pes {
		if p.Contains(q) {
			return true
		}
	}
	return false
}

func (e *Engine) compute(ctx context.Context, m *method.Methodology, p period.Period, visiting map[string]bool) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !m.AppliesTo(p) {
		return nil, fmt.Errorf("methodology %s %s does not apply to period %s", m.ID, m.Version, p)
	}
	if visiting[m.ID] {
		return nil, fmt.Errorf("methodology %s: inputs form a cycle", m.ID)
	}
	key := m.ID + "\x00" + m.Version + "\x00" + p.String()
	if r, ok := e.done[key]; ok {
		return r, nil
	}
	visiting[m.ID] = true
	defer delete(visiting, m.ID)

	level := orgunit.Region
	if m.UnitLevel != "" {
		l, err := orgunit.ParseLevel(m.UnitLevel)
		if err != nil {
			return nil, fmt.Errorf("methodology %s: %w", m.ID, err)
		}
		level = l
	}
	units := e.Universe.AtLevel(level)
	if len(units) == 0 {
		return nil, fmt.Errorf("methodology %s: no organisation units at level %s", m.ID, level)
	}
	elements := make([]Element, len(m.DataElements))
	for i, de := range m.DataElements {
		elements[i] = Element{ID: de.ID, Aggregation: Aggregation(de.Aggregation)}
	}
	agg := Aggregate(e.Data, e.Universe, elements, p)

	r := &Result{
		Methodology: m.ID, Version: m.Version, Name: m.Name,
		Period: p.String(), PeriodLabel: p.Label(),
		Synthetic: e.Synthetic, Level: level.String(),
	}
	if e.Now != nil {
		r.ComputedAt = e.Now().UTC()
	} else {
		r.ComputedAt = time.Now().UTC()
	}
	if agg.Unplaced > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d values belong to organisation units outside the hierarchy and were not counted", agg.Unplaced))
	}
	for _, in := range m.Inputs {
		src, ok := e.Methods[in.Methodology]
		if !ok {
			return nil, fmt.Errorf("methodology %s: input %s: methodology %q is not loaded", m.ID, in.DataElement, in.Methodology)
		}
		sr, err := e.compute(ctx, src, p, visiting)
		if err != nil {
			return nil, fmt.Errorf("methodology %s: input %s: %w", m.ID, in.DataElement, err)
		}
		node := in.Node
		if node == "" {
			node = sr.Root
		}
		for i, code := range sr.Units {
			if x := e.Universe.Index(code.Code); x >= 0 {
				if v := sr.Rows[i].Scores[node]; v.Valid() {
					agg.Set(in.DataElement, x, float64(v))
				}
			}
		}
		r.Inputs = append(r.Inputs, InputRef{DataElement: in.DataElement, Methodology: src.ID, Version: src.Version, Node: node})
	}

	attrs := m.Attributes()
	for _, x := range units {
		ref := UnitRef{Code: e.Universe.Codes[x], Name: e.Universe.Names[x], Group: e.Universe.Group[x], GroupName: e.Universe.GroupName[x]}
		for _, name := range attrs {
			if v := e.Universe.Attribute(x, name); v != "" {
				if ref.Attributes == nil {
					ref.Attributes = make(map[string]string, len(attrs))
				}
				ref.Attributes[name] = v
			}
		}
		r.Units = append(r.Units, ref)
	}
	r.Elements = make([]ElementRef, len(m.DataElements))
	r.ElementValues = make([][]Num, len(m.DataElements))
	for i, de := range m.DataElements {
		r.Elements[i] = ElementRef{ID: de.ID, Name: de.Name, Unit: de.Unit, Aggregation: string(de.Aggregation)}
		vals := make([]Num, len(units))
		series := agg.Values[i]
		for j, x := range units {
			vals[j] = Num(series[x])
		}
		r.ElementValues[i] = vals
	}
	r.Indicators = make([]IndicatorRef, len(m.Indicators))
	r.Numerators = make([][]Num, len(m.Indicators))
	r.Denominators = make([][]Num, len(m.Indicators))
	r.Values = make([][]Num, len(m.Indicators))
	for i := range m.Indicators {
		ind := &m.Indicators[i]
		r.Indicators[i] = indicatorRef(ind)
		num, den, val := make([]Num, len(units)), make([]Num, len(units)), make([]Num, len(units))
		for j, x := range units {
			var n, d, v float64
			var err error
			if ind.AverageOfUnits {
				n, d, v, err = averageOfUnits(ind, agg, e.Universe, x)
			} else {
				n, d, v, err = evalIndicator(ind, agg, x)
			}
			if err != nil {
				return nil, fmt.Errorf("methodology %s: indicator %s at %s: %w", m.ID, ind.ID, e.Universe.Codes[x], err)
			}
			num[j], den[j], val[j] = Num(n), Num(d), Num(v)
		}
		r.Numerators[i], r.Denominators[i], r.Values[i] = num, den, val
	}
	r.Series = map[string][]Num{}
	pop := make([]Num, len(units))
	for j, x := range units {
		pop[j] = Num(e.Universe.Population[x])
		if pop[j] == 0 {
			pop[j] = Num(math.NaN())
		}
	}
	r.Series["population"] = pop
	for i, de := range m.DataElements {
		r.Series[de.ID] = r.ElementValues[i]
	}
	if err := r.run(m); err != nil {
		return nil, err
	}
	if e.done == nil {
		e.done = map[string]*Result{}
	}
	e.done[key] = r
	return r, nil
}

func indicatorRef(ind *method.Indicator) IndicatorRef {
	ref := IndicatorRef{ID: ind.ID, Name: ind.Name, Unit: ind.Unit, Factor: ind.Factor, Direction: "higher", Target: ind.Target, Description: ind.Description, AverageOfUnits: ind.AverageOfUnits}
	if ind.Direction == index.LowerIsBetter {
		ref.Direction = "lower"
	}
	if ind.Numerator != nil {
		ref.Numerator = ind.Numerator.String()
	}
	if ind.Denominator != nil {
		ref.Denominator = ind.Denominator.String()
	}
	return ref
}

// evalIndicator computes numerator, denominator and value
// (numerator / denominator × factor) at unit x; NaN where data is missing or
// the denominator is zero.
func evalIndicator(ind *method.Indicator, agg *Aggregated, x int) (num, den, val float64, err error) {
	lookup := func(id string) (float64, bool) { return agg.Get(id, x) }
	num, ok, err := ind.Numerator.Eval(lookup)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("numerator: %w", err)
	}
	if !ok {
		num = math.NaN()
	}
	den = 1
	if ind.Denominator != nil {
		d, ok, err := ind.Denominator.Eval(lookup)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("denominator: %w", err)
		}
		den = d
		if !ok {
			den = math.NaN()
		}
	}
	factor := ind.Factor
	if factor == 0 {
		factor = 1
	}
	val = num / den * factor
	if math.IsNaN(num) || math.IsNaN(den) || den == 0 || math.IsInf(val, 0) {
		val = math.NaN()
	}
	return num, den, val, nil
}

// averageOfUnits is the unweighted mean of the indicator over the medical
// organisations below x, for the rare methodology that asks for it.
func averageOfUnits(ind *method.Indicator, agg *Aggregated, u *Universe, x int) (num, den, val float64, err error) {
	var sum float64
	var n int
	var sn, sd float64
	for _, c := range u.Descendants(x, orgunit.Organisation) {
		cn, cd, cv, err := evalIndicator(ind, agg, c)
		if err != nil {
			return 0, 0, 0, err
		}
		if !math.IsNaN(cv) {
			sum += cv
			sn += cn
			sd += cd
			n++
		}
	}
	if n == 0 {
		return evalIndicator(ind, agg, x)
	}
	return sn, sd, sum / float64(n), nil
}
