package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Backoff spaces the attempts of one delivery: Base after the first
// failure, doubling up to Max, Attempts tries in all. Jitter (0..1) spreads
// retries of many deliveries by up to ±Jitter of the delay.
type Backoff struct {
	Base     time.Duration
	Max      time.Duration
	Attempts int
	Jitter   float64
}

// DefaultBackoff retries for about a day: 30 s, 1 min, 2 min … capped at
// 2 h, 16 tries.
func DefaultBackoff() Backoff {
	return Backoff{Base: 30 * time.Second, Max: 2 * time.Hour, Attempts: 16, Jitter: 0.2}
}

// Delay is the wait after failed attempt n (1-based).
func (b Backoff) Delay(n int) time.Duration {
	d := b.Base
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if b.Jitter > 0 {
		d += time.Duration((rand.Float64()*2 - 1) * b.Jitter * float64(d))
	}
	return d
}

// Dispatcher fans events out into the outbox and delivers what is due.
type Dispatcher struct {
	Outbox        Outbox
	Subscriptions Subscriptions
	Policy        Policy
	Client        *http.Client // NewClient(Policy, …) unless a test needs otherwise
	Backoff       Backoff
	Now           func() time.Time
	Log           *slog.Logger
	Batch         int           // deliveries per pass; 0 = 32
	Lease         time.Duration // how long a pass holds a delivery; 0 = 2 min
	UserAgent     string
}

// Publish enqueues ev for every active subscriber that wants its type.
// Call it after the change is committed: the outbox row, not the HTTP
// call, is the promise to deliver.
func (d *Dispatcher) Publish(ctx context.Context, ev Event) (int, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", ev.Type, err)
	}
	subs, err := d.Subscriptions.Subscriptions(ctx)
	if err != nil {
		return 0, fmt.Errorf("publish %s: subscriptions: %w", ev.Type, err)
	}
	now := d.Now().UTC()
	var ds []Delivery
	for _, s := range subs {
		if !s.Wants(ev.Type) {
			continue
		}
		ds = append(ds, Delivery{ID: ev.ID + "/" + s.ID, Subscription: s.ID, EventID: ev.ID, EventType: ev.Type,
			Payload: body, Status: Pending, NextAttempt: now, CreatedAt: now})
	}
	if len(ds) == 0 {
		return 0, nil
	}
	if err := d.Outbox.Enqueue(ctx, ds); err != nil {
		return 0, fmt.Errorf("publish %s: enqueue: %w", ev.Type, err)
	}
	return len(ds), nil
}

// DeliverDue makes one pass over the due deliveries and returns how many
// it tried. Outcomes are recorded in the outbox; only outbox errors and a
// cancelled context are returned.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	batch, lease := d.Batch, d.Lease
	if batch <= 0 {
		batch = 32
	}
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	due, err := d.Outbox.Due(ctx, d.Now().UTC(), batch, lease)
	if err != nil {
		return 0, fmt.Errorf("webhook due deliveries: %w", err)
	}
	for i, dl := range due {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		if err := d.deliver(ctx, dl); err != nil {
			return i + 1, err
		}
	}
	return len(due), nil
}

// Run delivers every interval until ctx is done.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.Log.ErrorContext(ctx, "webhook delivery pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// deliver tries one delivery once and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, dl Delivery) error {
	start := d.Now().UTC()
	dl.Attempts++
	a := Attempt{Delivery: dl.ID, N: dl.Attempts, At: start}
	retryAfter := time.Duration(0)
	permanent := false
	sub, err := d.Subscriptions.Subscription(ctx, dl.Subscription)
	switch {
	case errors.Is(err, ErrNoSubscription):
		a.Error, permanent = "subscription removed", true
	case err != nil:
		return fmt.Errorf("webhook delivery %s: %w", dl.ID, err)
	case !sub.Active:
		a.Error, permanent = "subscription deactivated", true
	default:
		// The policy may have changed since registration: check again.
		if perr := d.Policy.CheckURL(sub.URL); perr != nil {
			a.Error, permanent = perr.Error(), true
			break
		}
		a.HTTPStatus, retryAfter, err = d.post(ctx, sub, dl, start)
		if err != nil {
			a.Error = err.Error()
		}
		permanent = a.HTTPStatus >= 400 && a.HTTPStatus < 500 && a.HTTPStatus != http.StatusRequestTimeout && a.HTTPStatus != http.StatusTooManyRequests
	}
	a.Duration = d.Now().Sub(start)
	switch {
	case a.Error == "" && a.HTTPStatus >= 200 && a.HTTPStatus < 300:
		dl.Status = Delivered
	case permanent || dl.Attempts >= d.Backoff.Attempts:
		dl.Status = Failed
	default:
		dl.NextAttempt = start.Add(max(d.Backoff.Delay(dl.Attempts), min(retryAfter, d.Backoff.Max)))
	}
	if a.Error == "" && dl.Status != Delivered {
		a.Error = "HTTP " + strconv.Itoa(a.HTTPStatus)
	}
	if err := d.Outbox.Record(ctx, dl, a); err != nil {
		return fmt.Errorf("webhook delivery %s: record: %w", dl.ID, err)
	}
	d.Log.InfoContext(ctx, "webhook delivery", "delivery", dl.ID, "attempt", a.N, "status", dl.Status, "http", a.HTTPStatus, "err", a.Error)
	return nil
}

// post sends the payload once; it returns the HTTP status (0 without an
// answer) and the receiver's Retry-After.
func (d *Dispatcher) post(ctx context.Context, sub Subscription, dl Delivery, ts time.Time) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(dl.Payload))
	if err != nil {
		return 0, 0, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if d.UserAgent != "" {
		req.Header.Set("User-Agent", d.UserAgent)
	}
	SetHeaders(req.Header, sub.Secret, dl.EventID, ts, dl.Payload)
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; a receiver's body
	// is never read in full.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	var after time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		after = time.Duration(s) * time.Second
	}
	return resp.StatusCode, after, nil
}
