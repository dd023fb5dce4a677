package report

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/stats"
)

// Governor is everything the governor's report shows about one region in
// one period: where it stands, why, and what would move it.
type Governor struct {
	Methodology     string    `json:"methodology"`
	MethodologyName string    `json:"methodology_name"`
	IndexName       string    `json:"index_name"` // the root of the index tree
	Version         string    `json:"version"`
	Period          string    `json:"period"`
	PeriodLabel     string    `json:"period_label"`
	PrevPeriod      string    `json:"previous_period,omitempty"`
	PrevPeriodLabel string    `json:"previous_period_label,omitempty"`
	ComputedAt      time.Time `json:"computed_at"`
	Synthetic       bool      `json:"synthetic"`

	Region   RegionNames `json:"region"`
	District RegionNames `json:"district"`

	Rank         int        `json:"rank"`  // 0: not ranked (screened out)
	Of           int        `json:"of"`    // ranked regions in the nation
	Total        int        `json:"total"` // regions in the result, ranked or not
	DistrictRank int        `json:"district_rank"`
	DistrictSize int        `json:"district_size"` // ranked regions in the district
	Score        rating.Num `json:"score"`
	Grade        string     `json:"grade"`
	GradeLabel   string     `json:"grade_label"`
	PrevRank     int        `json:"prev_rank,omitempty"`
	PrevScore    rating.Num `json:"prev_score"`
	RankChange   int        `json:"rank_change"` // positive = moved up
	Screened     bool       `json:"screened"`

	Criteria   []GovernorCriterion `json:"criteria"`
	Strengths  []GovernorIndicator `json:"strengths"`
	Weaknesses []GovernorIndicator `json:"weaknesses"`
	Levers     []GovernorLever     `json:"levers"`
	Peers      []GovernorPeer      `json:"peers"`
}

// RegionNames are a unit's name and the case forms Russian sentences need.
type RegionNames struct {
	Code      string `json:"code"`
	ISO       string `json:"iso_code,omitempty"`
	Name      string `json:"name"`
	ShortName string `json:"short_name,omitempty"`
	Gen       string `json:"genitive,omitempty"` // "Тульской области"
	Dat       string `json:"dative,omitempty"`   // "Тульской области"
	Loc       string `json:"locative,omitempty"` // used after "в": "Тульской области"
}

// In is "в <locative>", falling back to the name.
func (n RegionNames) In() string {
	if n.Loc != "" {
		return "в " + n.Loc
	}
	return "в " + n.Name
}

func namesOf(u *orgunit.Unit) RegionNames {
	return RegionNames{Code: u.Code, ISO: u.ISO, Name: u.Name, ShortName: u.ShortName, Gen: u.NameGen, Dat: u.NameDat, Loc: u.NameLoc}
}

// GovernorCriterion is one criterion of the index against the medians of the
// nation and the federal district (ranked, non-screened regions).
type GovernorCriterion struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Weight         float64    `json:"weight"` // share of the index, 0..1
	Score          rating.Num `json:"score"`
	NationalMedian rating.Num `json:"national_median"`
	DistrictMedian rating.Num `json:"district_median"`
	Rank           int        `json:"rank"` // among regions with a score, 1 = best
}

// GovernorIndicator is an indicator on which the region stands out.
type GovernorIndicator struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Unit           string     `json:"unit,omitempty"`
	Value          rating.Num `json:"value"`           // denominated scale, see Unit
	NationalMedian rating.Num `json:"national_median"` // of Value over reporting regions
	Normalised     rating.Num `json:"normalised"`      // direction-aware, higher is better
	Rank           int        `json:"rank"`            // by normalised value, 1 = best
	Of             int        `json:"of"`
}

// GovernorLever is one what-if lever: the indicator brought alone to the
// best value in the federal district.
type GovernorLever struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Unit     string     `json:"unit,omitempty"` // of From and To (denominated scale)
	From     rating.Num `json:"from"`
	To       rating.Num `json:"to"`
	NewScore rating.Num `json:"new_score"`
	NewRank  int        `json:"new_rank"`
	Gain     int        `json:"gain"` // places gained
}

// GovernorPeer is a region of the same federal district.
type GovernorPeer struct {
	Code         string     `json:"code"`
	Name         string     `json:"name"`
	Rank         int        `json:"rank"`
	DistrictRank int        `json:"district_rank"`
	Score        rating.Num `json:"score"`
	Grade        string     `json:"grade"`
	GradeLabel   string     `json:"grade_label"`
	PrevRank     int        `json:"prev_rank,omitempty"`
	RankChange   int        `json:"rank_change"`
	Self         bool       `json:"self"`
}

