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
	orders         = []index.Order{index.ScreenThenImpute, index.ImputeThenScreen}
	emptyGroups    = []index.EmptyGroup{index.EmptyGroupMissing, index.EmptyGroupAllUnits}
	secondSteps    = []index.SecondStep{index.SecondLog, index.SecondLogMirrored, index.SecondBoxCox, index.SecondNone}
	thresholdRules = []index.Thresholds{index.ThresholdsInclusive, index.ThresholdsStrict}
	constantRules  = []index.Constant{index.ConstantMissing, index.ConstantMidpoint}
)

// populationSeries is the per-unit series the rating engine always supplies
// for pipeline.denominate, besides every data element.
const populationSeries = "population"

// pipeline checks what index.Run would reject, and the references to
// indicators, while the line numbers are still at hand.
func (b *builder) pipeline() {
	c := &b.m.Pipeline
	if c.Order != "" && !slices.Contains(orders, c.Order) {
		b.add("pipeline.order", "pipeline.order: unknown value %q (want %s)", c.Order, list(orders))
	}
	b.impute("pipeline.impute", c.Impute)
	b.outliers()
	if a := c.Screen.MinAvailability; a < 0 || a > 1 {
		b.add("pipeline.screen.min_availability", "pipeline.screen.min_availability must be within 0..1, got %g", a)
	}
	if o := c.Outliers; o.Skewness < 0 || o.Kurtosis < 0 || o.MaxPoints < 0 {
		b.add("pipeline.outliers", "pipeline.outliers: skewness, kurtosis and max_points must not be negative")
	}
	b.denominate()
	b.normalise()
	for i, g := range c.Ranks.Within {
		path := fmt.Sprintf("pipeline.ranks.within[%d]", i)
		if g == "" {
			b.add(path, "pipeline.ranks.within: a grouping must name a unit attribute")
		} else if slices.Contains(c.Ranks.Within[:i], g) {
			b.add(path, "pipeline.ranks.within: %q is listed twice", g)
		}
	}
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
	for _, id := range sortedKeys(d.Scales) {
		path := "pipeline.denominate.scales." + id
		if _, ok := d.By[id]; !ok {
			b.add(path, "pipeline.denominate.scales: indicator %q is not denominated (add it to pipeline.denominate.by)", id)
		}
		if f := d.Scales[id]; !(f > 0) {
			b.add(path, "%s must be positive, got %g", path, f)
		}
	}
}

// impute checks an imputation setting at path.
func (b *builder) impute(path string, c index.ImputeConfig) {
	if c.Method != "" && !slices.Contains(imputeMethods, c.Method) {
		b.add(join(path, "method"), "%s.method: unknown method %q (want %s)", path, c.Method, list(imputeMethods))
	}
	if c.EmptyGroup != "" && !slices.Contains(emptyGroups, c.EmptyGroup) {
		b.add(join(path, "empty_group"), "%s.empty_group: unknown rule %q (want %s)", path, c.EmptyGroup, list(emptyGroups))
	}
	group := c.Method == index.ImputeGroupMean || c.Method == index.ImputeGroupMedian
	if !group && (c.GroupBy != "" || c.EmptyGroup != "") && c.Method != "" {
		b.add(path, "%s: group_by and empty_group apply to group_mean and group_median only, not %s", path, c.Method)
	}
}

// outliers checks the outlier treatment and its per-indicator overrides.
func (b *builder) outliers() {
	o := b.m.Pipeline.Outliers
	b.outlierChoices("pipeline.outliers", o.Second, o.Thresholds, o.Lambda)
	for _, id := range sortedKeys(o.Indicators) {
		path := "pipeline.outliers.indicators." + id
		if _, ok := b.inds[id]; !ok {
			b.add(path, "pipeline.outliers.indicators: unknown indicator %q", id)
		}
		ov := o.Indicators[id]
		if (ov.Skewness != nil && *ov.Skewness < 0) || (ov.Kurtosis != nil && *ov.Kurtosis < 0) || (ov.MaxPoints != nil && *ov.MaxPoints < 0) {
			b.add(path, "%s: skewness, kurtosis and max_points must not be negative", path)
		}
		second, lambda := o.Second, o.Lambda
		if ov.Second != "" {
			second = ov.Second
		}
		if ov.Lambda != nil {
			lambda = ov.Lambda
		}
		if ov.Second != "" || ov.Thresholds != "" || ov.Lambda != nil {
			b.outlierChoices(path, second, ov.Thresholds, lambda)
		}
	}
}

