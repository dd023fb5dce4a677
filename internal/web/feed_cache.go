package web

import (
	"context"
	"fmt"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/slots"
)

// feedCached keeps what the pages compute from the stored feed under the
// data generation, which every feed load advances. Building the event log
// reads every booking, so without it each page view would cost a full
// scan. cost is the value's estimated size for the cache's bound.
func (s *Server) feedCached(ctx context.Context, what string, cost int64, build func() (any, error)) (any, error) {
	return s.cached(ctx, "feed", what, cost, build)
}

// WarmFeed computes, in the caller's goroutine, what the /slots and
// /pathway pages of the latest snapshot need, so that their first visitor
// does not wait for a read of the whole feed. serve runs it in the
// background; errors are only logged, as the pages will report them.
func (s *Server) WarmFeed(ctx context.Context) {
	at, err := s.latestSnapshot(ctx)
	if err != nil || at.IsZero() {
		return
	}
	start := time.Now()
	if _, err := s.moAvailability(ctx, at); err != nil {
		s.log.Warn("feed warm-up", "err", err)
		return
	}
	if _, err := s.feedAvailability(ctx, at, nil, "region"); err != nil {
		s.log.Warn("feed warm-up", "err", err)
		return
	}
	if _, err := s.cachedPath(ctx); err != nil {
		s.log.Warn("feed warm-up", "err", err)
		return
	}
	s.log.Info("feed warm-up", "snapshot", at, "elapsed", time.Since(start).Round(time.Millisecond))
}

// latestSnapshot is the newest slot snapshot, zero when none is stored.
func (s *Server) latestSnapshot(ctx context.Context) (time.Time, error) {
	snaps, err := s.cat.FeedSnapshots(ctx)
	if err != nil || len(snaps) == 0 {
		return time.Time{}, err
	}
	return snaps[len(snaps)-1], nil
}

// cachedPath is feedPath(nil) kept per feed version. Its cases are shared:
// callers must not change them.
func (s *Server) cachedPath(ctx context.Context) (*pathData, error) {
	// Counted by its size, roughly: the event log of a large feed is the
	// biggest thing the cache holds.
	v, err := s.cache.Load(s.key(ctx, "feed", "path"), func() (any, int64, error) {
		pd, err := s.feedPath(ctx, nil)
		if err != nil {
			return nil, 0, err
		}
		return pd, 1<<10*int64(len(pd.Cases)) + 256*int64(len(pd.Bookings)), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*pathData), nil
}

// regionPath limits the whole feed's path to a region (nil: all), keeping
// the as-of time of the whole feed, as feedPath does.
func regionPath(h *orgunit.Hierarchy, all *pathData, region *orgunit.Unit) *pathData {
	if region == nil {
		return all
	}
	out := &pathData{AsOf: all.AsOf}
	for _, c := range all.Cases {
		if regionCode(h, c.OrgUnit) == region.Code {
			out.Cases = append(out.Cases, c)
		}
	}
	for _, b := range all.Bookings {
		if regionCode(h, b.OrgUnit) == region.Code {
			out.Bookings = append(out.Bookings, b)
		}
	}
	return out
}

// moAvailability is a snapshot's availability by "<МО>|<specialty>" over
// the whole country, kept per feed version: the heat map, the trend and the
// alerts are all cut from it.
func (s *Server) moAvailability(ctx context.Context, at time.Time) (map[string]*slots.Availability, error) {
	v, err := s.feedCached(ctx, "avail|"+at.UTC().Format(time.RFC3339), 4<<20, func() (any, error) {
		av, err := s.cat.FeedAvailability(ctx, at, nil)
		if err != nil {
			return nil, fmt.Errorf("slot availability at %s: %w", at.Format(time.RFC3339), err)
		}
		return av, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]*slots.Availability), nil
}
