package strategy

import (
	"math"
	"testing"

	"github.com/cifra-health/cifra/internal/index"
)

var (
	share = Measure{ID: "share", Name: "Доля", Unit: "%", Direction: index.HigherIsBetter, Lo: 0, Hi: 100}
	days  = Measure{ID: "days", Name: "Срок", Unit: "дн.", Direction: index.LowerIsBetter, Lo: 0, Hi: math.Inf(1)}
)

func TestAssess(t *testing.T) {
	// rising: 40, 44, 50, 54 over 2019..2022; its 2024 forecast is 63.8
	// with the 80 % interval [61.506, 66.094] (see TestForecastFor).
	rising := facts(2019, 40, 44, 50, 54)
	// falling days: 10, 8, 7 over 2019..2021; 2023 forecast 3.833 in
	// [0.799, 6.868].
	falling := facts(2019, 10, 8, 7)
	cases := []struct {
		name  string
		m     Measure
		facts []Fact
		year  int
		plan  float64
		asOf  int
		want  Status
	}{
		// A year that is over is judged on its own fact.
		{"past year reached", share, rising, 2021, 50, 2022, Achieved},
		{"past year exactly reached", share, rising, 2022, 54, 2022, Achieved},
		{"past year missed", share, rising, 2021, 50.5, 2022, Lagging},
		{"past year without fact", share, facts(2019, 40), 2021, 45, 2022, NoData},
		{"lower is better, past year reached", days, falling, 2021, 7.5, 2021, Achieved},
		{"lower is better, past year missed", days, falling, 2020, 7.5, 2021, Lagging},
		// Ahead: the latest fact 54 already reaches 52.
		{"already reached", share, rising, 2024, 52, 2022, Achieved},
		// 63.8 ≥ 62.
		{"on track", share, rising, 2024, 62, 2022, OnTrack},
		// 63.8 < 65 ≤ 66.094.
		{"lagging: interval reaches", share, rising, 2024, 65, 2022, Lagging},
		// 66.094 < 70.
		{"at risk", share, rising, 2024, 70, 2022, AtRisk},
		// Lower is better: 3.833 ≤ 4.
		{"lower is better on track", days, falling, 2023, 4, 2021, OnTrack},
		// 3.833 > 2 ≥ 0.799 (the favourable end is the low one).
		{"lower is better lagging", days, falling, 2023, 2, 2021, Lagging},
		// 0.799 > 0.5.
		{"lower is better at risk", days, falling, 2023, 0.5, 2021, AtRisk},
		// One fact, 55 < 60, no trend to judge: lagging, not at risk.
		{"one fact behind", share, facts(2020, 55), 2024, 60, 2020, Lagging},
		// Two facts falling: 50, 45 → 2022: ŷ = 35, half = 5 × 2 = 10, so
		// the favourable end is 45 < 55.
		{"two facts falling", share, facts(2019, 50, 45), 2022, 55, 2020, AtRisk},
		// Two facts rising too slowly: 30, 36 → 2024: ŷ = 60 < 70 ≤ 84.
		{"two facts rising slowly", share, facts(2019, 30, 36), 2024, 70, 2020, Lagging},
		// Facts after asOf are not known yet: only 40, 44 count, so the
		// 2024 forecast is 44 + 4 × 4 = 60 < 65 ≤ 44 + 2 × 16 = 76.
		{"facts after asOf ignored", share, rising, 2024, 65, 2020, Lagging},
		{"no facts", share, nil, 2024, 50, 2022, NoData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := Assess(c.m, c.facts, c.year, c.plan, c.asOf)
			if a.Status != c.want {
				t.Errorf("status %s, want %s (forecast %+v)", a.Status, c.want, a.Forecast)
			}
			if c.year <= c.asOf && a.Status != NoData && (a.Fact == nil || a.Fact.Year != c.year) {
				t.Errorf("a past year's status without its fact: %+v", a.Fact)
			}
			if (a.Status == OnTrack || a.Status == AtRisk) && (a.Forecast == nil || a.Forecast.Year != c.year) {
				t.Errorf("%s without a forecast for %d", a.Status, c.year)
			}
		})
	}
}

func TestStatusLabels(t *testing.T) {
	want := map[Status]string{Achieved: "достигнуто", OnTrack: "в графике", Lagging: "отстаёт", AtRisk: "под угрозой", NoData: "нет данных"}
	for _, s := range Statuses {
		if s.Label() != want[s] {
			t.Errorf("%s: label %q, want %q", s, s.Label(), want[s])
		}
	}
}

func TestProgress(t *testing.T) {
	cases := []struct {
		base, v, target, want float64
		ok                    bool
	}{
		{40, 50, 60, 50, true},  // (50 − 40) / (60 − 40) = 0.5
		{40, 70, 60, 150, true}, // beyond the target
		{40, 30, 60, -50, true}, // moved away
		{10, 7, 4, 50, true},    // lower is better: (7 − 10) / (4 − 10) = 0.5
		{50, 55, 50, 0, false},  // target = baseline: no share of the way
	}
	for _, c := range cases {
		got, ok := Progress(c.base, c.v, c.target)
		if ok != c.ok || (ok && !near(got, c.want)) {
			t.Errorf("Progress(%g, %g, %g) = %g, %v; want %g, %v", c.base, c.v, c.target, got, ok, c.want, c.ok)
		}
	}
}
