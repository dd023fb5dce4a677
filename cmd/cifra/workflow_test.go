package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/store"
)

// TestWorkflowCLI takes a region's quarterly data set through submit,
// approve and accept, checks the lock on import, the check report, and
// closes the period. The region-level data set needs no demo: regions are
// reference data.
func TestWorkflowCLI(t *testing.T) {
	dir := t.TempDir()
	eachDB(t, func(t *testing.T, db string) {
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		ok := func(args ...string) string {
			t.Helper()
			out, stderr, code := cli(t, append(args, "--db", db)...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			return out
		}
		fails := func(want string, args ...string) {
			t.Helper()
			_, stderr, code := cli(t, append(args, "--db", db)...)
			if code == 0 || !strings.Contains(stderr, want) {
				t.Fatalf("%v: exit %d, stderr %q; want an error with %q", args, code, stderr, want)
			}
		}
		// Tambov's trained servants exceed the total: the import warns (rule
		// trained_le_total) but writes, as a form's draft would.
		_, warn, code := cli(t, "import", "--no-recompute", "--db", db, write("q1.csv", "data_element,period,org_unit,value\n"+
			"civil_servants_total,2021Q1,RU-TUL,100\ncivil_servants_trained,2021Q1,RU-TUL,50\n"+
			"civil_servants_total,2021Q1,RU-TAM,100\ncivil_servants_trained,2021Q1,RU-TAM,150\n"))
		if code != 0 || !strings.Contains(warn, "1 validation rule violation") || !strings.Contains(warn, "RU-TAM 2021Q1") ||
			!strings.Contains(warn, "trained_le_total") || strings.Contains(warn, "RU-TUL") {
			t.Fatalf("import: exit %d, stderr %q; want one warning for RU-TAM", code, warn)
		}
		ds := []string{"--dataset", "region_cross_sector", "--period", "2021Q1"}
		tul := append([]string{"--orgunit", "RU-TUL"}, ds...)

		out := ok(append([]string{"workflow", "status", "--orgunit", "FD-CEN"}, ds...)...)
		for _, want := range []string{"RU-TUL", "RU-TAM", "Не заполнено", "08.04.2021", "Всего 18"} {
			if !strings.Contains(out, want) {
				t.Fatalf("status lacks %q:\n%s", want, out)
			}
		}
		for _, step := range []struct {
			args    []string
			wantOut string
			wantErr string
		}{
			{[]string{"workflow", "approve", "--as-role", "regional_operator"}, "", "does not apply"},
			{[]string{"workflow", "submit", "--as-role", "governor"}, "", "may not"},
			{[]string{"workflow", "submit", "--as-role", "regional_operator"}, "«Не заполнено» → «Отправлено»", ""},
			{[]string{"workflow", "return", "--as-role", "regional_operator"}, "", "reason"},
			{[]string{"workflow", "approve", "--as-role", "regional_operator"}, "→ «Утверждено регионом»", ""},
			{[]string{"workflow", "accept", "--as-role", "regional_operator"}, "", "may not"},
			{[]string{"workflow", "accept"}, "Заблокировано значений: 8", ""},
		} {
			args := append(append([]string{}, step.args...), tul...)
			if step.wantErr != "" {
				fails(step.wantErr, args...)
				continue
			}
			if out := ok(args...); !strings.Contains(out, step.wantOut) {
				t.Fatalf("%v: %s", step.args, out)
			}
		}
		out = ok(append([]string{"workflow", "status", "--orgunit", "RU-TUL", "--json"}, ds...)...)
		var st struct {
			Units []struct {
				OrgUnit, State, Timeliness string
				SubmittedAt                *string `json:"submitted_at"`
			}
		}
		if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Units) != 1 || st.Units[0].State != "accepted" ||
			st.Units[0].SubmittedAt == nil || st.Units[0].Timeliness != "late" {
			t.Fatalf("status --json (%v):\n%s", err, out)
		}

		// The accepted region's values are locked; the other region's are not.
		fails("принято", "import", "--no-recompute", write("fix.csv", "data_element,period,org_unit,value\n"+
			"civil_servants_total,2021Q1,RU-TAM,200\ncivil_servants_total,2021Q1,RU-TUL,101\n"))
		out = ok(append([]string{"workflow", "check", "--orgunit", "FD-CEN"}, ds...)...)
		for _, want := range []string{"Нарушения правил контроля: 1", "RU-TAM", "trained_le_total", "2 из 8"} {
			if !strings.Contains(out, want) {
				t.Fatalf("check lacks %q:\n%s", want, out)
			}
		}

		fails("reason", "workflow", "close", "--period", "2021Q1")
		fails("may not", "workflow", "close", "--period", "2021Q1", "--reason", "x", "--as-role", "regional_operator")
		ok("workflow", "close", "--period", "2021Q1", "--reason", "рейтинг опубликован")
		fails("closed", append([]string{"workflow", "submit", "--orgunit", "RU-TAM"}, ds...)...)
		fails("период закрыт", "import", "--no-recompute", write("late.csv", "data_element,period,org_unit,value\ncivil_servants_total,2021Q1,RU-TAM,200\n"))
		if out := ok("workflow", "closed"); !strings.Contains(out, "2021Q1") || !strings.Contains(out, "рейтинг опубликован") {
			t.Fatalf("closed:\n%s", out)
		}

		out = ok("workflow", "history", "--orgunit", "Тульская область")
		if strings.Count(out, "region_cross_sector") != 3 || !strings.Contains(out, "Приёмка") {
			t.Fatalf("history of RU-TUL:\n%s", out)
		}
		if out := ok("workflow", "history", "--limit", "1"); !strings.Contains(out, "Закрытие периода") || strings.Contains(out, "Приёмка") {
			t.Fatalf("newest event:\n%s", out)
		}

		// The store agrees with what the CLI printed.
		s, err := store.Open(context.Background(), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		a, err := s.Approval(context.Background(), "region_cross_sector", "RU-TUL", "2021Q1")
		if err != nil || a.State != "accepted" || !strings.HasPrefix(a.Actor, "cli") {
			t.Fatalf("stored approval %+v, %v", a, err)
		}
	})
}
