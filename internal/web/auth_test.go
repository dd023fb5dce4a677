package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web/response"
)

// account is a test user: its session, a unit inside its scope and, unless
// its scope is the whole country, one outside.
type account struct {
	login, password string
	role            auth.Role
	scope           string
	session         string
	in, out         string
}

type authFixture struct {
	srv      *Server
	st       *store.Store
	svc      *auth.Service
	accounts []*account // one per role, in auth.Roles order, then a regional auditor
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.SaveOrgUnits(ctx, []orgunit.Unit{
		{Code: "MO-TUL-1", Name: "МО 1", Level: orgunit.Organisation, Parent: "RU-TUL"},
		{Code: "MO-TUL-2", Name: "МО 2", Level: orgunit.Organisation, Parent: "RU-TUL"},
		{Code: "MO-TAM-1", Name: "МО 3", Level: orgunit.Organisation, Parent: "RU-TAM"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Open(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &authFixture{srv: New(c, nil), st: st, svc: auth.New(st, c.Hierarchy, nil)}
	f.srv.UseAuth(f.svc)
	t.Cleanup(f.srv.Close)
	plan := map[auth.Role][3]string{ // scope, unit in scope, unit out of scope
		auth.FederalAdmin:     {"RU", "MO-TAM-1", ""},
		auth.FederalAnalyst:   {"RU", "MO-TUL-2", ""},
		auth.RegionalOperator: {"RU-TUL", "MO-TUL-2", "MO-TAM-1"},
		auth.MOOperator:       {"MO-TUL-1", "MO-TUL-1", "MO-TUL-2"},
		auth.Governor:         {"RU-TUL", "MO-TUL-1", "MO-TAM-1"},
		auth.Auditor:          {"RU", "MO-TUL-1", ""},
	}
	roles := append(slices.Clone(auth.Roles), auth.Auditor) // and a regional auditor
	for i, r := range roles {
		p := plan[r]
		login := "u-" + string(r)
		if i >= len(auth.Roles) {
			p, login = [3]string{"RU-TUL", "MO-TUL-2", "MO-TAM-1"}, "u-auditor-tul"
		}
		a := &account{login: login, password: "пароль " + login, role: r, scope: p[0], in: p[1], out: p[2]}
		if _, _, err := f.svc.CreateUser(ctx, "test", a.login, r, p[0], a.password); err != nil {
			t.Fatal(err)
		}
		a.session = f.login(t, a)
		f.accounts = append(f.accounts, a)
	}
	return f
}

func (f *authFixture) login(t *testing.T, a *account) string {
	t.Helper()
	id, _, err := f.svc.Login(context.Background(), a.login, a.password, "fixture-"+a.login)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *authFixture) account(r auth.Role) *account {
	for _, a := range f.accounts {
		if a.role == r {
			return a
		}
	}
	panic(r)
}

// do serves one request. site is the Sec-Fetch-Site a browser would send.
func (f *authFixture) do(method, target, ctype, body, session, bearer, site string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if session != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	if site != "" {
		r.Header.Set("Sec-Fetch-Site", site)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

var patternRe = regexp.MustCompile(`^(?:(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) )?(/\S*)$`)

// samplePath turns a pattern's path into a request path.
func samplePath(p string) string {
	p = strings.ReplaceAll(p, "{$}", "")
	return regexp.MustCompile(`\{([a-z]+)(\.\.\.)?\}`).ReplaceAllStringFunc(p, func(m string) string {
		switch strings.Trim(m, "{}.") {
		case "code":
			return "RU-TUL"
		case "id":
			return "health-digital-maturity"
		}
		return "x"
	})
}

// registeredRoutes lists every pattern registered on the mux, however the
// registration was written, by walking the mux's routing tree through
// reflection (ServeMux has no public listing). It fails loudly if a Go
// release reshapes the tree.
func registeredRoutes(t *testing.T, mux *http.ServeMux) []string {
	t.Helper()
	tree := reflect.ValueOf(mux).Elem().FieldByName("tree")
	if !tree.IsValid() {
		t.Fatal("http.ServeMux has no tree field any more: update registeredRoutes")
	}
	found := map[string]bool{}
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Struct:
			if v.Type().Name() == "pattern" {
				if str := v.FieldByName("str"); str.IsValid() && str.Kind() == reflect.String {
					found[str.String()] = true
				}
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Value())
			}
		}
		// Interfaces (the handlers) and functions are not followed.
	}
	walk(tree)
	if len(found) == 0 {
		t.Fatal("no routes found in the ServeMux tree: update registeredRoutes")
	}
	out := make([]string, 0, len(found))
	for p := range found {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// sampleBody is what the walk sends to a state-changing route.
func sampleBody(pattern string, a *account, in bool) (ctype, body string) {
	switch pattern {
	case "POST /api/v1/dataValueSets":
		unit := "MO-TUL-1"
		if a != nil {
			unit = a.in
			if !in {
				unit = a.out
			}
		}
		return "text/csv", "data_element,period,org_unit,value\narm_total,2021Q1," + unit + ",10\n"
	case "POST /api/v1/feed":
		unit := "MO-TUL-1"
		if a != nil {
			unit = a.in
			if !in {
				unit = a.out
			}
		}
		return "text/csv", "schedule_id,org_unit,specialty,active,practitioner\nwalk-" + unit + "," + unit + ",therapist,true,\n"
	case "POST /login":
		if a == nil {
			return "application/x-www-form-urlencoded", "login=nobody&password=wrong-password"
		}
		return "application/x-www-form-urlencoded", url.Values{"login": {a.login}, "password": {a.password}}.Encode()
	case "POST /account/tokens":
		return "application/x-www-form-urlencoded", "name=walk&days=1"
	case "POST /account/password":
		// Mismatched confirmation: exercises the route without changing anything.
		return "application/x-www-form-urlencoded", "current=x&new=aaaaaaaaaaaa&confirm=bbbbbbbbbbbb"
	}
	return "", ""
}

// okStatus is the status of an allowed call, for routes where it is fixed.
var okStatus = map[string]int{
	"GET /login":                 http.StatusOK,
	"POST /login":                http.StatusSeeOther,
	"POST /logout":               http.StatusSeeOther,
	"GET /account":               http.StatusOK,
	"POST /account/password":     http.StatusBadRequest,
	"POST /api/v1/dataValueSets": http.StatusOK,
	"POST /api/v1/feed":          http.StatusOK,
	"GET /audit":                 http.StatusOK,
	"POST /account/tokens":       http.StatusOK,
	// The sample id "x" names no token of the caller's.
	"POST /account/tokens/{token}/revoke": http.StatusNotFound,
	"GET /api/v1/audit/values":            http.StatusOK,
	"GET /api/v1/audit/security":          http.StatusOK,
	"GET /api/v1/audit/approvals":         http.StatusOK,
	"GET /api/v1/audit/methodologies":     http.StatusOK,
}

// expected returns the status the policy implies; exact is false when only
// "not 401/403" can be said (public read routes over an empty database).
func expected(pattern string, pol RoutePolicy, a *account, in bool) (int, bool) {
	if pattern == "POST /login" && a == nil {
		return http.StatusUnauthorized, true // wrong credentials
	}
	if pol.Access == Authenticated {
		if a == nil {
			if pol.Page {
				return http.StatusSeeOther, true
			}
			return http.StatusUnauthorized, true
		}
		if pol.Perm != "" && !a.role.Can(pol.Perm) {
			return http.StatusForbidden, true
		}
		if (pol.Scope == ScopeBody || pol.Scope == ScopeQuery) && !in {
			return http.StatusForbidden, true
		}
		if pol.Scope == ScopeNational && a.scope != "RU" {
			return http.StatusForbidden, true
		}
	}
	if s, ok := okStatus[pattern]; ok {
		return s, true
	}
	return 0, false
}

// TestRoutePolicies is the authorisation table: every registered route ×
// anonymous and every role × in and out of scope (and cross-site for
// state-changing routes) gets the status its policy implies. A route
// without a policy entry fails.
func TestRoutePolicies(t *testing.T) {
	f := newAuthFixture(t)
	routes := registeredRoutes(t, f.srv.mux)
	for _, must := range []string{"GET /api/v1/rating", "GET /{$}", "POST /api/v1/dataValueSets", "POST /login"} {
		if !contains(routes, must) {
			t.Fatalf("route scan missed %q (found %q)", must, routes)
		}
	}
	// The table is the policy of every route: the mux holds nothing that
	// was registered around it, and the table nothing the mux lacks.
	table := map[string]RoutePolicy{}
	for _, rt := range f.srv.Routes() {
		table[rt.Pattern] = rt.Policy
		if !contains(routes, rt.Pattern) {
			t.Errorf("route %q is in the table but not on the mux", rt.Pattern)
		}
	}
	if len(table) != len(routes) {
		t.Errorf("%d routes in the table, %d on the mux", len(table), len(routes))
	}
	for _, pattern := range routes {
		pol, ok := table[pattern]
		if !ok {
			t.Errorf("route %q was registered around the route table (routes.go)", pattern)
			continue
		}
		m := patternRe.FindStringSubmatch(pattern)
		method, path := m[1], samplePath(m[2])
		if method == "" {
			method = http.MethodGet
		}
		callers := append([]*account{nil}, f.accounts...)
		for _, a := range callers {
			for _, in := range []bool{true, false} {
				if a != nil && !in && a.out == "" {
					continue // a national scope has no outside
				}
				who, session := "anonymous", ""
				if a != nil {
					who, session = string(a.role), a.session
					if pattern == "POST /logout" || pattern == "POST /login" { // both end the shared session
						session = f.login(t, a) // keep the shared session alive
					}
				}
				ctype, body := sampleBody(pattern, a, in)
				target := path
				if pol.Scope == ScopeQuery && a != nil {
					unit := a.in
					if !in {
						unit = a.out
					}
					target += "?orgunit=" + unit
				}
				w := f.do(method, target, ctype, body, session, "", "same-origin")
				want, exact := expected(pattern, pol, a, in)
				switch {
				case exact && w.Code != want:
					t.Errorf("%s as %s (in scope %v): status %d, want %d: %s", pattern, who, in, w.Code, want, w.Body.String())
				case !exact && (w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden || w.Code == http.StatusServiceUnavailable):
					t.Errorf("%s as %s (public): status %d", pattern, who, w.Code)
				}
				if !safeMethod(method) && a != nil && in {
					if w := f.do(method, path, ctype, body, session, "", "cross-site"); w.Code != http.StatusForbidden {
						t.Errorf("%s as %s from another site: status %d, want 403 (CSRF)", pattern, who, w.Code)
					}
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

const dhis2Body = `{"dataValues":[
 {"dataElement":"arm_total","period":"2021Q1","orgUnit":"MO-TUL-1","value":"100"},
 {"dataElement":"arm_equipped","period":"2021Q1","orgUnit":"MO-TUL-2","value":"80"}]}`

func TestDataValueSetsContract(t *testing.T) {
	f := newAuthFixture(t)
	ctx := context.Background()
	const target = "/api/v1/dataValueSets"
	reg := f.account(auth.RegionalOperator)
	secret, tok, err := f.svc.CreateToken(ctx, "test", reg.login, "feed", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	count := func() (int64, int) {
		n, err := f.st.CountValues(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.st.Audit(ctx, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		return n, len(a)
	}
	unchanged := func(step string) {
		t.Helper()
		if n, a := count(); n != 0 || a != 0 {
			t.Fatalf("%s wrote %d values, %d audit rows", step, n, a)
		}
	}

	w := f.do("POST", target, "application/json", dhis2Body, "", "", "")
	if w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") ||
		w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("no credentials: %d %v", w.Code, w.Header())
	}
	if w := f.do("POST", target, "application/json", dhis2Body, "", "cifra_forged", ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", w.Code)
	}
	unchanged("unauthenticated requests")

	// One value in scope, one outside: 403 listing the outside unit, nothing written.
	mixed := strings.Replace(dhis2Body, "MO-TUL-2", "MO-TAM-1", 1)
	w = f.do("POST", target, "application/json", mixed, "", secret, "")
	var sp scopeProblem
	if err := json.Unmarshal(w.Body.Bytes(), &sp); err != nil || w.Code != http.StatusForbidden ||
		len(sp.OutOfScope) != 1 || sp.OutOfScope[0] != "MO-TAM-1" || sp.Status != 403 {
		t.Fatalf("out of scope: %d %s", w.Code, w.Body.String())
	}
	unchanged("an out-of-scope import")

	if w := f.do("POST", target, "application/json", dhis2Body, f.account(auth.Governor).session, "", "same-origin"); w.Code != http.StatusForbidden {
		t.Fatalf("governor import: %d", w.Code)
	}
	bad := strings.Replace(dhis2Body, "arm_equipped", "no_such_element", 1)
	if w := f.do("POST", target, "application/json", bad, "", secret, ""); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "no_such_element") {
		t.Fatalf("rejected record: %d %s", w.Code, w.Body.String())
	}
	if w := f.do("POST", target, "application/xml", dhis2Body, "", secret, ""); w.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("xml: %d", w.Code)
	}
	if w := f.do("POST", target+"?dryRun=true", "application/json", dhis2Body, "", secret, ""); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), `"dry_run": true`) || !strings.Contains(w.Body.String(), `"imported": 2`) {
		t.Fatalf("dry run: %d %s", w.Code, w.Body.String())
	}
	unchanged("a dry run and refused requests")

	w = f.do("POST", target, "application/json", dhis2Body, "", secret, "")
	var sum store.ImportSummary
	if err := json.Unmarshal(w.Body.Bytes(), &sum); err != nil || w.Code != http.StatusOK || sum.Imported != 2 || sum.DryRun ||
		!strings.Contains(w.Body.String(), `"status": "SUCCESS"`) {
		t.Fatalf("import: %d %s", w.Code, w.Body.String())
	}
	audit, err := f.st.Audit(ctx, "MO-TUL-1", 10)
	if err != nil || len(audit) != 1 || audit[0].Actor != reg.login || audit[0].Source != "api" || audit[0].New != 100 {
		t.Fatalf("audit %+v, %v", audit, err)
	}

	// CSV through a browser session, same origin; then from another site.
	csv := "data_element;period;org_unit;value\narm_total;2021Q1;MO-TUL-1;101,5\n"
	mo := f.account(auth.MOOperator)
	if w := f.do("POST", target, "text/csv; charset=utf-8", csv, mo.session, "", "cross-site"); w.Code != http.StatusForbidden {
		t.Fatalf("cross-site CSV: %d", w.Code)
	}
	if w := f.do("POST", target, "text/csv; charset=utf-8", csv, mo.session, "", "same-origin"); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), `"updated": 1`) {
		t.Fatalf("CSV: %d %s", w.Code, w.Body.String())
	}

	// A revoked token fails at once.
	if err := f.svc.RevokeToken(ctx, "test", tok.ID); err != nil {
		t.Fatal(err)
	}
	if w := f.do("POST", target, "application/json", dhis2Body, "", secret, ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", w.Code)
	}
}

func TestLoginLogoutHTTP(t *testing.T) {
	f := newAuthFixture(t)
	a := f.account(auth.MOOperator)
	w := f.do("GET", "/login?next=/account", "", "", "", "", "")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `<label for="login">Логин</label>`) || !strings.Contains(body, `value="/account"`) ||
		!strings.Contains(body, `href="/static/account.css"`) {
		t.Fatalf("login page: %d %s", w.Code, body)
	}
	// Visible focus, from the page's stylesheet.
	if css := f.do("GET", "/static/account.css", "", "", "", "", ""); css.Code != 200 || !strings.Contains(css.Body.String(), ":focus") {
		t.Fatalf("account.css: %d %s", css.Code, css.Body.String())
	}
	if w := f.do("GET", "/login", "", "", "", "cifra_revoked", ""); w.Code != 200 {
		t.Fatalf("login page with a stale bearer token: %d", w.Code)
	}
	form := func(login, pw string) string {
		return url.Values{"login": {login}, "password": {pw}, "next": {"/account"}}.Encode()
	}
	const ct = "application/x-www-form-urlencoded"
	if w := f.do("POST", "/login", ct, form(a.login, "неверный пароль"), "", "", "same-origin"); w.Code != http.StatusUnauthorized ||
		!strings.Contains(w.Body.String(), "Неверный логин или пароль") {
		t.Fatalf("wrong password: %d", w.Code)
	}
	w = f.do("POST", "/login", ct, form(a.login, a.password), "", "", "same-origin")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account" {
		t.Fatalf("login: %d %v", w.Code, w.Header())
	}
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Name != sessionCookie || !c[0].HttpOnly || c[0].SameSite != http.SameSiteLaxMode || len(c[0].Value) < 40 {
		t.Fatalf("cookie %+v", c)
	}
	sid := c[0].Value
	if w := f.do("GET", "/account", "", "", sid, "", ""); w.Code != 200 || !strings.Contains(w.Body.String(), a.login) {
		t.Fatalf("account: %d", w.Code)
	}
	if w := f.do("POST", "/logout", "", "", sid, "", "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}
	// The cookie is useless after logout, for pages and for the API.
	if w := f.do("GET", "/account", "", "", sid, "", ""); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Fatalf("account after logout: %d", w.Code)
	}
	if w := f.do("POST", "/api/v1/dataValueSets", "application/json", dhis2Body, sid, "", "same-origin"); w.Code != http.StatusUnauthorized {
		t.Fatalf("import after logout: %d", w.Code)
	}

	// Logging in drops a session id the browser already held (fixation).
	planted := f.login(t, a)
	if w := f.do("POST", "/login", ct, form(a.login, a.password), planted, "", "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("login over a planted session: %d", w.Code)
	}
	if _, err := f.svc.Session(context.Background(), planted); err == nil {
		t.Fatal("the session held before login survived it")
	}

	// Over TLS the cookie is Secure with the __Host- prefix.
	r := httptest.NewRequest("POST", "https://cifra.example/login", strings.NewReader(form(a.login, a.password)))
	r.Header.Set("Content-Type", ct)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	c = rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(c) != 1 || c[0].Name != sessionCookieSecure || !c[0].Secure {
		t.Fatalf("TLS login: %d %+v", rec.Code, c)
	}
}

func TestChangePasswordHTTP(t *testing.T) {
	f := newAuthFixture(t)
	a := f.account(auth.Governor)
	const ct = "application/x-www-form-urlencoded"
	other := f.login(t, a)
	body := url.Values{"current": {a.password}, "new": {"новый пароль губернатора"}, "confirm": {"новый пароль губернатора"}}.Encode()
	if w := f.do("POST", "/account/password", ct, body, a.session, "", "cross-site"); w.Code != http.StatusForbidden {
		t.Fatalf("cross-site change: %d", w.Code)
	}
	if w := f.do("POST", "/account/password", ct, strings.Replace(body, "current=", "current=x", 1), a.session, "", "same-origin"); w.Code != http.StatusForbidden {
		t.Fatalf("wrong current: %d", w.Code)
	}
	if w := f.do("POST", "/account/password", ct, body, a.session, "", "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", w.Code, w.Body.String())
	}
	if w := f.do("GET", "/account", "", "", a.session, "", ""); w.Code != 200 {
		t.Fatalf("own session after change: %d", w.Code)
	}
	if w := f.do("GET", "/account", "", "", other, "", ""); w.Code != http.StatusSeeOther {
		t.Fatalf("other session after change: %d", w.Code)
	}
}

func TestNoAuthAttached(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := catalog.Open(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(c, nil)
	for _, tc := range []struct{ method, path string }{{"POST", "/api/v1/dataValueSets"}, {"GET", "/login"}, {"POST", "/login"}} {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, strings.NewReader(dhis2Body)))
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s %s without accounts: %d, want 503", tc.method, tc.path, w.Code)
		}
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if b, _ := io.ReadAll(w.Body); w.Code != 200 || string(b) != "ok\n" {
		t.Errorf("healthz: %d", w.Code)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/account": "/account", "/regions/RU-TUL?x=1": "/regions/RU-TUL?x=1",
		"//evil.example": "/", "/\\evil.example": "/", "https://evil.example/": "/", "javascript:alert(1)": "/",
		"/a\r\nSet-Cookie: x": "/",
		// Issue 13 item 4: cleaned by http.Redirect into "/\\host" before the fix.
		"/./\\evil.example": "/", "/.//evil.example": "/evil.example", "/%5Cevil.example": "/",
		"/a/../account": "/account", "/regions/": "/regions/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "/a?b#c", "http://x", "/%2F%2Fx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsRune(got, '\\') {
			t.Fatalf("safeNext(%q) = %q leaves the site", s, got)
		}
		// What the browser receives is what http.Redirect makes of it.
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest("POST", "https://cifra.example/login", nil), got, http.StatusSeeOther)
		loc := w.Header().Get("Location")
		base, _ := url.Parse("https://cifra.example/login")
		to, err := base.Parse(loc)
		if err != nil || to.Host != "cifra.example" || strings.ContainsRune(loc, '\\') || strings.HasPrefix(loc, "//") {
			t.Fatalf("safeNext(%q) = %q redirects to %q, off the site", s, got, loc)
		}
	})
}

