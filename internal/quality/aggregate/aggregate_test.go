package aggregate

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/quality/nok"
	"github.com/cifra-health/cifra/internal/quality/review"
	"github.com/cifra-health/cifra/internal/support/calendar"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func qualityMethodology(t *testing.T) *method.Methodology {
	t.Helper()
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == "care-quality-satisfaction" {
			return m
		}
	}
	t.Fatal("no built-in methodology care-quality-satisfaction")
	return nil
}

func nokMethodology(t *testing.T) *nok.Methodology {
	t.Helper()
	b, err := nok.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	return b.Methodology
}

// The elements written here are exactly those of the methodology's
// quarterly data set, each with the aggregation the rules here assume.
func TestElementsMatchMethodology(t *testing.T) {
	m := qualityMethodology(t)
	nm := nokMethodology(t)
	ds, ok := m.DataSet("mo_quality_quarterly")
	if !ok {
		t.Fatal("no data set mo_quality_quarterly")
	}
	if ds.PeriodType != period.Quarterly {
		t.Errorf("data set period type %v, want quarterly", ds.PeriodType)
	}
	want := slices.Clone(QualityElements)
	for _, c := range nm.Criteria {
		want = append(want, NOKElement(c.ID))
	}
	if !slices.Equal(ds.DataElements, want) {
		t.Errorf("data set elements %v\nwritten here %v", ds.DataElements, want)
	}
	for _, id := range want {
		de, ok := m.DataElement(id)
		if !ok {
			t.Errorf("no data element %s", id)
			continue
		}
		agg := method.AggSum
		if strings.HasPrefix(id, "nok_") {
			agg = method.AggAverage
		}
		if de.Aggregation != agg {
			t.Errorf("%s aggregates by %s, want %s", id, de.Aggregation, agg)
		}
	}
}

func cases(meets ...bool) []review.CaseResult {
	var out []review.CaseResult
	for i, m := range meets {
		out = append(out, review.CaseResult{Case: review.Case{Record: string(rune('a' + i))}, Checklist: "c|1", Meets: m})
	}
	return out
}

func done(r *review.Review, on string) *review.Review {
	r.State, r.DoneOn = review.StateCompleted, day(on)
	r.Completed = r.DoneOn.Midnight(time.UTC)
	return r
}

func quarterInput() Input {
	q2, q1 := period.MustParse("2026Q2"), period.MustParse("2026Q1")
	end := day("2026-06-30")
	twoLists := []review.CaseResult{
		{Case: review.Case{Record: "r1"}, Checklist: "general|1", Meets: true},
		{Case: review.Case{Record: "r1"}, Checklist: "ami|1", Meets: false},
		{Case: review.Case{Record: "r2"}, Checklist: "ami|1", Meets: true},
	}
	rv := []*review.Review{
		done(&review.Review{MO: "A", Kind: review.Planned, Quarter: q2, Deadline: end, Cases: twoLists}, "2026-05-20"),
		{MO: "A", Kind: review.Planned, Quarter: q2, Deadline: end, State: review.StateCancelled},
		done(&review.Review{MO: "A", Kind: review.Planned, Quarter: q2, Deadline: end, Cases: cases(true)}, "2026-07-03"),
		done(&review.Review{MO: "A", Kind: review.Planned, Quarter: q1, Deadline: day("2026-03-31"), Cases: cases(false)}, "2026-04-02"),
		done(&review.Review{MO: "A", Kind: review.Targeted, Quarter: q2, Deadline: day("2026-04-15"), Cases: cases(true)}, "2026-04-14"),
		{MO: "A", Kind: review.Targeted, Quarter: q2, Deadline: day("2026-06-25"), State: review.StateInProgress},
		{MO: "A", Kind: review.Targeted, Quarter: q2, Deadline: day("2026-07-02"), State: review.StateInProgress},
		{MO: "A", Kind: review.Targeted, Quarter: q2, Deadline: day("2026-05-02"), State: review.StateCancelled},
		done(&review.Review{MO: "C", Kind: review.Planned, Quarter: q2, Deadline: end, Cases: cases(true)}, "2026-05-01"),
	}
	ac := []*review.Action{
		{MO: "A", FirstDue: day("2026-05-01"), Due: day("2026-05-01"), State: review.ActionVerified, DoneOn: day("2026-04-30")},
		{MO: "A", FirstDue: day("2026-05-10"), Due: day("2026-07-20"), State: review.ActionOpen},
		{MO: "A", FirstDue: day("2026-06-20"), Due: day("2026-06-20"), State: review.ActionDone, DoneOn: day("2026-06-25")},
		{MO: "A", FirstDue: day("2026-06-01"), Due: day("2026-06-01"), State: review.ActionCancelled},
		{MO: "A", FirstDue: day("2026-06-28"), Due: day("2026-06-28"), State: review.ActionOpen},
		{MO: "A", FirstDue: day("2026-03-28"), Due: day("2026-03-28"), State: review.ActionDone, DoneOn: day("2026-04-01")},
	}
	return Input{MOs: []string{"A", "B"}, Reviews: rv, Actions: ac}
}

