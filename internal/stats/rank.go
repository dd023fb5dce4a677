package stats

import (
	"cmp"
	"math"
	"slices"
)

// RankKey is the value ranks compare: a score rounded to 1e-9, so that
// float noise (a different summation order) does not split a tie.
func RankKey(s float64) float64 { return math.Round(s*1e9) / 1e9 }

// CompetitionRank is the one ranking rule of the system: for the units in
// idx, rank[u] is 1 for the highest score, ties (equal RankKey) share the
// best rank ("1, 2, 2, 4"), and a unit without a score (NaN) gets 0. It
// returns the ranked units best first, ties in idx order; order is scratch
// of capacity len(idx), or nil. The Monte Carlo loop calls it per draw,
// so it allocates nothing when given scratch.
func CompetitionRank(score []float64, idx []int, rank []int, order []int) []int {
	order = order[:0]
	for _, u := range idx {
		if math.IsNaN(score[u]) {
			rank[u] = 0
		} else {
			order = append(order, u)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(RankKey(score[b]), RankKey(score[a]))
	})
	for k, u := range order {
		if k > 0 && RankKey(score[u]) == RankKey(score[order[k-1]]) {
			rank[u] = rank[order[k-1]]
		} else {
			rank[u] = k + 1
		}
	}
	return order
}

// Ranks is CompetitionRank over every element of scores (1 = highest).
func Ranks(scores []float64) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	rank := make([]int, len(scores))
	CompetitionRank(scores, idx, rank, nil)
	return rank
}

// RankOf is the rank v takes among xs by CompetitionRank's rule, for a v
// that is one of xs: one more than the number of xs scoring higher; 0 for
// NaN. It needs no sort, for a single unit's rank.
func RankOf(xs []float64, v float64) int {
	if math.IsNaN(v) {
		return 0
	}
	k, r := RankKey(v), 1
	for _, x := range xs {
		if !math.IsNaN(x) && RankKey(x) > k {
			r++
		}
	}
	return r
}
