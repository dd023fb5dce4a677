// Package stats holds the few descriptive statistics that several packages
// need with the same conventions (NaN for no data, inputs left unchanged).
package stats

import (
	"math"
	"slices"
)

// Median of xs, the mean of the two middle values for an even count; NaN
// for none. It sorts a copy: xs is not changed.
func Median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
