package strategy

import (
	"math"
	"strconv"
	"testing"
)

func facts(year int, values ...float64) []Fact {
	out := make([]Fact, len(values))
	for i, v := range values {
		out[i] = Fact{Year: year + i, Value: v, Period: strconv.Itoa(year + i), Basis: BasisAnnual}
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestTQuantile(t *testing.T) {
	// Published t-table values for the 0.90 quantile.
	for _, c := range []struct {
		df   int
		want float64
	}{{1, 3.077684}, {2, 1.885618}, {3, 1.637744}, {5, 1.475884}, {10, 1.372184}, {30, 1.310415}} {
		if got := tQuantile(0.90, c.df); math.Abs(got-c.want) > 1e-5 {
			t.Errorf("t(0.90; %d) = %.6f, want %.6f", c.df, got, c.want)
		}
	}
}

func TestForecastFor(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name            string
		facts           []Fact
		year            int
		lo, hi          float64
		method          Method
		value, low, hi2 float64
		slope           float64
		interval        bool
		clamped         bool
	}{
		{
			// x = 2019..2022, y = 40, 44, 50, 54. x̄ = 2020.5, ȳ = 47.
			// dx = −1.5, −0.5, 0.5, 1.5 → Sxx = 5; dy = −7, −3, 3, 7 →
			// Sxy = 10.5 + 1.5 + 1.5 + 10.5 = 24 → b = 4.8.
			// Fitted 39.8, 44.6, 49.4, 54.2; residuals 0.2, −0.6, 0.6, −0.2
			// → SSE = 0.8, s = √(0.8 / 2) = 0.632456.
			// 2024: ŷ = 47 + 4.8 × 3.5 = 63.8; t(0.90; 2) = 1.885618;
			// √(1 + 1/4 + 3.5² / 5) = √3.7 = 1.923538;
			// half = 1.885618 × 0.632456 × 1.923538 = 2.293953.
			name: "ols four years", facts: facts(2019, 40, 44, 50, 54), year: 2024, lo: 0, hi: 100,
			method: MethodOLS, value: 63.8, low: 61.506047, hi2: 66.093953, slope: 4.8, interval: true,
		},
		{
			// Lower is better makes no difference to the line: y = 10, 8, 7
			// over 2019..2021. x̄ = 2020, ȳ = 25/3; Sxx = 2;
			// Sxy = (−1)(5/3) + (1)(−4/3) = −3 → b = −1.5.
			// Fitted 59/6, 50/6, 41/6; residuals 1/6, −2/6, 1/6 → SSE = 1/6,
			// s = √(1/6 / 1) = 0.408248. 2023: ŷ = 25/3 − 4.5 = 3.833333;
			// t(0.90; 1) = 3.077684; √(1 + 1/3 + 9/2) = 2.415229;
			// half = 3.077684 × 0.408248 × 2.415229 = 3.034637.
			name: "ols three years falling", facts: facts(2019, 10, 8, 7), year: 2023, lo: 0, hi: inf,
			method: MethodOLS, value: 3.833333, low: 0.798696, hi2: 6.867970, slope: -1.5, interval: true,
		},
		{
			// A perfect line leaves no residual: the interval closes.
			name: "ols exact line", facts: facts(2019, 10, 20, 30), year: 2022, lo: 0, hi: 100,
			method: MethodOLS, value: 40, low: 40, hi2: 40, slope: 10, interval: true,
		},
		{
			// Two points: b = (36 − 30) / 1 = 6; h = 2024 − 2020 = 4;
			// ŷ = 36 + 24 = 60; half = |6| × 4 = 24 → [36, 84].
			name: "two points", facts: facts(2019, 30, 36), year: 2024, lo: 0, hi: 100,
			method: MethodTwoPoints, value: 60, low: 36, hi2: 84, slope: 6, interval: true,
		},
		{
			// Two points two years apart: b = (50 − 42) / 2 = 4; h = 1.
			name: "two points with a gap", facts: []Fact{{Year: 2019, Value: 42}, {Year: 2021, Value: 50}}, year: 2022, lo: 0, hi: 100,
			method: MethodTwoPoints, value: 54, low: 50, hi2: 58, slope: 4, interval: true,
		},
		{
			// A share: b = 5, h = 3 → ŷ = 95 + 15 = 110 → 100; low 95, high
			// 125 → 100.
			name: "share clamped at 100", facts: facts(2020, 90, 95), year: 2024, lo: 0, hi: 100,
			method: MethodTwoPoints, value: 100, low: 95, hi2: 100, slope: 5, interval: true, clamped: true,
		},
		{
			// Days falling 3 a year to 5: h = 3, ŷ = 5 − 9 = −4 → 0;
			// half = 3 × 3 = 9 → [−13, 5] → [0, 5].
			name: "count clamped at 0", facts: facts(2020, 8, 5), year: 2023, lo: 0, hi: inf,
			method: MethodTwoPoints, value: 0, low: 0, hi2: 5, slope: -3, interval: true, clamped: true,
		},
		{
			name: "one point", facts: facts(2020, 55), year: 2024, lo: 0, hi: 100,
			method: MethodLastValue, value: 55, low: 55, hi2: 55,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ok := ForecastFor(c.facts, c.year, c.lo, c.hi)
			if !ok {
				t.Fatal("no forecast")
			}
			if f.Method != c.method || f.Interval != c.interval || f.Clamped != c.clamped || f.Points != len(c.facts) {
				t.Errorf("method %s interval %v clamped %v points %d, want %s %v %v %d", f.Method, f.Interval, f.Clamped, f.Points, c.method, c.interval, c.clamped, len(c.facts))
			}
			if !near(f.Value, c.value) || !near(f.Low, c.low) || !near(f.High, c.hi2) || !near(f.Slope, c.slope) {
				t.Errorf("forecast %.6f [%.6f, %.6f] slope %.6f, want %.6f [%.6f, %.6f] slope %.6f", f.Value, f.Low, f.High, f.Slope, c.value, c.low, c.hi2, c.slope)
			}
		})
	}
	if _, ok := ForecastFor(nil, 2024, 0, 100); ok {
		t.Error("a forecast without facts")
	}
}
