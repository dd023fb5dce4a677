package method

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/index"
)

var (
	imputeMethods = []index.ImputeMethod{index.ImputeNone, index.ImputeMean, index.ImputeMedian,
		index.ImputeGroupMean, index.ImputeGroupMedian}
	normaliseMethods = []index.NormaliseMethod{index.NormMinMax, index.NormZScore, index.NormRank,
		index.NormPercentileRank, index.NormBorda, index.NormDistanceMax, index.NormDistanceRef,
		index.NormDistanceTarget, index.NormFractionMax, index.NormGoalposts}
	aggregateMethods = []index.AggregateMethod{index.AggArithmetic, index.AggGeometric,
		index.AggHarmonic, index.AggGeneralised}
)

// populationSeries is the per-unit series the rating engine always supplies
// for pipeline.denominate, besides every data element.
const populationSeries = "population"

// pipeline checks what index.Run would reject, and the references to
// indicators, while the line numbers are still at hand.
func (b *builder) pipeline() {
	c := &b.m.Pipeline
	if c.Impute.Method != "" && !slices.Contains(imputeMethods, c.Impute.Method) {
		b.add("pipeline.impute.method", "pipeline.impute.method: unknown method %q (want %s)", c.Impute.Method, list(imputeMethods))
	}
	if a := c.Screen.MinAvailability; a < 0 || a > 1 {
		b.add("pipeline.screen.min_availability", "pipeline.screen.min_availability must be within 0..1, got %g", a)
	}
	if o := c.Outliers; o.Skewness < 0 || o.Kurtosis < 0 || o.MaxPoints < 0 {
		b.add("pipeline.outliers", "pipeline.outliers: skewness, kurtosis and max_points must not be negative")
	}
	b.denominate()
	b.normalise()
	if c.Aggregate.Method != "" && !slices.Contains(aggregateMethods, c.Aggregate.Method) {
		b.add("pipeline.aggregate.method", "pipeline.aggregate.method: unknown method %q (want %s)", c.Aggregate.Method, list(aggregateMethods))
	}
	b.grades()
	if c.Leaders < 0 {
		b.add("pipeline.leaders", "pipeline.leaders must not be negative")
	}
	if c.Laggards < 0 {
		b.add("pipeline.laggards", "pipeline.laggards must not be negative")
	}
}

func (b *builder) denominate() {
	d := b.m.Pipeline.Denominate
	for _, id := range sortedKeys(d.By) {
		path := "pipeline.denominate.by." + id
		if _, ok := b.inds[id]; !ok {
			b.add(path, "pipeline.denominate.by: unknown indicator %q", id)
		}
		if s := d.By[id]; s != populationSeries {
			if _, ok := b.des[s]; !ok {
				b.add(path, "%s: unknown series %q (want %s or a data element id)", path, s, populationSeries)
			}
		}
	}
	if d.Scale < 0 {
		b.add("pipeline.denominate.scale", "pipeline.denominate.scale must not be negative, got %g", d.Scale)
	}
}

func (b *builder) normalise() {
	n := b.m.Pipeline.Normalise
	if n.Method != "" && !slices.Contains(normaliseMethods, n.Method) {
		b.add("pipeline.normalise.method", "pipeline.normalise.method: unknown method %q (want %s)", n.Method, list(normaliseMethods))
	}
	if n.Range != [2]float64{} && n.Range[0] >= n.Range[1] {
		b.add("pipeline.normalise.range", "pipeline.normalise.range must be increasing, got [%g, %g]", n.Range[0], n.Range[1])
	}
	if n.Scale < 0 {
		b.add("pipeline.normalise.scale", "pipeline.normalise.scale must not be negative, got %g", n.Scale)
	}
	for _, id := range sortedKeys(n.Goalposts) {
		path := "pipeline.normalise.goalposts." + id
		if _, ok := b.inds[id]; !ok {
			b.add(path, "pipeline.normalise.goalposts: unknown indicator %q", id)
		}
		if g := n.Goalposts[id]; g[0] >= g[1] {
			b.add(path, "%s: lo %g must be below hi %g", path, g[0], g[1])
		}
	}
	b.normaliseNeeds("pipeline.normalise.method", "pipeline.normalise", n.Method)
}

// normaliseNeeds checks that the data a normalisation method needs is in the
// file: a target or goalposts for every indicator of the tree, or a
// reference unit. The uncertainty analysis may draw the method too.
func (b *builder) normaliseNeeds(path, ctx string, method index.NormaliseMethod) {
	var missing []string
	switch method {
	case index.NormDistanceTarget:
		for _, id := range treeIndicators(b.m.Tree) {
			if ind, ok := b.m.Indicator(id); ok && ind.Target == nil {
				missing = append(missing, fmt.Sprintf("%q", id))
			}
		}
		if len(missing) > 0 {
			b.add(path, "%s: distance_to_target needs a target for every indicator; none for %s", ctx, strings.Join(missing, ", "))
		}
	case index.NormGoalposts:
		for _, id := range treeIndicators(b.m.Tree) {
			if _, ok := b.m.Pipeline.Normalise.Goalposts[id]; !ok {
				missing = append(missing, fmt.Sprintf("%q", id))
			}
		}
		if len(missing) > 0 {
			b.add(path, "%s: goalposts needs goalposts for every indicator; none for %s", ctx, strings.Join(missing, ", "))
		}
	case index.NormDistanceRef:
		if b.m.Pipeline.Normalise.Reference == "" {
			b.add(path, "%s: distance_to_ref needs pipeline.normalise.reference (the unit to compare with)", ctx)
		}
	}
}

