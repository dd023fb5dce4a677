package index

import "github.com/cifra-health/cifra/internal/stats"

// competitionRank writes into rank, for the units in idx, 1 = highest score
// with ties sharing the best rank ("1,2,2,4"). Units without a score get 0.
// order is scratch of capacity len(idx) or nil. The rule is the system's
// one (stats.CompetitionRank), shared with the reports and the pages.
func competitionRank(score []float64, idx []int, rank []int, order []int) []int {
	return stats.CompetitionRank(score, idx, rank, order)
}

// groupRanks ranks units within their Unit.Group.
func groupRanks(units []Unit, score []float64) []int {
	out := make([]int, len(units))
	groups := make(map[string][]int)
	var names []string
	for u, unit := range units {
		if _, ok := groups[unit.Group]; !ok {
			names = append(names, unit.Group)
		}
		groups[unit.Group] = append(groups[unit.Group], u)
	}
	for _, g := range names {
		competitionRank(score, groups[g], out, nil)
	}
	return out
}

// grade is the first grade, in the order written, whose Min the score
// reaches; "" when there is no score or none is reached.
func grade(grades []Grade, score float64) string {
	if !present(score) {
		return ""
	}
	for _, g := range grades {
		if g.Min <= score {
			return g.Name
		}
	}
	return ""
}

// leadersLaggards names the best n (best first) and the worst m (worst
// first) of the ranked units, given them sorted best first.
func leadersLaggards(units []Unit, sorted []int, n, m int) (leaders, laggards []string) {
	n, m = min(n, len(sorted)), min(m, len(sorted))
	for _, u := range sorted[:n] {
		leaders = append(leaders, units[u].ID)
	}
	for k := len(sorted) - 1; k >= len(sorted)-m; k-- {
		laggards = append(laggards, units[sorted[k]].ID)
	}
	return leaders, laggards
}