// Number of strengths, weaknesses and levers shown.
const (
	governorTop    = 3
	governorLevers = 3
)

// ErrNotRated means the region is not a unit of the result.
var ErrNotRated = errors.New("region is not rated")

// NewGovernor assembles the report from a result rebuilt with its
// methodology (as catalog.Result returns it) and the hierarchy that names
// the regions.
func NewGovernor(res *rating.Result, h *orgunit.Hierarchy, region string) (*Governor, error) {
	g, ui, err := governorBase(res, h, region)
	if err != nil {
		return nil, err
	}
	if res.Index() == nil {
		return nil, fmt.Errorf("governor report %s: result %s %s has not been rebuilt", g.Region.Code, res.Methodology, res.Period)
	}
	g.strengthsWeaknesses(res, ui)
	if g.Rank > 0 {
		levers, err := res.WhatIf(g.Region.Code, index.WhatIfOptions{})
		if err != nil {
			return nil, fmt.Errorf("governor report %s: %w", g.Region.Code, err)
		}
		g.levers(res, levers)
	}
	return g, nil
}

// governorBase fills what needs no pipeline re-run: the headline, the
// criteria and the peers.
func governorBase(res *rating.Result, h *orgunit.Hierarchy, region string) (*Governor, int, error) {
	code := region
	var unit *orgunit.Unit
	if h != nil {
		if u, ok := h.Lookup(region); ok {
			unit, code = u, u.Code
		}
	}
	ui := res.UnitIndex(code)
	if ui < 0 {
		return nil, -1, fmt.Errorf("governor report: %q in %s %s: %w", region, res.Methodology, res.Period, ErrNotRated)
	}
	row := res.Rows[ui]
	g := &Governor{
		Methodology: res.Methodology, MethodologyName: res.Name, Version: res.Version,
		Period: res.Period, PeriodLabel: res.PeriodLabel, PrevPeriod: res.Previous,
		ComputedAt: res.ComputedAt, Synthetic: res.Synthetic,
		Region:   RegionNames{Code: row.Code, Name: row.Name},
		District: RegionNames{Code: row.Group, Name: row.GroupName},
		Rank:     row.Rank, DistrictRank: row.GroupRank, Score: row.Score, Grade: row.Grade, GradeLabel: row.GradeLabel,
		PrevRank: row.PrevRank, PrevScore: rating.Num(math.NaN()), RankChange: row.RankChange, Screened: row.Screened,
	}
	for _, n := range res.Nodes {
		if n.ID == res.Root {
			g.IndexName = n.Name
		}
	}
	if g.PeriodLabel == "" {
		g.PeriodLabel = periodLabel(res.Period)
	}
	if g.PrevPeriod != "" {
		g.PrevPeriodLabel = periodLabel(g.PrevPeriod)
	}
	if row.PrevScore != nil {
		g.PrevScore = *row.PrevScore
	}
	if unit != nil {
		g.Region = namesOf(unit)
	}
	if h != nil {
		if d, ok := h.DistrictOf(code); ok && (row.Group == "" || d.Code == row.Group || d.Name == row.GroupName) {
			g.District = namesOf(d)
		} else if d, ok := h.Get(row.Group); ok {
			g.District = namesOf(d)
		}
	}
	g.Total = len(res.Rows)
	for _, rw := range res.Rows {
		if rw.Rank == 0 {
			continue
		}
		g.Of++
		if rw.Group == row.Group {
			g.DistrictSize++
		}
	}
	g.criteria(res, row)
	g.peers(res, row)
	return g, ui, nil
}

// FileName is a file name for the report: governor-RU-TUL-2020.pdf.
func (g *Governor) FileName() string {
	code := g.Region.ISO
	if code == "" {
		code = g.Region.Code
	}
	return "governor-" + safeName(code) + "-" + safeName(g.Period) + ".pdf"
}

// safeName keeps letters, digits, '-' and '_' so that a name is safe in a
// path and in a Content-Disposition header.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

func periodLabel(id string) string {
	if p, err := period.Parse(id); err == nil {
		return p.Label()
	}
	return id
}

func (g *Governor) criteria(res *rating.Result, row rating.Row) {
	for _, n := range criteriaOf(res) {
		var all, district []float64
		for _, rw := range res.Rows {
			v := rw.Scores[n.ID]
			if !v.Valid() || rw.Screened || rw.Rank == 0 {
				continue
			}
			all = append(all, float64(v))
			if rw.Group == row.Group {
				district = append(district, float64(v))
			}
		}
		g.Criteria = append(g.Criteria, GovernorCriterion{
			ID: n.ID, Name: n.Name, Weight: n.Weight, Score: row.Scores[n.ID],
			NationalMedian: rating.Num(stats.Median(all)), DistrictMedian: rating.Num(stats.Median(district)),
			Rank: stats.RankOf(all, float64(row.Scores[n.ID])),
		})
	}
	// Node weights are nominal; the report shows shares of the index.
	var sum float64
	for _, c := range g.Criteria {
		sum += c.Weight
	}
	if sum > 0 {
		for i := range g.Criteria {
			g.Criteria[i].Weight /= sum
		}
	}
}

