package fhirmeasure

import (
	"fmt"
	"strings"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// Options name the server that publishes the resources.
type Options struct {
	// Base is the canonical base URL of Cifra's FHIR resources, such as
	// "https://cifra.minzdrav.example/fhir"; Measure URLs and code systems
	// are built from it.
	Base string
	// Publisher is the organisation shown as the Measure's publisher.
	Publisher string
}

// Measure is an R4 Measure resource.
type Measure struct {
	ResourceType        string           `json:"resourceType"`
	ID                  string           `json:"id"`
	URL                 string           `json:"url"`
	Identifier          []Identifier     `json:"identifier,omitempty"`
	Version             string           `json:"version"`
	Name                string           `json:"name"`
	Title               string           `json:"title"`
	Status              string           `json:"status"`
	Publisher           string           `json:"publisher,omitempty"`
	Description         string           `json:"description,omitempty"`
	Scoring             *CodeableConcept `json:"scoring,omitempty"`
	CompositeScoring    *CodeableConcept `json:"compositeScoring,omitempty"`
	ImprovementNotation *CodeableConcept `json:"improvementNotation,omitempty"`
	Group               []MeasureGroup   `json:"group"`
}

// MeasureGroup is Measure.group: one indicator or one index node.
type MeasureGroup struct {
	Code        CodeableConcept     `json:"code"`
	Description string              `json:"description,omitempty"`
	Population  []MeasurePopulation `json:"population,omitempty"`
}

// MeasurePopulation is Measure.group.population with its formula.
type MeasurePopulation struct {
	Code        CodeableConcept `json:"code"`
	Description string          `json:"description,omitempty"`
	Criteria    Expression      `json:"criteria"`
}

// MeasureURL is the canonical URL of methodology id's Measure.
func (o Options) MeasureURL(id string) string {
	return strings.TrimSuffix(o.Base, "/") + "/Measure/" + id
}

// CodeSystem is the URL of the code system of a methodology's indicator
// and node ids.
func (o Options) CodeSystem(id string) string {
	return strings.TrimSuffix(o.Base, "/") + "/CodeSystem/" + id
}

// NewMeasure describes methodology m: a group per indicator, in the
// methodology's order, with the numerator and denominator formulas, then a
// group per index node from the root, whose score is the weighted
// aggregate of its children.
func NewMeasure(m *method.Methodology, o Options) (*Measure, error) {
	if o.Base == "" {
		return nil, fmt.Errorf("fhir measure %s: no base URL", m.ID)
	}
	cs := o.CodeSystem(m.ID)
	out := &Measure{
		ResourceType: "Measure", ID: m.ID, URL: o.MeasureURL(m.ID), Version: m.Version,
		Identifier: []Identifier{{System: uriSystem, Value: o.MeasureURL(m.ID)}},
		Name:       computableName(m.ID), Title: m.Name, Status: "active", Publisher: o.Publisher,
		Description: strings.TrimSpace(m.Description),
		Scoring:     &CodeableConcept{Coding: []Coding{{System: measureScoringSystem, Code: "ratio", Display: "Ratio"}}},
		// The index is a weighted combination of its indicators' scores.
		CompositeScoring:    &CodeableConcept{Coding: []Coding{{System: compositeScoringSystem, Code: "weighted", Display: "Weighted"}}},
		ImprovementNotation: improvement(index.HigherIsBetter),
	}
	den := m.Pipeline.Denominate
	for _, ind := range m.Indicators {
		g := MeasureGroup{Code: CodeableConcept{Coding: []Coding{{System: cs, Code: ind.ID, Display: ind.Name}}, Text: ind.Name}}
		numSrc, denSrc := ind.Numerator.String(), "1"
		if ind.Denominator != nil {
			denSrc = ind.Denominator.String()
		}
		factor := ind.Factor
		var desc []string
		if ind.Description != "" {
			desc = append(desc, strings.TrimSpace(ind.Description))
		}
		if series, ok := den.By[ind.ID]; ok {
			// The index divides the indicator by a per-unit series: the
			// report's denominator population includes it.
			if denSrc == "1" {
				denSrc = series
			} else {
				denSrc = "(" + denSrc + ") * " + series
			}
			factor *= den.Scale
			desc = append(desc, fmt.Sprintf("В расчёте индекса делится на ряд «%s» и умножается на %s.", seriesName(series), num(den.Scale)))
		}
		if ind.AverageOfUnits {
			desc = append(desc, "Отношение считается для каждой медицинской организации и усредняется без весов; популяции в отчёте — суммы.")
		}
		desc = append(desc, fmt.Sprintf("Значение = числитель / знаменатель × %s%s; %s.", num(factor), unitSuffix(ind.Unit), direction(ind.Direction)))
		g.Description = strings.Join(desc, " ")
		g.Population = []MeasurePopulation{
			{Code: popCode("numerator", "Numerator"), Description: "Числитель", Criteria: Expression{Language: formulaLanguage, Expression: numSrc}},
			{Code: popCode("denominator", "Denominator"), Description: "Знаменатель", Criteria: Expression{Language: formulaLanguage, Expression: denSrc}},
		}
		out.Group = append(out.Group, g)
	}
	seen := map[string]bool{}
	for _, ind := range m.Indicators {
		seen[ind.ID] = true
	}
	var walk func(n *index.Node)
	walk = func(n *index.Node) {
		if n == nil || seen[n.ID] {
			return
		}
		seen[n.ID] = true
		var parts []string
		for _, c := range n.Children {
			parts = append(parts, fmt.Sprintf("%s (вес %s)", c.ID, num(c.Weight)))
		}
		out.Group = append(out.Group, MeasureGroup{
			Code:        CodeableConcept{Coding: []Coding{{System: cs, Code: n.ID, Display: n.Name}}, Text: n.Name},
			Description: "Балл узла индекса (" + aggregation(n, m) + "): " + strings.Join(parts, ", ") + ".",
		})
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(m.Tree)
	return out, nil
}

func popCode(code, display string) CodeableConcept {
	return CodeableConcept{Coding: []Coding{{System: measurePopulationSystem, Code: code, Display: display}}}
}

func improvement(d index.Direction) *CodeableConcept {
	if d == index.LowerIsBetter {
		return &CodeableConcept{Coding: []Coding{{System: improvementSystem, Code: "decrease", Display: "Decreased score indicates improvement"}}}
	}
	return &CodeableConcept{Coding: []Coding{{System: improvementSystem, Code: "increase", Display: "Increased score indicates improvement"}}}
}

func direction(d index.Direction) string {
	if d == index.LowerIsBetter {
		return "чем меньше, тем лучше"
	}
	return "чем больше, тем лучше"
}

func aggregation(n *index.Node, m *method.Methodology) string {
	a := n.Aggregation
	if a == "" {
		a = m.Pipeline.Aggregate.Method
	}
	if a == "" {
		a = "arithmetic"
	}
	return "агрегирование " + string(a)
}

func seriesName(s string) string {
	if s == "population" {
		return "численность населения"
	}
	return s
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " (" + u + ")"
}

// computableName turns an id into the Measure.name convention (letters
// and digits, starting upper case).
func computableName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '-' || r == '_' || r == '.' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// num writes a number for Russian text (decimal comma).
func num(f float64) string { return rufmt.Number(f, -1) }