func (b *builder) outlierChoices(path string, second index.SecondStep, th index.Thresholds, lambda *float64) {
	if second != "" && !slices.Contains(secondSteps, second) {
		b.add(join(path, "second"), "%s.second: unknown step %q (want %s)", path, second, list(secondSteps))
	}
	if second == index.SecondBoxCox && lambda == nil {
		b.add(path, "%s: second step boxcox needs lambda (the Box-Cox exponent, 0 for a log)", path)
	}
	if th != "" && !slices.Contains(thresholdRules, th) {
		b.add(join(path, "thresholds"), "%s.thresholds: unknown rule %q (want %s)", path, th, list(thresholdRules))
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
	if n.Constant != "" && !slices.Contains(constantRules, n.Constant) {
		b.add("pipeline.normalise.constant", "pipeline.normalise.constant: unknown rule %q (want %s)", n.Constant, list(constantRules))
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
	for i, n := range u.Noise {
		path := fmt.Sprintf("uncertainty.noise[%d]", i)
		if n.Factor < 0 || n.Factor >= 1 {
			b.add(join(path, "factor"), "uncertainty.noise: factor must be within [0, 1), got %g", n.Factor)
		}
		switch {
		case n.Leaves && n.Depth != 0:
			b.add(path, "uncertainty.noise: give either depth or leaves: true, not both")
		case !n.Leaves && n.Depth < 1:
			b.add(path, "uncertainty.noise: depth must be 1 or more (1 = the criteria under the index), or write leaves: true")
		}
		for j, m := range u.Noise[:i] {
			if m.Depth == n.Depth && m.Leaves == n.Leaves {
				b.add(path, "uncertainty.noise: the same level as entry %d", j+1)
			}
		}
	}
	alt := u.Alternatives
	for i, c := range alt.Impute {
		path := fmt.Sprintf("uncertainty.alternatives.impute[%d]", i)
		if c.Method == "" && !b.failed[join(path, "method")] {
			b.add(path, "uncertainty.alternatives.impute: method is required")
		}
		b.impute(path, c)
	}
	for i, c := range alt.Normalise {
		path := fmt.Sprintf("uncertainty.alternatives.normalise[%d]", i)
		switch {
		case c.Method == "":
			b.add(path, "uncertainty.alternatives.normalise: method is required")
		case !slices.Contains(normaliseMethods, c.Method):
			b.add(join(path, "method"), "uncertainty.alternatives.normalise: unknown method %q (want %s)", c.Method, list(normaliseMethods))
		default:
			b.normaliseNeeds(path, "uncertainty.alternatives.normalise", c.Method)
		}
		if c.Range != [2]float64{} && c.Range[0] >= c.Range[1] {
			b.add(join(path, "range"), "uncertainty.alternatives.normalise: range must be increasing, got [%g, %g]", c.Range[0], c.Range[1])
		}
		if c.Reference != "" && c.Reference != b.m.Pipeline.Normalise.Reference {
			b.add(join(path, "reference"), "uncertainty.alternatives.normalise: the reference unit is set once, in pipeline.normalise.reference")
		}
		if c.Constant != "" && !slices.Contains(constantRules, c.Constant) {
			b.add(join(path, "constant"), "uncertainty.alternatives.normalise: constant: unknown rule %q (want %s)", c.Constant, list(constantRules))
		}
	}
	for i, c := range alt.Aggregate {
		path := fmt.Sprintf("uncertainty.alternatives.aggregate[%d]", i)
		if !slices.Contains(aggregateMethods, c.Method) {
			b.add(path, "uncertainty.alternatives.aggregate: unknown method %q (want %s)", c.Method, list(aggregateMethods))
		}
	}
	for i, ws := range alt.Weights {
		path := fmt.Sprintf("uncertainty.alternatives.weights[%d]", i)
		ctx := "uncertainty.alternatives.weights: " + itemName("weight set", ws.Name, i)
		if len(ws.Weights) == 0 && !b.failed[join(path, "weights")] {
			b.add(path, "%s: weights is required (node id: weight)", ctx)
		}
		for _, id := range sortedKeys(ws.Weights) {
			if _, ok := b.m.Node(id); !ok {
				b.add(join(join(path, "weights"), id), "%s: unknown node %q", ctx, id)
			}
			if ws.Weights[id] < 0 {
				b.add(join(join(path, "weights"), id), "%s: node %q: weight must not be negative", ctx, id)
			}
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
	type choice struct {
		m  index.NormaliseMethod
		lo float64
	}
	choices := []choice{{n.Method, lo}}
	if choices[0].m == "" {
		choices[0].m = index.NormMinMax
	}
	for _, m := range b.m.Uncertainty.Normalisations {
		choices = append(choices, choice{m, lo})
	}
	for _, a := range b.m.Uncertainty.Alternatives.Normalise {
		alo := lo
		if a.Range != [2]float64{} {
			alo = a.Range[0]
		}
		choices = append(choices, choice{a.Method, alo})
	}
	for _, c := range choices {
		m, lo := c.m, c.lo
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
	for i, a := range b.m.Uncertainty.Alternatives.Aggregate {
		if bad(a.Method) {
			return fmt.Sprintf("uncertainty.alternatives.aggregate[%d]", i), "uncertainty.alternatives.aggregate", a.Method
		}
	}
	return "", "", ""
}
