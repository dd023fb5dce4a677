package webhook

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a test clock the dispatcher and the receiver share.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// receiver is a real HTTP server that verifies every request as a
// subscriber would and answers with the next status of its script.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret []byte
	clock  *clock
	mu     sync.Mutex
	script []int // statuses to answer, in order; 200 once exhausted
	got    []received
	header http.Header // extra response headers
}

type received struct {
	id, sig string
	body    []byte
	verr    error
}

func newReceiver(t *testing.T, c *clock, script ...int) *receiver {
	r := &receiver{t: t, secret: []byte("0123456789abcdef0123456789abcdef"), clock: c, script: script, header: http.Header{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := received{id: req.Header.Get(HeaderID), sig: req.Header.Get(HeaderSignature), body: body}
	rec.verr = Verify(req.Header, body, r.clock.Now(), 5*time.Minute, r.secret)
	if req.Header.Get("Content-Type") != "application/json" {
		r.t.Errorf("content type %q", req.Header.Get("Content-Type"))
	}
	r.got = append(r.got, rec)
	status := http.StatusOK
	if len(r.script) > 0 {
		status, r.script = r.script[0], r.script[1:]
	}
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if status == http.StatusFound {
		w.Header().Set("Location", "/elsewhere") // same server: following it would show as a second request
	}
	w.WriteHeader(status)
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// setup registers one subscription for the receiver at host (127.0.0.1 or
// localhost) under a policy that allows it.
func setup(t *testing.T, r *receiver, p Policy, host string, b Backoff) (*Dispatcher, *Memory, Event) {
	t.Helper()
	m := NewMemory()
	u, _ := url.Parse(r.srv.URL)
	u.Host = host + ":" + u.Port()
	sub := Subscription{ID: "tula-gis", URL: u.String() + "/hook", Secret: r.secret, Events: []string{RatingPublished, PeriodClosed}, Active: true, ApprovedBy: "admin"}
	if err := m.PutSubscription(sub, p); err != nil {
		t.Fatal(err)
	}
	other := Subscription{ID: "dash", URL: u.String() + "/other", Secret: r.secret, Events: []string{RatingRecomputed}, Active: true, ApprovedBy: "admin"}
	if err := m.PutSubscription(other, p); err != nil {
		t.Fatal(err)
	}
	d := &Dispatcher{Outbox: m, Subscriptions: m, Policy: p, Client: NewClient(p, 5*time.Second), Backoff: b,
		Now: r.clock.Now, Log: slog.New(slog.DiscardHandler)}
	ev, err := NewEvent(RatingPublished, r.clock.Now(), EventData{Methodology: "health-digital-maturity", Version: "2020.1", Period: "2020", Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return d, m, ev
}

var testPolicy = Policy{AllowedHosts: []string{"127.0.0.1"}, AllowHTTP: true, AllowPrivate: true}

// TestDeliveryWithRetry: the receiver fails once (503), the dispatcher
// waits out the back-off, the second attempt is delivered with the same
// id and body and a fresh valid signature; the log has both attempts.
func TestDeliveryWithRetry(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Now().UTC()}
	r := newReceiver(t, c, http.StatusServiceUnavailable)
	d, m, ev := setup(t, r, testPolicy, "127.0.0.1", Backoff{Base: time.Minute, Max: time.Hour, Attempts: 5})
	n, err := d.Publish(ctx, ev)
	if err != nil || n != 1 {
		t.Fatalf("publish: %d deliveries, %v (want 1: the other subscriber wants another event)", n, err)
	}
	if n, _ := d.Publish(ctx, ev); n != 1 {
		t.Fatalf("republish enqueued %d", n)
	}
	pass := func() int {
		t.Helper()
		n, err := d.DeliverDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := pass(); n != 1 {
		t.Fatalf("first pass tried %d", n)
	}
	id := ev.ID + "/tula-gis"
	dl, _ := m.Delivery(id)
	if dl.Status != Pending || dl.Attempts != 1 || !dl.NextAttempt.Equal(c.Now().Add(time.Minute)) {
		t.Fatalf("after 503: %+v", dl)
	}
	if n := pass(); n != 0 {
		t.Fatalf("retried %d before the back-off elapsed", n)
	}
	c.Add(time.Minute)
	if n := pass(); n != 1 {
		t.Fatalf("second pass tried %d", n)
	}
	dl, _ = m.Delivery(id)
	if dl.Status != Delivered || dl.Attempts != 2 {
		t.Fatalf("after 200: %+v", dl)
	}
	got := r.requests()
	if len(got) != 2 {
		t.Fatalf("receiver got %d requests, want 2 (the duplicate publish must not send twice)", len(got))
	}
	for i, g := range got {
		if g.verr != nil {
			t.Errorf("request %d: signature does not verify: %v", i, g.verr)
		}
		if g.id != ev.ID {
			t.Errorf("request %d: webhook-id %q, want the event id %q", i, g.id, ev.ID)
		}
	}
	if string(got[0].body) != string(got[1].body) || got[0].sig == got[1].sig {
		t.Error("a retry must send the same body with a new timestamp and signature")
	}
	var back Event
	if err := json.Unmarshal(got[1].body, &back); err != nil || back.ID != ev.ID || back.Type != RatingPublished || back.Data.Period != "2020" {
		t.Errorf("body %s: %v", got[1].body, err)
	}
	log := m.Log(id)
	if len(log) != 2 || log[0].HTTPStatus != 503 || log[0].Error == "" || log[1].HTTPStatus != 200 || log[1].Error != "" || log[1].N != 2 {
		t.Errorf("delivery log %+v", log)
	}
	if pass() != 0 {
		t.Error("a delivered delivery was tried again")
	}
}

// TestDeliveryOutcomes: permanent refusals stop at once, transient ones
// until the attempts run out; redirects are not followed; Retry-After is
// honoured.
func TestDeliveryOutcomes(t *testing.T) {
	cases := []struct {
		name       string
		script     []int
		retryAfter string
		attempts   int    // attempts made
		status     Status // final
		requests   int
		wait       time.Duration // first back-off, when pending
	}{
		{"400 is permanent", []int{400}, "", 1, Failed, 1, 0},
		{"410 is permanent", []int{410}, "", 1, Failed, 1, 0},
		{"429 retries after Retry-After", []int{429}, "120", 1, Pending, 1, 120 * time.Second},
		{"503 three times, attempts run out", []int{503, 503, 503}, "", 3, Failed, 3, 0},
		{"302 is not followed", []int{302}, "", 1, Pending, 1, time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{t: time.Now().UTC()}
			r := newReceiver(t, clk, c.script...)
			if c.retryAfter != "" {
				r.header.Set("Retry-After", c.retryAfter)
			}
			d, m, ev := setup(t, r, testPolicy, "127.0.0.1", Backoff{Base: time.Minute, Max: time.Hour, Attempts: 3})
			if _, err := d.Publish(ctx, ev); err != nil {
				t.Fatal(err)
			}
			start := clk.Now()
			for i := 0; i < c.attempts; i++ {
				if _, err := d.DeliverDue(ctx); err != nil {
					t.Fatal(err)
				}
				clk.Add(2 * time.Hour)
			}
			dl, _ := m.Delivery(ev.ID + "/tula-gis")
			if dl.Status != c.status || dl.Attempts != c.attempts {
				t.Errorf("status %s after %d attempts, want %s after %d", dl.Status, dl.Attempts, c.status, c.attempts)
			}
			if n := len(r.requests()); n != c.requests {
				t.Errorf("receiver got %d requests, want %d", n, c.requests)
			}
			if c.wait > 0 && !dl.NextAttempt.Equal(start.Add(c.wait)) {
				t.Errorf("next attempt after %v, want %v", dl.NextAttempt.Sub(start), c.wait)
			}
		})
	}
}

// TestPrivateAddressRefusedAtDial: a host name the administrator allowed
// that resolves to a loopback address is refused when connecting, so the
// receiver never sees a request.
func TestPrivateAddressRefusedAtDial(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Now().UTC()}
	r := newReceiver(t, c)
	p := Policy{AllowedHosts: []string{"localhost"}, AllowHTTP: true}
	d, m, ev := setup(t, r, p, "localhost", Backoff{Base: time.Minute, Max: time.Hour, Attempts: 3})
	if _, err := d.Publish(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(r.requests()); n != 0 {
		t.Fatalf("receiver on loopback got %d requests", n)
	}
	log := m.Log(ev.ID + "/tula-gis")
	if len(log) != 1 || !strings.Contains(log[0].Error, "not allowed by the subscription policy") {
		t.Errorf("log %+v", log)
	}
}

// TestRemovedAndTightenedSubscriptions: a delivery whose subscription is
// gone or whose address the policy no longer allows fails without a
// request.
func TestRemovedAndTightenedSubscriptions(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Now().UTC()}
	r := newReceiver(t, c)
	d, m, ev := setup(t, r, testPolicy, "127.0.0.1", Backoff{Base: time.Minute, Max: time.Hour, Attempts: 3})
	if _, err := d.Publish(ctx, ev); err != nil {
		t.Fatal(err)
	}
	d.Policy = Policy{AllowedHosts: []string{"gis.tula.ru"}}
	if _, err := d.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	dl, _ := m.Delivery(ev.ID + "/tula-gis")
	if dl.Status != Failed || len(r.requests()) != 0 {
		t.Errorf("status %s, %d requests", dl.Status, len(r.requests()))
	}
	if l := m.Log(dl.ID); len(l) != 1 || !strings.Contains(l[0].Error, "только https") {
		t.Errorf("log %+v", l)
	}
}

// TestDeliverDueStopsOnCancel: a cancelled context ends the pass.
func TestDeliverDueStopsOnCancel(t *testing.T) {
	c := &clock{t: time.Now().UTC()}
	r := newReceiver(t, c)
	d, _, ev := setup(t, r, testPolicy, "127.0.0.1", DefaultBackoff())
	if _, err := d.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.DeliverDue(ctx); err == nil {
		t.Error("a cancelled pass reported success")
	}
	if n := len(r.requests()); n != 0 {
		t.Errorf("%d requests after cancel", n)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Base: 30 * time.Second, Max: 10 * time.Minute}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if got := b.Delay(i + 1); got != w {
			t.Errorf("Delay(%d) = %v, want %v", i+1, got, w)
		}
	}
	b.Jitter = 0.2
	for n := 1; n < 8; n++ {
		base := Backoff{Base: b.Base, Max: b.Max}.Delay(n)
		if got := b.Delay(n); got < base*8/10 || got > base*12/10 {
			t.Errorf("jittered Delay(%d) = %v outside ±20%% of %v", n, got, base)
		}
	}
}
