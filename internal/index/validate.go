package index

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Defaults applied when a Config field is left at its zero value.
const (
	defaultSkewness  = 2.0
	defaultKurtosis  = 3.5
	defaultMaxPoints = 5
	defaultRangeLo   = 0.0
	defaultRangeHi   = 100.0
	defaultZCentre   = 100.0
	defaultZScale    = 10.0
)

// engine is a validated Input with the tree flattened and defaults resolved.
// Run, Uncertainty and WhatIf share it so that repeated runs skip
// validation and re-use what does not change between them.
type engine struct {
	in        *Input
	cfg       Config // defaults resolved; maps shared with in.Config (read only)
	unitIndex map[string]int
	indIndex  map[string]int
	nodes     []cnode // post-order: children before parents, root last
	nodeIndex map[string]int
	used      []bool        // indicator is referenced by a leaf
	denom     [][]float64   // values after denomination, per indicator
	refUnit   int           // Normalise.Reference as a unit index, -1 if unset
	outliers  []outlierRule // per indicator
	// groupings are built on first use by grouping (before any worker
	// starts): an engine is not safe for concurrent use.
	groupings map[string]*grouping
}

// cnode is a Node flattened into engine.nodes.
type cnode struct {
	id, name string
	parent   int   // -1 for the root
	depth    int   // 0 for the root
	children []int // indices into engine.nodes
	ind      int   // indicator index for leaves, -1 for inner nodes
	weight   float64
	agg      AggregateMethod // resolved for inner nodes
	p        float64
}

func (e *engine) root() int { return len(e.nodes) - 1 }

// compile validates in and prepares an engine. Errors name the offending
// unit, indicator or node so that a methodologist can fix the YAML.
func compile(in *Input) (*engine, error) {
	if in == nil {
		return nil, errors.New("index: nil input")
	}
	e := &engine{in: in, refUnit: -1}
	if err := e.validateData(); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	cfg, err := resolveConfig(in.Config)
	if err != nil {
		return nil, fmt.Errorf("index: config: %w", err)
	}
	e.cfg = cfg
	if err := e.flattenTree(); err != nil {
		return nil, fmt.Errorf("index: tree: %w", err)
	}
	if err := e.validateConfigRefs(); err != nil {
		return nil, fmt.Errorf("index: config: %w", err)
	}
	e.denom = denominate(in.Values, in.Denominators, e.cfg.Denominate, e.indIndex)
	e.outliers = make([]outlierRule, len(in.Indicators))
	for i, ind := range in.Indicators {
		e.outliers[i] = resolveOutliers(e.cfg.Outliers, ind.ID)
	}
	return e, nil
}

// resolveOutliers applies the per-indicator override of id to c (whose
// defaults are resolved).
func resolveOutliers(c OutlierConfig, id string) outlierRule {
	r := outlierRule{enabled: c.Enabled, skew: c.Skewness, kurt: c.Kurtosis, maxPoints: c.MaxPoints,
		second: c.Second, strict: c.Thresholds == ThresholdsStrict, combine: c.Combine}
	if c.Lambda != nil {
		r.lambda = *c.Lambda
	}
	o, ok := c.Indicators[id]
	if !ok {
		return r
	}
	if o.Enabled != nil {
		r.enabled = *o.Enabled
	}
	if o.Skewness != nil {
		r.skew = *o.Skewness
	}
	if o.Kurtosis != nil {
		r.kurt = *o.Kurtosis
	}
	if o.MaxPoints != nil {
		r.maxPoints = *o.MaxPoints
	}
	if o.Second != "" {
		r.second = o.Second
	}
	if o.Lambda != nil {
		r.lambda = *o.Lambda
	}
	if o.Thresholds != "" {
		r.strict = o.Thresholds == ThresholdsStrict
	}
	if o.Combine != nil {
		r.combine = *o.Combine
	}
	return r
}

