package index

// screen marks units whose share of observed (pre-imputation) values over the
// indicators used in the tree is below minAvail. Indicators outside the tree
// do not count: they cannot affect the score.
func screen(denom [][]float64, used []bool, nUnits int, minAvail float64) []bool {
	out := make([]bool, nUnits)
	if minAvail <= 0 {
		return out
	}
	total := 0
	for _, u := range used {
		if u {
			total++
		}
	}
	for u := range nUnits {
		have := 0
		for i, row := range denom {
			if used[i] && present(row[u]) {
				have++
			}
		}
		// Divide rather than multiply minAvail: 7/10 rounds to the literal
		// 0.7, while 0.7*10 rounds above 7.
		out[u] = float64(have)/float64(total) < minAvail
	}
	return out
}
