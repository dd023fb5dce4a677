package probe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/register"
)

func target(sys, url string, interval, timeout time.Duration) Target {
	return Target{System: sys, Probe: register.Probe{Target: url, Interval: interval, Timeout: timeout}}
}

func TestCheck(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusServiceUnavailable) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	tests := []struct {
		name, url string
		ok        bool
		err       string
	}{
		{"http up", srv.URL + "/ok", true, ""},
		{"http 503", srv.URL + "/fail", false, "сервер ответил кодом 503"},
		{"http 404", srv.URL + "/nope", false, "кодом 404"},
		{"http timeout", srv.URL + "/slow", false, "нет ответа за 300ms"},
		{"redirect loop", srv.URL + "/loop", false, "перенаправлений"},
		{"tcp up", "tcp://" + ln.Addr().String(), true, ""},
		{"tcp refused", "tcp://" + closedAddr, false, "соединение не установлено"},
		{"http refused", "http://" + closedAddr + "/", false, "соединение не установлено"},
	}
	c := NewChecker()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Check(context.Background(), target("s", tc.url, time.Second, 300*time.Millisecond))
			if r.OK != tc.ok || !strings.Contains(r.Error, tc.err) || r.System != "s" || r.At.IsZero() {
				t.Errorf("got %+v, want ok=%v err~%q", r, tc.ok, tc.err)
			}
			// /slow answers after 5 s: well below that, the 300 ms timeout
			// held even on a loaded machine.
			if r.Latency > 4*time.Second {
				t.Errorf("latency %v: the timeout did not hold", r.Latency)
			}
		})
	}
}

