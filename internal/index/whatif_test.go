package index

import (
	"strings"
	"testing"
)

// whatIfInput: minmax, equal weights.
//
//	    a   b   → normalised a, b → score, rank
//	u0 10   5      100, 50          75    2
//	u1  8   8       80, 80          80    1
//	u2  2  10       20, 100         60    3
//	u3  0   0        0, 0            0    4
func whatIfInput() *Input {
	return &Input{
		Units:      units(4),
		Indicators: hib("a", "b"),
		Values:     [][]float64{{10, 8, 2, 0}, {5, 8, 10, 0}},
		Tree:       flatTree("a", "b"),
	}
}

func TestWhatIf(t *testing.T) {
	// u2 raises a to the group best 10: a → 100, 80, 100, 0, so u2 scores
	// (100 + 100)/2 = 100 → rank 1, gain 2. b is already the best: skipped.
	levers, err := WhatIf(whatIfInput(), "u2", WhatIfOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Lever{{Indicator: "a", From: 2, To: 10, NewScore: 100, NewRank: 1, Gain: 2}}
	if len(levers) != 1 || levers[0] != want[0] {
		t.Fatalf("levers = %+v, want %+v", levers, want)
	}

	// u3 with explicit targets 10. Note min/max move with the data:
	//   a → 10: a = 10, 8, 2, 10 → 100, 75, 0, 100; b = 50, 80, 100, 0;
	//           scores 75, 77.5, 50, 50 → u3 ties u2 at rank 3, gain 1.
	//   b → 10: b = 5, 8, 10, 10 → 0, 60, 100, 100; a = 100, 80, 20, 0;
	//           scores 50, 70, 60, 50 → u3 ties u0 at rank 3, gain 1.
	// Same gain and score: stable order a, b.
	levers, err = WhatIf(whatIfInput(), "u3", WhatIfOptions{Target: map[string]float64{"a": 10, "b": 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(levers) != 2 || levers[0].Indicator != "a" || levers[1].Indicator != "b" {
		t.Fatalf("levers = %+v", levers)
	}
	for _, l := range levers {
		if l.NewRank != 3 || l.Gain != 1 || !closeTo(l.NewScore, 50) {
			t.Errorf("lever %+v", l)
		}
	}

	// Sorted by gain: b → 5 gives b = 0, 60, 100, 0 and u3 still scores 0
	// (gain 0), so a (gain 1) comes first although b was asked first.
	levers, err = WhatIf(whatIfInput(), "u3", WhatIfOptions{Target: map[string]float64{"a": 10, "b": 5}, Indicators: []string{"b", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(levers) != 2 || levers[0].Indicator != "a" || levers[1].Indicator != "b" || levers[1].Gain != 0 || levers[1].NewScore != 0 {
		t.Fatalf("levers = %+v", levers)
	}

	// A target the unit already beats is skipped.
	levers, err = WhatIf(whatIfInput(), "u0", WhatIfOptions{Target: map[string]float64{"a": 5}, Indicators: []string{"a"}})
	if err != nil || len(levers) != 0 {
		t.Errorf("levers %+v, err %v", levers, err)
	}
}

func TestWhatIfDenominatedAndLowerIsBetter(t *testing.T) {
	// a is per 1,000 people and lower is better: u0 20, u1 10, u2 30 per
	// 1,000. u2 moves to the best, 10 per 1,000: its raw value becomes
	// 10·3000/1000 = 30 and a normalises to 100, 100, 100 … with b deciding.
	in := &Input{
		Units:        units(3),
		Indicators:   []Indicator{{ID: "a", Direction: -1}, {ID: "b", Direction: 1}},
		Values:       [][]float64{{20, 10, 90}, {1, 2, 3}},
		Denominators: map[string][]float64{"pop": {1000, 1000, 3000}},
		Tree:         flatTree("a", "b"),
		Config:       Config{Denominate: DenominateConfig{By: map[string]string{"a": "pop"}, Scale: 1000}},
	}
	// Before: a → 50, 100, 0; b → 0, 50, 100; scores 25, 75, 50 → u2 rank 2.
	// After:  a → 0, 100, 100 (min 10 = u1 = u2, max 20); scores 0, 75, 100 → rank 1.
	levers, err := WhatIf(in, "u2", WhatIfOptions{Indicators: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(levers) != 1 {
		t.Fatalf("levers %+v", levers)
	}
	l := levers[0]
	if l.From != 30 || l.To != 10 || l.NewRank != 1 || l.Gain != 1 || !closeTo(l.NewScore, 100) {
		t.Errorf("lever %+v", l)
	}
}

func TestWhatIfErrors(t *testing.T) {
	for _, tt := range []struct {
		unit string
		opts WhatIfOptions
		want string
	}{
		{"zz", WhatIfOptions{}, `unknown unit "zz"`},
		{"u0", WhatIfOptions{Indicators: []string{"zz"}}, `unknown indicator "zz"`},
	} {
		_, err := WhatIf(whatIfInput(), tt.unit, tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
}
