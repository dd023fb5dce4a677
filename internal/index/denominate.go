package index

import "math"

// denominate returns values with the configured indicators divided by their
// denominator series (times cfg.ScaleOf the indicator). Only those rows are copied; the
// others are shared with values. A missing, zero or non-finite denominator
// makes the cell missing rather than infinite.
func denominate(values [][]float64, denoms map[string][]float64, cfg DenominateConfig, indIndex map[string]int) [][]float64 {
	out := make([][]float64, len(values))
	copy(out, values)
	for id, name := range cfg.By {
		i, ok := indIndex[id]
		if !ok {
			continue // rejected by validateConfigRefs
		}
		d := denoms[name]
		scale := cfg.ScaleOf(id)
		out[i] = make([]float64, len(values[i]))
		for u, v := range values[i] {
			q := d[u]
			if q == 0 || math.IsNaN(q) || math.IsInf(q, 0) {
				out[i][u] = math.NaN()
				continue
			}
			out[i][u] = v / q * scale
		}
	}
	return out
}
