package index

import (
	"fmt"
	"math"
	"slices"
)

// Explanation traces one number of a Result back to its inputs. For a leaf
// the indicator fields are filled; for an inner node they are NaN and
// Children explains each child one level down (call Explain on a child to go
// deeper). Children's contributions sum to Score.
type Explanation struct {
	Unit, Node, Indicator string
	Raw, Denominated      float64 // leaves: the input and the denominated value
	Treated, Normalised   float64 // leaves: after imputation and outlier treatment; after normalisation
	Score                 float64 // the node's score (the normalised value for a leaf)
	Weight, EffWeight     float64 // nominal and re-scaled weight within the parent
	Contribution          float64 // share of the parent's score (the score itself at the root)
	Imputed               bool    // the value was missing and imputed
	Winsorised            bool    // the value was clipped by outlier treatment
	LogTransformed        bool    // the indicator was log-transformed
	Screened              bool    // the unit was screened out: everything is NaN
	Aggregation           AggregateMethod
	Children              []Explanation
}

// Explain explains node's number for unit (ids).
func (r *Result) Explain(unit, node string) (Explanation, error) {
	u := r.UnitIndex(unit)
	if u < 0 {
		return Explanation{}, fmt.Errorf("explain: unknown unit %q", unit)
	}
	n, ok := r.Nodes[node]
	if !ok {
		return Explanation{}, fmt.Errorf("explain: unknown node %q", node)
	}
	ex := r.explainNode(u, n)
	for _, c := range n.Children {
		ex.Children = append(ex.Children, r.explainNode(u, r.Nodes[c]))
	}
	return ex, nil
}

func (r *Result) explainNode(u int, n *NodeResult) Explanation {
	nan := math.NaN()
	ex := Explanation{
		Unit: r.Units[u].ID, Node: n.ID, Indicator: n.Indicator,
		Raw: nan, Denominated: nan, Treated: nan, Normalised: nan,
		Score: n.Score[u], Weight: n.Weight, EffWeight: n.EffWeight[u],
		Contribution: n.Contribution[u],
		Screened:     r.Screened[u],
		Aggregation:  n.Aggregation,
	}
	if n.Indicator == "" {
		return ex
	}
	ir := &r.Indicators[r.IndicatorIndex(n.Indicator)]
	ex.Raw, ex.Denominated = ir.Raw[u], ir.Denominated[u]
	ex.Treated, ex.Normalised = ir.Treated[u], ir.Normalised[u]
	ex.Imputed = ir.WasImputed[u]
	ex.Winsorised = slices.Contains(ir.Treatment.Winsorised, r.Units[u].ID)
	ex.LogTransformed = ir.Treatment.LogTransformed
	return ex
}
