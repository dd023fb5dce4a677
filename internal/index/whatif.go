package index

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Lever is the effect of improving one indicator of one unit on its own.
// From and To are on the denominated scale (what the methodology compares,
// e.g. "per 1,000 people"); From is NaN when the value was missing.
type Lever struct {
	Indicator string
	From, To  float64
	NewScore  float64
	NewRank   int
	Gain      int // old rank − new rank: positive means moving up
}

// WhatIfOptions chooses the indicators to try and the values to try them at.
type WhatIfOptions struct {
	// Target maps an indicator id to the value to set, on the denominated
	// scale. Indicators not in it are set to the best value among the
	// non-screened units of the unit's group (direction-aware).
	Target map[string]float64
	// Indicators are the candidates; empty means every indicator in the tree.
	Indicators []string
}

// WhatIf improves each candidate indicator of unit alone, re-runs the whole
// pipeline with every other value unchanged (statistics such as min/max are
// recomputed, so other units' normalised values may move), and returns the
// levers sorted by Gain, then NewScore, both descending. Indicators on which
// the unit already meets the target are skipped, as are denominated
// indicators whose denominator is missing for the unit.
func WhatIf(in *Input, unit string, opts WhatIfOptions) ([]Lever, error) {
	e, err := compile(in)
	if err != nil {
		return nil, err
	}
	base, err := e.run()
	if err != nil {
		return nil, fmt.Errorf("what-if: nominal run: %w", err)
	}
	u, ok := e.unitIndex[unit]
	if !ok {
		return nil, fmt.Errorf("what-if: unknown unit %q", unit)
	}
	if base.Rank[u] == 0 {
		return nil, fmt.Errorf("what-if: unit %q is not ranked (screened out or without data)", unit)
	}
	cands, err := e.whatIfCandidates(opts.Indicators)
	if err != nil {
		return nil, err
	}

	var levers []Lever
	for _, i := range cands {
		ind := in.Indicators[i]
		to, ok := opts.Target[ind.ID]
		if !ok {
			if to, ok = e.bestInGroup(i, u, base.Screened); !ok {
				continue
			}
		}
		if !present(to) || math.IsInf(to, 0) {
			return nil, fmt.Errorf("what-if: indicator %q: target %g is not a finite number", ind.ID, to)
		}
		from := e.denom[i][u]
		dir := float64(ind.Direction)
		if present(from) && dir*from >= dir*to {
			continue
		}
		raw := to
		if name, ok := e.cfg.Denominate.By[ind.ID]; ok {
			q := in.Denominators[name][u]
			if q == 0 || !present(q) {
				continue
			}
			raw = to * q / e.cfg.Denominate.ScaleOf(ind.ID)
		}
		r, err := e.withValue(i, u, raw).run()
		if err != nil {
			return nil, fmt.Errorf("what-if: indicator %q: %w", ind.ID, err)
		}
		levers = append(levers, Lever{
			Indicator: ind.ID, From: from, To: to,
			NewScore: r.Score[u], NewRank: r.Rank[u], Gain: base.Rank[u] - r.Rank[u],
		})
	}
	slices.SortStableFunc(levers, func(a, b Lever) int {
		if c := cmp.Compare(b.Gain, a.Gain); c != 0 {
			return c
		}
		return cmp.Compare(b.NewScore, a.NewScore)
	})
	return levers, nil
}

func (e *engine) whatIfCandidates(ids []string) ([]int, error) {
	var out []int
	if len(ids) == 0 {
		for i, used := range e.used {
			if used {
				out = append(out, i)
			}
		}
		return out, nil
	}
	for _, id := range ids {
		i, ok := e.indIndex[id]
		if !ok {
			return nil, fmt.Errorf("what-if: unknown indicator %q", id)
		}
		if !e.used[i] {
			return nil, fmt.Errorf("what-if: indicator %q is not in the index tree", id)
		}
		out = append(out, i)
	}
	return out, nil
}

// bestInGroup is the best denominated value of indicator i among the
// non-screened units sharing u's group.
func (e *engine) bestInGroup(i, u int, screened []bool) (float64, bool) {
	g := e.in.Units[u].Group
	dir := float64(e.in.Indicators[i].Direction)
	best, found := 0.0, false
	for v, unit := range e.in.Units {
		x := e.denom[i][v]
		if unit.Group != g || screened[v] || !present(x) {
			continue
		}
		if !found || dir*x > dir*best {
			best, found = x, true
		}
	}
	return best, found
}

// withValue is e with one raw value replaced. Only the changed row is
// copied; validation is skipped because a finite value cannot break it.
func (e *engine) withValue(i, u int, raw float64) *engine {
	in := *e.in
	in.Values = slices.Clone(in.Values)
	in.Values[i] = slices.Clone(in.Values[i])
	in.Values[i][u] = raw
	e2 := *e
	e2.in = &in
	e2.denom = denominate(in.Values, in.Denominators, e.cfg.Denominate, e.indIndex)
	return &e2
}
