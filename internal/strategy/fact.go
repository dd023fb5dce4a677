package strategy

import (
	"cmp"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/period"
)

// Basis says which period's value a year's fact is.
type Basis string

// Bases of a fact.
const (
	BasisAnnual      Basis = "annual"       // the value of the yearly period
	BasisLastQuarter Basis = "last_quarter" // the value of the fourth quarter
)

// Label is the Russian phrase shown beside a fact.
func (b Basis) Label() string {
	switch b {
	case BasisAnnual:
		return "по итогам года"
	case BasisLastQuarter:
		return "по IV кварталу"
	}
	return ""
}

// Fact is a year's fact of one measure for one region.
type Fact struct {
	Year   int     `json:"year"`
	Value  float64 `json:"value"`
	Period string  `json:"period"` // "2024" or "2024Q4"
	Basis  Basis   `json:"basis"`
}

// FactPeriod is the period whose value is a year's fact for a methodology
// computed for the given period types: the year itself where the
// methodology has yearly periods, else the year's fourth quarter. ok is
// false when it has neither yearly nor quarterly periods.
func FactPeriod(types []period.Type, year int) (p period.Period, b Basis, ok bool) {
	switch {
	case slices.Contains(types, period.Yearly):
		return period.Of(yearStart(year), period.Yearly), BasisAnnual, true
	case slices.Contains(types, period.Quarterly):
		return period.Of(yearStart(year).AddDate(0, 9, 0), period.Quarterly), BasisLastQuarter, true
	}
	return period.Period{}, "", false
}

// YearFact is the fact of year: the value of FactPeriod, never another
// period (a missing annual value is no fact even if the quarters exist,
// because the rating of the year is what the federal centre reads).
func YearFact(types []period.Type, year int, value func(period.Period) (float64, bool)) (Fact, bool) {
	p, b, ok := FactPeriod(types, year)
	if !ok || p.IsZero() {
		return Fact{}, false
	}
	v, ok := value(p)
	if !ok {
		return Fact{}, false
	}
	return Fact{Year: year, Value: v, Period: p.String(), Basis: b}, true
}

// Series is a measure's computed values for one region by period id.
type Series map[string]float64

// Facts are the facts of every year s has a fact period for, oldest first.
func (s Series) Facts(types []period.Type) []Fact {
	years := map[int]bool{}
	for id := range s {
		if p, err := period.Parse(id); err == nil {
			years[p.Year()] = true
		}
	}
	var out []Fact
	for y := range years {
		f, ok := YearFact(types, y, func(p period.Period) (float64, bool) {
			v, ok := s[p.String()]
			return v, ok
		})
		if ok {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b Fact) int { return cmp.Compare(a.Year, b.Year) })
	return out
}

// factOf returns the fact of year among facts sorted by year.
func factOf(facts []Fact, year int) (Fact, bool) {
	i, ok := slices.BinarySearchFunc(facts, year, func(f Fact, y int) int { return cmp.Compare(f.Year, y) })
	if !ok {
		return Fact{}, false
	}
	return facts[i], true
}

func yearStart(y int) time.Time { return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC) }
