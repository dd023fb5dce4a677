package index

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// levelsInput: root → p1 (a, b), p2 (c), equal weights, 3 units; u0 and
// u1 in region X, u2 in Y.
//
//	a 1, 2, 3 → 0, 50, 100      b 3, 1, 2 → 100, 0, 50      c 2, 3, 1 → 50, 100, 0
//	p1 = (a+b)/2: 50, 25, 75    p2 = c: 50, 100, 0
//	root = (p1+p2)/2: 50, 62.5, 37.5
func levelsInput() *Input {
	us := units(3)
	for u, region := range []string{"X", "X", "Y"} {
		us[u].Attributes = map[string]string{"region": region}
	}
	return &Input{
		Units:      us,
		Indicators: hib("a", "b", "c"),
		Values:     [][]float64{{1, 2, 3}, {3, 1, 2}, {2, 3, 1}},
		Tree: &Node{ID: "root", Children: []*Node{
			{ID: "p1", Weight: 1, Children: []*Node{
				{ID: "na", Weight: 1, Indicator: "a"},
				{ID: "nb", Weight: 1, Indicator: "b"},
			}},
			{ID: "p2", Weight: 1, Children: []*Node{{ID: "nc", Weight: 1, Indicator: "c"}}},
		}},
		Config: Config{Ranks: RankConfig{Within: []string{"region"}}},
	}
}

func TestEveryNodeRanked(t *testing.T) {
	r := mustRun(t, levelsInput())
	want := map[string]struct {
		score []float64
		rank  []int
		inReg []int // within region: X = {u0, u1}, Y = {u2}
	}{
		"root": {[]float64{50, 62.5, 37.5}, []int{2, 1, 3}, []int{2, 1, 1}},
		"p1":   {[]float64{50, 25, 75}, []int{2, 3, 1}, []int{1, 2, 1}},
		"p2":   {[]float64{50, 100, 0}, []int{2, 1, 3}, []int{2, 1, 1}},
		"na":   {[]float64{0, 50, 100}, []int{3, 2, 1}, []int{2, 1, 1}},
		"nb":   {[]float64{100, 0, 50}, []int{1, 3, 2}, []int{1, 2, 1}},
		"nc":   {[]float64{50, 100, 0}, []int{2, 1, 3}, []int{2, 1, 1}},
	}
	for id, w := range want {
		n := r.Nodes[id]
		assertFloats(t, id+" score", n.Score, w.score)
		if !slices.Equal(n.Rank, w.rank) {
			t.Errorf("%s rank %v, want %v", id, n.Rank, w.rank)
		}
		if !slices.Equal(n.GroupRanks["region"], w.inReg) {
			t.Errorf("%s rank within region %v, want %v", id, n.GroupRanks["region"], w.inReg)
		}
	}
	if !slices.Equal(r.Rank, want["root"].rank) || !slices.Equal(r.GroupRanks["region"], want["root"].inReg) {
		t.Errorf("result rank %v, within region %v", r.Rank, r.GroupRanks["region"])
	}
	for _, w := range r.Warnings {
		if strings.Contains(w, "region") {
			t.Errorf("unexpected warning %q", w)
		}
	}
}

func TestRanksWithinOneGroupWarns(t *testing.T) {
	in := levelsInput()
	in.Config.Ranks.Within = []string{"region", "size"} // nobody has a size
	r := mustRun(t, in)
	if got := r.Nodes["root"].GroupRanks["size"]; !slices.Equal(got, []int{0, 0, 0}) {
		t.Errorf("ranks within a missing attribute %v, want zeros", got)
	}
	if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, `attribute "size": no unit has a value`) }) {
		t.Errorf("warnings %q lack the missing grouping", r.Warnings)
	}
}

func TestDenominateScalePerIndicator(t *testing.T) {
	vals := [][]float64{{10, 20}, {10, 20}}
	pop := []float64{100, 400}
	cfg := DenominateConfig{By: map[string]string{"a": "pop", "b": "pop"}, Scale: 1000, Scales: map[string]float64{"b": 100000}}
	out := denominate(vals, map[string][]float64{"pop": pop}, cfg, map[string]int{"a": 0, "b": 1})
	// a per 1,000: 10/100·1000 = 100, 20/400·1000 = 50; b per 100,000.
	assertFloats(t, "a", out[0], []float64{100, 50})
	assertFloats(t, "b", out[1], []float64{10000, 5000})
	in := validInput()
	in.Config.Denominate = DenominateConfig{By: map[string]string{"a": "pop"}, Scales: map[string]float64{"b": 10}}
	if _, err := Run(in); err == nil || !strings.Contains(err.Error(), `scales: indicator "b" is not denominated`) {
		t.Errorf("scale of an undenominated indicator: %v", err)
	}
}