func (e *engine) validateData() error {
	in := e.in
	if len(in.Units) == 0 {
		return errors.New("no units")
	}
	e.unitIndex = make(map[string]int, len(in.Units))
	for i, u := range in.Units {
		if u.ID == "" {
			return fmt.Errorf("unit #%d has an empty id", i)
		}
		if _, dup := e.unitIndex[u.ID]; dup {
			return fmt.Errorf("duplicate unit id %q", u.ID)
		}
		e.unitIndex[u.ID] = i
	}
	if len(in.Indicators) == 0 {
		return errors.New("no indicators")
	}
	e.indIndex = make(map[string]int, len(in.Indicators))
	for i, ind := range in.Indicators {
		if ind.ID == "" {
			return fmt.Errorf("indicator #%d has an empty id", i)
		}
		if _, dup := e.indIndex[ind.ID]; dup {
			return fmt.Errorf("duplicate indicator id %q", ind.ID)
		}
		if ind.Direction != HigherIsBetter && ind.Direction != LowerIsBetter {
			return fmt.Errorf("indicator %q: direction must be 1 (higher is better) or -1 (lower is better), got %d", ind.ID, ind.Direction)
		}
		e.indIndex[ind.ID] = i
	}
	if len(in.Values) != len(in.Indicators) {
		return fmt.Errorf("values have %d rows, want one per indicator (%d)", len(in.Values), len(in.Indicators))
	}
	for i, row := range in.Values {
		if len(row) != len(in.Units) {
			return fmt.Errorf("indicator %q: %d values, want one per unit (%d)", in.Indicators[i].ID, len(row), len(in.Units))
		}
		for u, v := range row {
			if math.IsInf(v, 0) {
				return fmt.Errorf("indicator %q, unit %q: infinite value", in.Indicators[i].ID, in.Units[u].ID)
			}
		}
	}
	for name, s := range in.Denominators {
		if len(s) != len(in.Units) {
			return fmt.Errorf("denominator %q: %d values, want one per unit (%d)", name, len(s), len(in.Units))
		}
	}
	return nil
}

// resolveConfig fills defaults and rejects values no method can use.
func resolveConfig(c Config) (Config, error) {
	switch c.Order {
	case "":
		c.Order = ScreenThenImpute
	case ScreenThenImpute, ImputeThenScreen:
	default:
		return c, fmt.Errorf("order: unknown value %q (want %s or %s)", c.Order, ScreenThenImpute, ImputeThenScreen)
	}
	if c.Denominate.Scale == 0 {
		c.Denominate.Scale = 1
	}
	for id, f := range c.Denominate.Scales {
		if !(f > 0) || math.IsInf(f, 0) {
			return c, fmt.Errorf("denominate: scales: indicator %q: the factor must be a positive number, got %g", id, f)
		}
	}
	var err error
	if c.Impute, err = resolveImpute(c.Impute); err != nil {
		return c, err
	}
	if a := c.Screen.MinAvailability; a < 0 || a > 1 || math.IsNaN(a) {
		return c, fmt.Errorf("screen: min_availability must be within 0..1, got %g", a)
	}
	o := &c.Outliers
	if o.Skewness == 0 {
		o.Skewness = defaultSkewness
	}
	if o.Kurtosis == 0 {
		o.Kurtosis = defaultKurtosis
	}
	if o.MaxPoints == 0 {
		o.MaxPoints = defaultMaxPoints
	}
	if o.Skewness < 0 || o.MaxPoints < 0 {
		return c, fmt.Errorf("outliers: skewness and max_points must not be negative")
	}
	if o.Second == "" {
		o.Second = SecondLog
	}
	if o.Thresholds == "" {
		o.Thresholds = ThresholdsInclusive
	}
	if err := checkOutlierChoices("outliers", o.Second, o.Thresholds, o.Lambda); err != nil {
		return c, err
	}
	for id, ov := range o.Indicators {
		if (ov.Skewness != nil && *ov.Skewness < 0) || (ov.MaxPoints != nil && *ov.MaxPoints < 0) {
			return c, fmt.Errorf("outliers: indicators: %q: skewness and max_points must not be negative", id)
		}
		second, lambda := o.Second, o.Lambda
		if ov.Second != "" {
			second = ov.Second
		}
		if ov.Lambda != nil {
			lambda = ov.Lambda
		}
		if err := checkOutlierChoices(fmt.Sprintf("outliers: indicators: %q", id), second, ov.Thresholds, lambda); err != nil {
			return c, err
		}
	}
	n := &c.Normalise
	if n.Method == "" {
		n.Method = NormMinMax
	}
	if !validNormalise(n.Method) {
		return c, fmt.Errorf("normalise: unknown method %q", n.Method)
	}
	if n.Range == [2]float64{} {
		n.Range = [2]float64{defaultRangeLo, defaultRangeHi}
	}
	if !(n.Range[0] < n.Range[1]) {
		return c, fmt.Errorf("normalise: range must be increasing, got [%g, %g]", n.Range[0], n.Range[1])
	}
	if n.Centre == nil {
		centre := defaultZCentre
		n.Centre = &centre
	}
	if n.Scale == 0 {
		n.Scale = defaultZScale
	}
	if n.Scale < 0 {
		return c, fmt.Errorf("normalise: scale must be positive, got %g", n.Scale)
	}
	switch n.Constant {
	case "":
		n.Constant = ConstantMissing
	case ConstantMissing, ConstantMidpoint:
	default:
		return c, fmt.Errorf("normalise: constant: unknown rule %q (want %s or %s)", n.Constant, ConstantMissing, ConstantMidpoint)
	}
	for i, g := range c.Ranks.Within {
		if slices.Contains(c.Ranks.Within[:i], g) {
			return c, fmt.Errorf("ranks: within: grouping %q is listed twice", g)
		}
	}
	if c.Aggregate.Method == "" {
		c.Aggregate.Method = AggArithmetic
	}
	if !validAggregate(c.Aggregate.Method) {
		return c, fmt.Errorf("aggregate: unknown method %q", c.Aggregate.Method)
	}
	if c.Leaders < 0 || c.Laggards < 0 {
		return c, fmt.Errorf("leaders and laggards must not be negative")
	}
	return c, nil
}

