package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
)

// derived holds what pages compute from one result, so that each request
// only filters and renders. It is kept per methodology, period and data
// generation.
type derived struct {
	league   []report.LeagueRow
	criteria []rating.NodeRef
	byCode   map[string]int // unit code → league index
	district map[string]string
	iso      map[string]string // unit code → ISO code

	mu    sync.Mutex
	cards map[string]*ScorecardJSON
	// warm is closed when the background uncertainty run has finished, so
	// that a region card waits for it instead of running it a second time.
	warm chan struct{}
}

// derivedCost is what a derived table is counted at in the cache: a
// league of 85 rows with their cards.
const derivedCost = 256 << 10

func (s *Server) derive(ctx context.Context, res *rating.Result) *derived {
	gen := s.generation(ctx)
	v, _ := s.cached(ctx, "derived", res.Methodology+"/"+res.Period, derivedCost, func() (any, error) {
		return s.buildDerived(gen, res), nil
	})
	return v.(*derived)
}

func (s *Server) buildDerived(gen uint64, res *rating.Result) *derived {
	h := s.cat.Hierarchy()
	d := &derived{league: report.League(res, h), byCode: map[string]int{}, district: map[string]string{}, iso: map[string]string{}, cards: map[string]*ScorecardJSON{}, warm: make(chan struct{})}
	for _, n := range res.Nodes {
		if n.Depth == 1 {
			d.criteria = append(d.criteria, n)
		}
	}
	for i, row := range d.league {
		d.byCode[row.Code] = i
		d.district[row.Code] = districtCode(h, row.Code)
		d.iso[row.Code] = row.ISOCode
		if row.ISOCode == "" {
			d.iso[row.Code] = row.Code
		}
	}
	// Region cards need the Monte Carlo rank intervals, the slowest thing
	// a page shows; start it now, while the user reads the league table.
	// It runs on the server's context, so that Close stops it.
	started := s.background(func(ctx context.Context) {
		defer close(d.warm)
		if _, err := s.uncertaintyFor(withGeneration(ctx, gen), res, 0, 1); err != nil && ctx.Err() == nil {
			s.log.Warn("uncertainty warm-up", "methodology", res.Methodology, "period", res.Period, "err", err)
		}
	})
	if !started {
		close(d.warm)
	}
	return d
}

// scorecard builds (once per result and unit) the region card's data with
// the API's own code, so the page and /api/v1/…/scorecard agree.
func (s *Server) cachedScorecard(ctx context.Context, res *rating.Result, u *orgunit.Unit, ui int) (*ScorecardJSON, error) {
	d := s.derive(ctx, res)
	d.mu.Lock()
	sc, ok := d.cards[u.Code]
	d.mu.Unlock()
	if ok {
		return sc, nil
	}
	select {
	case <-d.warm:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sc, err := s.buildScorecard(ctx, res, u, ui)
	if err != nil {
		return nil, fmt.Errorf("scorecard %s: %w", u.Code, err)
	}
	d.mu.Lock()
	d.cards[u.Code] = sc
	d.mu.Unlock()
	return sc, nil
}
