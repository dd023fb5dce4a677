package method

import (
	"fmt"
	"slices"

	"github.com/cifra-health/cifra/internal/formula"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/period"
)

// Methodology is one parsed and validated methodology file.
type Methodology struct {
	ID          string
	Version     string
	Name        string // Russian, shown to users
	Description string // Russian, shown to users
	// PeriodTypes are the period types the methodology can be computed for.
	PeriodTypes []period.Type
	// ValidFrom and ValidTo are period ids bounding the periods it applies
	// to, in canonical form; "" leaves that side open.
	ValidFrom, ValidTo string
	// UnitLevel is the orgunit level of the units being ranked, by its
	// canonical name: "region" (the default) or "organisation".
	UnitLevel    string
	DataElements []DataElement
	Indicators   []Indicator
	// Tree is the index: the root is the index itself, inner nodes are
	// criteria, leaves reference indicators (leaf id = indicator id).
	Tree        *index.Node
	Pipeline    index.Config
	Uncertainty UncertaintyDefaults
	DataSets    []DataSet
	Validation  []ValidationRule
	Inputs      []Input
	// Warnings are things that are allowed but probably not meant (see
	// lint.go), by line; Parse succeeds with them.
	Warnings []Problem
	Source   string // the file name it was loaded from
	Raw      []byte // the file as read, for storing and versioning

	validFrom, validTo period.Period
}

// AggType is how a data element's values combine over time and across
// organisation units.
type AggType string

// Aggregation types. A stock such as the number of workplaces is "last": the
// latest value within the period, summed across organisations.
const (
	AggSum     AggType = "sum"
	AggAverage AggType = "average"
	AggLast    AggType = "last"
	AggMin     AggType = "min"
	AggMax     AggType = "max"
)

var aggTypes = []AggType{AggSum, AggAverage, AggLast, AggMin, AggMax}

// DataElement is one reported number, e.g. the number of workplaces with an
// АРМ in a medical organisation.
type DataElement struct {
	ID          string
	Name        string // Russian
	Unit        string // Russian, e.g. "ед.", "чел."
	Description string
	Aggregation AggType
	Synthetic   *DemoHint // how the demo generator invents values; nil = not generated
}

// Indicator is Numerator / Denominator × Factor for every unit.
type Indicator struct {
	ID          string
	Name        string // Russian
	Description string
	Unit        string
	Numerator   *formula.Expr
	Denominator *formula.Expr // nil = 1
	Factor      float64       // 1 unless written
	Direction   index.Direction
	Target      *float64
	// AverageOfUnits computes the ratio for each organisation below the
	// unit and averages them, instead of the ratio of aggregated sums.
	AverageOfUnits bool
	Source         string // where the data come from, for users
}

// UncertaintyDefaults are the methodology's suggested settings for the
// Monte Carlo uncertainty analysis; a user may change them per run. The
// method lists are alternatives that differ from the pipeline in the method
// only; Alternatives carry their own parameters; Noise sets the weight
// noise per level of the tree (WeightJitter for the levels it leaves out).
type UncertaintyDefaults struct {
	Draws          int                     `yaml:"draws" json:"draws,omitempty"`
	WeightJitter   float64                 `yaml:"weight_jitter" json:"weight_jitter,omitempty"`
	Noise          []index.WeightNoise     `yaml:"noise" json:"noise,omitempty"`
	Normalisations []index.NormaliseMethod `yaml:"normalisations" json:"normalisations,omitempty"`
	Aggregations   []index.AggregateMethod `yaml:"aggregations" json:"aggregations,omitempty"`
	Imputations    []index.ImputeMethod    `yaml:"imputations" json:"imputations,omitempty"`
	Alternatives   index.Alternatives      `yaml:"alternatives" json:"alternatives"`
}

// Options turns the defaults into index options with the given seed (the
// alternatives' slices are shared with u: treat them as read-only).
func (u UncertaintyDefaults) Options(seed uint64) index.UncertaintyOptions {
	return index.UncertaintyOptions{
		Draws:          u.Draws,
		Seed:           seed,
		WeightJitter:   u.WeightJitter,
		Noise:          slices.Clone(u.Noise),
		Normalisations: slices.Clone(u.Normalisations),
		Aggregations:   slices.Clone(u.Aggregations),
		Imputations:    slices.Clone(u.Imputations),
		Alternatives:   u.Alternatives,
	}
}

