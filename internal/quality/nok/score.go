package nok

import (
	"strings"
)

// Audit holds the findings of the МО's audit by field name (auditFields).
// A missing field makes the parts that need it unavailable.
type Audit map[string]float64

// Score is the НОК result of one unit for one variant (or combined).
type Score struct {
	Variant     string // "" when combined over variants
	Respondents int
	Criteria    []CriterionScore
	// Total is the mean of the available criteria; Available is false when
	// none is.
	Total     float64
	Available bool
}

// CriterionScore is one criterion: Σ weight × indicator over the available
// indicators, their weights renormalised.
type CriterionScore struct {
	ID         string
	Name       string
	Score      float64
	Available  bool
	Indicators []IndicatorScore
}

// IndicatorScore is one indicator (0–100).
type IndicatorScore struct {
	ID        string
	Value     float64
	Weight    float64
	Available bool
}

// Criterion returns the score of the criterion with the id.
func (s *Score) Criterion(id string) (CriterionScore, bool) {
	for _, c := range s.Criteria {
		if c.ID == id {
			return c, true
		}
	}
	return CriterionScore{}, false
}

// Score computes one variant's result from its tally and the audit (nil if
// there was none).
func (m *Methodology) Score(variant string, t *Tally, a Audit) Score {
	out := Score{Variant: variant, Respondents: t.Respondents}
	surveyOK := t.Respondents >= max(1, m.MinRespondents)
	for _, c := range m.Criteria {
		cs := CriterionScore{ID: c.ID, Name: c.Name}
		var wsum float64
		for _, ind := range c.Indicators {
			is := IndicatorScore{ID: ind.ID, Weight: ind.Weight}
			var sum float64
			n := 0
			for _, p := range ind.Parts {
				if p.Variant != "" && p.Variant != variant {
					continue
				}
				if v, ok := part(p, t, a, surveyOK); ok {
					sum += v
					n++
				}
			}
			if n > 0 {
				is.Value, is.Available = sum/float64(n), true
				cs.Score += ind.Weight * is.Value
				wsum += ind.Weight
			}
			cs.Indicators = append(cs.Indicators, is)
		}
		if wsum > 0 {
			cs.Score /= wsum
			cs.Available = true
		}
		out.Criteria = append(out.Criteria, cs)
	}
	out.Total, out.Available = meanAvailable(out.Criteria)
	return out
}

func meanAvailable(cs []CriterionScore) (float64, bool) {
	var sum float64
	n := 0
	for _, c := range cs {
		if c.Available {
			sum += c.Score
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

func part(p Part, t *Tally, a Audit, surveyOK bool) (float64, bool) {
	switch {
	case p.Share != nil:
		if !surveyOK {
			return 0, false
		}
		base := t.Respondents
		if q, code, isCode := strings.Cut(p.Share.Of, "="); isCode {
			base = t.Count(q, code)
		} else if p.Share.Of != "" {
			base = t.Count(p.Share.Of, "true")
		}
		if base == 0 {
			return 0, false
		}
		return 100 * float64(t.Count(p.Share.Yes, "true")) / float64(base), true
	case p.Scale != nil:
		if !surveyOK {
			return 0, false
		}
		mean, ok := t.MeanScore(p.Scale.Question)
		if !ok {
			return 0, false
		}
		for _, s := range p.Scale.Steps {
			if mean >= s.Min {
				return s.Points, true
			}
		}
		return p.Scale.Steps[len(p.Scale.Steps)-1].Points, true
	case p.AuditRatio != nil:
		present, ok1 := a[p.AuditRatio.Present]
		required, ok2 := a[p.AuditRatio.Required]
		if !ok1 || !ok2 || required <= 0 {
			return 0, false
		}
		return min(100, 100*present/required), true
	case p.AuditPoints != nil:
		n, ok := a[p.AuditPoints.Count]
		if !ok {
			return 0, false
		}
		return min(p.AuditPoints.Max, p.AuditPoints.Points*n), true
	}
	return 0, false
}

// Combine merges the variant results of one МО: each criterion is the mean
// of the variants where it is available (as regional operators average the
// outpatient and inpatient results), and the total the mean of criteria.
func Combine(scores []Score) Score {
	out := Score{}
	if len(scores) == 0 {
		return out
	}
	for ci, c := range scores[0].Criteria {
		cs := CriterionScore{ID: c.ID, Name: c.Name}
		var sum float64
		n := 0
		for _, s := range scores {
			if ci < len(s.Criteria) && s.Criteria[ci].Available {
				sum += s.Criteria[ci].Score
				n++
			}
		}
		if n > 0 {
			cs.Score, cs.Available = sum/float64(n), true
		}
		out.Criteria = append(out.Criteria, cs)
	}
	for _, s := range scores {
		out.Respondents += s.Respondents
	}
	out.Total, out.Available = meanAvailable(out.Criteria)
	return out
}

// Aggregate is the unweighted mean over units (МО of a region, regions of
// the country) of their totals and of each criterion, over the units where
// each is available — the same "average" the rating uses for scores.
func Aggregate(units []Score) Score {
	out := Score{}
	if len(units) == 0 {
		return out
	}
	out.Criteria = make([]CriterionScore, len(units[0].Criteria))
	counts := make([]int, len(out.Criteria))
	for i, c := range units[0].Criteria {
		out.Criteria[i] = CriterionScore{ID: c.ID, Name: c.Name}
	}
	var total float64
	nTotal := 0
	for _, u := range units {
		out.Respondents += u.Respondents
		for i := range out.Criteria {
			if i < len(u.Criteria) && u.Criteria[i].Available {
				out.Criteria[i].Score += u.Criteria[i].Score
				counts[i]++
			}
		}
		if u.Available {
			total += u.Total
			nTotal++
		}
	}
	for i := range out.Criteria {
		if counts[i] > 0 {
			out.Criteria[i].Score /= float64(counts[i])
			out.Criteria[i].Available = true
		}
	}
	if nTotal > 0 {
		out.Total, out.Available = total/float64(nTotal), true
	}
	return out
}
