package fhirmeasure

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
)

// MeasureReport is an R4 MeasureReport resource.
type MeasureReport struct {
	ResourceType        string           `json:"resourceType"`
	ID                  string           `json:"id"`
	Meta                *Meta            `json:"meta,omitempty"`
	Status              string           `json:"status"`
	Type                string           `json:"type"`
	Measure             string           `json:"measure"`
	Subject             *Reference       `json:"subject,omitempty"`
	Date                string           `json:"date,omitempty"`
	Period              Period           `json:"period"`
	ImprovementNotation *CodeableConcept `json:"improvementNotation,omitempty"`
	Group               []ReportGroup    `json:"group,omitempty"`
}

// ReportGroup is MeasureReport.group: one indicator's or node's result.
type ReportGroup struct {
	Code         CodeableConcept    `json:"code"`
	Population   []ReportPopulation `json:"population,omitempty"`
	MeasureScore *Quantity          `json:"measureScore,omitempty"`
}

// ReportPopulation is MeasureReport.group.population.
type ReportPopulation struct {
	Code  CodeableConcept `json:"code"`
	Count *int            `json:"count,omitempty"`
}

// NewReport is the summary MeasureReport of unit (a code rated in r) for
// r's period: for each item (indicator or index-node id; none = every
// indicator, then every node) a group. An indicator's measure score is its
// value as the index uses it — after denomination, as the unit's
// explanation shows it — and its populations are the numerator and the
// denominator that give that score (the denominator including the series
// the index divides by). Populations are counts in FHIR: a non-integer
// numerator or denominator (an average, a share) is left without a count.
// An index node's score is its score. r must be rebuilt (as the catalog
// returns results).
func NewReport(r *rating.Result, unit *orgunit.Unit, items []string, o Options) (*MeasureReport, error) {
	idx, m := r.Index(), r.MethodologyDef()
	if idx == nil || m == nil {
		return nil, fmt.Errorf("fhir report %s %s: result has not been rebuilt", r.Methodology, r.Period)
	}
	ui := r.UnitIndex(unit.Code)
	if ui < 0 {
		return nil, fmt.Errorf("fhir report: unit %s is not rated in %s %s", unit.Code, r.Methodology, r.Period)
	}
	p, err := period.Parse(r.Period)
	if err != nil {
		return nil, fmt.Errorf("fhir report: %w", err)
	}
	cs := o.CodeSystem(r.Methodology)
	rep := &MeasureReport{
		ResourceType: "MeasureReport", ID: reportID(r, unit.Code), Status: "complete", Type: "summary",
		Measure:             o.MeasureURL(r.Methodology) + "|" + r.Version,
		Subject:             subject(unit),
		Date:                r.ComputedAt.UTC().Format(time.RFC3339),
		Period:              Period{Start: p.Start().Format(time.DateOnly), End: p.End().AddDate(0, 0, -1).Format(time.DateOnly)},
		ImprovementNotation: improvement(1),
	}
	if r.ComputedAt.IsZero() {
		rep.Date = ""
	}
	if r.Synthetic {
		rep.Meta = &Meta{Security: []Coding{testData()}}
	}
	if len(items) == 0 {
		for _, ind := range r.Indicators {
			items = append(items, ind.ID)
		}
		for _, n := range r.Nodes {
			if n.Indicator == "" {
				items = append(items, n.ID)
			}
		}
	}
	for _, id := range items {
		g, err := group(r, ui, id, cs)
		if err != nil {
			return nil, err
		}
		rep.Group = append(rep.Group, g)
	}
	return rep, nil
}

func group(r *rating.Result, ui int, id, cs string) (ReportGroup, error) {
	idx, m := r.Index(), r.MethodologyDef()
	for i, ind := range r.Indicators {
		if ind.ID != id {
			continue
		}
		g := ReportGroup{Code: CodeableConcept{Coding: []Coding{{System: cs, Code: id, Display: ind.Name}}}}
		numer, denom := float64(r.Numerators[i][ui]), float64(r.Denominators[i][ui])
		unit := ind.Unit
		if series, ok := m.Pipeline.Denominate.By[id]; ok {
			unit = denominatedUnit(ind.Unit, series, m.Pipeline.Denominate.Scale)
			if s := r.Series[series]; ui < len(s) {
				denom *= float64(s[ui])
			} else {
				denom = math.NaN()
			}
		}
		g.Population = []ReportPopulation{
			{Code: popCode("numerator", "Numerator"), Count: count(numer)},
			{Code: popCode("denominator", "Denominator"), Count: count(denom)},
		}
		if v := idx.Indicators[idx.IndicatorIndex(id)].Denominated[ui]; finite(v) {
			g.MeasureScore = &Quantity{Value: ptr(v), Unit: unit}
		}
		return g, nil
	}
	for _, n := range r.Nodes {
		if n.ID != id {
			continue
		}
		g := ReportGroup{Code: CodeableConcept{Coding: []Coding{{System: cs, Code: id, Display: n.Name}}}}
		if v := float64(r.Rows[ui].Scores[id]); finite(v) {
			g.MeasureScore = &Quantity{Value: ptr(v), Unit: "балл"}
		}
		return g, nil
	}
	return ReportGroup{}, fmt.Errorf("fhir report: %q is neither an indicator nor an index node of %s", id, r.Methodology)
}

// denominatedUnit is the unit of an indicator divided by a series:
// "чел. на 1000 жителей".
func denominatedUnit(unit, series string, scale float64) string {
	per := "ед. ряда «" + series + "»"
	if series == "population" {
		per = "жителей"
	}
	return strings.TrimSpace(unit + " на " + num(scale) + " " + per)
}

// count is a population count, or nil when v is not a whole number.
func count(v float64) *int {
	if !finite(v) || v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
		return nil
	}
	n := int(v)
	return &n
}

// subject refers to the unit by identifier: ISO 3166-2 for regions, the
// OID for medical organisations, Cifra's code otherwise.
func subject(u *orgunit.Unit) *Reference {
	id := &Identifier{System: uriSystem, Value: "urn:cifra:orgunit:" + u.Code}
	switch {
	case u.ISO != "":
		id = &Identifier{System: iso3166_2System, Value: u.ISO}
	case isOID(u.Code):
		id = &Identifier{System: uriSystem, Value: "urn:oid:" + u.Code}
	}
	return &Reference{Type: "Location", Identifier: id, Display: u.Name}
}

func isOID(s string) bool {
	if s == "" || !strings.Contains(s, ".") {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return false
		}
	}
	return true
}

// reportID is a FHIR id (letters, digits, '-', '.', at most 64) naming the
// methodology, period and unit.
func reportID(r *rating.Result, unit string) string {
	var b strings.Builder
	for _, c := range r.Methodology + "-" + r.Period + "-" + unit {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 64 {
		s = s[len(s)-64:]
	}
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