func TestTracker(t *testing.T) {
	at := func(i int) time.Time { return time.Date(2025, 3, 4, 10, i, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		n      int
		checks string // + ok, - failure, one a minute
		want   []string
	}{
		{"blips are not outages", 3, "+-+--+-", nil},
		{"three in a row", 3, "+---", []string{"down@1 confirmed@3"}},
		{"one change per outage", 3, "-------", []string{"down@0 confirmed@2"}},
		{"recovery", 3, "---+", []string{"down@0 confirmed@2", "up@3"}},
		{"two outages", 2, "--+--+", []string{"down@0 confirmed@1", "up@2", "down@3 confirmed@4", "up@5"}},
		{"n=1", 1, "-+", []string{"down@0 confirmed@0", "up@1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker(tc.n, nil)
			var got []string
			for i, ch := range tc.checks {
				c, ok := tr.Observe(Result{System: "s", At: at(i), OK: ch == '+', Error: "x"})
				if !ok {
					continue
				}
				if c.Up {
					got = append(got, "up@"+itoa(c.At.Minute()))
				} else {
					got = append(got, "down@"+itoa(c.At.Minute())+" confirmed@"+itoa(c.Confirmed.Minute()))
				}
			}
			if strings.Join(got, ";") != strings.Join(tc.want, ";") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// After a restart a system known to be down reports its recovery.
	tr := NewTracker(3, []string{"s"})
	if c, ok := tr.Observe(Result{System: "s", At: at(0), OK: true}); !ok || !c.Up {
		t.Error("recovery after restart not reported")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRoller(t *testing.T) {
	r := &Roller{Width: time.Hour}
	base := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	for i := range 90 { // 10:00–11:29, one a minute; every tenth fails
		r.Add(Result{System: "a", At: base.Add(time.Duration(i) * time.Minute), OK: i%10 != 9, Latency: time.Duration(i+1) * time.Millisecond})
	}
	r.Add(Result{System: "b", At: base, OK: true, Latency: time.Millisecond})
	if got := r.Flush(base.Add(59 * time.Minute)); len(got) != 0 {
		t.Fatalf("flushed an open interval: %+v", got)
	}
	got := r.Flush(base.Add(time.Hour))
	if len(got) != 2 || got[0].System != "a" || got[1].System != "b" {
		t.Fatalf("got %+v", got)
	}
	a := got[0]
	// Minutes 0..59: failures at 9,19,…,59 (6); latencies 1..60 ms minus
	// the failed 10,20,…,60: 1830 − 210 = 1620 ms over 54 checks.
	if a.Checks != 60 || a.Failures != 6 || a.LatencySum != 1620*time.Millisecond || a.LatencyMax != 59*time.Millisecond || a.MeanLatency() != 30*time.Millisecond {
		t.Errorf("rollup %+v mean %v", a, a.MeanLatency())
	}
	rest := r.Flush(base.Add(3 * time.Hour))
	if len(rest) != 1 || rest[0].Checks != 30 || rest[0].Failures != 3 {
		t.Errorf("second hour %+v", rest)
	}
}

type sink struct {
	mu      sync.Mutex
	changes chan Change
	rollups []Rollup
}

func (s *sink) Change(_ context.Context, c Change) { s.changes <- c }
func (s *sink) Rollups(_ context.Context, rs []Rollup) {
	s.mu.Lock()
	s.rollups = append(s.rollups, rs...)
	s.mu.Unlock()
}

// TestProberOutage: a local endpoint that stops answering opens one
// outage, its recovery closes it; a target added on reload is checked,
// a removed one is not.
func TestProberOutage(t *testing.T) {
	var down atomic.Bool
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var mu sync.Mutex
	// The timeout is generous: on a loaded machine a 40 ms timeout failed
	// checks that never reached the server and opened false outages.
	list := []Target{target("mis", srv.URL, 50*time.Millisecond, time.Second)}
	targets := func(context.Context) ([]Target, error) {
		mu.Lock()
		defer mu.Unlock()
		return append([]Target{}, list...), nil
	}
	reload := make(chan struct{})
	s := &sink{changes: make(chan Change, 10)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	p := &Prober{Checker: NewChecker(), Concurrency: 4, Failures: 3, Width: 100 * time.Millisecond}
	go func() { done <- p.Run(ctx, targets, reload, s) }()

	wait := func(what string) Change {
		t.Helper()
		select {
		case c := <-s.changes:
			return c
		case <-time.After(5 * time.Second):
			t.Fatalf("no change: %s", what)
		}
		return Change{}
	}
	time.Sleep(200 * time.Millisecond)
	select {
	case c := <-s.changes:
		t.Fatalf("a change while up: %+v", c)
	default:
	}
	down.Store(true)
	c := wait("outage")
	if c.Up || c.System != "mis" || !strings.Contains(c.Error, "503") || !c.Confirmed.After(c.At) {
		t.Errorf("outage %+v", c)
	}
	time.Sleep(200 * time.Millisecond)
	select {
	case c := <-s.changes:
		t.Fatalf("a second change during one outage: %+v", c)
	default:
	}
	down.Store(false)
	if c := wait("recovery"); !c.Up {
		t.Errorf("recovery %+v", c)
	}
	// Remove the target: the server stops being hit.
	mu.Lock()
	list = nil
	mu.Unlock()
	reload <- struct{}{}
	time.Sleep(100 * time.Millisecond)
	before := hits.Load()
	time.Sleep(300 * time.Millisecond)
	if after := hits.Load(); after > before+1 {
		t.Errorf("removed target still checked: %d → %d", before, after)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	total, failed := 0, 0
	for _, r := range s.rollups {
		total += r.Checks
		failed += r.Failures
	}
	// Every successful check reached the server; a failed one may not have.
	if total == 0 || failed == 0 || int64(total-failed) > hits.Load() {
		t.Errorf("rollups count %d checks (%d failed), server saw %d", total, failed, hits.Load())
	}
}

// TestProberConcurrency: twenty slow targets never have more checks in
// flight than the bound.
func TestProberConcurrency(t *testing.T) {
	var cur, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		cur.Add(-1)
	}))
	defer srv.Close()
	var list []Target
	for i := range 20 {
		list = append(list, target("s"+strconv.Itoa(i), srv.URL, 20*time.Millisecond, 500*time.Millisecond))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	p := &Prober{Checker: NewChecker(), Concurrency: 3}
	s := &sink{changes: make(chan Change, 100)}
	if err := p.Run(ctx, func(context.Context) ([]Target, error) { return list, nil }, nil, s); err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got < 2 || got > 3 {
		t.Errorf("peak concurrency %d, want 2..3", got)
	}
}
