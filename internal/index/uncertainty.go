package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// UncertaintyOptions sets up a Monte Carlo uncertainty analysis of the ranks.
//
// Each draw picks one imputation, one normalisation, one aggregation and one
// weight set uniformly among the alternatives (the nominal choice when there
// are none), then multiplies every node weight (the root's aside) by a draw
// from U(1−f, 1+f), f being the node's noise factor.
type UncertaintyOptions struct {
	Draws int
	Seed  uint64
	// WeightJitter is the noise factor of every node that Noise does not
	// cover; 0 ≤ x < 1.
	WeightJitter float64
	// Noise sets the factor per level of the tree (COINr's noise_specs).
	Noise []WeightNoise
	// Normalisations, Aggregations and Imputations are alternatives that
	// differ from the nominal settings in the method only; a drawn
	// aggregation applies to every node, overriding the nodes' own choices.
	Normalisations []NormaliseMethod
	Aggregations   []AggregateMethod
	Imputations    []ImputeMethod
	// Alternatives are drawn along with the ones above and carry their own
	// parameters.
	Alternatives Alternatives
}

// WeightNoise is the noise factor of one level of the tree: the nodes at
// Depth (1 = the root's children), or every leaf when Leaves is set, at any
// depth. For a leaf a Leaves entry wins over a Depth entry.
type WeightNoise struct {
	Depth  int     `yaml:"depth" json:"depth,omitempty"`
	Leaves bool    `yaml:"leaves" json:"leaves,omitempty"`
	Factor float64 `yaml:"factor" json:"factor"`
}

// Alternatives are settings drawn in the uncertainty analysis, each with its
// own parameters. Fields left unset take the methodology's values: an
// alternative {method: zscore} keeps the nominal range, centre and scale;
// {method: group_median} keeps the nominal group_by.
type Alternatives struct {
	Impute    []ImputeConfig    `yaml:"impute" json:"impute,omitempty"`
	Normalise []NormaliseConfig `yaml:"normalise" json:"normalise,omitempty"`
	Aggregate []AggregateConfig `yaml:"aggregate" json:"aggregate,omitempty"`
	Weights   []WeightSet       `yaml:"weights" json:"weights,omitempty"`
}

// WeightSet is an alternative set of weights: node id → weight; nodes not
// listed keep their nominal weight.
type WeightSet struct {
	Name    string             `yaml:"name" json:"name"`
	Weights map[string]float64 `yaml:"weights" json:"weights"`
}

// UnitUncertainty summarises one unit's rank over the draws. Percentiles are
// nearest-rank: the P-th is the ⌈P/100·N⌉-th smallest of the N ranks, so
// Median is the lower middle for even N. Screened units (never ranked) have
// zeros; draws in which a unit has no score are left out of its summary.
type UnitUncertainty struct {
	Unit          string
	Nominal       int // rank in the nominal run
	Median        int
	P05, P95      int
	Mean          float64
	Min, Max      int
	RankedInDraws int // draws in which the unit had a rank
}

// UncertaintyResult holds the rank summaries of several nodes.
type UncertaintyResult struct {
	Draws int
	// Nodes maps a node id to its per-unit summaries, indexed like
	// Input.Units.
	Nodes map[string][]UnitUncertainty
	// NodeOrder lists the summarised nodes children-before-parents.
	NodeOrder []string
}

// Uncertainty re-runs the pipeline Draws times under random weights and
// methods and summarises each unit's rank in the index.
func Uncertainty(ctx context.Context, in *Input, opts UncertaintyOptions) ([]UnitUncertainty, error) {
	e, err := compile(in)
	if err != nil {
		return nil, err
	}
	res, err := e.uncertainty(ctx, opts, []int{e.root()})
	if err != nil {
		return nil, err
	}
	return res.Nodes[e.nodes[e.root()].id], nil
}

// UncertaintyNodes is Uncertainty for the ranks of the given nodes (every
// node, leaves included, when ids is empty). A leaf's rank is that of its
// normalised indicator. Memory grows as nodes × units × draws × 4 bytes.
func UncertaintyNodes(ctx context.Context, in *Input, opts UncertaintyOptions, ids []string) (*UncertaintyResult, error) {
	e, err := compile(in)
	if err != nil {
		return nil, err
	}
	var nodes []int
	for _, id := range ids {
		k, ok := e.nodeIndex[id]
		if !ok {
			return nil, fmt.Errorf("uncertainty: unknown node %q", id)
		}
		nodes = append(nodes, k)
	}
	if len(nodes) == 0 {
		for k := range e.nodes {
			nodes = append(nodes, k)
		}
	}
	return e.uncertainty(ctx, opts, nodes)
}

