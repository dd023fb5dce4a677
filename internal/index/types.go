package index

// Direction says whether a higher raw value is better (+1) or worse (-1).
type Direction int

// Directions.
const (
	HigherIsBetter Direction = 1
	LowerIsBetter  Direction = -1
)

// Unit is one unit being compared (a region, or an МО when a methodology
// ranks organisations). Group is the default grouping, used by group
// imputation and ranks within a group when a methodology names no attribute
// (the federal district for regions). Attributes are any other groupings a
// methodology may name (income group, МО type…): attribute name → value.
type Unit struct {
	ID         string
	Name       string
	Group      string
	Attributes map[string]string
}

// Attr is the unit's value of a grouping: "" names Group, anything else an
// attribute. A unit without the attribute has "" (it belongs to no group).
func (u *Unit) Attr(name string) string {
	if name == "" {
		return u.Group
	}
	return u.Attributes[name]
}

// Indicator is one column of the input matrix.
type Indicator struct {
	ID        string
	Direction Direction
	Target    *float64 // for distance-to-target normalisation
}

// Node is a node of the index tree: the root is the index, inner nodes are
// criteria (of any depth), leaves reference an indicator by id.
type Node struct {
	ID          string
	Name        string
	Weight      float64
	Indicator   string          // set on leaves only
	Aggregation AggregateMethod // overrides Config.Aggregate.Method for this node's children ("" = default)
	P           float64         // exponent for the generalised mean at this node
	Children    []*Node
}

// Input is everything the pipeline needs; it holds no database or HTTP types.
type Input struct {
	Units      []Unit
	Indicators []Indicator
	// Values[i][u] is the raw value of indicator i for unit u; NaN = missing.
	Values [][]float64
	// Denominators are per-unit series used by Config.Denominate, keyed by name;
	// each slice is indexed like Units.
	Denominators map[string][]float64
	Tree         *Node
	Config       Config
}
