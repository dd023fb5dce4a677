package web

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/web/view"
	"github.com/cifra-health/cifra/internal/workflow"
)

// violationView is a violated rule as the pages list it.
type violationView struct {
	ID, Rule, Name   string
	OrgUnit, Unit    string
	Left, Right      string // the expressions
	LeftV, RightV    string // their values
	Operator         string
	Elements         []string // the data elements' names
	FormURL          string
	PeriodID, PLabel string
}

func operatorText(op string) string {
	switch op {
	case "==":
		return "="
	case "!=":
		return "≠"
	case "<=":
		return "≤"
	case ">=":
		return "≥"
	}
	return op
}

func (s *Server) violationViews(d dataSetRef, vs []workflow.Violation) []violationView {
	h := s.cat.Hierarchy()
	out := make([]violationView, len(vs))
	for i, v := range vs {
		vv := violationView{ID: fmt.Sprintf("v-%d", i+1), Rule: v.Rule, Name: v.Name, OrgUnit: v.OrgUnit, Unit: v.OrgUnit,
			Left: v.LeftText, Right: v.RightText, LeftV: rufmt.Number(v.Left, -1), RightV: rufmt.Number(v.Right, -1), Operator: operatorText(v.Operator),
			FormURL: "/entry/" + url.PathEscape(d.DS.ID) + "/" + url.PathEscape(v.OrgUnit) + "/" + v.Period, PeriodID: v.Period, PLabel: view.PeriodLabel(v.Period)}
		if u, ok := h.Get(v.OrgUnit); ok {
			vv.Unit = u.Name
		}
		for _, de := range v.DataElements {
			name, _ := d.element(de)
			if !slices.Contains(vv.Elements, name) {
				vv.Elements = append(vv.Elements, name)
			}
		}
		out[i] = vv
	}
	return out
}