// DataSet is a form for data collection: which data elements are reported,
// by which organisation units, how often and by when.
type DataSet struct {
	ID           string
	Name         string // Russian
	Description  string
	DataElements []string
	Level        string // orgunit level of the reporting units: "organisation" or "region"
	PeriodType   period.Type
	DeadlineDays int // days after the end of the period
}

// Input fills a data element with a score computed by another methodology
// for the same unit and period (the root score unless Node is set).
type Input struct {
	DataElement string `yaml:"data_element" json:"data_element"`
	Methodology string `yaml:"methodology" json:"methodology"`
	Node        string `yaml:"node" json:"node,omitempty"`

	line int // where it was written, for CheckInputs
}

// Indicator returns the indicator with the given id.
func (m *Methodology) Indicator(id string) (*Indicator, bool) {
	for i := range m.Indicators {
		if m.Indicators[i].ID == id {
			return &m.Indicators[i], true
		}
	}
	return nil, false
}

// DataElement returns the data element with the given id.
func (m *Methodology) DataElement(id string) (*DataElement, bool) {
	for i := range m.DataElements {
		if m.DataElements[i].ID == id {
			return &m.DataElements[i], true
		}
	}
	return nil, false
}

// DataSet returns the data set with the given id.
func (m *Methodology) DataSet(id string) (*DataSet, bool) {
	for i := range m.DataSets {
		if m.DataSets[i].ID == id {
			return &m.DataSets[i], true
		}
	}
	return nil, false
}

// Node returns the tree node with the given id (the root, a criterion or a
// leaf).
func (m *Methodology) Node(id string) (*index.Node, bool) {
	var find func(n *index.Node) *index.Node
	find = func(n *index.Node) *index.Node {
		if n == nil || n.ID == id {
			return n
		}
		for _, c := range n.Children {
			if f := find(c); f != nil {
				return f
			}
		}
		return nil
	}
	n := find(m.Tree)
	return n, n != nil
}

// AppliesTo reports whether the methodology can be computed for p: p has one
// of its period types and lies within ValidFrom..ValidTo.
func (m *Methodology) AppliesTo(p period.Period) bool {
	if p.IsZero() || !slices.Contains(m.PeriodTypes, p.Type()) {
		return false
	}
	from, to := m.validFrom, m.validTo
	// A Methodology built in Go code rather than parsed has only the ids.
	if from.IsZero() && m.ValidFrom != "" {
		from, _ = period.Parse(m.ValidFrom)
	}
	if to.IsZero() && m.ValidTo != "" {
		to, _ = period.Parse(m.ValidTo)
	}
	if !from.IsZero() && p.Start().Before(from.Start()) {
		return false
	}
	if !to.IsZero() && p.End().After(to.End()) {
		return false
	}
	return true
}

// SetValidity changes the periods the methodology applies to; "" leaves a
// side open.
func (m *Methodology) SetValidity(from, to string) error {
	var f, t period.Period
	var err error
	if from != "" {
		if f, err = period.Parse(from); err != nil {
			return fmt.Errorf("methodology %s valid_from: %w", m.ID, err)
		}
	}
	if to != "" {
		if t, err = period.Parse(to); err != nil {
			return fmt.Errorf("methodology %s valid_to: %w", m.ID, err)
		}
	}
	m.ValidFrom, m.ValidTo, m.validFrom, m.validTo = from, to, f, t
	return nil
}

// Attributes lists the unit attributes the methodology groups units by —
// the imputation's and its uncertainty alternatives' group_by, ranks.within
// — once each, in that order; "" (the default unit group, the federal
// district for regions) is left out.
func (m *Methodology) Attributes() []string {
	var names []string
	add := func(name string) {
		if name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	grouped := func(c index.ImputeConfig) bool {
		return c.Method == index.ImputeGroupMean || c.Method == index.ImputeGroupMedian
	}
	if grouped(m.Pipeline.Impute) {
		add(m.Pipeline.Impute.GroupBy)
	}
	for _, alt := range m.Uncertainty.Alternatives.Impute {
		if grouped(alt) && alt.GroupBy == "" {
			alt.GroupBy = m.Pipeline.Impute.GroupBy // as the analysis resolves it
		}
		if grouped(alt) {
			add(alt.GroupBy)
		}
	}
	for _, imp := range m.Uncertainty.Imputations {
		if imp == index.ImputeGroupMean || imp == index.ImputeGroupMedian {
			add(m.Pipeline.Impute.GroupBy)
		}
	}
	for _, name := range m.Pipeline.Ranks.Within {
		add(name)
	}
	return names
}
