package rating

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cifra-health/cifra/internal/index"
)

func sortRows(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if (a.Rank == 0) != (b.Rank == 0) {
			return b.Rank == 0
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.Name < b.Name
	})
}

// errNotRun is returned when detail is asked of a result that was loaded
// but not rebuilt.
var errNotRun = errors.New("result has not been rebuilt with its methodology")

// ElementValue is one aggregated data-element value behind an indicator.
type ElementValue struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Unit  string `json:"unit,omitempty"`
	Value Num    `json:"value"`
}

// IndicatorExplanation is the raw side of a leaf: the data elements, the
// formula and the indicator value it gives.
type IndicatorExplanation struct {
	IndicatorRef
	Elements         []ElementValue `json:"elements"`
	NumeratorValue   Num            `json:"numerator_value"`
	DenominatorValue Num            `json:"denominator_value"`
	Value            Num            `json:"value"`
}

// Explanation says why a unit has its score at a node: for a leaf, raw values
// → formula → indicator value → treated → normalised → weight → contribution;
// for an inner node, its score and each child's explanation.
type Explanation struct {
	Unit           string                `json:"unit"`
	UnitName       string                `json:"unit_name"`
	Node           string                `json:"node"`
	NodeName       string                `json:"node_name"`
	Score          Num                   `json:"score"`
	Weight         float64               `json:"weight"`
	EffWeight      Num                   `json:"effective_weight"`
	Contribution   Num                   `json:"contribution"`
	Indicator      *IndicatorExplanation `json:"indicator,omitempty"`
	Raw            Num                   `json:"raw,omitempty"`
	Denominated    Num                   `json:"denominated,omitempty"`
	Treated        Num                   `json:"treated,omitempty"`
	Normalised     Num                   `json:"normalised,omitempty"`
	Imputed        bool                  `json:"imputed,omitempty"`
	Winsorised     bool                  `json:"winsorised,omitempty"`
	LogTransformed bool                  `json:"log_transformed,omitempty"`
	Children       []Explanation         `json:"children,omitempty"`
}

// Explain explains the score of unit code at node (the root when empty),
// down to the raw values, with depth levels of children (0 = all).
func (r *Result) Explain(code, node string, depth int) (Explanation, error) {
	if r.idx == nil {
		return Explanation{}, errNotRun
	}
	if node == "" {
		node = r.Root
	}
	ui := r.UnitIndex(code)
	if ui < 0 {
		return Explanation{}, fmt.Errorf("explain: unit %q is not rated in %s %s", code, r.Methodology, r.Period)
	}
	return r.explain(ui, node, depth, 1)
}

func (r *Result) explain(ui int, node string, depth, level int) (Explanation, error) {
	ie, err := r.idx.Explain(r.Units[ui].Code, node)
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{
		Unit: r.Units[ui].Code, UnitName: r.Units[ui].Name, Node: node,
		Score: Num(ie.Score), Weight: ie.Weight, EffWeight: Num(ie.EffWeight), Contribution: Num(ie.Contribution),
	}
	for _, n := range r.Nodes {
		if n.ID == node {
			ex.NodeName = n.Name
		}
	}
	if ie.Indicator != "" {
		ex.Raw, ex.Denominated, ex.Treated, ex.Normalised = Num(ie.Raw), Num(ie.Denominated), Num(ie.Treated), Num(ie.Normalised)
		ex.Imputed, ex.Winsorised, ex.LogTransformed = ie.Imputed, ie.Winsorised, ie.LogTransformed
		ex.Indicator = r.indicatorExplanation(ie.Indicator, ui)
		return ex, nil
	}
	if depth > 0 && level > depth {
		return ex, nil
	}
	for _, c := range ie.Children {
		ce, err := r.explain(ui, c.Node, depth, level+1)
		if err != nil {
			return Explanation{}, err
		}
		ex.Children = append(ex.Children, ce)
	}
	return ex, nil
}

func (r *Result) indicatorExplanation(id string, ui int) *IndicatorExplanation {
	for i, ind := range r.Indicators {
		if ind.ID != id {
			continue
		}
		out := &IndicatorExplanation{IndicatorRef: ind, NumeratorValue: r.Numerators[i][ui], DenominatorValue: r.Denominators[i][ui], Value: r.Values[i][ui]}
		for ei, el := range r.Elements {
			if mentions(ind.Numerator, el.ID) || mentions(ind.Denominator, el.ID) {
				out.Elements = append(out.Elements, ElementValue{ID: el.ID, Name: el.Name, Unit: el.Unit, Value: r.ElementValues[ei][ui]})
			}
		}
		return out
	}
	return nil
}

// mentions reports whether formula src references identifier id as a whole
// word (ids are [a-z][a-z0-9_]*).
func mentions(src, id string) bool {
	for i := 0; ; {
		j := strings.Index(src[i:], id)
		if j < 0 {
			return false
		}
		a, b := i+j, i+j+len(id)
		if (a == 0 || !identByte(src[a-1])) && (b == len(src) || !identByte(src[b])) {
			return true
		}
		i = a + 1
	}
}

func identByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Uncertainty runs the Monte Carlo analysis on this result's input.
func (r *Result) Uncertainty(ctx context.Context, opts index.UncertaintyOptions) ([]index.UnitUncertainty, error) {
	if r.input == nil {
		return nil, errNotRun
	}
	return index.Uncertainty(ctx, r.input, opts)
}

// WhatIf lists the levers of one unit: each indicator improved alone.
func (r *Result) WhatIf(code string, opts index.WhatIfOptions) ([]index.Lever, error) {
	if r.input == nil {
		return nil, errNotRun
	}
	if r.UnitIndex(code) < 0 {
		return nil, fmt.Errorf("what-if: unit %q is not rated in %s %s", code, r.Methodology, r.Period)
	}
	return index.WhatIf(r.input, code, opts)
}

// UncertaintyNodes runs the Monte Carlo analysis on this result's input for
// the ranks of the given nodes (every node when ids is empty).
func (r *Result) UncertaintyNodes(ctx context.Context, opts index.UncertaintyOptions, ids []string) (*index.UncertaintyResult, error) {
	if r.input == nil {
		return nil, errNotRun
	}
	return index.UncertaintyNodes(ctx, r.input, opts, ids)
}
