package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/web/response"
)

// result loads the rating named by ?methodology= and ?period= (latest when
// absent), writing a problem and returning nil on failure.
func (s *Server) result(w http.ResponseWriter, r *http.Request) *rating.Result {
	return s.resultWith(w, r, s.cat.Periods)
}

// resultWith is result with the latest period taken from periods.
func (s *Server) resultWith(w http.ResponseWriter, r *http.Request, periods func(context.Context, string) ([]string, error)) *rating.Result {
	id := r.URL.Query().Get("methodology")
	if id == "" {
		id = DefaultMethodology
	}
	if _, ok := s.cat.Methodology(id); !ok {
		response.Error(w, r, http.StatusNotFound, fmt.Sprintf("unknown methodology %q", id))
		return nil
	}
	p := r.URL.Query().Get("period")
	if p == "" {
		ps, err := periods(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return nil
		}
		if len(ps) == 0 {
			response.Error(w, r, http.StatusNotFound, fmt.Sprintf("no computed results for %s", id))
			return nil
		}
		p = ps[len(ps)-1]
	}
	res, err := s.cat.Result(r.Context(), id, p)
	if errors.Is(err, catalog.ErrNoResult) {
		response.Error(w, r, http.StatusNotFound, err.Error())
		return nil
	}
	if err != nil {
		s.fail(w, r, err)
		return nil
	}
	return res
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	response.Error(w, r, http.StatusInternalServerError, "internal error")
}
