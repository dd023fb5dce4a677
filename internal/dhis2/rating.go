package dhis2

import (
	"context"
	"fmt"
	"strings"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
)

// Results is where computed ratings come from; *catalog.Catalog has these
// methods. Result must return a rebuilt result (with its pipeline detail).
type Results interface {
	Periods(ctx context.Context, methodology string) ([]string, error)
	Result(ctx context.Context, methodology, periodID string) (*rating.Result, error)
}

// RatingSource answers analytics from computed ratings of one methodology:
// an indicator id gives the indicator's value as the index uses it (the
// formula's numerator/denominator × factor, then divided by its
// denominator series when the methodology denominates it — the value the
// region's explanation shows as "denominated"), a data-element id the raw
// value aggregated to the unit, an index-node id the node's score.
type RatingSource struct {
	m   *method.Methodology
	res Results
}

// NewRatingSource answers for methodology m from res.
func NewRatingSource(m *method.Methodology, res Results) *RatingSource {
	return &RatingSource{m: m, res: res}
}

// Methodology implements Source.
func (s *RatingSource) Methodology() string { return s.m.ID }

// DefaultUnits implements Source: the level the methodology rates.
func (s *RatingSource) DefaultUnits() []string { return []string{"LEVEL-" + s.m.UnitLevel} }

// Items implements Source: indicators, then index nodes depth-first from
// the root (a leaf named like its indicator is the indicator), then data
// elements.
func (s *RatingSource) Items() []Item {
	var out []Item
	seen := map[string]bool{}
	for _, ind := range s.m.Indicators {
		desc := ind.Description
		if ind.Unit != "" {
			desc = strings.TrimSpace(desc + " Единица: " + ind.Unit + ".")
		}
		out = append(out, Item{ID: ind.ID, Name: ind.Name, Description: desc, Kind: KindIndicator})
		seen[ind.ID] = true
	}
	var walk func(n *index.Node)
	walk = func(n *index.Node) {
		if n == nil {
			return
		}
		if !seen[n.ID] {
			seen[n.ID] = true
			out = append(out, Item{ID: n.ID, Name: n.Name, Kind: KindIndexNode})
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(s.m.Tree)
	for _, de := range s.m.DataElements {
		if seen[de.ID] {
			continue
		}
		seen[de.ID] = true
		out = append(out, Item{ID: de.ID, Name: de.Name, Description: de.Description, Kind: KindDataElement,
			Aggregation: strings.ToUpper(string(de.Aggregation))})
	}
	return out
}

// Periods implements Source.
func (s *RatingSource) Periods(ctx context.Context) ([]period.Period, error) {
	ids, err := s.res.Periods(ctx, s.m.ID)
	if err != nil {
		return nil, err
	}
	out := make([]period.Period, 0, len(ids))
	for _, id := range ids {
		p, err := period.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("stored period of %s: %w", s.m.ID, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Values implements Source.
func (s *RatingSource) Values(ctx context.Context, p period.Period) (Values, error) {
	r, err := s.res.Result(ctx, s.m.ID, p.String())
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, nil
	}
	return newResultValues(r)
}

// resultValues looks values up in one rating result.
type resultValues struct {
	r     *rating.Result
	idx   *index.Result
	units map[string]int
	ind   map[string]int // indicator id → index of idx.Indicators
	el    map[string]int // element id → index of r.Elements
	nodes map[string]bool
}

func newResultValues(r *rating.Result) (*resultValues, error) {
	idx := r.Index()
	if idx == nil {
		return nil, fmt.Errorf("result %s %s has not been rebuilt with its methodology", r.Methodology, r.Period)
	}
	v := &resultValues{r: r, idx: idx, units: map[string]int{}, ind: map[string]int{}, el: map[string]int{}, nodes: map[string]bool{}}
	for i, u := range r.Units {
		v.units[u.Code] = i
	}
	for i, ir := range idx.Indicators {
		v.ind[ir.ID] = i
	}
	for i, e := range r.Elements {
		v.el[e.ID] = i
	}
	for _, n := range r.Nodes {
		v.nodes[n.ID] = true
	}
	return v, nil
}

func (v *resultValues) Synthetic() bool { return v.r.Synthetic }

func (v *resultValues) Value(item, unit string) (float64, bool) {
	u, ok := v.units[unit]
	if !ok {
		return 0, false
	}
	var x float64
	switch {
	case hasKey(v.ind, item):
		x = v.idx.Indicators[v.ind[item]].Denominated[u]
	case v.nodes[item]:
		x = float64(v.r.Rows[u].Scores[item])
	case hasKey(v.el, item):
		x = float64(v.r.ElementValues[v.el[item]][u])
	default:
		return 0, false
	}
	return x, finite(x)
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}
