// Package recompute runs the background recomputation that follows every
// write: a write names what it affected (a methodology and periods), the
// scheduler coalesces bursts of such requests, and runs one computation at
// a time per methodology, never inside the write and never two at once for
// the same methodology. Callers see, per methodology, whether a newer
// result is being computed and when the last run finished, so that pages
// can say «пересчитывается…».
package recompute

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// Work recomputes methodology for periods (nil: every period). It must
// publish its result atomically: readers see either the old or the new.
type Work func(ctx context.Context, methodology string, periods []string) error

// Status is what a page says about a methodology's result.
type Status struct {
	// Pending is true while a recomputation is queued or running.
	Pending bool
	// Since is when the oldest change not yet in a result was requested.
	Since time.Time
	// Done is when the last run finished, and Err its error.
	Done time.Time
	Err  error
	Runs int
}

// Scheduler coalesces and runs recomputations.
type Scheduler struct {
	work  Work
	log   *slog.Logger
	delay time.Duration
	now   func() time.Time

	mu     sync.Mutex
	queues map[string]*queue
	wg     sync.WaitGroup
	ctx    context.Context
}

type queue struct {
	all     bool                // every period
	periods map[string]struct{} // requested since the run started
	running bool
	since   time.Time
	done    time.Time
	err     error
	runs    int
	idle    *sync.Cond
}

// Options of a scheduler.
type Options struct {
	// Delay is how long a request waits for others to join it before the
	// run starts (a burst of form saves becomes one run).
	Delay time.Duration
	Log   *slog.Logger
	Now   func() time.Time
}

// New returns a scheduler whose runs live on ctx: when it ends, queued
// work is dropped and runs under way see a cancelled context.
func New(ctx context.Context, work Work, opt Options) *Scheduler {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Scheduler{work: work, log: opt.Log, delay: opt.Delay, now: opt.Now, queues: map[string]*queue{}, ctx: ctx}
}

// Request schedules methodology for periods (none: all of them) and returns
// at once.
func (s *Scheduler) Request(methodology string, periods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return
	}
	q := s.queues[methodology]
	if q == nil {
		q = &queue{periods: map[string]struct{}{}}
		q.idle = sync.NewCond(&s.mu)
		s.queues[methodology] = q
	}
	if q.since.IsZero() {
		q.since = s.now()
	}
	if len(periods) == 0 {
		q.all = true
	}
	for _, p := range periods {
		q.periods[p] = struct{}{}
	}
	if !q.running {
		q.running = true
		s.wg.Go(func() { s.loop(methodology, q) })
	}
}

// loop runs one methodology's queue until it is empty.
func (s *Scheduler) loop(methodology string, q *queue) {
	for {
		if s.delay > 0 {
			select {
			case <-time.After(s.delay):
			case <-s.ctx.Done():
			}
		}
		s.mu.Lock()
		if s.ctx.Err() != nil || (!q.all && len(q.periods) == 0) {
			q.running = false
			q.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		var periods []string
		if !q.all {
			periods = slices.Sorted(maps.Keys(q.periods))
		}
		q.all, q.periods = false, map[string]struct{}{}
		s.mu.Unlock()

		start := s.now()
		err := s.work(s.ctx, methodology, periods)
		s.mu.Lock()
		q.done, q.err = s.now(), err
		q.runs++
		if !q.all && len(q.periods) == 0 {
			q.since = time.Time{} // nothing newer is waiting
		}
		s.mu.Unlock()
		if err != nil {
			s.log.Error("recompute", "methodology", methodology, "periods", periods, "err", err)
		} else {
			s.log.Info("recompute", "methodology", methodology, "periods", len(periods), "duration", s.now().Sub(start).Round(time.Millisecond))
		}
	}
}

// Status of methodology's recomputation.
func (s *Scheduler) Status(methodology string) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[methodology]
	if q == nil {
		return Status{}
	}
	return Status{Pending: q.running || q.all || len(q.periods) > 0, Since: q.since, Done: q.done, Err: q.err, Runs: q.runs}
}

// Wait blocks until methodology's queue is empty (tests, the CLI's
// "--wait"), or ctx ends.
func (s *Scheduler) Wait(ctx context.Context, methodology string) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if q := s.queues[methodology]; q != nil {
			q.idle.Broadcast()
		}
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		q := s.queues[methodology]
		if q == nil || !q.running {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		q.idle.Wait()
	}
}

// Close waits for the runs under way; call it after cancelling the context
// given to New.
func (s *Scheduler) Close() { s.wg.Wait() }