func (b *builder) grades() {
	gs := b.m.Pipeline.Grades
	seen := map[string]int{}
	for i, g := range gs {
		path, ctx := fmt.Sprintf("pipeline.grades[%d]", i), "pipeline.grades: "+itemName("grade", g.Name, i)
		if b.require(path, ctx, "name", g.Name) {
			if first, dup := seen[g.Name]; dup {
				b.add(path, "%s: duplicate name (first at line %d)", ctx, first)
			}
			seen[g.Name] = b.line(path)
		}
		b.require(path, ctx, "label", g.Label)
		if i > 0 && g.Min >= gs[i-1].Min {
			b.add(join(path, "min"), "%s: min %g must be below %g, the min of the grade before it (list grades from the highest down)", ctx, g.Min, gs[i-1].Min)
		}
	}
}

func (b *builder) uncertainty() {
	u := b.m.Uncertainty
	if u.Draws < 0 {
		b.add("uncertainty.draws", "uncertainty.draws must not be negative, got %d", u.Draws)
	}
	if u.WeightJitter < 0 || u.WeightJitter >= 1 {
		b.add("uncertainty.weight_jitter", "uncertainty.weight_jitter must be within [0, 1), got %g", u.WeightJitter)
	}
	for i, m := range u.Normalisations {
		path := fmt.Sprintf("uncertainty.normalisations[%d]", i)
		if !slices.Contains(normaliseMethods, m) {
			b.add(path, "uncertainty.normalisations: unknown method %q (want %s)", m, list(normaliseMethods))
			continue
		}
		b.normaliseNeeds(path, "uncertainty.normalisations", m)
	}
	for i, m := range u.Aggregations {
		if !slices.Contains(aggregateMethods, m) {
			b.add(fmt.Sprintf("uncertainty.aggregations[%d]", i), "uncertainty.aggregations: unknown method %q (want %s)", m, list(aggregateMethods))
		}
	}
	for i, m := range u.Imputations {
		if !slices.Contains(imputeMethods, m) {
			b.add(fmt.Sprintf("uncertainty.imputations[%d]", i), "uncertainty.imputations: unknown method %q (want %s)", m, list(imputeMethods))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// positiveScores checks that geometric and harmonic means, wherever the
// file asks for them, get positive scores: index.Run rejects a zero, and a
// range-based normalisation gives 0 to the worst unit unless its range
// starts above 0. The uncertainty analysis combines every listed
// normalisation with every listed aggregation, so all pairs count.
func (b *builder) positiveScores() {
	path, ctx, agg := b.firstZeroIntolerant()
	if path == "" {
		return
	}
	n := b.m.Pipeline.Normalise
	lo := n.Range[0] // the default range [0, 100] starts at 0 too
	methods := append([]index.NormaliseMethod{n.Method}, b.m.Uncertainty.Normalisations...)
	if methods[0] == "" {
		methods[0] = index.NormMinMax
	}
	for _, m := range methods {
		switch m {
		case index.NormMinMax, index.NormPercentileRank, index.NormDistanceMax, index.NormDistanceTarget,
			index.NormFractionMax, index.NormGoalposts:
			if lo <= 0 {
				b.add(path, "%s: %s needs positive scores, but %s normalisation with a range starting at %g can give 0; start pipeline.normalise.range above 0, e.g. [1, 100]", ctx, agg, m, lo)
				return
			}
		case index.NormBorda:
			b.add(path, "%s: %s needs positive scores, but borda normalisation gives 0 to the worst unit", ctx, agg)
			return
		}
	}
}

// firstZeroIntolerant returns where the file first asks for a geometric or
// harmonic mean, how to name that place, and which mean.
func (b *builder) firstZeroIntolerant() (path, ctx string, method index.AggregateMethod) {
	bad := func(m index.AggregateMethod) bool { return m == index.AggGeometric || m == index.AggHarmonic }
	if m := b.m.Pipeline.Aggregate.Method; bad(m) {
		return "pipeline.aggregate.method", "pipeline.aggregate.method", m
	}
	var walk func(n *index.Node, p, kind string) (string, string, index.AggregateMethod)
	walk = func(n *index.Node, p, kind string) (string, string, index.AggregateMethod) {
		if n == nil {
			return "", "", ""
		}
		if bad(n.Aggregation) {
			return join(p, "aggregation"), fmt.Sprintf("%s %q: aggregation", kind, n.ID), n.Aggregation
		}
		for i, c := range n.Children {
			if q, c, m := walk(c, fmt.Sprintf("%s.children[%d]", p, i), "node"); q != "" {
				return q, c, m
			}
		}
		return "", "", ""
	}
	if p, c, m := walk(b.m.Tree, "index", "index"); p != "" {
		return p, c, m
	}
	for i, m := range b.m.Uncertainty.Aggregations {
		if bad(m) {
			return fmt.Sprintf("uncertainty.aggregations[%d]", i), "uncertainty.aggregations", m
		}
	}
	return "", "", ""
}
