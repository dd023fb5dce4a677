package index

import (
	"fmt"
	"math"
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

// stage is the data after denomination, imputation, screening and outlier
// treatment under one imputation method.
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

// prepare runs the steps before normalisation.
func (e *engine) prepare(method ImputeMethod) *stage {
	st := &stage{}
	st.imputed, st.wasImputed, st.warnings = impute(e.denom, e.in.Units, e.indicatorIDs(), method)
	st.screened = screen(e.denom, e.used, len(e.in.Units), e.cfg.Screen.MinAvailability)
	include := make([]bool, len(st.screened))
	for u, s := range st.screened {
		include[u] = !s
	}
	ids := e.unitIDs()
	st.treated = matrix(len(st.imputed), len(e.in.Units))
	st.treatment = make([]Treatment, len(st.imputed))
	var sc scratch
	for i, row := range st.imputed {
		st.treatment[i] = treatOutliers(st.treated[i], row, include, e.cfg.Outliers, ids, &sc)
	}
	return st
}

// normaliseAll normalises every indicator of st with method.
func (e *engine) normaliseAll(st *stage, method NormaliseMethod) ([][]float64, []string, error) {
	ids := e.unitIDs()
	out := matrix(len(st.treated), len(e.in.Units))
	var warnings []string
	var sc scratch
	for i, ind := range e.in.Indicators {
		x := st.treated[i]
		if ratioScale(method) && st.treatment[i].LogTransformed {
			x = make([]float64, len(x))
			for u, v := range st.imputed[i] {
				x[u] = v
				if st.screened[u] {
					x[u] = math.NaN()
				}
			}
			warnings = append(warnings, fmt.Sprintf("indicator %q: %s works on the indicator's own units, so its log transform is not used", ind.ID, method))
		}
		cfg := e.cfg.Normalise
		w, err := normalise(out[i], x, ind, cfg, method, e.refUnit, ids, &sc)
		if err != nil {
			return nil, nil, fmt.Errorf("normalise: %w", err)
		}
		warnings = append(warnings, w...)
	}
	return out, warnings, nil
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
	st := e.prepare(e.cfg.Impute.Method)
	norm, nw, err := e.normaliseAll(st, e.cfg.Normalise.Method)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	buf := newAggBuf(len(e.nodes), nU, true)
	if err := e.aggregate(norm, st.screened, e.nominalWeights(), "", buf); err != nil {
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
		}
	}
	for k, n := range e.nodes {
		nr := &NodeResult{
			ID:           n.id,
			Name:         n.name,
			Weight:       n.weight,
			Score:        buf.score[k],
			EffWeight:    buf.eff[k],
			Contribution: buf.contrib[k],
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

	r.Score = buf.score[e.root()]
	all := make([]int, nU)
	for u := range all {
		all[u] = u
		if !st.screened[u] && !present(r.Score[u]) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("unit %q: no indicator values, so no score", in.Units[u].ID))
		}
	}
	r.Rank = make([]int, nU)
	sorted := competitionRank(r.Score, all, r.Rank, nil)
	r.GroupRank = groupRanks(in.Units, r.Score)
	r.Grade = make([]string, nU)
	for u, s := range r.Score {
		r.Grade[u] = grade(e.cfg.Grades, s)
	}
	r.Leaders, r.Laggards = leadersLaggards(in.Units, sorted, e.cfg.Leaders, e.cfg.Laggards)
	return r, nil
}
