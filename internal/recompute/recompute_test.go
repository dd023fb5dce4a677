package recompute

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a Work that records its runs and can be held.
type recorder struct {
	mu      sync.Mutex
	runs    [][]string
	active  map[string]int
	maxConc map[string]int
	hold    chan struct{} // when set, each run waits for a receive
	err     error
}

func newRecorder() *recorder {
	return &recorder{active: map[string]int{}, maxConc: map[string]int{}}
}

func (r *recorder) work(ctx context.Context, m string, periods []string) error {
	r.mu.Lock()
	r.active[m]++
	r.maxConc[m] = max(r.maxConc[m], r.active[m])
	r.runs = append(r.runs, append([]string{m}, periods...))
	hold := r.hold
	r.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
		}
	}
	r.mu.Lock()
	r.active[m]--
	r.mu.Unlock()
	return r.err
}

func TestCoalescesABurst(t *testing.T) {
	r := newRecorder()
	r.hold = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(ctx, r.work, Options{})
	s.Request("hdm", "2026Q1")
	// The first run starts at once and is held; everything requested
	// meanwhile joins one second run.
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.runs) == 1 })
	for i := range 100 {
		s.Request("hdm", []string{"2026Q2", "2026Q3", "2026"}[i%3])
	}
	if st := s.Status("hdm"); !st.Pending || st.Since.IsZero() {
		t.Errorf("status during a run: %+v", st)
	}
	r.hold <- struct{}{}
	r.hold <- struct{}{}
	if err := s.Wait(ctx, "hdm"); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	want := [][]string{{"hdm", "2026Q1"}, {"hdm", "2026", "2026Q2", "2026Q3"}}
	if !slices.EqualFunc(r.runs, want, slices.Equal) {
		t.Errorf("runs %v, want %v", r.runs, want)
	}
	if r.maxConc["hdm"] != 1 {
		t.Errorf("%d runs of one methodology at once", r.maxConc["hdm"])
	}
	st := s.Status("hdm")
	if st.Pending || st.Runs != 2 || st.Done.IsZero() || !st.Since.IsZero() {
		t.Errorf("status after: %+v", st)
	}
}

func TestAllPeriodsWins(t *testing.T) {
	r := newRecorder()
	r.hold = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(ctx, r.work, Options{})
	s.Request("hdm", "2026Q1")
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.runs) == 1 })
	s.Request("hdm", "2026Q2")
	s.Request("hdm") // a new methodology version: everything
	close(r.hold)
	s.Wait(ctx, "hdm")
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.runs) != 2 || len(r.runs[1]) != 1 {
		t.Errorf("runs %v, want the second over all periods (no list)", r.runs)
	}
}

func TestMethodologiesRunSideBySide(t *testing.T) {
	var running, peak atomic.Int32
	release := make(chan struct{})
	work := func(ctx context.Context, m string, _ []string) error {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(ctx, work, Options{})
	s.Request("a")
	s.Request("b")
	waitFor(t, func() bool { return peak.Load() == 2 })
	close(release)
	s.Wait(ctx, "a")
	s.Wait(ctx, "b")
}

func TestErrorIsKept(t *testing.T) {
	r := newRecorder()
	r.err = errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(ctx, r.work, Options{})
	s.Request("hdm")
	s.Wait(ctx, "hdm")
	if st := s.Status("hdm"); st.Err == nil || st.Pending {
		t.Errorf("status %+v, want the error and nothing pending", st)
	}
}

func TestDelayJoinsRequests(t *testing.T) {
	r := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(ctx, r.work, Options{Delay: 50 * time.Millisecond})
	for _, p := range []string{"2026Q1", "2026Q2", "2026Q3"} {
		s.Request("hdm", p)
	}
	s.Wait(ctx, "hdm")
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.runs) != 1 || len(r.runs[0]) != 4 {
		t.Errorf("runs %v, want one over three periods", r.runs)
	}
}

func TestShutdown(t *testing.T) {
	r := newRecorder()
	r.hold = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	s := New(ctx, r.work, Options{})
	s.Request("hdm", "2026Q1")
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.runs) == 1 })
	s.Request("hdm", "2026Q2")
	cancel() // the held run sees ctx end; the queued one is dropped
	s.Close()
	s.Request("hdm", "2026Q3")
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.runs) != 1 {
		t.Errorf("runs after shutdown: %v", r.runs)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}
