package index

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

var nan = math.NaN()

const tol = 1e-9

// units makes units u0, u1, … in the given groups (all "g" when none given).
func units(n int, groups ...string) []Unit {
	out := make([]Unit, n)
	for i := range out {
		g := "g"
		if i < len(groups) {
			g = groups[i]
		}
		out[i] = Unit{ID: fmt.Sprintf("u%d", i), Group: g}
	}
	return out
}

// flatTree is a root over one equally weighted leaf per indicator id.
func flatTree(ids ...string) *Node {
	root := &Node{ID: "root", Weight: 1}
	for _, id := range ids {
		root.Children = append(root.Children, &Node{ID: "n_" + id, Weight: 1, Indicator: id})
	}
	return root
}

func hib(ids ...string) []Indicator {
	out := make([]Indicator, len(ids))
	for i, id := range ids {
		out[i] = Indicator{ID: id, Direction: HigherIsBetter}
	}
	return out
}

func closeTo(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

func assertFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range got {
		if !closeTo(got[i], want[i]) {
			t.Errorf("%s[%d] = %.12g, want %.12g (all: %v)", what, i, got[i], want[i], got)
		}
	}
}

func assertFloat(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !closeTo(got, want) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

func mustRun(t *testing.T, in *Input) *Result {
	t.Helper()
	r, err := Run(in)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// synthetic builds a realistic input: nU units in 8 groups, nI indicators
// (every 5th lower-is-better, every 7th per capita, a few skewed, ~3% cells
// missing), and a tree root → 3 pillars → 8 sub-pillars → indicators, with
// every step of the pipeline switched on.
func synthetic(nU, nI int, seed uint64) *Input {
	rng := rand.New(rand.NewPCG(seed, 99))
	in := &Input{
		Units:        make([]Unit, nU),
		Indicators:   make([]Indicator, nI),
		Values:       make([][]float64, nI),
		Denominators: map[string][]float64{"pop": make([]float64, nU)},
	}
	for u := range in.Units {
		in.Units[u] = Unit{ID: fmt.Sprintf("r%02d", u), Group: fmt.Sprintf("fd%d", u%8)}
		in.Denominators["pop"][u] = 1e5 + rng.Float64()*5e6
	}
	by := map[string]string{}
	for i := range in.Indicators {
		id := fmt.Sprintf("i%02d", i)
		dir := HigherIsBetter
		if i%5 == 4 {
			dir = LowerIsBetter
		}
		in.Indicators[i] = Indicator{ID: id, Direction: dir}
		row := make([]float64, nU)
		for u := range row {
			switch {
			case i%6 == 0: // skewed: a few regions far ahead
				row[u] = math.Exp(rng.NormFloat64() * 1.2)
			default:
				row[u] = 50 + 15*rng.NormFloat64()
			}
			if i%7 == 3 {
				row[u] *= in.Denominators["pop"][u] / 1000
				by[id] = "pop"
			}
			if rng.IntN(33) == 0 {
				row[u] = math.NaN()
			}
		}
		in.Values[i] = row
	}
	root := &Node{ID: "index"}
	var subs []*Node
	for p := range 3 {
		pillar := &Node{ID: fmt.Sprintf("p%d", p), Weight: 1 + float64(p)/3}
		root.Children = append(root.Children, pillar)
		for s := range 3 {
			if p == 2 && s == 2 {
				break // 8 sub-pillars
			}
			sub := &Node{ID: fmt.Sprintf("p%d.%d", p, s), Weight: 1}
			pillar.Children = append(pillar.Children, sub)
			subs = append(subs, sub)
		}
	}
	subs[3].Aggregation = AggGeometric
	for i, ind := range in.Indicators {
		sub := subs[i%len(subs)]
		sub.Children = append(sub.Children, &Node{ID: "n" + ind.ID, Weight: 1 + float64(i%3), Indicator: ind.ID})
	}
	in.Tree = root
	in.Config = Config{
		Denominate: DenominateConfig{By: by, Scale: 1000},
		Impute:     ImputeConfig{Method: ImputeGroupMedian},
		Screen:     ScreenConfig{MinAvailability: 0.8},
		Outliers:   OutlierConfig{Enabled: true},
		Normalise:  NormaliseConfig{Method: NormMinMax, Range: [2]float64{1, 100}},
		Aggregate:  AggregateConfig{Method: AggArithmetic},
		Grades:     []Grade{{Name: "A", Min: 70}, {Name: "B", Min: 50}, {Name: "C", Min: 0}},
		Leaders:    10,
		Laggards:   10,
	}
	return in
}

// norm1 and treat1 allocate the output for one-off calls in tests.
func norm1(x []float64, ind Indicator, cfg NormaliseConfig, m NormaliseMethod, ref int, ids []string) ([]float64, []string, error) {
	out := make([]float64, len(x))
	w, _, err := normalise(out, x, ind, cfg, m, ref, ids, nil)
	return out, w, err
}

// treat1 resolves cfg's defaults for an indicator without overrides.
func treat1(x []float64, include []bool, cfg OutlierConfig, ids []string) ([]float64, Treatment) {
	c, err := resolveConfig(Config{Outliers: cfg})
	if err != nil {
		panic(err)
	}
	out := make([]float64, len(x))
	return out, treatOutliers(out, x, include, resolveOutliers(c.Outliers, ""), ids, nil)
}
