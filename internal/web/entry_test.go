package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/workflow"
)

const formType = "application/x-www-form-urlencoded"

// entryPath is the form of the МО quarterly report.
func entryPath(unit, periodID string) string {
	return "/entry/mo_quarterly/" + unit + "/" + periodID
}

// fixClock puts the workflow pages on 20 April 2021 (2021Q1 due 8 April).
func (f *authFixture) fixClock() {
	f.srv.now = func() time.Time { return time.Date(2021, 4, 20, 12, 0, 0, 0, time.UTC) }
}

// post sends a same-origin form as a's session.
func (f *authFixture) post(a *account, target string, form url.Values) *httptest.ResponseRecorder {
	return f.do("POST", target, formType, form.Encode(), a.session, "", "same-origin")
}

func (f *authFixture) get(a *account, target string) *httptest.ResponseRecorder {
	session := ""
	if a != nil {
		session = a.session
	}
	return f.do("GET", target, "", "", session, "", "")
}

func (f *authFixture) state(t *testing.T, unit, periodID string) workflow.State {
	t.Helper()
	a, err := f.st.Approval(context.Background(), "mo_quarterly", unit, periodID)
	if err != nil {
		t.Fatal(err)
	}
	return a.State
}

func (f *authFixture) countValues(t *testing.T) int64 {
	t.Helper()
	n, err := f.st.CountValues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// changes counts the audited value changes.
func (f *authFixture) changes(t *testing.T) int {
	t.Helper()
	a, err := f.st.Audit(context.Background(), "", 10000)
	if err != nil {
		t.Fatal(err)
	}
	return len(a)
}

// TestEntryAccess: every role × in and out of scope, reading and saving
// the form.
func TestEntryAccess(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	if w := f.get(nil, entryPath("MO-TUL-1", "2021Q1")); w.Code != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", w.Code)
	}
	for i, a := range f.accounts {
		for _, in := range []bool{true, false} {
			unit := a.in
			if !in {
				unit = a.out
			}
			if unit == "" {
				continue
			}
			name := string(a.role) + " " + a.login + " " + unit
			w := f.get(a, entryPath(unit, "2021Q1"))
			want := http.StatusOK
			if !in {
				want = http.StatusForbidden
			}
			if w.Code != want {
				t.Errorf("GET form %s: %d, want %d", name, w.Code, want)
			}
			if in && a.role.Can(auth.WriteData) != strings.Contains(w.Body.String(), `id="save"`) {
				t.Errorf("GET form %s: save button shown = %v", name, !a.role.Can(auth.WriteData))
			}
			before := f.changes(t)
			w = f.post(a, entryPath(unit, "2021Q1"), url.Values{"v.arm_total": {strconv.Itoa(10 + i)}, "action": {"save"}})
			switch {
			case !a.role.Can(auth.WriteData) || !in:
				want = http.StatusForbidden
			default:
				want = http.StatusSeeOther
			}
			if w.Code != want {
				t.Errorf("POST form %s: %d, want %d: %s", name, w.Code, want, w.Body.String())
			}
			if n := f.changes(t); (n != before) != (want == http.StatusSeeOther) {
				t.Errorf("POST form %s: values %d → %d", name, before, n)
			}
		}
		// The list shows the caller's own units only.
		if a.role.Can(auth.WriteData) {
			w := f.get(a, "/entry")
			body := w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, `data-unit="`+a.in+`"`) || (a.out != "" && strings.Contains(body, `data-unit="`+a.out+`"`)) {
				t.Errorf("GET /entry as %s: %d, in %s / out %s:\n%s", a.login, w.Code, a.in, a.out, body)
			}
		}
	}
	// A unit that does not report the form, a period of another type.
	mo := f.account(auth.MOOperator)
	if w := f.get(mo, entryPath("RU-TUL", "2021Q1")); w.Code != http.StatusNotFound {
		t.Errorf("region in an МО form: %d", w.Code)
	}
	if w := f.get(mo, entryPath("MO-TUL-1", "2021")); w.Code != http.StatusBadRequest {
		t.Errorf("yearly period in a quarterly form: %d", w.Code)
	}
}