// TestResultIndependentOfUnitOrder is a property test: shuffling the units
// (and their values) changes nothing but the order of per-unit slices.
func TestResultIndependentOfUnitOrder(t *testing.T) {
	base := synthetic(40, 15, 7)
	for u := range base.Units {
		base.Units[u].Attributes = map[string]string{"size": []string{"small", "large", "mid"}[u%3]}
	}
	// Ties everywhere: a tie at the winsorisation cap and a constant
	// indicator, since ties are where order used to leak in.
	base.Values[0][3], base.Values[0][11] = 1e6, 1e6
	for u := range base.Values[2] {
		base.Values[2][u] = 4
	}
	base.Config.Impute.GroupBy = "size"
	base.Config.Ranks.Within = []string{"size", ""}
	want := mustRun(t, base)
	if w := want.Indicators[0].Treatment.Winsorised; !slices.Contains(w, "r03") || !slices.Contains(w, "r11") || !want.Indicators[2].Constant {
		t.Fatalf("the fixture lost its ties: winsorised %v, constant %v", w, want.Indicators[2].Constant)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		perm := rng.Perm(len(base.Units))
		in := *base
		in.Units = make([]Unit, len(perm))
		in.Values = make([][]float64, len(base.Values))
		in.Denominators = map[string][]float64{}
		for i := range in.Values {
			in.Values[i] = make([]float64, len(perm))
		}
		pop := make([]float64, len(perm))
		for to, from := range perm {
			in.Units[to] = base.Units[from]
			for i := range in.Values {
				in.Values[i][to] = base.Values[i][from]
			}
			pop[to] = base.Denominators["pop"][from]
		}
		in.Denominators["pop"] = pop
		got := mustRun(t, &in)
		for to, from := range perm {
			id := base.Units[from].ID
			if got.Rank[to] != want.Rank[from] || got.GroupRank[to] != want.GroupRank[from] || got.Grade[to] != want.Grade[from] ||
				got.Screened[to] != want.Screened[from] || !closeTo(got.Score[to], want.Score[from]) {
				t.Fatalf("trial %d, unit %s: score %g rank %d, want %g %d", trial, id, got.Score[to], got.Rank[to], want.Score[from], want.Rank[from])
			}
			for nid, wn := range want.Nodes {
				gn := got.Nodes[nid]
				if !closeTo(gn.Score[to], wn.Score[from]) || gn.Rank[to] != wn.Rank[from] ||
					gn.GroupRanks["size"][to] != wn.GroupRanks["size"][from] || gn.GroupRanks[""][to] != wn.GroupRanks[""][from] {
					t.Fatalf("trial %d, unit %s, node %s: %g #%d, want %g #%d", trial, id, nid, gn.Score[to], gn.Rank[to], wn.Score[from], wn.Rank[from])
				}
			}
			for i := range want.Indicators {
				g, w := got.Indicators[i], want.Indicators[i]
				if !closeTo(g.Imputed[to], w.Imputed[from]) || !closeTo(g.Treated[to], w.Treated[from]) || g.Constant != w.Constant {
					t.Fatalf("trial %d, unit %s, indicator %s: imputed %g treated %g, want %g %g", trial, id, w.ID, g.Imputed[to], g.Treated[to], w.Imputed[from], w.Treated[from])
				}
			}
		}
		for i := range want.Indicators {
			g, w := slices.Sorted(slices.Values(got.Indicators[i].Treatment.Winsorised)), slices.Sorted(slices.Values(want.Indicators[i].Treatment.Winsorised))
			if !slices.Equal(g, w) {
				t.Fatalf("trial %d, indicator %s: winsorised %v, want %v", trial, want.Indicators[i].ID, g, w)
			}
		}
		if !slices.Equal(got.Leaders, want.Leaders) || !slices.Equal(got.Laggards, want.Laggards) {
			t.Fatalf("trial %d: leaders %v laggards %v, want %v %v", trial, got.Leaders, got.Laggards, want.Leaders, want.Laggards)
		}
	}
}
