package index

import (
	"slices"

	"github.com/cifra-health/cifra/internal/stats"
)

// ranker ranks many score vectors of the same units, re-using its memory.
// It gives the ranks competitionRank gives (1 = highest, ties by rankKey
// sharing the best rank, 0 without a score) at a fraction of the cost:
// every node of a tree is ranked in each run and Monte Carlo draw, and
// competitionRank's stable sort rounds both keys in every comparison.
type ranker struct {
	order []keyed
}

type keyed struct {
	key float64 // stats.RankKey of the score, never NaN
	u   int
}

// rank writes the ranks of score (all units) into rank.
func (r *ranker) rank(score []float64, rank []int) {
	order := r.order[:0]
	for u, s := range score {
		if present(s) {
			order = append(order, keyed{stats.RankKey(s), u})
		} else {
			rank[u] = 0
		}
	}
	slices.SortFunc(order, func(a, b keyed) int {
		switch {
		case a.key > b.key:
			return -1
		case a.key < b.key:
			return 1
		}
		return a.u - b.u
	})
	for k, o := range order {
		if k > 0 && o.key == order[k-1].key {
			rank[o.u] = rank[order[k-1].u]
		} else {
			rank[o.u] = k + 1
		}
	}
	r.order = order
}
