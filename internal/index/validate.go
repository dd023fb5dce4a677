package index

import (
	"errors"
	"fmt"
	"math"
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
	used      []bool      // indicator is referenced by a leaf
	denom     [][]float64 // values after denomination, per indicator
	refUnit   int         // Normalise.Reference as a unit index, -1 if unset
}

// cnode is a Node flattened into engine.nodes.
type cnode struct {
	id, name string
	parent   int   // -1 for the root
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
	return e, nil
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
	if c.Denominate.Scale == 0 {
		c.Denominate.Scale = 1
	}
	if c.Impute.Method == "" {
		c.Impute.Method = ImputeNone
	}
	if !validImpute(c.Impute.Method) {
		return c, fmt.Errorf("impute: unknown method %q", c.Impute.Method)
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
		c := cnode{id: n.ID, name: n.Name, ind: -1, weight: n.Weight}
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
	if ref := e.cfg.Normalise.Reference; ref != "" {
		u, ok := e.unitIndex[ref]
		if !ok {
			return fmt.Errorf("normalise: reference unit %q is not among the units", ref)
		}
		e.refUnit = u
	}
	return nil
}
