package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
)

// TestE2EWorkflow drives the data-collection workflow in chromium with the
// demo accounts: the МО operator enters a value that breaks a validation
// rule, sees the violation, fixes it and submits; the regional operator
// approves; the federal analyst accepts; the form is then locked.
func TestE2EWorkflow(t *testing.T) {
	ctx, _ := startBrowser(t, 2*time.Minute)
	ctx0 := context.Background()
	c, st := catalogtest.DemoStore(t)
	svc := auth.New(st, c.Hierarchy, nil)
	creds, err := auth.DemoAccounts(ctx0, svc)
	if err != nil {
		t.Fatal(err)
	}
	cred := map[auth.Role]auth.Credential{}
	for _, cr := range creds {
		cred[cr.Role] = cr
	}
	server := New(c, nil)
	server.UseAuth(svc)
	srv := httptest.NewServer(server)
	t.Cleanup(srv.Close)
	out := testOut(t)
	mo := cred[auth.MOOperator].OrgUnit
	form := "/entry/mo_quarterly/" + mo + "/2021Q1" // 2020Q4, the demo's last quarter, is shown beside

	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, "workflow-"+name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	waitURL := func(part string) { t.Helper(); waitForURL(ctx, t, part) }
	do := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	// setValue replaces a field's text (chromedp's SetValue refuses "").
	setValue := func(sel, v string) {
		t.Helper()
		eval[bool](ctx, t, `(function(){document.querySelector(`+jsString(sel)+`).value=`+jsString(v)+`;return true})()`)
	}
	text := func(sel string) string {
		t.Helper()
		return eval[string](ctx, t, `(function(){var e=document.querySelector(`+jsString(sel)+`);return e?e.textContent:""})()`)
	}
	// login ends the current session (through the account page's button)
	// and starts one as role, opening next.
	loggedIn := false
	login := func(role auth.Role, next string) {
		t.Helper()
		if loggedIn {
			do(chromedp.Navigate(srv.URL+"/account"), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
			waitURL("/login")
		}
		loggedIn = true
		do(chromedp.Navigate(srv.URL+"/login?next="+url.QueryEscape(next)), chromedp.WaitVisible(chromedp.CSS("#login")),
			chromedp.SendKeys(chromedp.CSS("#login"), cred[role].Login), chromedp.SendKeys(chromedp.CSS("#password"), cred[role].Password),
			chromedp.Submit(chromedp.CSS("#password")))
		waitURL(strings.SplitN(next, "?", 2)[0])
	}

	// The МО operator: a value that breaks "АРМ не больше числа рабочих мест".
	login(auth.MOOperator, form)
	if prev := text("#p-arm_total"); !strings.Contains(prev, "IV квартал 2020") {
		t.Errorf("previous period not shown beside arm_total: %q", prev)
	}
	if n := eval[int](ctx, t, `document.querySelectorAll('input[inputmode="decimal"]').length`); n == 0 {
		t.Fatal("no decimal inputs")
	}
	setValue("#f-arm_total", "100")
	setValue("#f-arm_equipped", "")
	do(chromedp.SendKeys(chromedp.CSS("#f-arm_equipped"), "120,5"))
	do(chromedp.SendKeys(chromedp.CSS("#f-arm_equipped"), "\r")) // Enter saves the draft
	waitURL("done=save")
	if v := text("#violations"); !strings.Contains(v, "АРМ не больше числа рабочих мест") {
		t.Fatalf("violation not shown: %q", v)
	}
	if s := eval[string](ctx, t, `document.querySelector('#state').dataset.state`); s != "draft" {
		t.Fatalf("state %s after save", s)
	}
	shot("1-violation")

	// Submitting now is refused with the violation listed.
	do(chromedp.Click(chromedp.CSS("#submit")))
	for range 100 {
		if strings.Contains(text("#form-error"), "не отправлен") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if e := text("#form-error"); !strings.Contains(e, "не отправлен") {
		t.Fatalf("submit with a violation: %q", e)
	}
	shot("2-submit-refused")

	// A typo gets a message naming the field; fixed, the report goes.
	setValue("#f-arm_equipped", "8o")
	do(chromedp.Click(chromedp.CSS("#save")))
	for range 100 {
		if text("#e-arm_equipped") != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if e := text("#e-arm_equipped"); !strings.Contains(e, "«8o» — это не число") {
		t.Fatalf("bad number message: %q", e)
	}
	shot("3-bad-number")
	setValue("#f-arm_equipped", "80")
	do(chromedp.Click(chromedp.CSS("#submit")))
	waitURL("done=submit")
	if s := eval[string](ctx, t, `document.querySelector('#state').dataset.state`); s != "submitted" {
		t.Fatalf("state %s after submit", s)
	}
	shot("4-submitted")

	// The regional operator approves.
	login(auth.RegionalOperator, "/workflow?dataset=mo_quarterly&period=2021Q1")
	do(chromedp.Click(chromedp.CSS(`tr[data-unit="` + mo + `"] button[data-action="approve"]`)))
	waitURL("done=approve")
	if s := eval[string](ctx, t, `document.querySelector('tr[data-unit="`+mo+`"]').dataset.state`); s != "approved" {
		t.Fatalf("state %s after approval", s)
	}
	shot("5-approved")

	// The federal analyst accepts.
	login(auth.FederalAnalyst, "/workflow?dataset=mo_quarterly&period=2021Q1")
	do(chromedp.Click(chromedp.CSS(`tr[data-unit="` + mo + `"] button[data-action="accept"]`)))
	waitURL("done=accept")
	if s := eval[string](ctx, t, `document.querySelector('tr[data-unit="`+mo+`"]').dataset.state`); s != "accepted" {
		t.Fatalf("state %s after acceptance", s)
	}
	shot("6-accepted")

	// The МО operator's form is now locked.
	login(auth.MOOperator, form)
	if ro := text("#readonly"); !strings.Contains(ro, "заблокированы") {
		t.Fatalf("locked form: %q", ro)
	}
	if eval[bool](ctx, t, `!!document.querySelector('#save') || !document.querySelector('#f-arm_total').readOnly`) {
		t.Fatal("the locked form can still be edited")
	}
	if v := eval[string](ctx, t, `document.querySelector('#f-arm_equipped').value`); v != "80" {
		t.Fatalf("locked value %q", v)
	}
	shot("7-locked")
	t.Logf("screenshots in %s", out)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
