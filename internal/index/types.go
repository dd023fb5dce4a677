package index

// Direction says whether a higher raw value is better (+1) or worse (-1).
type Direction int

// Directions.
const (
	HigherIsBetter Direction = 1
	LowerIsBetter  Direction = -1
)

// Unit is one unit being compared (a region, or an МО when a methodology
// ranks organisations). Group is used by group imputation and by ranks within
// a group (the federal district for regions).
type Unit struct {
	ID    string
	Name  string
	Group string
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
