package index

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/cifra-health/cifra/internal/stats"
)

// Run validates in and runs the whole pipeline: denominate, impute, screen,
// treat outliers, normalise, weight and aggregate up the tree, then rank,
// grade and name leaders and laggards.
func Run(in *Input) (*Result, error) {
	e, err := compile(in)
	if err != nil {
		return nil, err
	}
	return e.run()
}

// stage is the data after denomination, screening, imputation and outlier
// treatment under one imputation.
type stage struct {
	imputed    [][]float64
	wasImputed [][]bool
	screened   []bool
	treated    [][]float64
	treatment  []Treatment
	warnings   []string
}

func (e *engine) unitIDs() []string {
	ids := make([]string, len(e.in.Units))
	for u, unit := range e.in.Units {
		ids[u] = unit.ID
	}
	return ids
}

func (e *engine) indicatorIDs() []string {
	ids := make([]string, len(e.in.Indicators))
	for i, ind := range e.in.Indicators {
		ids[i] = ind.ID
	}
	return ids
}

// prepare runs the steps before normalisation. Screening looks only at
// observed values, so it is the same in either order; the order decides
// whether the screened units take part in imputation.
func (e *engine) prepare(imp ImputeConfig) *stage {
	st := &stage{}
	st.screened = screen(e.denom, e.used, len(e.in.Units), e.cfg.Screen.MinAvailability)
	include := make([]bool, len(st.screened))
	for u, s := range st.screened {
		include[u] = !s
	}
	imputeFrom := include
	if e.cfg.Order == ImputeThenScreen {
		imputeFrom = make([]bool, len(include))
		for u := range imputeFrom {
			imputeFrom[u] = true
		}
	}
	var g *grouping
	if imp.Method == ImputeGroupMean || imp.Method == ImputeGroupMedian {
		g = e.grouping(imp.GroupBy)
	}
	ids := e.unitIDs()
	st.imputed, st.wasImputed, st.warnings = impute(e.denom, imputeFrom, g, imp, e.indicatorIDs())
	st.treated = matrix(len(st.imputed), len(e.in.Units))
	st.treatment = make([]Treatment, len(st.imputed))
	var sc scratch
	for i, row := range st.imputed {
		st.treatment[i] = treatOutliers(st.treated[i], row, include, e.outliers[i], ids, &sc)
	}
	return st
}

// normaliseAll normalises every indicator of st with cfg (whose method and
// defaults are resolved). constant[i] reports an indicator without spread.
func (e *engine) normaliseAll(st *stage, cfg NormaliseConfig) (norm [][]float64, constant []bool, warnings []string, err error) {
	ids := e.unitIDs()
	method := cfg.Method
	out := matrix(len(st.treated), len(e.in.Units))
	constant = make([]bool, len(e.in.Indicators))
	var sc scratch
	for i, ind := range e.in.Indicators {
		x := st.treated[i]
		if ratioScale(method) && st.treatment[i].Transform != "" {
			x = make([]float64, len(x))
			for u, v := range st.imputed[i] {
				x[u] = v
				if st.screened[u] {
					x[u] = math.NaN()
				}
			}
			warnings = append(warnings, fmt.Sprintf("indicator %q: %s works on the indicator's own units, so its %s transform is not used", ind.ID, method, st.treatment[i].Transform))
		}
		w, c, err := normalise(out[i], x, ind, cfg, method, e.refUnit, ids, &sc)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("normalise: %w", err)
		}
		constant[i] = c
		warnings = append(warnings, w...)
	}
	return out, constant, warnings, nil
}

func (e *engine) nominalWeights() []float64 {
	w := make([]float64, len(e.nodes))
	for k, n := range e.nodes {
		w[k] = n.weight
	}
	return w
}

