package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// watchPoll is how often WatchGeneration reads the generation when no
// notification comes: on DuckDB always (one process: the reading is what
// there is), on PostgreSQL as a safety net for notifications missed while
// reconnecting.
const watchPoll = time.Second

// WatchGeneration calls fn with the data generation whenever it moves on,
// whichever process committed the write, until ctx ends (it then returns
// nil). fn runs on WatchGeneration's goroutine, once with the generation
// at the start and then for every new one it sees (bursts may coalesce:
// fn sees the latest). On PostgreSQL a connection of its own LISTENs on
// GenerationChannel, which every commit notifies, so a write on one server
// reaches the others within milliseconds; when that connection drops it is
// opened again, and the generation is read meanwhile every watchPoll.
func (s *Store) WatchGeneration(ctx context.Context, fn func(gen int64)) error {
	last, err := s.Generation(ctx)
	if err != nil {
		return err
	}
	fn(last)
	seen := func(g int64) {
		if g > last {
			last = g
			fn(g)
		}
	}
	poll := func() {
		if g, err := s.Generation(ctx); err == nil {
			seen(g)
		}
	}
	if s.pgCfg == nil {
		t := time.NewTicker(watchPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
				poll()
			}
		}
	}
	for ctx.Err() == nil {
		err := s.listen(ctx, seen, poll)
		if ctx.Err() != nil {
			return nil
		}
		s.log.Warn("generation notifications interrupted; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(watchPoll):
		}
		poll()
	}
	return nil
}

// listen holds one LISTEN connection until it fails or ctx ends.
func (s *Store) listen(ctx context.Context, seen func(int64), poll func()) error {
	c, err := pgx.ConnectConfig(ctx, s.pgCfg.Copy())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, `LISTEN `+GenerationChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Writes committed before LISTEN took effect were not notified.
	poll()
	for {
		wctx, cancel := context.WithTimeout(ctx, 5*watchPoll)
		n, err := c.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if g, perr := strconv.ParseInt(n.Payload, 10, 64); perr == nil {
				seen(g)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			// Quiet: check the connection still works and nothing slipped by.
			if err := c.Ping(ctx); err != nil {
				return fmt.Errorf("ping: %w", err)
			}
			poll()
		default:
			return fmt.Errorf("wait for notification: %w", err)
		}
	}
}