func valuesOf(vs []datavalue.Value) map[string]float64 {
	out := map[string]float64{}
	for _, v := range vs {
		out[v.OrgUnit+" "+v.DataElement] = v.Value
	}
	return out
}

func TestQuarter(t *testing.T) {
	nm := nokMethodology(t)
	q := period.MustParse("2026Q2")
	res, err := Quarter(nm, quarterInput(), q, day("2026-07-10"))
	if err != nil {
		t.Fatal(err)
	}
	got := valuesOf(res.Values)
	want := map[string]float64{
		// planned: the done one, the cancelled one, the late one; done: 1.
		"A qc_reviews_planned": 3, "A qc_reviews_planned_done": 1,
		// targeted with deadlines in Q2: in time 15.04, unfinished 25.06; not 02.07, not cancelled.
		"A qc_targeted_total": 2, "A qc_targeted_in_time": 1,
		// completed in Q2: r1 (fails one of two checklists), r2, Q1's late review, the targeted one.
		"A qc_cases_reviewed": 4, "A qc_cases_meeting": 2,
		// first deadlines in Q2, not cancelled: on time, moved and open, late, open past due.
		"A qc_actions_due": 4, "A qc_actions_on_time": 1,
	}
	for _, de := range QualityElements {
		want["B "+de] = 0
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d values, want %d: %v", len(got), len(want), got)
	}
	if !res.Final || res.Foreign != 1 || len(res.Pending) != 0 {
		t.Errorf("final %v foreign %d pending %v; want final, 1 foreign, none pending", res.Final, res.Foreign, res.Pending)
	}
	for _, v := range res.Values {
		if v.Period != "2026Q2" {
			t.Errorf("value %+v: period %q", v, v.Period)
		}
	}

	// In mid-May the targeted review due 25.06 and the action due 28.06
	// are not settled: they wait, and the result is provisional.
	early, err := Quarter(nm, quarterInput(), q, day("2026-05-15"))
	if err != nil {
		t.Fatal(err)
	}
	eg := valuesOf(early.Values)
	if early.Final || early.Pending["A"] != 2 || eg["A qc_targeted_total"] != 1 || eg["A qc_actions_due"] != 3 {
		t.Errorf("mid-quarter: final %v pending %v targeted %v actions %v; want provisional, 2 pending, 1, 3",
			early.Final, early.Pending, eg["A qc_targeted_total"], eg["A qc_actions_due"])
	}
	if _, err := Quarter(nm, Input{}, period.MustParse("2026"), day("2027-01-10")); err == nil {
		t.Error("a year accepted")
	}
}

