package index

import "math"

// denominate returns a copy of values with the configured indicators divided
// by their denominator series (times cfg.Scale). A missing, zero or
// non-finite denominator makes the cell missing rather than infinite.
func denominate(values [][]float64, denoms map[string][]float64, cfg DenominateConfig, indIndex map[string]int) [][]float64 {
	out := make([][]float64, len(values))
	for i, row := range values {
		out[i] = append([]float64(nil), row...)
	}
	for id, name := range cfg.By {
		i, ok := indIndex[id]
		if !ok {
			continue // rejected by validateConfigRefs
		}
		d := denoms[name]
		for u, v := range out[i] {
			q := d[u]
			if q == 0 || math.IsNaN(q) || math.IsInf(q, 0) {
				out[i][u] = math.NaN()
				continue
			}
			out[i][u] = v / q * cfg.Scale
		}
	}
	return out
}
