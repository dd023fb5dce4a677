package rating

import (
	"fmt"
	"time"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
)

// Result is one computed rating: its inputs (so that it can be explained and
// re-run), its league table and warnings. It is stored as one JSON document;
// the index pipeline's detailed output is rebuilt from it on demand.
type Result struct {
	Methodology string    `json:"methodology"`
	Version     string    `json:"version"`
	Name        string    `json:"name"`
	Period      string    `json:"period"`
	PeriodLabel string    `json:"period_label"`
	Previous    string    `json:"previous_period,omitempty"`
	Level       string    `json:"level"`
	ComputedAt  time.Time `json:"computed_at"`
	Synthetic   bool      `json:"synthetic"`
	Root        string    `json:"root"`

	Units         []UnitRef        `json:"units"`
	Elements      []ElementRef     `json:"data_elements"`
	ElementValues [][]Num          `json:"data_element_values"` // [element][unit], aggregated to the unit
	Indicators    []IndicatorRef   `json:"indicators"`
	Numerators    [][]Num          `json:"numerators"`   // [indicator][unit]
	Denominators  [][]Num          `json:"denominators"` // [indicator][unit]
	Values        [][]Num          `json:"values"`       // [indicator][unit]: the pipeline's raw input
	Series        map[string][]Num `json:"series"`       // per-unit series for denomination
	Inputs        []InputRef       `json:"inputs,omitempty"`

	Nodes      []NodeRef      `json:"nodes"`
	Treatments []TreatmentRef `json:"treatments"`
	Rows       []Row          `json:"rows"` // one per unit, in Units order
	Leaders    []string       `json:"leaders"`
	Laggards   []string       `json:"laggards"`
	Warnings   []string       `json:"warnings,omitempty"`
	Grades     []index.Grade  `json:"grades"`
	// Order is when units were screened out: before imputation (the
	// default) or after it.
	Order  index.Order   `json:"order,omitempty"`
	idx    *index.Result // rebuilt, not stored
	input  *index.Input  // rebuilt, not stored
	method *method.Methodology
}

// UnitRef names a ranked unit.
type UnitRef struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Group     string `json:"group,omitempty"`
	GroupName string `json:"group_name,omitempty"`
	// Attributes are the unit's values of the attributes the methodology
	// groups by (Methodology.Attributes), kept so that a stored result
	// re-runs with the same groups.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// ElementRef describes a data element of the methodology.
type ElementRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Unit        string `json:"unit,omitempty"`
	Aggregation string `json:"aggregation"`
}

// IndicatorRef describes an indicator as the methodology defines it.
type IndicatorRef struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Description    string   `json:"description,omitempty"`
	Unit           string   `json:"unit,omitempty"`
	Numerator      string   `json:"numerator"`
	Denominator    string   `json:"denominator,omitempty"`
	Factor         float64  `json:"factor"`
	Direction      string   `json:"direction"`
	Target         *float64 `json:"target,omitempty"`
	AverageOfUnits bool     `json:"average_of_units,omitempty"`
}

// InputRef records a data element filled from another methodology's result.
type InputRef struct {
	DataElement string `json:"data_element"`
	Methodology string `json:"methodology"`
	Version     string `json:"version"`
	Node        string `json:"node"`
}

// NodeRef is a node of the index tree, flattened in depth-first order.
type NodeRef struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Parent    string  `json:"parent,omitempty"`
	Depth     int     `json:"depth"`
	Weight    float64 `json:"weight"`
	Indicator string  `json:"indicator,omitempty"`
}

// TreatmentRef reports the outlier treatment and imputation of one
// indicator.
type TreatmentRef struct {
	Indicator      string   `json:"indicator"`
	SkewBefore     Num      `json:"skew_before"`
	KurtBefore     Num      `json:"kurt_before"`
	SkewAfter      Num      `json:"skew_after"`
	KurtAfter      Num      `json:"kurt_after"`
	Winsorised     []string `json:"winsorised,omitempty"`
	WinsorLow      Num      `json:"winsor_low"`
	WinsorHigh     Num      `json:"winsor_high"`
	LogTransformed bool     `json:"log_transformed"`
	// Transform is the second step applied (log, log_mirrored, boxcox).
	Transform string `json:"transform,omitempty"`
	Treated   bool   `json:"treated"`
	Imputed   int    `json:"imputed"`
	// Constant: the indicator had no spread, so pipeline.normalise.constant
	// decided its values.
	Constant bool `json:"constant,omitempty"`
}