// check validates the options against the compiled input.
func (e *engine) checkUncertainty(opts UncertaintyOptions) error {
	if opts.Draws <= 0 {
		return errors.New("uncertainty: draws must be positive")
	}
	if j := opts.WeightJitter; j < 0 || j >= 1 || math.IsNaN(j) {
		return fmt.Errorf("uncertainty: weight jitter must be within [0, 1), got %g", j)
	}
	for _, n := range opts.Noise {
		if f := n.Factor; f < 0 || f >= 1 || math.IsNaN(f) {
			return fmt.Errorf("uncertainty: noise factor must be within [0, 1), got %g", f)
		}
		if !n.Leaves && n.Depth < 1 {
			return fmt.Errorf("uncertainty: noise: depth must be 1 or more (1 = the index's children), or leaves must be set")
		}
	}
	for _, m := range opts.Imputations {
		if !validImpute(m) {
			return fmt.Errorf("uncertainty: unknown imputation %q", m)
		}
	}
	for _, m := range opts.Normalisations {
		if !validNormalise(m) {
			return fmt.Errorf("uncertainty: unknown normalisation %q", m)
		}
	}
	for _, m := range opts.Aggregations {
		if !validAggregate(m) {
			return fmt.Errorf("uncertainty: unknown aggregation %q", m)
		}
	}
	for _, a := range opts.Alternatives.Aggregate {
		if !validAggregate(a.Method) {
			return fmt.Errorf("uncertainty: alternatives: unknown aggregation %q", a.Method)
		}
	}
	for i, ws := range opts.Alternatives.Weights {
		name := ws.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		for id, w := range ws.Weights {
			if _, ok := e.nodeIndex[id]; !ok {
				return fmt.Errorf("uncertainty: weight set %s: unknown node %q", name, id)
			}
			if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
				return fmt.Errorf("uncertainty: weight set %s: node %q: weight must be a finite non-negative number, got %g", name, id, w)
			}
		}
	}
	return nil
}

