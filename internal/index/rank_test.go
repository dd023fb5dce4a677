package index

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCompetitionRank(t *testing.T) {
	tests := []struct {
		name  string
		score []float64
		want  []int
	}{
		{"ties share the best rank", []float64{30, 20, 20, 5}, []int{1, 2, 2, 4}},
		{"float noise is a tie", []float64{20 + 1e-12, 30, 20, 5}, []int{2, 1, 2, 4}},
		{"real difference is not", []float64{20 + 1e-6, 30, 20, 5}, []int{2, 1, 3, 4}},
		{"missing is unranked", []float64{nan, 1, 2}, []int{0, 2, 1}},
		{"all tied", []float64{7, 7, 7}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := make([]int, len(tt.score))
			for i := range idx {
				idx[i] = i
			}
			got := make([]int, len(tt.score))
			competitionRank(tt.score, idx, got, nil)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRanksGradesLeaders(t *testing.T) {
	// Goalposts [0, 100] keep the raw values as scores.
	in := &Input{
		Units:      units(6, "north", "north", "south", "south", "south", "north"),
		Indicators: hib("a"),
		Values:     [][]float64{{90, 50, 50, 75, 10, 49.5}},
		Tree:       flatTree("a"),
		Config: Config{
			Normalise: NormaliseConfig{Method: NormGoalposts, Goalposts: map[string][2]float64{"a": {0, 100}}},
			Grades:    []Grade{{Name: "A", Min: 75}, {Name: "B", Min: 50}, {Name: "C", Min: 20}},
			Leaders:   2,
			Laggards:  3,
		},
	}
	r := mustRun(t, in)
	// Scores 90, 50, 50, 75, 10, 49.5 → 1, 3, 3, 2, 6, 5.
	if want := []int{1, 3, 3, 2, 6, 5}; !slices.Equal(r.Rank, want) {
		t.Errorf("Rank = %v, want %v", r.Rank, want)
	}
	// north: u0 90, u1 50, u5 49.5 → 1, 2, 3; south: u2 50, u3 75, u4 10 → 2, 1, 3.
	if want := []int{1, 2, 2, 1, 3, 3}; !slices.Equal(r.GroupRank, want) {
		t.Errorf("GroupRank = %v, want %v", r.GroupRank, want)
	}
	// 75 reaches A exactly; 49.5 only C; 10 nothing.
	if want := []string{"A", "B", "B", "A", "", "C"}; !slices.Equal(r.Grade, want) {
		t.Errorf("Grade = %v, want %v", r.Grade, want)
	}
	if want := []string{"u0", "u3"}; !slices.Equal(r.Leaders, want) {
		t.Errorf("Leaders = %v, want %v", r.Leaders, want)
	}
	// Worst first; the 50/50 tie keeps unit order, so u2 is the later one.
	if want := []string{"u4", "u5", "u2"}; !slices.Equal(r.Laggards, want) {
		t.Errorf("Laggards = %v, want %v", r.Laggards, want)
	}
}

func TestLeadersCappedAtRanked(t *testing.T) {
	in := &Input{
		Units: units(2), Indicators: hib("a"), Values: [][]float64{{1, 2}},
		Tree: flatTree("a"), Config: Config{Leaders: 5, Laggards: 5},
	}
	r := mustRun(t, in)
	if !slices.Equal(r.Leaders, []string{"u1", "u0"}) || !slices.Equal(r.Laggards, []string{"u0", "u1"}) {
		t.Errorf("leaders %v laggards %v", r.Leaders, r.Laggards)
	}
}

func TestRankerMatchesCompetitionRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var rk ranker
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		score := make([]float64, n)
		for u := range score {
			switch rng.IntN(4) {
			case 0:
				score[u] = nan
			case 1:
				score[u] = float64(rng.IntN(5)) // ties
			default:
				score[u] = rng.NormFloat64() * 10
			}
		}
		all := make([]int, n)
		for u := range all {
			all[u] = u
		}
		want, got := make([]int, n), make([]int, n)
		competitionRank(score, all, want, nil)
		rk.rank(score, got)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: ranker %v, competitionRank %v (scores %v)", trial, got, want, score)
		}
	}
}
