package aggregate

import (
	"testing"

	"github.com/cifra-health/cifra/internal/quality/review"
)

func TestFindings(t *testing.T) {
	res := func(rec, dept, doc, list string, applied []string, failed ...review.Finding) review.CaseResult {
		return review.CaseResult{Case: review.Case{Record: rec, Department: dept, Doctor: doc}, Checklist: list,
			Applied: applied, Applicable: len(applied), Failed: failed, Meets: len(failed) == 0}
	}
	late := review.Finding{Criterion: "pci", Text: "ЧКВ в срок", Defect: "treatment"}
	noECG := review.Finding{Criterion: "ecg", Text: "ЭКГ за 10 минут", Defect: "timeliness"}
	noRecord := review.Finding{Criterion: "record", Text: "Карта заполнена", Defect: "documentation"}
	in := []*review.Review{
		{MO: "A", State: review.StateClosed, DoneOn: day("2026-04-10"), Cases: []review.CaseResult{
			res("1", "cardio", "d1", "ami|1", []string{"ecg", "pci"}, late),
			res("1", "cardio", "d1", "gen|1", []string{"record"}),
			res("2", "cardio", "d2", "ami|1", []string{"ecg", "pci"}, late, noECG),
		}},
		{MO: "A", State: review.StateCompleted, DoneOn: day("2026-05-01"), Cases: []review.CaseResult{
			res("3", "surgery", "d3", "gen|1", []string{"record"}, noRecord),
			res("4", "surgery", "d3", "gen|1", []string{"record"}),
		}},
		// Outside the dates, and not completed: neither counts.
		{MO: "A", State: review.StateCompleted, DoneOn: day("2026-07-01"), Cases: []review.CaseResult{res("5", "x", "d9", "gen|1", []string{"record"}, noRecord)}},
		{MO: "A", State: review.StateInProgress, Cases: []review.CaseResult{res("6", "x", "d9", "gen|1", []string{"record"}, noRecord)}},
	}
	b := Findings(in, nil, day("2026-04-01"), day("2026-06-30"))
	if b.Cases != 4 || b.Meeting != 1 {
		t.Errorf("cases %d meeting %d, want 4 and 1 (record 1 fails one of its two checklists)", b.Cases, b.Meeting)
	}
	wantCrit := []CriterionCount{
		{Checklist: "ami|1", LinkID: "pci", Text: "ЧКВ в срок", Applied: 2, Met: 0},
		{Checklist: "ami|1", LinkID: "ecg", Text: "ЭКГ за 10 минут", Applied: 2, Met: 1},
		{Checklist: "gen|1", LinkID: "record", Text: "Карта заполнена", Applied: 3, Met: 2},
	}
	if len(b.Criteria) != len(wantCrit) {
		t.Fatalf("criteria %+v", b.Criteria)
	}
	for i, w := range wantCrit {
		if b.Criteria[i] != w {
			t.Errorf("criterion %d = %+v, want %+v", i, b.Criteria[i], w)
		}
	}
	wantDef := []Count{{"treatment", 2}, {"documentation", 1}, {"timeliness", 1}}
	for i, w := range wantDef {
		if i >= len(b.Defects) || b.Defects[i] != w {
			t.Errorf("defects %+v, want %+v", b.Defects, wantDef)
			break
		}
	}
	wantDept := []UnitCount{{Key: "cardio", Cases: 2, Meeting: 0, Findings: 3}, {Key: "surgery", Cases: 2, Meeting: 1, Findings: 1}}
	for i, w := range wantDept {
		if i >= len(b.Departments) || b.Departments[i] != w {
			t.Errorf("departments %+v, want %+v", b.Departments, wantDept)
			break
		}
	}
	if len(b.Doctors) != 3 || b.Doctors[2] != (UnitCount{Key: "d3", Cases: 2, Meeting: 1, Findings: 1}) {
		t.Errorf("doctors %+v", b.Doctors)
	}
}

func TestShare(t *testing.T) {
	for _, tc := range []struct {
		num, den, min int
		want          float64
		ok            bool
	}{
		{3, 4, 1, 75, true},
		{3, 4, 10, 0, false},
		{0, 0, 0, 0, false},
		{10, 10, 10, 100, true},
	} {
		got, ok := Share(tc.num, tc.den, tc.min)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Share(%d, %d, %d) = %v, %v; want %v, %v", tc.num, tc.den, tc.min, got, ok, tc.want, tc.ok)
		}
	}
}
