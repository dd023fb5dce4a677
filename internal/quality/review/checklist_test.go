package review

import (
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/quality/author"
	"github.com/cifra-health/cifra/internal/quality/fhirq"
)

func builtin(t *testing.T) (*Policy, map[string]*Checklist) {
	t.Helper()
	p, err := BuiltinPolicy()
	if err != nil {
		t.Fatal(err)
	}
	list, err := BuiltinChecklists(p)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*Checklist{}
	for _, c := range list {
		m[c.Q.ID] = c
	}
	return p, m
}

func TestBuiltinChecklists(t *testing.T) {
	_, m := builtin(t)
	for id, n := range map[string]int{"203n-general-inpatient": 12, "203n-i21-inpatient": 7, "203n-j18-outpatient": 6} {
		c, ok := m[id]
		if !ok {
			t.Errorf("checklist %s is not shipped", id)
			continue
		}
		if len(c.Criteria) != n {
			t.Errorf("%s: %d criteria, want %d (yes/no items with a defect type)", id, len(c.Criteria), n)
		}
	}
}

func TestSelect(t *testing.T) {
	_, m := builtin(t)
	list := []*Checklist{m["203n-general-inpatient"], m["203n-j18-outpatient"], m["203n-i21-inpatient"]}
	ids := func(cs []*Checklist) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Q.ID)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name string
		cs   Case
		want string
	}{
		{"AMI inpatient: specific first", Case{ICD10: "I21.4", Setting: "inpatient"}, "203n-i21-inpatient,203n-general-inpatient"},
		{"AMI with its recommendation's version", Case{ICD10: "I21.4", Setting: "inpatient", ClinicalRecommendation: "157_5"}, "203n-i21-inpatient,203n-general-inpatient"},
		{"AMI under another recommendation", Case{ICD10: "I21.4", Setting: "inpatient", ClinicalRecommendation: "158_2"}, "203n-general-inpatient"},
		{"AMI outpatient: none", Case{ICD10: "I21", Setting: "outpatient"}, ""},
		{"pneumonia outpatient", Case{ICD10: "J18.9", Setting: "outpatient"}, "203n-j18-outpatient"},
		{"pneumonia day hospital: general only", Case{ICD10: "J15", Setting: "day_hospital"}, "203n-general-inpatient"},
		{"outside every pattern", Case{ICD10: "Z00", Setting: "inpatient"}, ""},
	} {
		if got := ids(Select(list, tc.cs)); got != tc.want {
			t.Errorf("%s: Select = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNewChecklistRefuses(t *testing.T) {
	p, _ := builtin(t)
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"no criteria", "id: c\ntitle: C\nitems:\n  - {id: a, text: A, type: да/нет}\n", "нет ни одного критерия"},
		{"criterion not yes/no", "id: c\ntitle: C\nitems:\n  - {id: a, text: A, type: целое, defect: treatment}\n", "должен быть вопросом да/нет"},
		{"unknown defect", "id: c\ntitle: C\nitems:\n  - {id: a, text: A, type: да/нет, defect: luck}\n", "неизвестный вид дефекта \"luck\""},
		{"bad ICD-10", "id: c\ntitle: C\ncontext: {icd10: [I25-I20]}\nitems:\n  - {id: a, text: A, type: да/нет, defect: treatment}\n", "начало больше конца"},
	} {
		q, err := author.FromYAML("c.yaml", []byte(tc.yaml))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, err := NewChecklist(q, p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// answers builds a completed response from linkId → yes/no.
func answers(q string, yes map[string]bool) *fhirq.FlatResponse {
	r := &fhirq.FlatResponse{ID: "r1", Questionnaire: q, Status: fhirq.StatusCompleted}
	for link, v := range yes {
		r.Answers = append(r.Answers, fhirq.FlatAnswer{LinkID: link, Kind: fhirq.KindBoolean, Bool: v})
	}
	return r
}

func TestEvaluate(t *testing.T) {
	_, m := builtin(t)
	ami := m["203n-i21-inpatient"]
	cs := Case{Record: "123/26", Department: "cardio", Doctor: "d1", ICD10: "I21.4", Setting: "inpatient"}
	all := func(over map[string]bool) map[string]bool {
		out := map[string]bool{"ecg_10min": true, "troponin": true, "echo": true, "st_elevation": false,
			"aspirin": true, "p2y12": true, "statin": true}
		for k, v := range over {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		yes        map[string]bool
		drop       string
		applicable int
		failed     []string
		err        string
	}{
		{name: "all met, no ST elevation", yes: all(nil), applicable: 6},
		{name: "ST elevation switches PCI on", yes: all(map[string]bool{"st_elevation": true, "pci_120min": true}), applicable: 7},
		{name: "late PCI and no statin", yes: all(map[string]bool{"st_elevation": true, "pci_120min": false, "statin": false}),
			applicable: 7, failed: []string{"pci_120min", "statin"}},
		{name: "a context question is no finding", yes: all(map[string]bool{"st_elevation": false}), applicable: 6},
		{name: "answer to a hidden criterion", yes: all(map[string]bool{"pci_120min": true}), err: "скрытый условием"},
		{name: "criterion left unanswered", yes: all(nil), drop: "troponin", err: "обязательный вопрос"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yes := tc.yes
			if tc.drop != "" {
				delete(yes, tc.drop)
			}
			res, err := ami.Evaluate(cs, answers(ami.Q.URL, yes))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Applicable != tc.applicable {
				t.Errorf("applicable %d, want %d", res.Applicable, tc.applicable)
			}
			var failed []string
			for _, f := range res.Failed {
				failed = append(failed, f.Criterion)
				if f.Defect == "" {
					t.Errorf("finding %s has no defect type", f.Criterion)
				}
			}
			if strings.Join(failed, ",") != strings.Join(tc.failed, ",") {
				t.Errorf("failed %v, want %v", failed, tc.failed)
			}
			if res.Meets != (len(tc.failed) == 0) {
				t.Errorf("meets %v with %d findings", res.Meets, len(tc.failed))
			}
		})
	}
	t.Run("in progress", func(t *testing.T) {
		r := answers(ami.Q.URL, all(nil))
		r.Status = fhirq.StatusInProgress
		if _, err := ami.Evaluate(cs, r); err == nil || !strings.Contains(err.Error(), "не завершён") {
			t.Errorf("error %v, want «не завершён»", err)
		}
	})
	t.Run("checklist of another disease", func(t *testing.T) {
		other := cs
		other.ICD10 = "J18.9"
		if _, err := ami.Evaluate(other, answers(ami.Q.URL, all(nil))); err == nil || !strings.Contains(err.Error(), "не относится") {
			t.Errorf("error %v, want «не относится»", err)
		}
	})
}

func TestCaseCheck(t *testing.T) {
	c := Case{Record: "1", ICD10: "і21.0", Setting: "inpatient"} // Cyrillic lower і
	if err := c.Check(); err != nil || c.ICD10 != "I21.0" {
		t.Errorf("Check: %v, code %q", err, c.ICD10)
	}
	bad := Case{ICD10: "21", Setting: "home"}
	err := bad.Check()
	for _, w := range []string{"номер медицинской карты", "МКБ-10", "home"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v, want %q", err, w)
		}
	}
}
