package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/store"
)

// TestChecksPage: violations, outliers and completeness, each limited to
// the caller's scope.
func TestChecksPage(t *testing.T) {
	f := newAuthFixture(t)
	f.fixClock()
	v := func(de, unit string, x float64) datavalue.Value {
		return datavalue.Value{DataElement: de, Period: "2021Q1", OrgUnit: unit, Value: x}
	}
	_, err := f.st.ImportValues(context.Background(), []datavalue.Value{
		v("arm_total", "MO-TUL-1", 100), v("arm_equipped", "MO-TUL-1", 120), // breaks arm_equipped <= arm_total
		v("arm_total", "MO-TUL-2", 50), v("emd_delay_median", "MO-TUL-2", -2), // negative: a bound
		v("arm_total", "MO-TAM-1", 10), v("arm_equipped", "MO-TAM-1", 90), // another region's violation
	}, store.ImportOptions{Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	reg := f.account(auth.RegionalOperator)
	w := f.get(reg, "/checks?dataset=mo_quarterly&period=2021Q1")
	body := w.Body.String()
	for _, want := range []string{
		`<tr data-unit="MO-TUL-1" data-rule="arm_equipped_le_total">`,
		`<tr data-unit="MO-TUL-2" data-de="emd_delay_median">`, "границы min–max",
		`<tr data-unit="MO-TUL-1" data-timeliness="missing">`, // due 8 April, now 20 April, not submitted
	} {
		if !strings.Contains(body, want) {
			t.Errorf("checks lack %q", want)
		}
	}
	if w.Code != http.StatusOK || strings.Contains(body, "MO-TAM-1") {
		t.Fatalf("regional checks: %d, another region shown:\n%s", w.Code, body)
	}
	if w := f.get(reg, "/checks?dataset=mo_quarterly&period=2021Q1&orgunit=MO-TAM-1"); w.Code != http.StatusForbidden {
		t.Fatalf("checks of another region: %d", w.Code)
	}
	if w := f.get(reg, "/checks?dataset=nope"); w.Code != http.StatusNotFound {
		t.Fatalf("unknown data set: %d", w.Code)
	}
	if body := f.get(f.account(auth.FederalAnalyst), "/checks?dataset=mo_quarterly&period=2021Q1").Body.String(); !strings.Contains(body, `data-unit="MO-TAM-1" data-rule=`) {
		t.Fatal("federal checks miss Tambov")
	}
}

// TestImportReportsViolations: the API import writes values that break a
// rule, and its answer lists the violation.
func TestImportReportsViolations(t *testing.T) {
	f := newAuthFixture(t)
	mo := f.account(auth.MOOperator)
	body := "data_element,period,org_unit,value\narm_total,2021Q1,MO-TUL-1,10\narm_equipped,2021Q1,MO-TUL-1,20\n"
	w := f.do("POST", "/api/v1/dataValueSets", "text/csv", body, mo.session, "", "same-origin")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"rule": "arm_equipped_le_total"`) || f.countValues(t) != 2 {
		t.Fatalf("import with a violation: %d %s", w.Code, w.Body.String())
	}
}
