package strategy

import "github.com/cifra-health/cifra/internal/index"

// Status is where a region stands against one year's target.
type Status string

// Statuses. The rule is Assess; docs/strategy.md states it for people.
const (
	Achieved Status = "achieved" // достигнуто
	OnTrack  Status = "on_track" // в графике
	Lagging  Status = "lagging"  // отстаёт
	AtRisk   Status = "at_risk"  // под угрозой
	NoData   Status = "no_data"  // нет данных
)

// Statuses lists the statuses from best to worst, then NoData.
var Statuses = []Status{Achieved, OnTrack, Lagging, AtRisk, NoData}

// Label is the Russian word shown to users.
func (s Status) Label() string {
	switch s {
	case Achieved:
		return "достигнуто"
	case OnTrack:
		return "в графике"
	case Lagging:
		return "отстаёт"
	case AtRisk:
		return "под угрозой"
	case NoData:
		return "нет данных"
	}
	return string(s)
}

// Assessment is a status with what it was decided on.
type Assessment struct {
	Status Status
	// Fact is the fact of the target year, when there is one.
	Fact *Fact
	// Latest is the newest fact before the target year, used when the
	// year has no fact yet.
	Latest *Fact
	// Forecast is the forecast for the target year, made when the year
	// has no fact yet and the latest fact does not reach the target.
	Forecast *Forecast
}

// Assess applies the status rule to the target plan of year, given the
// yearly facts (sorted by year) and the measure's direction and bounds.
// asOf is the last year whose fact can exist (the current year − 1 in
// production, so that a year in progress is forecast, not judged):
//
//  1. The year is over (year ≤ asOf): достигнуто if its fact reaches the
//     target, отстаёт if it does not, нет данных without a fact.
//  2. The year is ahead: with no fact at all, нет данных; достигнуто if the
//     latest fact already reaches the target; otherwise a forecast for the
//     year from the facts (ForecastFor): в графике if the forecast reaches
//     the target; отстаёт if it does not but the favourable end of the
//     80 % interval does (or there is no interval: one fact); под угрозой
//     if even the favourable end falls short.
//
// "Reaches" is Meets: at least the target when higher is better, at most
// when lower is better.
func Assess(m Measure, facts []Fact, year int, plan float64, asOf int) Assessment {
	d := m.Direction
	if year <= asOf {
		f, ok := factOf(facts, year)
		if !ok {
			return Assessment{Status: NoData}
		}
		a := Assessment{Fact: &f, Status: Lagging}
		if Meets(d, f.Value, plan) {
			a.Status = Achieved
		}
		return a
	}
	known := factsUpTo(facts, asOf)
	if len(known) == 0 {
		return Assessment{Status: NoData}
	}
	latest := known[len(known)-1]
	a := Assessment{Latest: &latest}
	if Meets(d, latest.Value, plan) {
		a.Status = Achieved
		return a
	}
	fc, _ := ForecastFor(known, year, m.Lo, m.Hi)
	a.Forecast = &fc
	favourable := fc.High
	if d == index.LowerIsBetter {
		favourable = fc.Low
	}
	switch {
	case Meets(d, fc.Value, plan):
		a.Status = OnTrack
	case !fc.Interval || Meets(d, favourable, plan):
		a.Status = Lagging
	default:
		a.Status = AtRisk
	}
	return a
}

// factsUpTo is the prefix of facts (sorted by year) up to year.
func factsUpTo(facts []Fact, year int) []Fact {
	n := 0
	for n < len(facts) && facts[n].Year <= year {
		n++
	}
	return facts[:n]
}