// Row is one unit's line of the league table.
type Row struct {
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Group      string         `json:"group,omitempty"`
	GroupName  string         `json:"group_name,omitempty"`
	Score      Num            `json:"score"`
	Rank       int            `json:"rank"`
	GroupRank  int            `json:"group_rank"`
	Grade      string         `json:"grade"`
	GradeLabel string         `json:"grade_label"`
	Screened   bool           `json:"screened"`
	PrevScore  *Num           `json:"prev_score,omitempty"`
	PrevRank   int            `json:"prev_rank,omitempty"`
	RankChange int            `json:"rank_change"` // positive = moved up
	Leader     bool           `json:"leader"`
	Laggard    bool           `json:"laggard"`
	Scores     map[string]Num `json:"scores"` // every tree node's score for this unit
	// Ranks is every tree node's rank (1 = best, 0 = no score); Within
	// ranks every node within each grouping of pipeline.ranks.within:
	// grouping → node → rank.
	Ranks  map[string]int            `json:"ranks"`
	Within map[string]map[string]int `json:"within,omitempty"`
}

// Index is the detailed pipeline output (rebuilt on first use).
func (r *Result) Index() *index.Result { return r.idx }

// Methodology is the methodology this result was computed with, once the
// result has been run or rebuilt.
func (r *Result) MethodologyDef() *method.Methodology { return r.method }

// UnitIndex is the position of a unit code in Units, or -1.
func (r *Result) UnitIndex(code string) int {
	for i, u := range r.Units {
		if u.Code == code {
			return i
		}
	}
	return -1
}

func (r *Result) indexInput(m *method.Methodology) *index.Input {
	in := &index.Input{Tree: m.Tree, Config: m.Pipeline, Denominators: map[string][]float64{}}
	for _, u := range r.Units {
		in.Units = append(in.Units, index.Unit{ID: u.Code, Name: u.Name, Group: u.Group, Attributes: u.Attributes})
	}
	for i, ind := range m.Indicators {
		in.Indicators = append(in.Indicators, index.Indicator{ID: ind.ID, Direction: ind.Direction, Target: ind.Target})
		in.Values = append(in.Values, floats(r.Values[i]))
	}
	for k, s := range r.Series {
		in.Denominators[k] = floats(s)
	}
	return in
}

// Rebuild re-runs the pipeline of a stored result with the methodology
// version that produced it, restoring explanations, uncertainty and what-if.
func (r *Result) Rebuild(m *method.Methodology) error {
	if m.ID != r.Methodology || m.Version != r.Version {
		return fmt.Errorf("result of %s %s cannot be rebuilt with %s %s", r.Methodology, r.Version, m.ID, m.Version)
	}
	in := r.indexInput(m)
	res, err := index.Run(in)
	if err != nil {
		return fmt.Errorf("rebuild %s %s: %w", r.Methodology, r.Period, err)
	}
	r.idx, r.input, r.method = res, in, m
	for i := range r.Rows {
		if r.Rows[i].Ranks == nil { // stored before every node was ranked
			r.Rows[i].Ranks, r.Rows[i].Within = nodeRanks(res, i)
		}
	}
	return nil
}

// nodeRanks is unit u's rank in every node, overall and within each
// grouping.
func nodeRanks(res *index.Result, u int) (ranks map[string]int, within map[string]map[string]int) {
	ranks = make(map[string]int, len(res.Nodes))
	for id, nr := range res.Nodes {
		ranks[id] = nr.Rank[u]
		for g, gr := range nr.GroupRanks {
			if within == nil {
				within = map[string]map[string]int{}
			}
			if within[g] == nil {
				within[g] = make(map[string]int, len(res.Nodes))
			}
			within[g][id] = gr[u]
		}
	}
	return ranks, within
}