// imputeAlternatives lists the imputations to draw from, parameters
// resolved.
func (e *engine) imputeAlternatives(opts UncertaintyOptions) ([]ImputeConfig, error) {
	nom := e.cfg.Impute
	var out []ImputeConfig
	for _, m := range opts.Imputations {
		c := nom
		c.Method = m
		out = append(out, c)
	}
	for _, a := range opts.Alternatives.Impute {
		if a.GroupBy == "" {
			a.GroupBy = nom.GroupBy
		}
		if a.EmptyGroup == "" {
			a.EmptyGroup = nom.EmptyGroup
		}
		if a.Method == "" {
			return nil, errors.New("uncertainty: alternatives: an imputation needs a method")
		}
		c, err := resolveImpute(a)
		if err != nil {
			return nil, fmt.Errorf("uncertainty: alternatives: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		out = append(out, nom)
	}
	return out, nil
}

// normaliseAlternatives lists the normalisations to draw from, unset
// parameters taken from the nominal one.
func (e *engine) normaliseAlternatives(opts UncertaintyOptions) ([]NormaliseConfig, error) {
	nom := e.cfg.Normalise
	var out []NormaliseConfig
	for _, m := range opts.Normalisations {
		c := nom
		c.Method = m
		out = append(out, c)
	}
	for _, a := range opts.Alternatives.Normalise {
		if !validNormalise(a.Method) {
			return nil, fmt.Errorf("uncertainty: alternatives: unknown normalisation %q", a.Method)
		}
		c := nom
		c.Method = a.Method
		if a.Range != [2]float64{} {
			if !(a.Range[0] < a.Range[1]) {
				return nil, fmt.Errorf("uncertainty: alternatives: %s: range must be increasing, got [%g, %g]", a.Method, a.Range[0], a.Range[1])
			}
			c.Range = a.Range
		}
		if a.Centre != nil {
			c.Centre = a.Centre
		}
		if a.Scale != 0 {
			if a.Scale < 0 {
				return nil, fmt.Errorf("uncertainty: alternatives: %s: scale must be positive", a.Method)
			}
			c.Scale = a.Scale
		}
		if a.Goalposts != nil {
			c.Goalposts = a.Goalposts
		}
		if a.Reference != "" && a.Reference != nom.Reference {
			return nil, fmt.Errorf("uncertainty: alternatives: %s: a different reference unit is not supported", a.Method)
		}
		if a.Constant != "" {
			c.Constant = a.Constant
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		out = append(out, nom)
	}
	return out, nil
}

// aggregateAlternatives lists the aggregations to draw from; the zero
// AggregateConfig keeps each node's own method.
func (e *engine) aggregateAlternatives(opts UncertaintyOptions) []AggregateConfig {
	var out []AggregateConfig
	for _, m := range opts.Aggregations {
		out = append(out, AggregateConfig{Method: m, P: e.cfg.Aggregate.P})
	}
	for _, a := range opts.Alternatives.Aggregate {
		if a.P == 0 {
			a.P = e.cfg.Aggregate.P
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		out = append(out, AggregateConfig{})
	}
	return out
}

// weightSets lists the base weights to draw from.
func (e *engine) weightSets(opts UncertaintyOptions) [][]float64 {
	nominal := e.nominalWeights()
	if len(opts.Alternatives.Weights) == 0 {
		return [][]float64{nominal}
	}
	var out [][]float64
	for _, ws := range opts.Alternatives.Weights {
		w := slices.Clone(nominal)
		for id, v := range ws.Weights {
			w[e.nodeIndex[id]] = v
		}
		out = append(out, w)
	}
	return out
}

// noiseFactors is the noise factor of every node (0 for the root).
func (e *engine) noiseFactors(opts UncertaintyOptions) []float64 {
	f := make([]float64, len(e.nodes))
	for k, n := range e.nodes {
		if n.parent < 0 {
			continue
		}
		f[k] = opts.WeightJitter
		leafSet := false
		for _, ns := range opts.Noise {
			if ns.Leaves && n.ind >= 0 {
				f[k], leafSet = ns.Factor, true
			}
		}
		for _, ns := range opts.Noise {
			if !ns.Leaves && ns.Depth == n.depth && !leafSet {
				f[k] = ns.Factor
			}
		}
	}
	return f
}

func describeAgg(a AggregateConfig) string {
	switch {
	case a.Method == "":
		return "nominal aggregation"
	case a.Method == AggGeneralised:
		return fmt.Sprintf("%s p=%g", a.Method, a.P)
	}
	return string(a.Method)
}

// uncertainty runs the analysis for the nodes track (indices into e.nodes).
// It is reproducible: draw d uses its own PCG stream seeded (Seed, d), so
// results do not depend on how the draws are spread over the GOMAXPROCS
// workers. (Seeding (Seed+d, const) instead would make seeds s and s+1 share
// all but one draw.)
//
// Everything before aggregation is computed once per combination of
// imputation and normalisation, leaf ranks included; a draw only re-weights,
// re-aggregates and ranks the inner nodes.
func (e *engine) uncertainty(ctx context.Context, opts UncertaintyOptions, track []int) (*UncertaintyResult, error) {
	if err := e.checkUncertainty(opts); err != nil {
		return nil, err
	}
	nominal, err := e.run()
	if err != nil {
		return nil, fmt.Errorf("uncertainty: nominal run: %w", err)
	}
	imps, err := e.imputeAlternatives(opts)
	if err != nil {
		return nil, err
	}
	norms, err := e.normaliseAlternatives(opts)
	if err != nil {
		return nil, err
	}
	aggs := e.aggregateAlternatives(opts)
	weightSets := e.weightSets(opts)
	noise := e.noiseFactors(opts)

	nU, nN := len(e.in.Units), len(e.nodes)
	all := make([]int, nU)
	for u := range all {
		all[u] = u
	}
	stages := make([]*stage, len(imps))
	normed := make([][][][]float64, len(imps)) // [imputation][normalisation][indicator][unit]
	leafRank := make([][][][]int32, len(imps)) // [imputation][normalisation][tracked leaf][unit]
	for i, imp := range imps {
		stages[i] = e.prepare(imp)
		normed[i] = make([][][]float64, len(norms))
		leafRank[i] = make([][][]int32, len(norms))
		for j, nc := range norms {
			normed[i][j], _, _, err = e.normaliseAll(stages[i], nc)
			if err != nil {
				return nil, fmt.Errorf("uncertainty: imputation %s: %w", imp.Method, err)
			}
			leafRank[i][j] = make([][]int32, len(track))
			r := make([]int, nU)
			var rk ranker
			for t, k := range track {
				if n := e.nodes[k]; n.ind >= 0 {
					rk.rank(normed[i][j][n.ind], r)
					leafRank[i][j][t] = toInt32(r)
				}
			}
		}
	}
	screened := stages[0].screened // screening looks at observed values only

	ranks := make([][]int32, len(track)) // [tracked node][draw*nU + unit]
	for t := range ranks {
		ranks[t] = make([]int32, opts.Draws*nU)
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		errDraw  = opts.Draws
		wg       sync.WaitGroup
	)
	fail := func(d int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if d < errDraw {
			errDraw, firstErr = d, err
		}
	}
	workers := min(runtime.GOMAXPROCS(0), opts.Draws)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := newAggBuf(nN, nU, false)
			w := make([]float64, nN)
			rank := make([]int, nU)
			var rk ranker
			pcg := rand.NewPCG(0, 0)
			rng := rand.New(pcg)
			pick := func(n int) int {
				if n == 1 {
					return 0
				}
				return rng.IntN(n)
			}
			for {
				d := int(next.Add(1) - 1)
				if d >= opts.Draws {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(d, err)
					return
				}
				pcg.Seed(opts.Seed, uint64(d))
				i, j, a := pick(len(imps)), pick(len(norms)), pick(len(aggs))
				copy(w, weightSets[pick(len(weightSets))])
				for k, f := range noise {
					if f > 0 {
						w[k] *= 1 + f*(2*rng.Float64()-1)
					}
				}
				if err := e.aggregate(normed[i][j], screened, w, aggs[a], buf); err != nil {
					fail(d, fmt.Errorf("uncertainty: draw %d (%s, %s, %s): %w", d, imps[i].Method, norms[j].Method, describeAgg(aggs[a]), err))
					return
				}
				for t, k := range track {
					dst := ranks[t][d*nU : (d+1)*nU]
					if lr := leafRank[i][j][t]; lr != nil {
						copy(dst, lr)
						continue
					}
					rk.rank(buf.score[k], rank)
					for u, r := range rank {
						dst[u] = int32(r)
					}
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}

	res := &UncertaintyResult{Draws: opts.Draws, Nodes: make(map[string][]UnitUncertainty, len(track))}
	// Counting is linear in draws + units, sorting in draws·log(draws):
	// count when there are more draws than possible ranks.
	byCounts := opts.Draws > nU
	counts := make([]int, nU+1)
	col := make([]int, 0, opts.Draws)
	for t, k := range track {
		id := e.nodes[k].id
		nomRank := nominal.Nodes[id].Rank
		out := make([]UnitUncertainty, nU)
		for u, unit := range e.in.Units {
			if byCounts {
				clear(counts)
				for d := range opts.Draws {
					counts[ranks[t][d*nU+u]]++
				}
				out[u] = summariseCounts(unit.ID, nomRank[u], counts)
				continue
			}
			col = col[:0]
			for d := range opts.Draws {
				if r := ranks[t][d*nU+u]; r > 0 {
					col = append(col, int(r))
				}
			}
			out[u] = summariseRanks(unit.ID, nomRank[u], col)
		}
		res.Nodes[id] = out
	}
	for k := range e.nodes {
		if _, ok := res.Nodes[e.nodes[k].id]; ok {
			res.NodeOrder = append(res.NodeOrder, e.nodes[k].id)
		}
	}
	return res, nil
}

func toInt32(r []int) []int32 {
	out := make([]int32, len(r))
	for u, v := range r {
		out[u] = int32(v)
	}
	return out
}

// summariseCounts summarises ranks given as counts[r] = draws with rank r
// (counts[0], the draws without a rank, is ignored). It equals
// summariseRanks on the ranks listed out.
func summariseCounts(id string, nominal int, counts []int) UnitUncertainty {
	s := UnitUncertainty{Unit: id, Nominal: nominal}
	n, sum := 0, 0
	for r := 1; r < len(counts); r++ {
		n += counts[r]
		sum += r * counts[r]
	}
	s.RankedInDraws = n
	if n == 0 {
		return s
	}
	s.Mean = float64(sum) / float64(n)
	// The k-th smallest (1-based) for each wanted k.
	kth := func(k int) int {
		k = max(k, 1)
		seen := 0
		for r := 1; r < len(counts); r++ {
			seen += counts[r]
			if seen >= k {
				return r
			}
		}
		return len(counts) - 1
	}
	s.Min, s.Max = kth(1), kth(n)
	s.P05 = kth((5*n + 99) / 100)
	s.Median = kth((50*n + 99) / 100)
	s.P95 = kth((95*n + 99) / 100)
	return s
}

// summariseRanks sorts ranks in place.
func summariseRanks(id string, nominal int, ranks []int) UnitUncertainty {
	s := UnitUncertainty{Unit: id, Nominal: nominal, RankedInDraws: len(ranks)}
	if len(ranks) == 0 {
		return s
	}
	slices.Sort(ranks)
	sum := 0
	for _, r := range ranks {
		sum += r
	}
	s.Mean = float64(sum) / float64(len(ranks))
	s.Min, s.Max = ranks[0], ranks[len(ranks)-1]
	s.P05 = nearestRank(ranks, 5)
	s.Median = nearestRank(ranks, 50)
	s.P95 = nearestRank(ranks, 95)
	return s
}

// nearestRank is the p-th percentile of sorted by the nearest-rank method,
// in integers so that e.g. 5% of 20 is exactly the 1st value.
func nearestRank(sorted []int, p int) int {
	k := (p*len(sorted) + 99) / 100 // ⌈p·N/100⌉
	return sorted[max(k, 1)-1]
}
