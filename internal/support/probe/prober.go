package probe

import (
	"container/heap"
	"context"
	"log/slog"
	"time"
)

// DefaultConcurrency bounds checks in flight: a slow region must not
// starve the rest, and 30,000 targets a minute is 500 a second.
const DefaultConcurrency = 64

// Sink receives what the prober learns. Its methods are called from one
// goroutine, in order.
type Sink interface {
	// Change: a system went down or came back (open or resolve its
	// outage incident).
	Change(ctx context.Context, c Change)
	// Rollups: finished intervals to store.
	Rollups(ctx context.Context, rs []Rollup)
}

// Prober schedules checks.
type Prober struct {
	Checker     *Checker
	Concurrency int
	Failures    int
	Width       time.Duration // rollup width
	Log         *slog.Logger
	// Down lists systems in an open outage at start.
	Down []string
}

// Run checks targets until ctx ends. targets is read at start and again
// on every value from reload (the register changed); a removed target is
// no longer checked, a new one is checked at once.
func (p *Prober) Run(ctx context.Context, targets func(context.Context) ([]Target, error), reload <-chan struct{}, sink Sink) error {
	conc := p.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tracker := NewTracker(p.Failures, p.Down)
	roller := &Roller{Width: p.Width}
	results := make(chan Result, conc)
	sem := make(chan struct{}, conc)
	q := &queue{}
	known := map[string]Target{}
	gen := map[string]int{} // the queue entry in force per system
	busy := map[string]bool{}

	load := func() {
		list, err := targets(ctx)
		if err != nil {
			log.Error("probe targets", "err", err)
			return
		}
		next := map[string]Target{}
		for _, t := range list {
			next[t.System] = t
			if old, ok := known[t.System]; !ok || old.Probe != t.Probe {
				gen[t.System]++
				heap.Push(q, &item{t: t, due: time.Now(), gen: gen[t.System]})
			}
		}
		for s := range known {
			if _, ok := next[s]; !ok {
				tracker.Forget(s) // gen stays: a stale queue entry must not match a re-added target
			}
		}
		known = next
	}
	load()
	timer := time.NewTimer(0)
	defer timer.Stop()
	flush := time.NewTicker(min(roller.width(), time.Minute))
	defer flush.Stop()
	inflight := 0
	for {
		// Launch what is due; a target still being checked waits for its
		// next turn rather than piling up.
		now := time.Now()
		for q.Len() > 0 && !(*q)[0].due.After(now) {
			it := heap.Pop(q).(*item)
			t, ok := known[it.t.System]
			if !ok || it.gen != gen[t.System] {
				continue // removed or changed: the new entry is queued
			}
			// The next turn keeps the cadence; after a long stall it
			// starts from now instead of firing the missed turns.
			due := it.due.Add(t.Probe.Interval)
			if due.Before(now) {
				due = now
			}
			heap.Push(q, &item{t: t, due: due, gen: it.gen})
			if busy[t.System] {
				continue
			}
			select {
			case sem <- struct{}{}:
			default:
				continue // all slots busy: skip this turn
			}
			busy[t.System] = true
			inflight++
			go func() {
				r := p.Checker.Check(ctx, t)
				<-sem
				results <- r
			}()
		}
		if q.Len() > 0 {
			timer.Reset(time.Until((*q)[0].due))
		}
		select {
		case <-ctx.Done():
			for ; inflight > 0; inflight-- {
				<-results
			}
			sink.Rollups(context.WithoutCancel(ctx), roller.Flush(time.Now().Add(roller.width())))
			return nil
		case <-reload:
			load()
		case r := <-results:
			inflight--
			delete(busy, r.System)
			if _, ok := known[r.System]; !ok {
				continue
			}
			if ctx.Err() != nil {
				continue
			}
			roller.Add(r)
			if c, ok := tracker.Observe(r); ok {
				sink.Change(ctx, c)
			}
		case <-flush.C:
			if rs := roller.Flush(time.Now()); len(rs) > 0 {
				sink.Rollups(ctx, rs)
			}
		case <-timer.C:
		}
	}
}

type item struct {
	t   Target
	due time.Time
	gen int
}

type queue []*item

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q queue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)        { *q = append(*q, x.(*item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