// run executes the pipeline and fills the league table.
func (r *Result) run(m *method.Methodology) error {
	in := r.indexInput(m)
	res, err := index.Run(in)
	if err != nil {
		return fmt.Errorf("methodology %s period %s: %w", m.ID, r.Period, err)
	}
	r.idx, r.input, r.method = res, in, m
	r.Root = res.Root
	r.Grades = m.Pipeline.Grades
	r.Order = res.Order
	r.Nodes = nil
	var walk func(n *index.Node, parent string, depth int)
	walk = func(n *index.Node, parent string, depth int) {
		r.Nodes = append(r.Nodes, NodeRef{ID: n.ID, Name: n.Name, Parent: parent, Depth: depth, Weight: n.Weight, Indicator: n.Indicator})
		for _, c := range n.Children {
			walk(c, n.ID, depth+1)
		}
	}
	walk(m.Tree, "", 0)
	r.Treatments = r.Treatments[:0]
	for _, ir := range res.Indicators {
		n := 0
		for _, b := range ir.WasImputed {
			if b {
				n++
			}
		}
		tr := ir.Treatment
		r.Treatments = append(r.Treatments, TreatmentRef{Indicator: ir.ID, SkewBefore: Num(tr.SkewBefore), KurtBefore: Num(tr.KurtBefore),
			SkewAfter: Num(tr.SkewAfter), KurtAfter: Num(tr.KurtAfter), Winsorised: tr.Winsorised, WinsorLow: Num(tr.WinsorLow),
			WinsorHigh: Num(tr.WinsorHigh), LogTransformed: tr.LogTransformed, Transform: string(tr.Transform), Treated: tr.Treated,
			Imputed: n, Constant: ir.Constant})
	}
	labels := map[string]string{}
	for _, g := range m.Pipeline.Grades {
		labels[g.Name] = g.Label
	}
	leaders, laggards := map[string]bool{}, map[string]bool{}
	for _, id := range res.Leaders {
		leaders[id] = true
	}
	for _, id := range res.Laggards {
		laggards[id] = true
	}
	r.Leaders, r.Laggards = res.Leaders, res.Laggards
	r.Rows = make([]Row, len(r.Units))
	for i, u := range r.Units {
		row := Row{
			Code: u.Code, Name: u.Name, Group: u.Group, GroupName: u.GroupName,
			Score: Num(res.Score[i]), Rank: res.Rank[i], GroupRank: res.GroupRank[i],
			Grade: res.Grade[i], GradeLabel: labels[res.Grade[i]], Screened: res.Screened[i],
			Leader: leaders[u.Code], Laggard: laggards[u.Code],
			Scores: map[string]Num{},
		}
		for id, nr := range res.Nodes {
			row.Scores[id] = Num(nr.Score[i])
		}
		row.Ranks, row.Within = nodeRanks(res, i)
		r.Rows[i] = row
	}
	r.Warnings = append(r.Warnings, res.Warnings...)
	return nil
}

// attachPrevious records the previous period's scores and ranks and the
// change in rank (positive = moved up the table).
func (r *Result) attachPrevious(prev *Result) {
	r.Previous = prev.Period
	byCode := map[string]Row{}
	for _, row := range prev.Rows {
		byCode[row.Code] = row
	}
	for i := range r.Rows {
		p, ok := byCode[r.Rows[i].Code]
		if !ok || p.Rank == 0 {
			continue
		}
		s := p.Score
		r.Rows[i].PrevScore = &s
		r.Rows[i].PrevRank = p.Rank
		if r.Rows[i].Rank > 0 {
			r.Rows[i].RankChange = p.Rank - r.Rows[i].Rank
		}
	}
}

// Sorted returns the rows ordered by rank (screened units last, by name).
func (r *Result) Sorted() []Row {
	out := append([]Row(nil), r.Rows...)
	sortRows(out)
	return out
}
