package aggregate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/quality/nok"
	"github.com/cifra-health/cifra/internal/quality/review"
	"github.com/cifra-health/cifra/internal/support/calendar"
)

// Data elements of care-quality-satisfaction.yaml this package writes.
const (
	CasesReviewed      = "qc_cases_reviewed"
	CasesMeeting       = "qc_cases_meeting"
	ReviewsPlanned     = "qc_reviews_planned"
	ReviewsPlannedDone = "qc_reviews_planned_done"
	TargetedTotal      = "qc_targeted_total"
	TargetedInTime     = "qc_targeted_in_time"
	ActionsDue         = "qc_actions_due"
	ActionsOnTime      = "qc_actions_on_time"
)

// QualityElements are the counts from internal control, in the order of
// the methodology's data set.
var QualityElements = []string{CasesReviewed, CasesMeeting, ReviewsPlanned, ReviewsPlannedDone,
	TargetedTotal, TargetedInTime, ActionsDue, ActionsOnTime}

// NOKElement is the data element of a НОК criterion ("k1" → "nok_k1").
func NOKElement(criterion string) string { return "nok_" + criterion }

// Source is what Values name as their origin.
const Source = "внутренний контроль и НОК (Cifra)"

// Survey is one МО's НОК tallies for the quarter, per variant, and its
// audit (nil if none).
type Survey struct {
	MO      string
	Tallies map[string]*nok.Tally // variant → tally
	Audit   nok.Audit
}

// Input is what one quarter is computed from. MOs lists the МО that keep
// internal control in Cifra (they have a commission): only they get
// quality counts, zeros included, because a zero from an МО that keeps no
// records here would read as "did nothing". Reviews and Actions may span
// other quarters; what counts is decided here.
type Input struct {
	MOs     []string
	Reviews []*review.Review
	Actions []*review.Action
	Surveys []Survey
}

// Suppressed says why an МО got no value for some elements.
type Suppressed struct {
	MO       string
	Elements []string
	Reason   string // Russian
}

// Result is one quarter's values.
type Result struct {
	Quarter period.Period
	// Final is false while the quarter is running or items with deadlines
	// in it are unsettled: the values are provisional.
	Final      bool
	Values     []datavalue.Value // sorted by МО, then data element
	Suppressed []Suppressed
	// Pending counts, per МО, targeted reviews and corrective actions due
	// in the quarter whose deadline has not passed and that are not done:
	// they count once settled.
	Pending map[string]int
	// Foreign counts records of МО not in Input.MOs (ignored).
	Foreign int
}

