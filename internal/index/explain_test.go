package index

import (
	"math"
	"testing"
)

// threeLevel is root → (p1: a, b; p2: c) with unequal weights.
func threeLevel(agg AggregateMethod) *Input {
	return &Input{
		Units:      units(4),
		Indicators: []Indicator{{ID: "a", Direction: 1}, {ID: "b", Direction: -1}, {ID: "c", Direction: 1}},
		Values:     [][]float64{{1, 2, 3, 5}, {40, 10, 30, 20}, {7, nan, 1, 3}},
		Tree: &Node{ID: "root", Children: []*Node{
			{ID: "p1", Weight: 2, Children: []*Node{
				{ID: "la", Weight: 1, Indicator: "a"},
				{ID: "lb", Weight: 3, Indicator: "b"},
			}},
			{ID: "p2", Weight: 1, Children: []*Node{{ID: "lc", Weight: 1, Indicator: "c"}}},
		}},
		Config: Config{
			Normalise: NormaliseConfig{Range: [2]float64{1, 100}},
			Aggregate: AggregateConfig{Method: agg},
		},
	}
}

func TestExplainLeaf(t *testing.T) {
	r := mustRun(t, threeLevel(AggArithmetic))
	// b is lower-is-better: u1 = 10 is the best → 100; weight 3 of 4 in p1.
	ex, err := r.Explain("u1", "lb")
	if err != nil {
		t.Fatal(err)
	}
	if ex.Indicator != "b" || ex.Raw != 10 || ex.Denominated != 10 || ex.Treated != 10 || ex.Normalised != 100 ||
		ex.Score != 100 || ex.Weight != 3 || ex.EffWeight != 3 || ex.Imputed || len(ex.Children) != 0 {
		t.Errorf("explain = %+v", ex)
	}
	// p1 for u1: a = (2−1)/4·99 + 1 = 25.75, b = 100 → (25.75 + 300)/4;
	// b's contribution 3·100/4 = 75.
	assertFloat(t, "contribution", ex.Contribution, 75)
	assertFloat(t, "p1", r.Nodes["p1"].Score[1], (25.75+300)/4)
}

func TestExplainContributionsSum(t *testing.T) {
	for _, agg := range []AggregateMethod{AggArithmetic, AggGeometric, AggHarmonic} {
		r := mustRun(t, threeLevel(agg))
		for _, unit := range r.Units {
			for _, node := range []string{"root", "p1", "p2"} {
				ex, err := r.Explain(unit.ID, node)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for _, c := range ex.Children {
					if !math.IsNaN(c.Contribution) {
						sum += c.Contribution
					}
				}
				if math.IsNaN(ex.Score) {
					continue
				}
				if !closeTo(sum, ex.Score) {
					t.Errorf("%s %s %s: children sum %g, score %g", agg, unit.ID, node, sum, ex.Score)
				}
			}
		}
	}
}

func TestExplainMissingBranch(t *testing.T) {
	// u1 has no c, so p2 has no value and p1 carries the root alone:
	// root = p1, p1's effective weight 2·3/2 = 3 (the full total), p2's 0.
	r := mustRun(t, threeLevel(AggArithmetic))
	ex, err := r.Explain("u1", "root")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Children) != 2 {
		t.Fatalf("children %+v", ex.Children)
	}
	p1, p2 := ex.Children[0], ex.Children[1]
	assertFloat(t, "root", ex.Score, p1.Score)
	assertFloat(t, "p1 eff", p1.EffWeight, 3)
	assertFloat(t, "p2 eff", p2.EffWeight, 0)
	if !math.IsNaN(p2.Score) || !math.IsNaN(p2.Contribution) {
		t.Errorf("p2 = %+v", p2)
	}
	assertFloat(t, "root contribution", ex.Contribution, ex.Score)
}

func TestExplainErrors(t *testing.T) {
	r := mustRun(t, threeLevel(AggArithmetic))
	if _, err := r.Explain("nope", "root"); err == nil {
		t.Error("unknown unit accepted")
	}
	if _, err := r.Explain("u0", "nope"); err == nil {
		t.Error("unknown node accepted")
	}
	if r.UnitIndex("u2") != 2 || r.UnitIndex("x") != -1 {
		t.Error("UnitIndex")
	}
}
