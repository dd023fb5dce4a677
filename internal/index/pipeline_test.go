package index

import (
	"math"
	"strings"
	"testing"
)

func validInput() *Input {
	return &Input{
		Units:        units(3),
		Indicators:   hib("a", "b"),
		Values:       [][]float64{{1, 2, 3}, {3, 2, 1}},
		Denominators: map[string][]float64{"pop": {1, 2, 3}},
		Tree:         flatTree("a", "b"),
	}
}

func TestRunValidation(t *testing.T) {
	tests := []struct {
		name   string
		modify func(in *Input)
		want   string
	}{
		{"nil tree", func(in *Input) { in.Tree = nil }, "no tree"},
		{"no units", func(in *Input) { in.Units = nil }, "no units"},
		{"duplicate unit", func(in *Input) { in.Units[1].ID = "u0" }, `duplicate unit id "u0"`},
		{"rows", func(in *Input) { in.Values = in.Values[:1] }, "values have 1 rows, want one per indicator (2)"},
		{"row length", func(in *Input) { in.Values[1] = []float64{1} }, `indicator "b": 1 values, want one per unit (3)`},
		{"infinite", func(in *Input) { in.Values[0][2] = math.Inf(1) }, `indicator "a", unit "u2": infinite value`},
		{"direction", func(in *Input) { in.Indicators[0].Direction = 0 }, `indicator "a": direction must be 1`},
		{"duplicate indicator", func(in *Input) { in.Indicators[1].ID = "a" }, `duplicate indicator id "a"`},
		{"unknown leaf indicator", func(in *Input) { in.Tree.Children[0].Indicator = "zz" }, `leaf "n_a" references unknown indicator "zz"`},
		{"indicator used twice", func(in *Input) { in.Tree.Children[1].Indicator = "a" }, `indicator "a" is used by both "n_a" and "n_b"`},
		{"duplicate node", func(in *Input) { in.Tree.Children[1].ID = "n_a" }, `duplicate node id "n_a"`},
		{"leaf without indicator", func(in *Input) { in.Tree.Children[0].Indicator = "" }, `leaf "n_a" references no indicator`},
		{"negative weight", func(in *Input) { in.Tree.Children[0].Weight = -1 }, `node "n_a": weight must be`},
		{"zero total weight", func(in *Input) {
			in.Tree.Children[0].Weight, in.Tree.Children[1].Weight = 0, 0
		}, `node "root": the weights of its children sum to zero`},
		{"unknown method", func(in *Input) { in.Config.Normalise.Method = "magic" }, `normalise: unknown method "magic"`},
		{"unknown node aggregation", func(in *Input) { in.Tree.Aggregation = "median" }, `node "root": unknown aggregation "median"`},
		{"bad range", func(in *Input) { in.Config.Normalise.Range = [2]float64{100, 0} }, "range must be increasing"},
		{"availability", func(in *Input) { in.Config.Screen.MinAvailability = 1.5 }, "min_availability"},
		{"unknown reference", func(in *Input) { in.Config.Normalise.Reference = "zz" }, `reference unit "zz"`},
		{"denominator series", func(in *Input) { in.Config.Denominate.By = map[string]string{"a": "gdp"} }, `no denominator series "gdp"`},
		{"denominated indicator", func(in *Input) { in.Config.Denominate.By = map[string]string{"zz": "pop"} }, `denominate: unknown indicator "zz"`},
		{"goalposts missing", func(in *Input) {
			in.Config.Normalise = NormaliseConfig{Method: NormGoalposts, Goalposts: map[string][2]float64{"a": {0, 1}}}
		}, `indicator "b": goalposts normalisation but no goalposts`},
		{"target missing", func(in *Input) { in.Config.Normalise.Method = NormDistanceTarget }, `indicator "a": distance_to_target needs a target`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.modify(in)
			_, err := Run(in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Run(validInput()); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	if _, err := Run(nil); err == nil {
		t.Error("nil input accepted")
	}
}

func TestRunEndToEnd(t *testing.T) {
	// a per 1,000 people, higher better; b lower better; minmax 0..100, equal
	// weights.
	in := &Input{
		Units:        units(3),
		Indicators:   []Indicator{{ID: "a", Direction: 1}, {ID: "b", Direction: -1}},
		Values:       [][]float64{{10, 40, 90}, {5, 1, 3}},
		Denominators: map[string][]float64{"pop": {1000, 2000, 3000}},
		Tree:         flatTree("a", "b"),
		Config: Config{
			Denominate: DenominateConfig{By: map[string]string{"a": "pop"}, Scale: 1000},
			Leaders:    1,
		},
	}
	r := mustRun(t, in)
	// a: 10, 20, 30 per 1,000 → 0, 50, 100. b: (5−x)/4 → 0, 100, 50.
	assertFloats(t, "a denominated", r.Indicators[0].Denominated, []float64{10, 20, 30})
	assertFloats(t, "b normalised", r.Indicators[1].Normalised, []float64{0, 100, 50})
	assertFloats(t, "score", r.Score, []float64{0, 75, 75})
	if r.Rank[0] != 3 || r.Rank[1] != 1 || r.Rank[2] != 1 || r.Leaders[0] != "u1" {
		t.Errorf("rank %v leaders %v", r.Rank, r.Leaders)
	}
	if r.Root != "root" || len(r.Nodes) != 3 || r.NodeOrder[len(r.NodeOrder)-1] != "root" || r.Nodes["n_a"].Parent != "root" {
		t.Errorf("nodes %v order %v", r.Nodes, r.NodeOrder)
	}
	if in.Values[0][0] != 10 {
		t.Error("Run modified its input")
	}
}