// run is Run on an already compiled input.
func (e *engine) run() (*Result, error) {
	in := e.in
	nU := len(in.Units)
	st := e.prepare(e.cfg.Impute)
	norm, constant, nw, err := e.normaliseAll(st, e.cfg.Normalise)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	buf := newAggBuf(len(e.nodes), nU, true)
	if err := e.aggregate(norm, st.screened, e.nominalWeights(), AggregateConfig{}, buf); err != nil {
		return nil, fmt.Errorf("index: aggregate: %w", err)
	}

	r := &Result{
		Units:           in.Units,
		Indicators:      make([]IndicatorResult, len(in.Indicators)),
		Nodes:           make(map[string]*NodeResult, len(e.nodes)),
		Root:            e.nodes[e.root()].id,
		Screened:        st.screened,
		Warnings:        append(st.warnings, nw...),
		ImputeMethod:    e.cfg.Impute.Method,
		NormaliseMethod: e.cfg.Normalise.Method,
		Order:           e.cfg.Order,
	}
	for i, ind := range in.Indicators {
		r.Indicators[i] = IndicatorResult{
			ID:          ind.ID,
			Raw:         in.Values[i],
			Denominated: e.denom[i],
			Imputed:     st.imputed[i],
			Treated:     st.treated[i],
			Normalised:  norm[i],
			WasImputed:  st.wasImputed[i],
			Treatment:   st.treatment[i],
			Constant:    constant[i],
		}
	}
	all := make([]int, nU)
	for u := range all {
		all[u] = u
	}
	var groupings []*grouping
	for _, name := range e.cfg.Ranks.Within {
		g := e.grouping(name)
		groupings = append(groupings, g)
		r.Warnings = append(r.Warnings, g.warnings("ranks within")...)
	}
	ranks := make([]int, len(e.nodes)*nU)
	var rk ranker
	for k, n := range e.nodes {
		nr := &NodeResult{
			ID:           n.id,
			Name:         n.name,
			Weight:       n.weight,
			Score:        buf.score[k],
			Rank:         ranks[k*nU : (k+1)*nU : (k+1)*nU],
			EffWeight:    buf.eff[k],
			Contribution: buf.contrib[k],
		}
		rk.rank(nr.Score, nr.Rank)
		if len(groupings) > 0 {
			nr.GroupRanks = make(map[string][]int, len(groupings))
			for _, g := range groupings {
				nr.GroupRanks[g.name] = g.ranks(nr.Score)
			}
		}
		if n.parent >= 0 {
			nr.Parent = e.nodes[n.parent].id
		}
		if n.ind >= 0 {
			nr.Indicator = in.Indicators[n.ind].ID
		} else {
			nr.Aggregation, nr.P = n.agg, n.p
			for _, c := range n.children {
				nr.Children = append(nr.Children, e.nodes[c].id)
			}
		}
		r.Nodes[n.id] = nr
		r.NodeOrder = append(r.NodeOrder, n.id)
	}

	root := r.Nodes[r.Root]
	r.Score, r.Rank, r.GroupRanks = root.Score, root.Rank, root.GroupRanks
	for u := range all {
		if !st.screened[u] && !present(r.Score[u]) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("unit %q: no indicator values, so no score", in.Units[u].ID))
		}
	}
	sorted := make([]int, 0, nU)
	for _, u := range all {
		if present(r.Score[u]) {
			sorted = append(sorted, u)
		}
	}
	// Best first; ties by id, so that leaders and laggards do not depend on
	// the order of the units.
	slices.SortFunc(sorted, func(a, b int) int {
		if c := cmp.Compare(stats.RankKey(r.Score[b]), stats.RankKey(r.Score[a])); c != 0 {
			return c
		}
		return cmp.Compare(in.Units[a].ID, in.Units[b].ID)
	})
	r.GroupRank = groupRanks(in.Units, r.Score)
	r.Grade = make([]string, nU)
	for u, s := range r.Score {
		r.Grade[u] = grade(e.cfg.Grades, s)
	}
	r.Leaders, r.Laggards = leadersLaggards(in.Units, sorted, e.cfg.Leaders, e.cfg.Laggards)
	return r, nil
}
