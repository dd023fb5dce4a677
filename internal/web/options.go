package web

import (
	"context"
	"strings"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/web/view"
)

func (s *Server) periodOptions(ctx context.Context, res *rating.Result) ([]view.Option, error) {
	ps, err := s.cachedPeriods(ctx, res.Methodology)
	if err != nil {
		return nil, err
	}
	out := make([]view.Option, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		out = append(out, view.Option{Value: ps[i], Label: view.PeriodLabel(ps[i]), Selected: ps[i] == res.Period})
	}
	return out, nil
}

func (s *Server) methodologyOptions(current string) []view.Option {
	var out []view.Option
	for _, m := range s.cat.Methodologies() {
		out = append(out, view.Option{Value: m.ID, Label: m.Name, Selected: m.ID == current})
	}
	return out
}

func (s *Server) districtOptions(current string) []view.Option {
	out := []view.Option{{Value: "", Label: "Все федеральные округа", Selected: current == ""}}
	for _, d := range s.cat.Hierarchy().AtLevel(orgunit.District) {
		out = append(out, view.Option{Value: d.Code, Label: d.Name, Selected: strings.EqualFold(d.Code, current)})
	}
	return out
}