// resolveImpute fills the defaults of an imputation and checks it.
func resolveImpute(c ImputeConfig) (ImputeConfig, error) {
	if c.Method == "" {
		c.Method = ImputeNone
	}
	if !validImpute(c.Method) {
		return c, fmt.Errorf("impute: unknown method %q", c.Method)
	}
	switch c.EmptyGroup {
	case "":
		c.EmptyGroup = EmptyGroupMissing
	case EmptyGroupMissing, EmptyGroupAllUnits:
	default:
		return c, fmt.Errorf("impute: empty_group: unknown rule %q (want %s or %s)", c.EmptyGroup, EmptyGroupMissing, EmptyGroupAllUnits)
	}
	return c, nil
}

// checkOutlierChoices checks the second step and threshold rule of an
// outlier setting ("" thresholds: inherited, already checked).
func checkOutlierChoices(ctx string, second SecondStep, th Thresholds, lambda *float64) error {
	switch second {
	case SecondLog, SecondLogMirrored, SecondNone, "":
	case SecondBoxCox:
		if lambda == nil {
			return fmt.Errorf("%s: second step boxcox needs lambda", ctx)
		}
		if math.IsNaN(*lambda) || math.IsInf(*lambda, 0) {
			return fmt.Errorf("%s: lambda must be a finite number", ctx)
		}
	default:
		return fmt.Errorf("%s: second: unknown step %q (want log, log_mirrored, boxcox or none)", ctx, second)
	}
	switch th {
	case "", ThresholdsInclusive, ThresholdsStrict:
	default:
		return fmt.Errorf("%s: thresholds: unknown rule %q (want inclusive or strict)", ctx, th)
	}
	return nil
}

func validImpute(m ImputeMethod) bool {
	switch m {
	case ImputeNone, ImputeMean, ImputeMedian, ImputeGroupMean, ImputeGroupMedian:
		return true
	}
	return false
}

func validNormalise(m NormaliseMethod) bool {
	switch m {
	case NormMinMax, NormZScore, NormRank, NormPercentileRank, NormBorda,
		NormDistanceMax, NormDistanceRef, NormDistanceTarget, NormFractionMax, NormGoalposts:
		return true
	}
	return false
}

func validAggregate(m AggregateMethod) bool {
	switch m {
	case AggArithmetic, AggGeometric, AggHarmonic, AggGeneralised:
		return true
	}
	return false
}

