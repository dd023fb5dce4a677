package web

import (
	"context"
	"fmt"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/workflow"
)

// acceptanceNote is the note a published rating shows while some of the
// data it was computed from have not been accepted: every reporting unit ×
// sub-period of the methodology's data sets within the rating's period.
// It is "" when everything is accepted (or nothing is collected by form).
// The rating and region pages call it.
func (s *Server) acceptanceNote(ctx context.Context, res *rating.Result) (string, error) {
	m, ok := s.cat.Methodology(res.Methodology)
	if !ok {
		return "", nil
	}
	rp, err := period.Parse(res.Period)
	if err != nil {
		return "", nil
	}
	root, ok := s.cat.Hierarchy().Root()
	if !ok {
		return "", nil
	}
	var accepted, total int
	for i := range m.DataSets {
		ds := &m.DataSets[i]
		units := s.reportingUnits(ds, root.Code)
		for _, sub := range rp.Children(ds.PeriodType) {
			as, err := s.cat.Approvals(ctx, ds.ID, sub.String())
			if err != nil {
				return "", err
			}
			total += len(units)
			for _, u := range units {
				if as[u.Code].State == workflow.Accepted {
					accepted++
				}
			}
		}
	}
	if accepted == total {
		return "", nil
	}
	return fmt.Sprintf("Рейтинг рассчитан по данным, не все из которых приняты: принято %d из %d.", accepted, total), nil
}
