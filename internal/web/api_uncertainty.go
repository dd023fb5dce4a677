package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/web/response"
)

// maxDraws bounds the Monte Carlo draws a caller may ask for.
const maxDraws = 10000

// uncertaintyFor runs the Monte Carlo analysis of a result with the
// methodology's defaults. The canonical run (the methodology's draws, seed
// 1: what the region cards show) is cached per result and generation; a
// caller's own seed or draws is computed afresh, one such run at a time,
// so that anonymous callers can neither fill the cache nor the processors.
func (s *Server) uncertaintyFor(ctx context.Context, res *rating.Result, draws int, seed uint64) ([]index.UnitUncertainty, error) {
	m := res.MethodologyDef()
	opts := index.UncertaintyOptions{Draws: m.Uncertainty.Draws, Seed: seed, WeightJitter: m.Uncertainty.WeightJitter,
		Normalisations: m.Uncertainty.Normalisations, Aggregations: m.Uncertainty.Aggregations, Imputations: m.Uncertainty.Imputations}
	if opts.Draws == 0 {
		opts.Draws = 1000
	}
	canonical := seed == 1 && (draws <= 0 || draws == opts.Draws)
	if draws > 0 {
		opts.Draws = min(draws, maxDraws)
	}
	if canonical {
		v, err := s.cached(ctx, "uncertainty", res.Methodology+"@"+res.Version+"@"+res.Period, int64(len(res.Rows))*128, func() (any, error) {
			return res.Uncertainty(ctx, opts)
		})
		if err != nil {
			return nil, err
		}
		return v.([]index.UnitUncertainty), nil
	}
	select {
	case s.adhoc <- struct{}{}:
		defer func() { <-s.adhoc }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return res.Uncertainty(ctx, opts)
}

func (s *Server) uncertaintyHandler(w http.ResponseWriter, r *http.Request) {
	res := s.result(w, r)
	if res == nil {
		return
	}
	draws, _ := strconv.Atoi(r.URL.Query().Get("draws"))
	seed := uint64(1)
	if v := r.URL.Query().Get("seed"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			response.Error(w, r, http.StatusBadRequest, "seed must be a non-negative integer")
			return
		}
	}
	us, err := s.uncertaintyFor(r.Context(), res, draws, seed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	response.JSON(w, map[string]any{"methodology": res.Methodology, "period": res.Period, "seed": seed, "synthetic": res.Synthetic, "units": us})
}
