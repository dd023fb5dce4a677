package index

// Result is the outcome of one pipeline run. Per-unit slices are indexed like
// Result.Units (and Input.Units); NaN marks "no value". Slices may share
// memory with the Input and with each other (a stage that changed nothing
// is not copied), so treat them as read-only.
type Result struct {
	Units      []Unit
	Indicators []IndicatorResult // same order as Input.Indicators
	// Nodes holds every tree node, leaves and root included, by node id.
	Nodes map[string]*NodeResult
	Root  string
	// NodeOrder lists node ids children-before-parents (root last), so that
	// callers can walk the tree deterministically.
	NodeOrder []string
	Score     []float64 // root score per unit (NaN when screened or unscored)
	Rank      []int     // 1 = best; 0 when screened or unscored
	GroupRank []int     // rank within Unit.Group; 0 when unranked
	Grade     []string  // Grade.Name; "" when unranked or below every grade
	Screened  []bool
	// GroupRanks ranks the root within each grouping of Config.Ranks.Within,
	// by grouping name (nodes have theirs in NodeResult.GroupRanks).
	GroupRanks map[string][]int
	Leaders    []string // best first
	Laggards   []string // worst first
	Warnings   []string

	// Methods actually used (defaults resolved), for reports.
	ImputeMethod    ImputeMethod
	NormaliseMethod NormaliseMethod
	// Order is the order screening and imputation ran in.
	Order Order
}

// IndicatorResult traces one indicator through every stage. Each slice is
// per unit; values of screened units are NaN from Treated on.
type IndicatorResult struct {
	ID          string
	Raw         []float64
	Denominated []float64
	Imputed     []float64 // Denominated with missing cells filled
	Treated     []float64 // after outlier treatment
	Normalised  []float64
	WasImputed  []bool
	Treatment   Treatment
	// Constant is true when the indicator had no spread among the units
	// taking part, so the Normalise.Constant rule decided its values.
	Constant bool
}

// Treatment reports what the outlier step did to one indicator. Skewness and
// kurtosis are the Excel SKEW/KURT estimators (see skewKurt); NaN when there
// are too few distinct values to estimate them.
type Treatment struct {
	SkewBefore, KurtBefore float64
	SkewAfter, KurtAfter   float64
	// Winsorised lists the unit ids whose values were clipped.
	Winsorised []string
	// Treated values lie within [WinsorLow, WinsorHigh]: the clip bounds on
	// the winsorised side(s), the observed min/max otherwise. NaN when the
	// indicator was not winsorised.
	WinsorLow, WinsorHigh float64
	// Transform is the second step applied (log, log_mirrored, boxcox), ""
	// when none was; LogTransformed is true for the two logs.
	Transform      SecondStep
	LogTransformed bool
	// Treated is true when winsorisation or a transform was applied.
	Treated bool
}

// NodeResult is one tree node's scores.
type NodeResult struct {
	ID, Parent  string // Parent is "" for the root
	Name        string
	Indicator   string          // leaves only
	Children    []string        // inner nodes only, in tree order
	Aggregation AggregateMethod // how this node combines its children (inner nodes)
	P           float64         // exponent when Aggregation is generalised
	Score       []float64       // per unit; for a leaf, the normalised indicator
	// Rank is Score ranked across units, 1 = best, ties sharing the best
	// rank; 0 without a score. GroupRanks ranks within each grouping of
	// Config.Ranks.Within, by grouping name.
	Rank       []int
	GroupRanks map[string][]int
	Weight     float64 // nominal weight
	// EffWeight is the per-unit weight within the parent after re-scaling
	// for missing siblings (0 when this node has no value for the unit). The
	// root's is 1.
	EffWeight []float64
	// Contribution is this node's share of the parent score; the shares of
	// all children sum to the parent score (see contributions in
	// aggregate.go for each method). The root's equals its score.
	Contribution []float64
}

// UnitIndex returns the position of unit id in r.Units, or -1.
func (r *Result) UnitIndex(id string) int {
	for i, u := range r.Units {
		if u.ID == id {
			return i
		}
	}
	return -1
}

// IndicatorIndex returns the position of indicator id in r.Indicators, or -1.
func (r *Result) IndicatorIndex(id string) int {
	for i, ind := range r.Indicators {
		if ind.ID == id {
			return i
		}
	}
	return -1
}