func (g *Governor) peers(res *rating.Result, row rating.Row) {
	for _, rw := range res.Sorted() {
		if rw.Group != row.Group {
			continue
		}
		g.Peers = append(g.Peers, GovernorPeer{Code: rw.Code, Name: rw.Name, Rank: rw.Rank, DistrictRank: rw.GroupRank,
			Score: rw.Score, Grade: rw.Grade, GradeLabel: rw.GradeLabel, PrevRank: rw.PrevRank, RankChange: rw.RankChange,
			Self: rw.Code == row.Code})
	}
}

// strengthsWeaknesses ranks the region on each indicator by its normalised
// (direction-aware) value among the regions that reported it; imputed cells
// are not the region's own data, so they are neither strengths nor
// weaknesses. Values and medians are on the denominated scale, comparable
// between regions ("per 1,000 residents").
func (g *Governor) strengthsWeaknesses(res *rating.Result, ui int) {
	var pos []GovernorIndicator
	for _, ir := range res.Index().Indicators {
		if ui >= len(ir.Normalised) || math.IsNaN(ir.Normalised[ui]) || imputed(ir, ui) {
			continue
		}
		var norm, vals []float64
		for u, v := range ir.Normalised {
			if math.IsNaN(v) || imputed(ir, u) {
				continue
			}
			norm = append(norm, v)
			if x := ir.Denominated[u]; !math.IsNaN(x) {
				vals = append(vals, x)
			}
		}
		name, unit := indicatorName(res, ir.ID)
		pos = append(pos, GovernorIndicator{ID: ir.ID, Name: name, Unit: unit,
			Value: rating.Num(ir.Denominated[ui]), NationalMedian: rating.Num(stats.Median(vals)),
			Normalised: rating.Num(ir.Normalised[ui]), Rank: stats.RankOf(norm, ir.Normalised[ui]), Of: len(norm)})
	}
	// Relative rank makes indicators with different numbers of reporting
	// regions comparable; the normalised value breaks ties.
	rel := func(p GovernorIndicator) float64 { return float64(p.Rank-1) / float64(max(p.Of-1, 1)) }
	sort.SliceStable(pos, func(i, j int) bool {
		a, b := rel(pos[i]), rel(pos[j])
		if a != b {
			return a < b
		}
		return pos[i].Normalised > pos[j].Normalised
	})
	n := min(governorTop, len(pos)/2)
	for i := 0; i < n; i++ {
		if rel(pos[i]) < 0.5 {
			g.Strengths = append(g.Strengths, pos[i])
		}
	}
	for i := len(pos) - 1; i >= len(pos)-n; i-- {
		if rel(pos[i]) > 0.5 {
			g.Weaknesses = append(g.Weaknesses, pos[i])
		}
	}
}

func imputed(ir index.IndicatorResult, u int) bool {
	return u < len(ir.WasImputed) && ir.WasImputed[u]
}

// indicatorName is an indicator's name and the unit of its denominated
// values: what-if targets and comparisons between regions use that scale.
func indicatorName(res *rating.Result, id string) (name, unit string) {
	for _, in := range res.Indicators {
		if in.ID == id {
			name, unit = in.Name, in.Unit
		}
	}
	m := res.MethodologyDef()
	if m == nil {
		return name, unit
	}
	if series, ok := m.Pipeline.Denominate.By[id]; ok && m.Pipeline.Denominate.Scale > 0 {
		per := "жителей"
		if series != "population" {
			per = "ед. «" + series + "»"
		}
		unit = "на " + rufmt.Number(m.Pipeline.Denominate.Scale, 0) + " " + per
	}
	return name, unit
}

// levers keeps the what-if levers that gain places, best first (WhatIf
// sorts them by gain, then new score).
func (g *Governor) levers(res *rating.Result, levers []index.Lever) {
	for _, l := range levers {
		if l.Gain <= 0 || len(g.Levers) == governorLevers {
			break
		}
		gl := GovernorLever{ID: l.Indicator, From: rating.Num(l.From), To: rating.Num(l.To), NewScore: rating.Num(l.NewScore), NewRank: l.NewRank, Gain: l.Gain}
		gl.Name, gl.Unit = indicatorName(res, l.Indicator)
		g.Levers = append(g.Levers, gl)
	}
}