// flattenTree checks the tree and stores it children-before-parents.
func (e *engine) flattenTree() error {
	if e.in.Tree == nil {
		return errors.New("no tree")
	}
	e.nodeIndex = make(map[string]int)
	e.used = make([]bool, len(e.in.Indicators))
	usedBy := make(map[int]string)
	var walk func(n *Node, parent string, depth int) (int, error)
	walk = func(n *Node, parent string, depth int) (int, error) {
		if n == nil {
			return 0, fmt.Errorf("node %q has a nil child", parent)
		}
		if depth > 64 {
			return 0, fmt.Errorf("node %q: tree deeper than 64 levels (cycle?)", n.ID)
		}
		if n.ID == "" {
			return 0, fmt.Errorf("a child of %q has an empty id", parent)
		}
		if _, dup := e.nodeIndex[n.ID]; dup {
			return 0, fmt.Errorf("duplicate node id %q", n.ID)
		}
		e.nodeIndex[n.ID] = -1 // reserve; fixed below once the index is known
		if n.Weight < 0 || math.IsNaN(n.Weight) || math.IsInf(n.Weight, 0) {
			return 0, fmt.Errorf("node %q: weight must be a finite non-negative number, got %g", n.ID, n.Weight)
		}
		c := cnode{id: n.ID, name: n.Name, ind: -1, weight: n.Weight, depth: depth}
		if len(n.Children) == 0 {
			if n.Indicator == "" {
				return 0, fmt.Errorf("leaf %q references no indicator", n.ID)
			}
			i, ok := e.indIndex[n.Indicator]
			if !ok {
				return 0, fmt.Errorf("leaf %q references unknown indicator %q", n.ID, n.Indicator)
			}
			if other, dup := usedBy[i]; dup {
				return 0, fmt.Errorf("indicator %q is used by both %q and %q", n.Indicator, other, n.ID)
			}
			usedBy[i] = n.ID
			e.used[i] = true
			c.ind = i
		} else {
			if n.Indicator != "" {
				return 0, fmt.Errorf("node %q has children and also references indicator %q", n.ID, n.Indicator)
			}
			c.agg = n.Aggregation
			if c.agg == "" {
				c.agg = e.cfg.Aggregate.Method
			}
			if !validAggregate(c.agg) {
				return 0, fmt.Errorf("node %q: unknown aggregation %q", n.ID, c.agg)
			}
			c.p = n.P
			if c.p == 0 {
				c.p = e.cfg.Aggregate.P
			}
			total := 0.0
			for _, ch := range n.Children {
				k, err := walk(ch, n.ID, depth+1)
				if err != nil {
					return 0, err
				}
				c.children = append(c.children, k)
				total += e.nodes[k].weight
			}
			if total == 0 {
				return 0, fmt.Errorf("node %q: the weights of its children sum to zero", n.ID)
			}
		}
		k := len(e.nodes)
		for _, ch := range c.children {
			e.nodes[ch].parent = k
		}
		c.parent = -1
		e.nodes = append(e.nodes, c)
		e.nodeIndex[n.ID] = k
		return k, nil
	}
	_, err := walk(e.in.Tree, "", 0)
	return err
}

func (e *engine) validateConfigRefs() error {
	for id, name := range e.cfg.Denominate.By {
		if _, ok := e.indIndex[id]; !ok {
			return fmt.Errorf("denominate: unknown indicator %q", id)
		}
		if _, ok := e.in.Denominators[name]; !ok {
			return fmt.Errorf("denominate: indicator %q: no denominator series %q in the input", id, name)
		}
	}
	for id := range e.cfg.Denominate.Scales {
		if _, ok := e.cfg.Denominate.By[id]; !ok {
			return fmt.Errorf("denominate: scales: indicator %q is not denominated (not in denominate.by)", id)
		}
	}
	for id := range e.cfg.Outliers.Indicators {
		if _, ok := e.indIndex[id]; !ok {
			return fmt.Errorf("outliers: indicators: unknown indicator %q", id)
		}
	}
	if ref := e.cfg.Normalise.Reference; ref != "" {
		u, ok := e.unitIndex[ref]
		if !ok {
			return fmt.Errorf("normalise: reference unit %q is not among the units", ref)
		}
		e.refUnit = u
	}
	return nil
}