// TestEntryBadNumber: a precise Russian message naming the field, and
// nothing written — not even the good fields.
func TestEntryBadNumber(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	mo := f.account(auth.MOOperator)
	for _, tc := range []struct{ in, want string }{
		{"12а", "это не число"},
		{"1,5,6", "в числе может быть только один десятичный разделитель"},
		{"--3", "это не число"},
		{"1e400", "это не число"},
	} {
		w := f.post(mo, entryPath("MO-TUL-1", "2021Q1"), url.Values{"v.arm_total": {"100"}, "v.arm_equipped": {tc.in}})
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "«"+tc.in+"»") || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, "Ничего не сохранено") {
			t.Errorf("%q: %d\n%s", tc.in, w.Code, body)
		}
		if !strings.Contains(body, `value="`+tc.in+`"`) {
			t.Errorf("%q: the typed text is not kept in the field", tc.in)
		}
		if !strings.Contains(body, "Поле «Число рабочих мест, оснащённых АРМ с доступом к МИС»: «"+tc.in+"» — "+tc.want) {
			t.Errorf("%q: the message does not name the field and the reason %q", tc.in, tc.want)
		}
	}
	if n := f.countValues(t); n != 0 {
		t.Fatalf("%d values written", n)
	}
	if s := f.state(t, "MO-TUL-1", "2021Q1"); s != workflow.Open {
		t.Fatalf("state %s", s)
	}
	for _, tc := range []struct {
		in   string
		want float64
	}{{"12,5", 12.5}, {"1 234", 1234}, {"−3", -3}, {"7.25", 7.25}} {
		if v, why := parseFormNumber(tc.in); why != "" || v != tc.want {
			t.Errorf("parseFormNumber(%q) = %v, %q", tc.in, v, why)
		}
	}
}

// TestEntryDraftSubmit: a value that breaks a rule is saved as a draft
// (audited with source "form"), the violation is shown, submitting is
// refused until it is fixed.
func TestEntryDraftSubmit(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	ctx := context.Background()
	mo := f.account(auth.MOOperator)
	path := entryPath("MO-TUL-1", "2021Q1")
	w := f.post(mo, path, url.Values{"v.arm_total": {"100"}, "v.arm_equipped": {"120"}, "c.arm_equipped": {"с учётом филиалов"}, "action": {"save"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path+"?done=save" {
		t.Fatalf("save: %d %v %s", w.Code, w.Header(), w.Body.String())
	}
	if s := f.state(t, "MO-TUL-1", "2021Q1"); s != workflow.Draft {
		t.Fatalf("state after save %s", s)
	}
	audit, err := f.st.Audit(ctx, "MO-TUL-1", 10)
	if err != nil || len(audit) != 2 {
		t.Fatalf("audit %+v %v", audit, err)
	}
	for _, e := range audit {
		if e.Source != "form" || e.Actor != mo.login || e.Period != "2021Q1" {
			t.Errorf("audit row %+v", e)
		}
	}
	body := f.get(mo, path+"?done=save").Body.String()
	for _, want := range []string{"Черновик сохранён", `id="violations"`, "АРМ не больше числа рабочих мест", `value="120"`, `value="с учётом филиалов"`, `aria-describedby="p-arm_equipped v-1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("form after a bad save lacks %q", want)
		}
	}
	// Submitting is refused with the violation listed; the draft stays.
	w = f.post(mo, path, url.Values{"v.arm_total": {"100"}, "v.arm_equipped": {"120"}, "action": {"submit"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "не отправлен") || !strings.Contains(w.Body.String(), "АРМ не больше числа рабочих мест") {
		t.Fatalf("submit with a violation: %d %s", w.Code, w.Body.String())
	}
	if s := f.state(t, "MO-TUL-1", "2021Q1"); s != workflow.Draft {
		t.Fatalf("state after a refused submit %s", s)
	}
	// Clearing a saved value is refused (the store cannot delete).
	w = f.post(mo, path, url.Values{"v.arm_total": {""}, "v.arm_equipped": {"80"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "нельзя стереть") {
		t.Fatalf("clearing: %d", w.Code)
	}
	// Fixed: submitted.
	w = f.post(mo, path, url.Values{"v.arm_total": {"100"}, "v.arm_equipped": {"80"}, "action": {"submit"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path+"?done=submit" {
		t.Fatalf("submit: %d %s", w.Code, w.Body.String())
	}
	if s := f.state(t, "MO-TUL-1", "2021Q1"); s != workflow.Submitted {
		t.Fatalf("state after submit %s", s)
	}
	// Submitted data are read-only, and a POST changes nothing.
	body = f.get(mo, path).Body.String()
	if strings.Contains(body, `id="save"`) || !strings.Contains(body, `id="readonly"`) || !strings.Contains(body, " readonly>") {
		t.Errorf("submitted form is editable:\n%s", body)
	}
	if w := f.post(mo, path, url.Values{"v.arm_total": {"1"}}); w.Code != http.StatusConflict {
		t.Errorf("POST to a submitted form: %d", w.Code)
	}
	// The previous period's value is shown beside the field.
	if w := f.post(mo, entryPath("MO-TUL-1", "2021Q2"), url.Values{"v.arm_total": {"110"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("save 2021Q2: %d", w.Code)
	}
	body = f.get(mo, entryPath("MO-TUL-1", "2021Q2")).Body.String()
	if !strings.Contains(body, `id="p-arm_total"><span class="visually-hidden">I квартал 2021`) || !strings.Contains(body, "</span>100</td>") {
		t.Errorf("previous value not shown:\n%s", body)
	}
}
