package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRanks(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		in   []float64
		want []int
	}{
		{[]float64{3, 2, 2, 1}, []int{1, 2, 2, 4}},
		{[]float64{1, nan, 5, 5}, []int{3, 0, 1, 1}},
		{[]float64{0.1 + 0.2, 0.3, 0.2}, []int{1, 1, 3}}, // float noise is a tie
		{[]float64{-1, -1e-10, 0}, []int{3, 1, 1}},       // within 1e-9 of 0
		{nil, []int{}},
	} {
		if got := Ranks(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Ranks(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestRankOfAgrees: the single-unit rank is the full ranking's, on random
// scores with many ties and gaps.
func TestRankOfAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		xs := make([]float64, rng.IntN(30))
		for i := range xs {
			switch rng.IntN(5) {
			case 0:
				xs[i] = math.NaN()
			case 1:
				xs[i] = float64(rng.IntN(4)) + 1e-12 // a tie by RankKey
			default:
				xs[i] = float64(rng.IntN(4))
			}
		}
		ranks := Ranks(xs)
		for i, x := range xs {
			if got := RankOf(xs, x); got != ranks[i] {
				t.Fatalf("RankOf(%v, %v) = %d, Ranks gives %d", xs, x, got, ranks[i])
			}
		}
	}
}

func TestCompetitionRankOrder(t *testing.T) {
	score := []float64{5, 7, 5, math.NaN(), 9}
	rank := make([]int, len(score))
	order := CompetitionRank(score, []int{0, 1, 2, 3, 4}, rank, make([]int, 0, 5))
	if !slices.Equal(order, []int{4, 1, 0, 2}) || !slices.Equal(rank, []int{3, 2, 3, 0, 1}) {
		t.Errorf("order %v rank %v", order, rank)
	}
	if n := testing.AllocsPerRun(100, func() { CompetitionRank(score, []int{0, 1, 2, 3, 4}, rank, order) }); n > 0 {
		t.Errorf("%v allocations with scratch", n)
	}
}