// Quarter computes the data-element values of quarter q as known on today
// (the МО's local date). The rules:
//
//   - planned: planned reviews of the quarter's plan, cancelled ones
//     included (a cancelled plan item is a plan item not done); done: those
//     completed by the quarter's last day;
//   - targeted: targeted reviews, not cancelled, whose deadline falls in
//     the quarter, once settled (completed, or the deadline passed); in
//     time: completed by the deadline;
//   - cases: the distinct records of reviews completed in the quarter;
//     meeting: those meeting every applicable criterion of every checklist;
//   - corrective actions: not cancelled, first deadline in the quarter,
//     once settled (done, or the deadline passed); on time: done by the
//     first deadline;
//   - НОК (the small-sample rule): a variant with fewer respondents than
//     the methodology's min_respondents is left out, audit included, so an
//     МО's criteria never rest on the audit alone; an МО with no variant
//     left gets no НОК values and is listed in Suppressed; a criterion
//     still unavailable is omitted.
func Quarter(m *nok.Methodology, in Input, q period.Period, today calendar.Date) (Result, error) {
	if q.Type() != period.Quarterly {
		return Result{}, fmt.Errorf("итоги контроля качества считаются по кварталам, а не за %s", q)
	}
	first, last := calendar.DateOf(q.Start()), calendar.DateOf(q.End()).AddDays(-1)
	in2 := func(d calendar.Date) bool { return !d.Before(first) && !last.Before(d) }
	res := Result{Quarter: q, Final: last.Before(today), Pending: map[string]int{}}
	counts := map[string]map[string]int{}
	for _, mo := range in.MOs {
		counts[mo] = map[string]int{}
	}
	get := func(mo string) map[string]int {
		c, ok := counts[mo]
		if !ok {
			res.Foreign++
		}
		return c
	}
	for _, r := range in.Reviews {
		c := get(r.MO)
		if c == nil {
			continue
		}
		done := r.State == review.StateCompleted || r.State == review.StateClosed
		switch r.Kind {
		case review.Planned:
			if r.Quarter == q {
				c[ReviewsPlanned]++
				if done && r.InTime() {
					c[ReviewsPlannedDone]++
				}
			}
		case review.Targeted:
			if r.State != review.StateCancelled && in2(r.Deadline) {
				if done || r.Deadline.Before(today) {
					c[TargetedTotal]++
					if done && r.InTime() {
						c[TargetedInTime]++
					}
				} else {
					res.Pending[r.MO]++
				}
			}
		}
		if done && in2(r.DoneOn) {
			n, ok := r.Meeting()
			c[CasesReviewed] += n
			c[CasesMeeting] += ok
		}
	}
	for _, a := range in.Actions {
		c := get(a.MO)
		if c == nil || a.State == review.ActionCancelled || !in2(a.FirstDue) {
			continue
		}
		done := a.State == review.ActionDone || a.State == review.ActionVerified
		if !done && !a.FirstDue.Before(today) {
			res.Pending[a.MO]++
			continue
		}
		c[ActionsDue]++
		if a.OnTime() {
			c[ActionsOnTime]++
		}
	}
	if len(res.Pending) > 0 {
		res.Final = false
	}
	val := func(mo, de string, v float64) datavalue.Value {
		return datavalue.Value{DataElement: de, Period: q.String(), OrgUnit: mo, Value: v,
			Source: datavalue.Source{File: Source}}
	}
	for mo, c := range counts {
		for _, de := range QualityElements {
			res.Values = append(res.Values, val(mo, de, float64(c[de])))
		}
	}
	for _, s := range in.Surveys {
		score, ok, why := surveyScore(m, s)
		if !ok {
			var des []string
			for _, c := range m.Criteria {
				des = append(des, NOKElement(c.ID))
			}
			res.Suppressed = append(res.Suppressed, Suppressed{MO: s.MO, Elements: des, Reason: why})
			continue
		}
		var missing []string
		for _, c := range score.Criteria {
			if c.Available {
				res.Values = append(res.Values, val(s.MO, NOKElement(c.ID), c.Score))
			} else {
				missing = append(missing, NOKElement(c.ID))
			}
		}
		if len(missing) > 0 {
			res.Suppressed = append(res.Suppressed, Suppressed{MO: s.MO, Elements: missing, Reason: "нет данных ни для одного показателя критерия"})
		}
	}
	slices.SortFunc(res.Values, func(a, b datavalue.Value) int {
		if c := strings.Compare(a.OrgUnit, b.OrgUnit); c != 0 {
			return c
		}
		return strings.Compare(a.DataElement, b.DataElement)
	})
	slices.SortFunc(res.Suppressed, func(a, b Suppressed) int { return strings.Compare(a.MO, b.MO) })
	return res, nil
}

// surveyScore combines the variants that reach the minimum of respondents.
func surveyScore(m *nok.Methodology, s Survey) (nok.Score, bool, string) {
	minimum := max(1, m.MinRespondents)
	variants := make([]string, 0, len(s.Tallies))
	for v := range s.Tallies {
		variants = append(variants, v)
	}
	slices.Sort(variants)
	var scores []nok.Score
	total := 0
	for _, v := range variants {
		t := s.Tallies[v]
		total += t.Respondents
		if t.Respondents >= minimum {
			scores = append(scores, m.Score(v, t, s.Audit))
		}
	}
	if len(scores) == 0 {
		return nok.Score{}, false, fmt.Sprintf("анкет %d, а нужно не меньше %d хотя бы по одному виду помощи", total, minimum)
	}
	return nok.Combine(scores), true, ""
}
