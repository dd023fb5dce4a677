package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

// auditTrail is a fixture after one change of every audited kind, in Tula
// and in Tambov, with an auditor for each region.
type auditTrail struct {
	*authFixture
	national, tula, tam *account
	methodBody          []byte
}

// addAuditAccount creates and signs in one more user.
func (f *authFixture) addAuditAccount(t *testing.T, login string, role auth.Role, scope, in, out string) *account {
	t.Helper()
	a := &account{login: login, password: "пароль " + login, role: role, scope: scope, in: in, out: out}
	if _, _, err := f.svc.CreateUser(context.Background(), "test", login, role, scope, a.password); err != nil {
		t.Fatal(err)
	}
	a.session = f.login(t, a)
	return a
}

func newAuditTrail(t *testing.T) *auditTrail {
	t.Helper()
	ctx := context.Background()
	f := &auditTrail{authFixture: newAuthFixture(t)}
	f.fixClock()
	f.national = f.account(auth.Auditor)
	f.tula = f.accounts[len(f.accounts)-1]
	f.tam = f.addAuditAccount(t, "u-auditor-tam", auth.Auditor, "RU-TAM", "MO-TAM-1", "MO-TUL-1")
	mo, reg, admin := f.account(auth.MOOperator), f.account(auth.RegionalOperator), f.account(auth.FederalAdmin)

	// A value by the form (Tula).
	if w := f.post(mo, entryPath("MO-TUL-1", "2021Q1"), url.Values{"v.arm_total": {"17"}, "action": {"save"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("form: %d %s", w.Code, w.Body.String())
	}
	// A value by the API (Tambov).
	if w := f.do("POST", "/api/v1/dataValueSets", "text/csv", "data_element,period,org_unit,value\narm_total,2021Q1,MO-TAM-1,23\n",
		admin.session, "", "same-origin"); w.Code != http.StatusOK {
		t.Fatalf("API import: %d %s", w.Code, w.Body.String())
	}
	// A value from a file, as `cifra import` writes it (Tambov).
	if _, err := f.st.ImportValues(ctx, []datavalue.Value{{DataElement: "arm_equipped", Period: "2021Q1", OrgUnit: "MO-TAM-1", Value: 5}},
		store.ImportOptions{Actor: "oper-os", Source: "tambov-2021q1.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	// Approval steps in both regions.
	f.submitted(t, mo, "MO-TUL-1")
	f.submitted(t, admin, "MO-TAM-1")
	if w := f.post(reg, actionPath("MO-TUL-1", "2021Q1", workflow.Approve), nil); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", w.Code, w.Body.String())
	}
	// A methodology version, as a CLI load would store it.
	f.methodBody = []byte("id: audit-test\nversion: \"0.1\"\n")
	if _, err := f.st.SaveMethodology(ctx, store.MethodologyVersion{ID: "audit-test", Version: "0.1", Name: "Проверочная методика",
		Source: "audit-test.yaml", Body: f.methodBody, LoadedBy: "metod-os"}); err != nil {
		t.Fatal(err)
	}
	// Logins, through the page: one failed, one successful.
	form := func(pw string) string { return url.Values{"login": {mo.login}, "password": {pw}}.Encode() }
	if w := f.do("POST", "/login", formType, form("неверный пароль"), "", "", "same-origin"); w.Code != http.StatusUnauthorized {
		t.Fatalf("failed login: %d", w.Code)
	}
	if w := f.do("POST", "/login", formType, form(mo.password), "", "", "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", w.Code, w.Body.String())
	}
	// A role change, as `cifra user role` makes it.
	if _, _, err := f.svc.CreateUser(ctx, admin.login, "u-moved", auth.MOOperator, "MO-TUL-2", "пароль u-moved"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetRole(ctx, admin.login, "u-moved", auth.RegionalOperator, "RU-TUL"); err != nil {
		t.Fatal(err)
	}
	return f
}

// rows reads a JSON export as a's, failing unless it answers 200.
func (f *auditTrail) rows(t *testing.T, a *account, target string) []map[string]any {
	t.Helper()
	w := f.get(a, target)
	if w.Code != http.StatusOK {
		t.Fatalf("%s as %s: %d %s", target, a.login, w.Code, w.Body.String())
	}
	var out []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return out
}

// auditHas reports whether some row has every given field (compared as text).
func auditHas(rows []map[string]any, want map[string]any) bool {
next:
	for _, r := range rows {
		for k, v := range want {
			if fmt.Sprint(r[k]) != fmt.Sprint(v) {
				continue next
			}
		}
		return true
	}
	return false
}

// auditUnits lists the org_unit of every row.
func auditUnits(rows []map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, r := range rows {
		if u, ok := r["org_unit"].(string); ok {
			out[u] = true
		}
	}
	return out
}

// TestAuditTrail: each kind of change is logged with who, when, what and
// its source, shows on /audit and in its export for a national auditor,
// and stays hidden from the auditor of another region.
func TestAuditTrail(t *testing.T) {
	f := newAuditTrail(t)
	mo, reg, admin := f.account(auth.MOOperator), f.account(auth.RegionalOperator), f.account(auth.FederalAdmin)

	t.Run("values", func(t *testing.T) {
		all := f.rows(t, f.national, "/api/v1/audit/values")
		for _, want := range []map[string]any{
			{"actor": mo.login, "source": "form", "org_unit": "MO-TUL-1", "data_element": "arm_total", "period": "2021Q1", "old_value": nil, "new_value": 17},
			{"actor": mo.login, "source": "form", "org_unit": "MO-TUL-1", "data_element": "arm_total", "old_value": 17, "new_value": 100},
			{"actor": admin.login, "source": "api", "org_unit": "MO-TAM-1", "data_element": "arm_total", "old_value": nil, "new_value": 23},
			{"actor": "oper-os", "source": "tambov-2021q1.csv", "org_unit": "MO-TAM-1", "data_element": "arm_equipped", "new_value": 5},
			{"actor": admin.login, "source": "form", "org_unit": "MO-TAM-1", "data_element": "arm_equipped", "old_value": 5, "new_value": 80},
		} {
			if !auditHas(all, want) {
				t.Errorf("national export lacks %v:\n%v", want, all)
			}
		}
		for _, r := range all {
			at, _ := time.Parse(time.RFC3339, fmt.Sprint(r["changed_at"]))
			if time.Since(at) > time.Hour || time.Since(at) < -time.Minute {
				t.Errorf("changed_at %v", r["changed_at"])
			}
		}
		if u := auditUnits(f.rows(t, f.tula, "/api/v1/audit/values")); !u["MO-TUL-1"] || u["MO-TAM-1"] {
			t.Errorf("Tula auditor sees %v", u)
		}
		if u := auditUnits(f.rows(t, f.tam, "/api/v1/audit/values")); !u["MO-TAM-1"] || u["MO-TUL-1"] {
			t.Errorf("Tambov auditor sees %v", u)
		}
		w := f.get(f.national, "/api/v1/audit/values?format=csv")
		if body := w.Body.String(); !strings.Contains(body, "oper-os,tambov-2021q1.csv,arm_equipped,2021Q1,MO-TAM-1,,5\n") ||
			!strings.Contains(body, ","+admin.login+",api,arm_total,2021Q1,MO-TAM-1,,23\n") {
			t.Errorf("values CSV:\n%s", body)
		}
		page := f.get(f.national, "/audit").Body.String()
		for _, s := range []string{"tambov-2021q1.csv", "oper-os", ">api<", ">form<", "MO-TUL-1", "MO-TAM-1"} {
			if !strings.Contains(page, s) {
				t.Errorf("national page lacks %q", s)
			}
		}
		page = f.get(f.tula, "/audit").Body.String()
		if !strings.Contains(page, ">form<") || strings.Contains(page, "MO-TAM-1") || strings.Contains(page, "tambov-2021q1.csv") {
			t.Errorf("Tula page:\n%s", page)
		}
		page = f.get(f.tam, "/audit").Body.String()
		if !strings.Contains(page, "tambov-2021q1.csv") || strings.Contains(page, "MO-TUL-1") {
			t.Errorf("Tambov page:\n%s", page)
		}
	})

	t.Run("approvals", func(t *testing.T) {
		all := f.rows(t, f.national, "/api/v1/audit/approvals")
		for _, want := range []map[string]any{
			{"actor": reg.login, "action": "approve", "data_set": "mo_quarterly", "org_unit": "MO-TUL-1", "period": "2021Q1", "from_state": "submitted", "to_state": "approved"},
			{"actor": mo.login, "action": "submit", "org_unit": "MO-TUL-1", "to_state": "submitted"},
			{"actor": mo.login, "action": "save", "org_unit": "MO-TUL-1", "from_state": "open", "to_state": "draft"},
			{"actor": admin.login, "action": "submit", "org_unit": "MO-TAM-1"},
		} {
			if !auditHas(all, want) {
				t.Errorf("national export lacks %v:\n%v", want, all)
			}
		}
		if u := auditUnits(f.rows(t, f.tula, "/api/v1/audit/approvals")); !u["MO-TUL-1"] || u["MO-TAM-1"] {
			t.Errorf("Tula auditor sees %v", u)
		}
		if u := auditUnits(f.rows(t, f.tam, "/api/v1/audit/approvals")); !u["MO-TAM-1"] || u["MO-TUL-1"] {
			t.Errorf("Tambov auditor sees %v", u)
		}
		w := f.get(f.national, "/api/v1/audit/approvals?format=csv")
		if body := w.Body.String(); w.Code != http.StatusOK || !strings.HasPrefix(body, "at,actor,action,data_set,org_unit,period,from_state,to_state,reason\n") ||
			!strings.Contains(body, ","+reg.login+",approve,mo_quarterly,MO-TUL-1,2021Q1,submitted,approved,\n") {
			t.Errorf("approvals CSV: %d\n%s", w.Code, body)
		}
		page := f.get(f.national, "/audit").Body.String()
		if !strings.Contains(page, "Шаги согласования") || !strings.Contains(page, workflow.Approve.Label()) {
			t.Errorf("national page lacks the approval")
		}
		if page := f.get(f.tam, "/audit?kind=approvals").Body.String(); strings.Contains(page, workflow.Approve.Label()) || strings.Contains(page, "MO-TUL-1") {
			t.Errorf("Tambov page shows Tula's approval")
		}
		if w := f.get(f.tam, "/api/v1/audit/approvals?orgunit=MO-TUL-1"); w.Code != http.StatusForbidden {
			t.Errorf("Tambov auditor, Tula unit: %d", w.Code)
		}
	})

	t.Run("methodologies", func(t *testing.T) {
		sum := sha256.Sum256(f.methodBody)
		want := map[string]any{"id": "audit-test", "version": "0.1", "loaded_by": "metod-os", "source": "audit-test.yaml", "sha256": hex.EncodeToString(sum[:])}
		// Methodologies concern every region: every auditor reads their log.
		for _, a := range []*account{f.national, f.tula, f.tam} {
			all := f.rows(t, a, "/api/v1/audit/methodologies")
			if !auditHas(all, want) || !auditHas(all, map[string]any{"id": DefaultMethodology, "loaded_by": "system"}) {
				t.Errorf("%s: methodology log %v", a.login, all)
			}
			if len(all) == 0 || all[0]["id"] != "audit-test" {
				t.Errorf("%s: not newest first: %v", a.login, all)
			}
		}
		w := f.get(f.national, "/api/v1/audit/methodologies?format=csv")
		if body := w.Body.String(); !strings.HasPrefix(body, "loaded_at,loaded_by,id,version,name,source,sha256\n") ||
			!strings.Contains(body, ",metod-os,audit-test,0.1,Проверочная методика,audit-test.yaml,"+hex.EncodeToString(sum[:])+"\n") {
			t.Errorf("methodologies CSV:\n%s", body)
		}
		if page := f.get(f.tula, "/audit").Body.String(); !strings.Contains(page, "Версии методик") || !strings.Contains(page, "metod-os") {
			t.Errorf("Tula page lacks the methodology")
		}
	})

	t.Run("security", func(t *testing.T) {
		all := f.rows(t, f.national, "/api/v1/audit/security")
		for _, want := range []map[string]any{
			{"event": "login_fail", "actor": mo.login, "subject": mo.login, "ip": "192.0.2.1", "detail": "wrong password"},
			{"event": "login_ok", "actor": mo.login, "ip": "192.0.2.1"},
			{"event": "role_change", "actor": admin.login, "subject": "u-moved", "detail": "role mo_operator→regional_operator scope MO-TUL-2→RU-TUL"},
			{"event": "user_create", "actor": admin.login, "subject": "u-moved"},
		} {
			if !auditHas(all, want) {
				t.Errorf("security export lacks %v:\n%v", want, all)
			}
		}
		page := f.get(f.national, "/audit").Body.String()
		for _, s := range []string{"События безопасности", "login_fail", "login_ok", "role_change", "u-moved"} {
			if !strings.Contains(page, s) {
				t.Errorf("national page lacks %q", s)
			}
		}
		// The security log concerns accounts everywhere: regional auditors
		// do not read it.
		for _, a := range []*account{f.tula, f.tam} {
			if w := f.get(a, "/api/v1/audit/security"); w.Code != http.StatusForbidden {
				t.Errorf("%s: security export %d", a.login, w.Code)
			}
			page := f.get(a, "/audit").Body.String()
			if strings.Contains(page, "login_fail") || strings.Contains(page, "role_change") || strings.Contains(page, "События безопасности") {
				t.Errorf("%s page shows the security log", a.login)
			}
			page = f.get(a, "/audit?kind=security").Body.String()
			if strings.Contains(page, "login_fail") || !strings.Contains(page, "федеральной зоной") {
				t.Errorf("%s security-only page:\n%s", a.login, page)
			}
		}
	})
}

// TestAuditFilters: unit (with the units below it), actor, data set,
// period, dates and kind narrow the logs; a bad filter is refused.
func TestAuditFilters(t *testing.T) {
	f := newAuditTrail(t)
	reg, admin := f.account(auth.RegionalOperator), f.account(auth.FederalAdmin)
	n := func(a *account, target string) int {
		t.Helper()
		return len(f.rows(t, a, target))
	}
	total := n(f.national, "/api/v1/audit/values")
	if total < 6 {
		t.Fatalf("%d value changes", total)
	}

	// A region includes its units; a leaf is exact.
	if u := auditUnits(f.rows(t, f.national, "/api/v1/audit/values?orgunit=RU-TUL")); !u["MO-TUL-1"] || u["MO-TAM-1"] {
		t.Errorf("orgunit=RU-TUL: %v", u)
	}
	if u := auditUnits(f.rows(t, f.tula, "/api/v1/audit/approvals?orgunit=MO-TUL-1")); len(u) != 1 || !u["MO-TUL-1"] {
		t.Errorf("approvals orgunit=MO-TUL-1: %v", u)
	}
	if n(f.national, "/api/v1/audit/values?orgunit=MO-TUL-2") != 0 {
		t.Error("MO-TUL-2 has changes")
	}
	// Actor, case-insensitively; in the security log also the account acted on.
	if rows := f.rows(t, f.national, "/api/v1/audit/values?actor=OPER-OS"); len(rows) != 1 || rows[0]["source"] != "tambov-2021q1.csv" {
		t.Errorf("actor=oper-os: %v", rows)
	}
	if rows := f.rows(t, f.national, "/api/v1/audit/approvals?actor="+reg.login); len(rows) != 1 || rows[0]["action"] != "approve" {
		t.Errorf("approvals actor: %v", rows)
	}
	if rows := f.rows(t, f.national, "/api/v1/audit/security?actor=u-moved"); !auditHas(rows, map[string]any{"event": "role_change"}) ||
		auditHas(rows, map[string]any{"event": "login_ok"}) {
		t.Errorf("security actor=u-moved: %v", rows)
	}
	if rows := f.rows(t, f.national, "/api/v1/audit/methodologies?actor=metod-os"); len(rows) != 1 {
		t.Errorf("methodologies actor: %v", rows)
	}
	// Data set and period.
	if got := n(f.national, "/api/v1/audit/values?dataset=mo_quarterly&period=2021Q1"); got != total {
		t.Errorf("dataset+period: %d of %d", got, total)
	}
	if n(f.national, "/api/v1/audit/values?period=2021Q2") != 0 || n(f.national, "/api/v1/audit/approvals?period=2021Q2") != 0 {
		t.Error("period=2021Q2 matched")
	}
	// Dates are Moscow days, "to" inclusive.
	today := time.Now().In(rufmt.Moscow())
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	if got := n(f.national, "/api/v1/audit/values?from="+day(0)+"&to="+day(0)); got != total {
		t.Errorf("today: %d of %d", got, total)
	}
	for _, q := range []string{"from=" + day(1), "to=" + day(-1)} {
		for _, log := range []string{"values", "approvals", "methodologies", "security"} {
			if got := n(f.national, "/api/v1/audit/"+log+"?"+q); got != 0 {
				t.Errorf("%s?%s: %d rows", log, q, got)
			}
		}
	}
	// Limit.
	if n(f.national, "/api/v1/audit/values?limit=2") != 2 {
		t.Error("limit=2")
	}
	// Refused filters: the exports answer a problem, the page shows why.
	for q, code := range map[string]int{
		"period=2021Q5": 400, "from=20.04.2021": 400, "from=" + day(1) + "&to=" + day(0): 400, "limit=0": 400, "kind=x": 400,
		"dataset=nope": 404, "orgunit=nope": 404, "orgunit=RU-TAM": 403,
	} {
		if strings.HasPrefix(q, "kind") {
			continue // the exports ignore the kind
		}
		if w := f.get(f.tula, "/api/v1/audit/approvals?"+q); w.Code != code {
			t.Errorf("approvals?%s: %d, want %d", q, w.Code, code)
		}
	}
	w := f.get(f.national, "/audit?kind=x")
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `role="alert"`) || strings.Contains(w.Body.String(), "Изменения данных</h2>") {
		t.Errorf("page with a bad kind: %d", w.Code)
	}
	if w := f.get(f.national, "/audit?period=2021Q5"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Период «2021Q5» не распознан") {
		t.Errorf("page with a bad period: %d", w.Code)
	}
	// Kind picks one log; the filters carry into the export links.
	w = f.get(f.national, "/audit?kind=approvals&actor="+admin.login+"&period=2021q1")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "Шаги согласования") || strings.Contains(body, "Изменения данных</h2>") ||
		strings.Contains(body, "События безопасности") || strings.Contains(body, "Версии методик</h2>") {
		t.Errorf("kind=approvals: %d", w.Code)
	}
	if link := `href="/api/v1/audit/approvals?actor=` + admin.login + `&amp;format=csv&amp;period=2021Q1"`; !strings.Contains(body, link) {
		t.Errorf("page lacks %s", link)
	}
	if !strings.Contains(body, `<option value="approvals" selected>`) {
		t.Error("kind not kept in the form")
	}
}