func TestAuditViews(t *testing.T) {
	f := newAuthFixture(t)
	admin := f.account(auth.FederalAdmin)
	body := strings.Replace(dhis2Body, "MO-TUL-2", "MO-TAM-1", 1) // one value in Тульская, one in Тамбовская
	if w := f.do("POST", "/api/v1/dataValueSets", "application/json", body, admin.session, "", "same-origin"); w.Code != 200 {
		t.Fatalf("import: %d %s", w.Code, w.Body.String())
	}
	var regional *account
	for _, a := range f.accounts {
		if a.login == "u-auditor-tul" {
			regional = a
		}
	}
	national := f.account(auth.Auditor)
	units := func(a *account, query string) []string {
		t.Helper()
		w := f.do("GET", "/api/v1/audit/values"+query, "", "", a.session, "", "")
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", a.login, w.Code, w.Body.String())
		}
		var rows []struct {
			Actor   string `json:"actor"`
			Source  string `json:"source"`
			OrgUnit string `json:"org_unit"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &rows); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			if r.Actor != admin.login || r.Source != "api" {
				t.Errorf("audit row %+v", r)
			}
			out = append(out, r.OrgUnit)
		}
		sort.Strings(out)
		return out
	}
	if got := units(national, ""); !slices.Equal(got, []string{"MO-TAM-1", "MO-TUL-1"}) {
		t.Errorf("national auditor sees %q", got)
	}
	if got := units(regional, ""); !slices.Equal(got, []string{"MO-TUL-1"}) {
		t.Errorf("regional auditor sees %q, want its region only", got)
	}
	if got := units(national, "?orgunit=MO-TAM-1"); !slices.Equal(got, []string{"MO-TAM-1"}) {
		t.Errorf("filtered: %q", got)
	}
	if w := f.do("GET", "/api/v1/audit/values?orgunit=MO-TAM-1", "", "", regional.session, "", ""); w.Code != http.StatusForbidden {
		t.Errorf("regional auditor, other region: %d", w.Code)
	}
	if w := f.do("GET", "/api/v1/audit/security", "", "", regional.session, "", ""); w.Code != http.StatusForbidden {
		t.Errorf("regional auditor, security log: %d", w.Code)
	}
	w := f.do("GET", "/api/v1/audit/security?format=csv", "", "", national.session, "", "")
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "at,event,actor") || !strings.Contains(w.Body.String(), "login_ok") ||
		w.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("security CSV: %d %s", w.Code, w.Body.String())
	}
	w = f.do("GET", "/audit", "", "", regional.session, "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Журнал аудита") || strings.Contains(w.Body.String(), "MO-TAM-1") ||
		strings.Contains(w.Body.String(), "События безопасности") {
		t.Errorf("audit page for a regional auditor: %d", w.Code)
	}
	if w := f.do("GET", "/audit", "", "", f.account(auth.MOOperator).session, "", ""); w.Code != http.StatusForbidden {
		t.Errorf("audit page for an МО operator: %d", w.Code)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "admin": "admin", "=HYPERLINK(1)": "'=HYPERLINK(1)", "+7": "'+7", "@x": "'@x",
		"-12.5": "-12.5", "-cmd": "'-cmd", "\tx": "'\tx",
	} {
		if got := response.CSVSafe(in); got != want {
			t.Errorf("response.CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenSelfService(t *testing.T) {
	f := newAuthFixture(t)
	const ct = "application/x-www-form-urlencoded"
	mo := f.account(auth.MOOperator)
	w := f.do("POST", "/account/tokens", ct, "name=МИС+выгрузка&days=30", mo.session, "", "same-origin")
	secret := regexp.MustCompile(`cifra_[A-Za-z0-9_-]+`).FindString(w.Body.String())
	if w.Code != 200 || secret == "" {
		t.Fatalf("create: %d %s", w.Code, w.Body.String())
	}
	// Shown once: the account page lists it without the secret.
	if w := f.do("GET", "/account", "", "", mo.session, "", ""); strings.Contains(w.Body.String(), secret) || !strings.Contains(w.Body.String(), "МИС выгрузка") {
		t.Fatal("account page shows the secret again or lacks the token")
	}
	body := strings.Replace(dhis2Body, "MO-TUL-2", "MO-TUL-1", 1)
	body = strings.Replace(body, "arm_equipped", "fap_total", 1)
	if w := f.do("POST", "/api/v1/dataValueSets", "application/json", body, "", secret, ""); w.Code != 200 {
		t.Fatalf("import with the new token: %d %s", w.Code, w.Body.String())
	}
	toks, _ := f.svc.Tokens(context.Background(), mo.login)
	target := "/account/tokens/" + strconv.FormatInt(toks[0].ID, 10) + "/revoke"
	if w := f.do("POST", target, "", "", f.account(auth.RegionalOperator).session, "", "same-origin"); w.Code != http.StatusNotFound {
		t.Fatalf("another user's revoke: %d", w.Code)
	}
	if w := f.do("POST", target, "", "", mo.session, "", "same-origin"); w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", w.Code)
	}
	if w := f.do("POST", "/api/v1/dataValueSets", "application/json", body, "", secret, ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", w.Code)
	}
	if w := f.do("POST", "/account/tokens", ct, "name=x", f.account(auth.Governor).session, "", "same-origin"); w.Code != http.StatusForbidden {
		t.Fatalf("governor creates a token: %d", w.Code)
	}
}
