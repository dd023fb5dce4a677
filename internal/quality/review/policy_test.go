package review

import (
	"strings"
	"testing"
)

func TestBuiltinPolicy(t *testing.T) {
	p, err := BuiltinPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"death", "complication", "complaint", "readmission", "insurer", "regulator"} {
		if _, ok := p.Trigger(id); !ok {
			t.Errorf("no trigger %s in the shipped policy", id)
		}
	}
	if !p.covers("commission", "department") || p.covers("department", "deputy") || !p.covers("deputy", "deputy") {
		t.Error("level ranks do not order department < deputy < commission")
	}
	if d, _ := p.Trigger("death"); d.Level != "commission" {
		t.Errorf("a death is reviewed at level %q, want commission", d.Level)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	const head = "id: x\nname: X\nplanned: {level: a}\nlevels:\n  - {id: a, name: A, rank: 1}\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown field", head + "triggers:\n  - {id: death, name: D, level: a, deadline_days: 3}\n",
			[]string{"line 7", "deadline_days"}},
		{"unknown level", head + "triggers:\n  - {id: death, name: D, level: b, deadline_working_days: 3}\n",
			[]string{"строка 7", "triggers.level", "неизвестный уровень \"b\""}},
		{"deadline out of range", head + "triggers:\n  - {id: death, name: D, level: a, deadline_working_days: 0}\n",
			[]string{"строка 7", "deadline_working_days", "от 1 до 60"}},
		{"duplicate rank", "id: x\nname: X\nplanned: {level: a}\nlevels:\n  - {id: a, name: A, rank: 1}\n  - {id: b, name: B, rank: 1}\ntriggers:\n  - {id: death, name: D, level: a, deadline_working_days: 3}\n",
			[]string{"строка 6", "levels.rank", "одинаковый ранг 1"}},
		{"bad id", head + "triggers:\n  - {id: Death, name: D, level: a, deadline_working_days: 3}\n",
			[]string{"строка 7", "triggers.id"}},
		{"no triggers", head, []string{"нет поводов"}},
		{"planned level", "id: x\nname: X\nplanned: {level: z}\nlevels:\n  - {id: a, name: A, rank: 1}\ntriggers:\n  - {id: death, name: D, level: a, deadline_working_days: 3}\n",
			[]string{"planned.level", "\"z\""}},
		{"duplicate defect", head + "triggers:\n  - {id: death, name: D, level: a, deadline_working_days: 3}\ndefect_types:\n  - {id: d, name: D}\n  - {id: d, name: D2}\n",
			[]string{"строка 10", "вид дефекта d указан дважды"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy("p.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tc.want, "p.yaml") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