func tally(rows map[string]int, respondents int) *nok.Tally {
	t := nok.NewTally()
	t.Respondents = respondents
	for link, n := range rows {
		t.AddRow(nok.TallyRow{LinkID: link, Value: "true", Count: n})
	}
	return t
}

func TestQuarterNOK(t *testing.T) {
	nm := nokMethodology(t)
	out := tally(map[string]int{"stand_used": 10, "stand_satisfied": 8, "site_used": 5, "site_satisfied": 5,
		"on_time": 10, "comfort": 5, "polite_first": 10, "polite_care": 10, "recommend": 10, "org_conditions": 10, "overall": 10}, 10)
	// Three inpatient answers are below min_respondents (5): left out, so
	// their zeros do not pull the scores down.
	in := tally(map[string]int{"polite_first": 0, "overall": 0}, 3)
	few := tally(map[string]int{"overall": 4}, 4)
	surveys := []Survey{
		{MO: "A", Tallies: map[string]*nok.Tally{nok.Outpatient: out, nok.Inpatient: in}},
		{MO: "B", Tallies: map[string]*nok.Tally{nok.Outpatient: few}},
	}
	res, err := Quarter(nm, Input{Surveys: surveys}, period.MustParse("2026Q2"), day("2026-07-10"))
	if err != nil {
		t.Fatal(err)
	}
	got := valuesOf(res.Values)
	want := map[string]float64{
		"A nok_k1": 90,                       // (80 + 100) / 2; the audit parts have no data
		"A nok_k2": (0.4*100 + 0.3*50) / 0.7, // waiting 100, comfort 50, weights renormalised
		"A nok_k4": 100, "A nok_k5": 100,
	}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-9 {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("values %v, want only %v", got, want)
	}
	if len(res.Suppressed) != 2 {
		t.Fatalf("suppressed %+v, want A's k3 and all of B", res.Suppressed)
	}
	if s := res.Suppressed[0]; s.MO != "A" || !slices.Equal(s.Elements, []string{"nok_k3"}) {
		t.Errorf("A suppressed %+v, want nok_k3", s)
	}
	if s := res.Suppressed[1]; s.MO != "B" || len(s.Elements) != 5 || !strings.Contains(s.Reason, "анкет 4") || !strings.Contains(s.Reason, "не меньше 5") {
		t.Errorf("B suppressed %+v, want all five for 4 answers of 5 needed", s)
	}
}

func TestRollup(t *testing.T) {
	m := qualityMethodology(t)
	v := func(mo, de string, x float64) datavalue.Value {
		return datavalue.Value{OrgUnit: mo, DataElement: de, Period: "2026Q2", Value: x}
	}
	regions := map[string]string{"A": "RU-TUL", "B": "RU-TUL", "C": "RU-KYA"}
	region := func(mo string) (string, bool) { r, ok := regions[mo]; return r, ok }
	out, err := Rollup([]datavalue.Value{
		v("A", CasesReviewed, 4), v("B", CasesReviewed, 6), v("C", CasesReviewed, 1),
		v("A", "nok_k4", 100), v("B", "nok_k4", 50), v("C", "nok_k4", 70),
	}, m, region)
	if err != nil {
		t.Fatal(err)
	}
	got := valuesOf(out)
	want := map[string]float64{"RU-TUL qc_cases_reviewed": 10, "RU-KYA qc_cases_reviewed": 1, "RU-TUL nok_k4": 75, "RU-KYA nok_k4": 70}
	if len(got) != len(want) {
		t.Errorf("rollup %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
	if _, err := Rollup([]datavalue.Value{v("Z", CasesReviewed, 1)}, m, region); err == nil || !strings.Contains(err.Error(), "Z") {
		t.Errorf("МО outside every region: %v", err)
	}
	if _, err := Rollup([]datavalue.Value{v("A", "arm_total", 1)}, m, region); err == nil {
		t.Error("an element outside the methodology accepted")
	}
}
