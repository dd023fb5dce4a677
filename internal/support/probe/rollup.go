package probe

import (
	"sort"
	"time"
)

// DefaultWidth is the rollup interval: an hour keeps a year of one system
// at 8,760 rows and still shows a day's shape.
const DefaultWidth = time.Hour

// Rollup summarises the checks of one system in one interval.
type Rollup struct {
	System     string
	Start      time.Time // UTC, a multiple of the width
	Checks     int
	Failures   int
	LatencySum time.Duration // of successful checks
	LatencyMax time.Duration
}

// MeanLatency of the successful checks.
func (r Rollup) MeanLatency() time.Duration {
	if ok := r.Checks - r.Failures; ok > 0 {
		return r.LatencySum / time.Duration(ok)
	}
	return 0
}

// Roller accumulates rollups and hands over the ones whose interval has
// ended. Not safe for concurrent use.
type Roller struct {
	Width time.Duration // 0: DefaultWidth
	open  map[rollKey]*Rollup
}

type rollKey struct {
	system string
	start  int64
}

// Add counts a check.
func (r *Roller) Add(c Result) {
	w := r.width()
	if r.open == nil {
		r.open = map[rollKey]*Rollup{}
	}
	start := c.At.UTC().Truncate(w)
	k := rollKey{c.System, start.UnixNano()}
	ru := r.open[k]
	if ru == nil {
		ru = &Rollup{System: c.System, Start: start}
		r.open[k] = ru
	}
	ru.Checks++
	if !c.OK {
		ru.Failures++
		return
	}
	ru.LatencySum += c.Latency
	ru.LatencyMax = max(ru.LatencyMax, c.Latency)
}

func (r *Roller) width() time.Duration {
	if r.Width <= 0 {
		return DefaultWidth
	}
	return r.Width
}

// Flush returns the rollups whose interval ended at or before now, by
// start and system, and forgets them.
func (r *Roller) Flush(now time.Time) []Rollup {
	var out []Rollup
	for k, ru := range r.open {
		if !ru.Start.Add(r.width()).After(now) {
			out = append(out, *ru)
			delete(r.open, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].System < out[j].System
	})
	return out
}
