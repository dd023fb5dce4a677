package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

func actionPath(unit, periodID string, a workflow.Action) string {
	return "/workflow/mo_quarterly/" + unit + "/" + periodID + "/" + string(a)
}

// submitted saves and submits a clean report for unit as a.
func (f *authFixture) submitted(t *testing.T, a *account, unit string) {
	t.Helper()
	w := f.post(a, entryPath(unit, "2021Q1"), url.Values{"v.arm_total": {"100"}, "v.arm_equipped": {"80"}, "action": {"submit"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("submit %s as %s: %d %s", unit, a.login, w.Code, w.Body.String())
	}
}

// TestWorkflowActions walks submit → approve → accept → unlock with every
// role in and out of scope at each step.
func TestWorkflowActions(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	mo, reg, analyst := f.account(auth.MOOperator), f.account(auth.RegionalOperator), f.account(auth.FederalAnalyst)
	gov := f.account(auth.Governor)
	f.submitted(t, mo, "MO-TUL-1")
	f.submitted(t, f.account(auth.FederalAdmin), "MO-TAM-1")

	// The table: the regional operator sees Tula's МО with an approve button, not Tambov's.
	w := f.get(reg, "/workflow?dataset=mo_quarterly&period=2021Q1")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `data-unit="MO-TUL-1" data-state="submitted"`) || strings.Contains(body, "MO-TAM-1") ||
		!strings.Contains(body, `action="/workflow/mo_quarterly/MO-TUL-1/2021Q1/approve"`) {
		t.Fatalf("regional table: %d\n%s", w.Code, body)
	}
	if w := f.get(reg, "/workflow?dataset=mo_quarterly&period=2021Q1&orgunit=RU-TAM"); w.Code != http.StatusForbidden {
		t.Fatalf("regional table of another region: %d", w.Code)
	}
	// The МО operator sees no approve button.
	if body := f.get(mo, "/workflow?dataset=mo_quarterly&period=2021Q1").Body.String(); strings.Contains(body, "/approve") {
		t.Fatal("МО operator offered approval")
	}

	type step struct {
		who    *account
		unit   string
		action workflow.Action
		reason string
		want   int
		state  workflow.State // after the step, of unit
	}
	steps := []step{
		{mo, "MO-TUL-1", workflow.Approve, "", http.StatusForbidden, workflow.Submitted},                // no permission
		{gov, "MO-TUL-1", workflow.Approve, "", http.StatusForbidden, workflow.Submitted},               // no write permission (guard)
		{reg, "MO-TAM-1", workflow.Approve, "", http.StatusForbidden, workflow.Submitted},               // another region
		{analyst, "MO-TUL-1", workflow.Accept, "", http.StatusConflict, workflow.Submitted},             // not approved yet
		{reg, "MO-TUL-1", workflow.Return, "", http.StatusUnprocessableEntity, workflow.Submitted},      // no reason
		{reg, "MO-TUL-1", workflow.Approve, "", http.StatusSeeOther, workflow.Approved},                 //
		{mo, "MO-TUL-1", workflow.Accept, "", http.StatusForbidden, workflow.Approved},                  //
		{reg, "MO-TUL-1", workflow.Accept, "", http.StatusForbidden, workflow.Approved},                 //
		{analyst, "MO-TUL-1", workflow.Accept, "", http.StatusSeeOther, workflow.Accepted},              //
		{reg, "MO-TUL-1", workflow.Unlock, "ошибка", http.StatusForbidden, workflow.Accepted},           // federal only
		{analyst, "MO-TUL-1", workflow.Unlock, "  ", http.StatusUnprocessableEntity, workflow.Accepted}, // reason required
	}
	for i, s := range steps {
		w := f.post(s.who, actionPath(s.unit, "2021Q1", s.action), url.Values{"reason": {s.reason}})
		if w.Code != s.want {
			t.Fatalf("step %d: %s %s %s: %d, want %d: %s", i, s.who.login, s.action, s.unit, w.Code, s.want, w.Body.String())
		}
		if got := f.state(t, s.unit, "2021Q1"); got != s.state {
			t.Fatalf("step %d: state %s, want %s", i, got, s.state)
		}
	}
	// Accepted data are locked: the form is read-only with the reason, a
	// POST is refused, and so is the API import.
	body = f.get(mo, entryPath("MO-TUL-1", "2021Q1")).Body.String()
	if strings.Contains(body, `id="save"`) || !strings.Contains(body, "заблокированы") {
		t.Fatalf("accepted form:\n%s", body)
	}
	if w := f.post(mo, entryPath("MO-TUL-1", "2021Q1"), url.Values{"v.arm_total": {"1"}}); w.Code != http.StatusConflict {
		t.Fatalf("POST to an accepted form: %d", w.Code)
	}
	w = f.do("POST", "/api/v1/dataValueSets", "text/csv", "data_element,period,org_unit,value\narm_total,2021Q1,MO-TUL-1,1\n", mo.session, "", "same-origin")
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "locked") {
		t.Fatalf("API import of a locked value: %d %s", w.Code, w.Body.String())
	}
	// Unlocking with a reason reopens the form and shows the reason.
	if w := f.post(analyst, actionPath("MO-TUL-1", "2021Q1", workflow.Unlock), url.Values{"reason": {"исправление ошибки ввода"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("unlock: %d %s", w.Code, w.Body.String())
	}
	body = f.get(mo, entryPath("MO-TUL-1", "2021Q1")).Body.String()
	if !strings.Contains(body, `id="save"`) || !strings.Contains(body, "исправление ошибки ввода") {
		t.Fatalf("unlocked form:\n%s", body)
	}
	// The history lists every accepted step with its actor and reason.
	evs, err := f.st.ApprovalHistory(context.Background(), store.ApprovalFilter{DataSet: "mo_quarterly", OrgUnit: "MO-TUL-1"})
	if err != nil || len(evs) != 5 { // save, submit, approve, accept, unlock
		t.Fatalf("history %+v %v", evs, err)
	}
	auditor := f.accounts[len(f.accounts)-1] // the Tula auditor
	body = f.get(auditor, "/workflow?dataset=mo_quarterly&period=2021Q1&actor="+analyst.login).Body.String()
	if !strings.Contains(body, "исправление ошибки ввода") || strings.Contains(body, "MO-TAM-1") {
		t.Fatalf("auditor's history:\n%s", body)
	}
}

// TestWorkflowClose: closing needs a national federal role and a reason,
// and freezes the period's forms and actions.
func TestWorkflowClose(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	admin, reg, mo := f.account(auth.FederalAdmin), f.account(auth.RegionalOperator), f.account(auth.MOOperator)
	f.submitted(t, mo, "MO-TUL-1")
	if w := f.post(reg, "/workflow/close", url.Values{"period": {"2021Q1"}, "reason": {"конец года"}}); w.Code != http.StatusForbidden {
		t.Fatalf("regional close: %d", w.Code)
	}
	if w := f.post(admin, "/workflow/close", url.Values{"period": {"2021Q1"}, "dataset": {"mo_quarterly"}, "reason": {" "}}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("close without a reason: %d", w.Code)
	}
	if ok, _ := f.st.PeriodClosed(context.Background(), "2021Q1"); ok {
		t.Fatal("closed without a reason")
	}
	w := f.post(admin, "/workflow/close", url.Values{"period": {"2021Q1"}, "dataset": {"mo_quarterly"}, "reason": {"отчётная кампания завершена"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("close: %d %s", w.Code, w.Body.String())
	}
	body := f.get(admin, "/workflow?dataset=mo_quarterly&period=2021Q1").Body.String()
	if !strings.Contains(body, `id="closed"`) || strings.Contains(body, `id="close"`) || strings.Contains(body, "/approve") {
		t.Fatalf("closed period table:\n%s", body)
	}
	if w := f.post(reg, actionPath("MO-TUL-1", "2021Q1", workflow.Approve), nil); w.Code != http.StatusConflict {
		t.Fatalf("approve in a closed period: %d", w.Code)
	}
	if f.get(mo, entryPath("MO-TUL-1", "2021Q1")).Code != http.StatusOK {
		t.Fatal("closed form not readable")
	}
	body = f.get(reg, entryPath("MO-TUL-2", "2021Q1")).Body.String()
	if strings.Contains(body, `id="save"`) || !strings.Contains(body, "Период закрыт") || !strings.Contains(body, "отчётная кампания завершена") {
		t.Fatalf("form in a closed period:\n%s", body)
	}
	if w := f.post(reg, entryPath("MO-TUL-2", "2021Q1"), url.Values{"v.arm_total": {"5"}}); w.Code != http.StatusConflict {
		t.Fatalf("save in a closed period: %d", w.Code)
	}
}

// TestAcceptanceNote: the rating's note counts accepted unit × quarter
// reports within the rating's period.
func TestAcceptanceNote(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	ctx := context.Background()
	res := &rating.Result{Methodology: DefaultMethodology, Period: "2021"}
	note, err := f.srv.acceptanceNote(ctx, res)
	// Every reporting unit (the МО and the regions) × 4 quarters.
	_, total, _ := strings.Cut(note, "принято 0 из ")
	if err != nil || total == "" {
		t.Fatalf("note %q, %v", note, err)
	}
	f.submitted(t, f.account(auth.MOOperator), "MO-TUL-1")
	for _, s := range []struct {
		who *account
		a   workflow.Action
	}{{f.account(auth.RegionalOperator), workflow.Approve}, {f.account(auth.FederalAdmin), workflow.Accept}} {
		if w := f.post(s.who, actionPath("MO-TUL-1", "2021Q1", s.a), nil); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d", s.a, w.Code)
		}
	}
	if note, _ := f.srv.acceptanceNote(ctx, res); !strings.HasSuffix(note, "принято 1 из "+total) {
		t.Fatalf("note after one acceptance %q", note)
	}
}
