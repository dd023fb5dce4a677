package strategy

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// DemoTargets proposes a plausible strategy for one key from the region's
// facts, for the demo: the targets start from the fact of baseYear (or
// the latest fact before it) and move in the good direction at the
// region's past pace times an ambition drawn per key from seed, between
// 0.5 (an easy plan: the region will be ahead) and 1.8 (a hard one: it
// will lag). Without a usable past pace (one fact, or the trend going the
// wrong way) the pace is 4 % of the measure's range a year, or 5 % of the
// baseline for unbounded measures. Targets stay within the measure's
// bounds and are rounded to one decimal. Only facts up to baseYear are
// read: a strategy is written before the years it plans.
func DemoTargets(k Key, m Measure, facts []Fact, baseYear int, years []int, seed uint64) []Entry {
	known := factsUpTo(facts, baseYear)
	if len(known) == 0 || len(years) == 0 {
		return nil
	}
	base := known[len(known)-1]
	d := float64(m.Direction)
	pace := 0.0
	if f, ok := ForecastFor(known, base.Year+1, math.Inf(-1), math.Inf(1)); ok && f.Points >= 2 && d*f.Slope > 0 {
		pace = math.Abs(f.Slope)
	}
	if pace == 0 {
		if math.IsInf(m.Hi, 1) {
			pace = 0.05 * math.Abs(base.Value)
		} else {
			pace = 0.04 * (m.Hi - m.Lo)
		}
	}
	rng := rand.New(rand.NewPCG(seed, keyHash(k)))
	ambition := 0.5 + 1.3*rng.Float64()
	var out []Entry
	for _, y := range years {
		if y <= base.Year {
			continue
		}
		v := base.Value + d*pace*ambition*float64(y-base.Year)
		v = math.Min(math.Max(v, m.Lo), m.Hi)
		v = math.Round(v*10) / 10
		out = append(out, Entry{Key: k, Year: y, Value: v})
	}
	return out
}

func keyHash(k Key) uint64 {
	h := fnv.New64a()
	for _, s := range []string{k.Region, k.Methodology, k.Indicator} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}
