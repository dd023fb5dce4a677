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
type UncertaintyOptions struct {
	Draws int
	Seed  uint64
	// WeightJitter x multiplies every node weight (the root's aside) by a
	// draw from U(1−x, 1+x); 0 ≤ x < 1.
	WeightJitter float64
	// Alternatives drawn uniformly in each draw; empty keeps the nominal
	// method. A drawn aggregation applies to every node, overriding the
	// nodes' own choices.
	Normalisations []NormaliseMethod
	Aggregations   []AggregateMethod
	Imputations    []ImputeMethod
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

// Uncertainty re-runs the pipeline Draws times under random weights and
// methods and summarises each unit's rank. It is reproducible: draw d uses
// its own PCG stream seeded (Seed, d), so results do not depend on how the
// draws are spread over the GOMAXPROCS workers. (Seeding (Seed+d, const)
// instead would make seeds s and s+1 share all but one draw.)
//
// Everything before aggregation is computed once per combination of
// imputation and normalisation; a draw only re-weights and re-aggregates.
func Uncertainty(ctx context.Context, in *Input, opts UncertaintyOptions) ([]UnitUncertainty, error) {
	if opts.Draws <= 0 {
		return nil, errors.New("uncertainty: draws must be positive")
	}
	if j := opts.WeightJitter; j < 0 || j >= 1 || math.IsNaN(j) {
		return nil, fmt.Errorf("uncertainty: weight jitter must be within [0, 1), got %g", j)
	}
	for _, m := range opts.Imputations {
		if !validImpute(m) {
			return nil, fmt.Errorf("uncertainty: unknown imputation %q", m)
		}
	}
	for _, m := range opts.Normalisations {
		if !validNormalise(m) {
			return nil, fmt.Errorf("uncertainty: unknown normalisation %q", m)
		}
	}
	for _, m := range opts.Aggregations {
		if !validAggregate(m) {
			return nil, fmt.Errorf("uncertainty: unknown aggregation %q", m)
		}
	}
	e, err := compile(in)
	if err != nil {
		return nil, err
	}
	nominal, err := e.run()
	if err != nil {
		return nil, fmt.Errorf("uncertainty: nominal run: %w", err)
	}

	imps := orDefault(opts.Imputations, e.cfg.Impute.Method)
	norms := orDefault(opts.Normalisations, e.cfg.Normalise.Method)
	aggs := orDefault(opts.Aggregations, "") // "": each node's own method
	stages := make([]*stage, len(imps))
	normed := make([][][][]float64, len(imps)) // [imputation][normalisation][indicator][unit]
	for i, m := range imps {
		stages[i] = e.prepare(m)
		normed[i] = make([][][]float64, len(norms))
		for j, nm := range norms {
			normed[i][j], _, err = e.normaliseAll(stages[i], nm)
			if err != nil {
				return nil, fmt.Errorf("uncertainty: imputation %s: %w", m, err)
			}
		}
	}
	screened := stages[0].screened // screening looks at observed values only

	nU, nN, root := len(in.Units), len(e.nodes), e.root()
	nominalW := e.nominalWeights()
	ranks := make([]int, opts.Draws*nU)
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
			all := make([]int, nU)
			for u := range all {
				all[u] = u
			}
			order := make([]int, 0, nU)
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
				copy(w, nominalW)
				if opts.WeightJitter > 0 {
					for k := range w {
						if k != root {
							w[k] *= 1 + opts.WeightJitter*(2*rng.Float64()-1)
						}
					}
				}
				if err := e.aggregate(normed[i][j], screened, w, aggs[a], buf); err != nil {
					fail(d, fmt.Errorf("uncertainty: draw %d (%s, %s, %s): %w", d, imps[i], norms[j], orNominal(aggs[a]), err))
					return
				}
				order = competitionRank(buf.score[root], all, ranks[d*nU:(d+1)*nU], order)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}

	out := make([]UnitUncertainty, nU)
	col := make([]int, 0, opts.Draws)
	for u, unit := range in.Units {
		col = col[:0]
		for d := range opts.Draws {
			if r := ranks[d*nU+u]; r > 0 {
				col = append(col, r)
			}
		}
		out[u] = summariseRanks(unit.ID, nominal.Rank[u], col)
	}
	return out, nil
}

func orDefault[T any](alts []T, nominal T) []T {
	if len(alts) == 0 {
		return []T{nominal}
	}
	return alts
}

func orNominal(m AggregateMethod) AggregateMethod {
	if m == "" {
		return "nominal aggregation"
	}
	return m
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
