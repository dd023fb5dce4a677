package auth_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/cifra-health/cifra/internal/auth"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/store"
)

// testService opens an in-memory store with two МО in Тульская and one in
// Тамбовская область.
func testService(t *testing.T) (*auth.Service, *time.Time) {
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
	h, err := st.Hierarchy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := auth.New(st, func() *orgunit.Hierarchy { return h }, nil)
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	return s, &now
}

func TestPasswordRoundTrip(t *testing.T) {
	h, err := auth.HashPassword("верный пароль 123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id with the documented parameters", h)
	}
	h2, _ := auth.HashPassword("верный пароль 123")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"верный пароль 123", true},
		{"верный пароль 124", false},
		{"", false},
		{strings.Repeat("x", 5000), false},
	} {
		ok, err := auth.CheckPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%.20q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
}

func TestDecodeHashRejects(t *testing.T) {
	good, _ := auth.HashPassword("x")
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=18$m=19456,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=99999999,t=2,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1,x=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "==$" + parts[5],
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4],
	} {
		if _, err := auth.CheckPassword(bad, "x"); !errors.Is(err, auth.ErrBadHash) {
			t.Errorf("CheckPassword(%q) err = %v, want auth.ErrBadHash", bad, err)
		}
	}
}

func TestMatrix(t *testing.T) {
	want := map[auth.Role]string{ // permissions in auth.Permissions order: 1 = granted
		auth.FederalAdmin:     "111111111",
		auth.FederalAnalyst:   "110011001",
		auth.RegionalOperator: "111100001",
		auth.MOOperator:       "111000001",
		auth.Governor:         "100000000",
		auth.Auditor:          "100000010",
	}
	for _, r := range auth.Roles {
		var b strings.Builder
		for _, p := range auth.Permissions {
			if r.Can(p) {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		if b.String() != want[r] {
			t.Errorf("%s: permissions %s, want %s", r, b.String(), want[r])
		}
	}
	if _, err := auth.ParseRole("Governor"); err != nil {
		t.Error(err)
	}
	if _, err := auth.ParseRole("root"); err == nil {
		t.Error("ParseRole(root) accepted")
	}
}

func TestCreateUserScope(t *testing.T) {
	s, _ := testService(t)
	ctx := context.Background()
	for _, tc := range []struct {
		login, unit string
		role        auth.Role
		wantErr     string
	}{
		{"fed", "RU", auth.FederalAdmin, ""},
		{"reg", "RU-TUL", auth.RegionalOperator, ""},
		{"mo", "MO-TUL-1", auth.MOOperator, ""},
		{"gov", "RU-TUL", auth.Governor, ""},
		{"reg2", "MO-TUL-1", auth.RegionalOperator, "cannot be scoped"},
		{"fed2", "RU-TUL", auth.FederalAnalyst, "cannot be scoped"},
		{"x", "RU", auth.Auditor, "login"},
		{"nounit", "XX", auth.Auditor, "unknown organisation unit"},
		{"fed", "RU", auth.FederalAdmin, "already exists"},
	} {
		_, pw, err := s.CreateUser(ctx, "test", tc.login, tc.role, tc.unit, "")
		if tc.wantErr == "" {
			if err != nil || len(pw) < auth.MinPasswordLen {
				t.Errorf("%s: err %v, generated %q", tc.login, err, pw)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err %v, want %q", tc.login, err, tc.wantErr)
		}
	}
	if _, _, err := s.CreateUser(ctx, "test", "short", auth.Auditor, "RU", "123"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Errorf("short password: %v", err)
	}
	u, pw, err := s.CreateUser(ctx, "test", "Given.Pw", auth.Auditor, "RU", "задан явно, 12")
	if err != nil || pw != "" || u.Login != "given.pw" {
		t.Errorf("given password: user %+v, returned %q, %v", u, pw, err)
	}
	p := &auth.Principal{Scope: "RU-TUL"}
	if !s.InScope(p, "MO-TUL-2") || s.InScope(p, "MO-TAM-1") || s.InScope(p, "RU") {
		t.Error("InScope wrong for a regional scope")
	}
}

func TestLoginLogoutSession(t *testing.T) {
	s, now := testService(t)
	ctx := context.Background()
	if _, _, err := s.CreateUser(ctx, "test", "op", auth.RegionalOperator, "RU-TUL", "пароль оператора"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "op", "не тот пароль", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, err := s.Login(ctx, "nobody", "пароль оператора", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("unknown login: %v", err)
	}
	id, p, err := s.Login(ctx, " OP ", "пароль оператора", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Login != "op" || p.Role != auth.RegionalOperator || p.Scope != "RU-TUL" {
		t.Fatalf("principal %+v", p)
	}
	if got, err := s.Session(ctx, id); err != nil || got.Login != "op" {
		t.Fatalf("session: %+v, %v", got, err)
	}
	if err := s.Logout(ctx, id, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("session after logout: %v", err)
	}

	// Expiry.
	id, _, err = s.Login(ctx, "op", "пароль оператора", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	*now = now.Add(s.SessionTTL + time.Second)
	if _, err := s.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("expired session: %v", err)
	}

	// Disabling ends sessions.
	id, _, _ = s.Login(ctx, "op", "пароль оператора", "10.0.0.1")
	if err := s.SetDisabled(ctx, "test", "op", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("session of disabled user: %v", err)
	}
	if _, _, err := s.Login(ctx, "op", "пароль оператора", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("disabled login: %v", err)
	}

	events, err := s.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Event] = true
	}
	for _, ev := range []string{"user_create", "login_fail", "login_ok", "logout", "user_disable"} {
		if !seen[ev] {
			t.Errorf("no %s in the security audit: %+v", ev, events)
		}
	}
}

func TestChangePassword(t *testing.T) {
	s, _ := testService(t)
	ctx := context.Background()
	if _, _, err := s.CreateUser(ctx, "test", "op", auth.MOOperator, "MO-TUL-1", "старый пароль 1"); err != nil {
		t.Fatal(err)
	}
	keep, _, _ := s.Login(ctx, "op", "старый пароль 1", "ip")
	other, _, _ := s.Login(ctx, "op", "старый пароль 1", "ip2")
	if err := s.ChangePassword(ctx, "op", "неверный", "новый пароль 2", keep, "ip"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("wrong current: %v", err)
	}
	if err := s.ChangePassword(ctx, "op", "старый пароль 1", "коротко", keep, "ip"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Fatalf("weak new: %v", err)
	}
	if err := s.ChangePassword(ctx, "op", "старый пароль 1", "новый пароль 2", keep, "ip"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, keep); err != nil {
		t.Errorf("own session ended: %v", err)
	}
	if _, err := s.Session(ctx, other); err == nil {
		t.Error("other session survived a password change")
	}
	if _, _, err := s.Login(ctx, "op", "старый пароль 1", "ip"); err == nil {
		t.Error("old password still works")
	}
	if _, _, err := s.Login(ctx, "op", "новый пароль 2", "ip"); err != nil {
		t.Errorf("new password: %v", err)
	}
	// Guessing the current password counts against the account's budget.
	for range s.AccountLimit.Limit {
		s.ChangePassword(ctx, "op", "догадка", "ещё один пароль", keep, "ip")
	}
	var te *auth.ThrottledError
	if err := s.ChangePassword(ctx, "op", "новый пароль 2", "ещё один пароль", keep, "ip"); !errors.As(err, &te) {
		t.Errorf("change after %d wrong guesses: %v, want throttled", s.AccountLimit.Limit, err)
	}
}

// auditCount counts the security events of a kind.
func auditCount(t *testing.T, s *auth.Service, event string) int {
	t.Helper()
	evs, err := s.AuditLog(context.Background(), 100000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Event == event {
			n++
		}
	}
	return n
}

// Guessing an account from strange addresses stops at its budget, but the
// owner's usual address keeps working: no one can lock an account, an
// administrator's included, by failing on purpose (issue 13, item 7).
func TestLoginGuessingCannotLockOwnerOut(t *testing.T) {
	s, now := testService(t)
	ctx := context.Background()
	if _, _, err := s.CreateUser(ctx, "test", "admin2", auth.FederalAdmin, "RU", "правильный пароль"); err != nil {
		t.Fatal(err)
	}
	// The owner signs in once from the office: the address becomes familiar.
	if _, _, err := s.Login(ctx, "admin2", "правильный пароль", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	// An attacker guesses from many addresses, each under the source limit.
	for i := range s.AccountLimit.Limit {
		if _, _, err := s.Login(ctx, "admin2", "догадка", fmt.Sprintf("198.51.100.%d", i)); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	var te *auth.ThrottledError
	if _, _, err := s.Login(ctx, "admin2", "правильный пароль", "198.51.100.200"); !errors.As(err, &te) {
		t.Fatalf("a new address after %d guesses: %v, want throttled", s.AccountLimit.Limit, err)
	}
	checked := auditCount(t, s, "login_fail")
	// The owner's office is not affected.
	if _, _, err := s.Login(ctx, "admin2", "правильный пароль", "10.0.0.1"); err != nil {
		t.Fatalf("owner's usual address locked out: %v", err)
	}
	// Wrong guesses from the familiar address are still bounded by the
	// per-source limit.
	for range s.SourceLimit.Limit {
		s.Login(ctx, "admin2", "догадка", "10.0.0.1")
	}
	if _, _, err := s.Login(ctx, "admin2", "правильный пароль", "10.0.0.1"); !errors.As(err, &te) {
		t.Fatalf("familiar address over the source limit: %v, want throttled", err)
	}
	if got := auditCount(t, s, "login_fail"); got != checked+s.SourceLimit.Limit {
		t.Errorf("%d checks from the familiar address, want %d", got-checked, s.SourceLimit.Limit)
	}
	// The budget returns with the window.
	*now = now.Add(s.AccountLimit.Window + time.Second)
	if _, _, err := s.Login(ctx, "admin2", "правильный пароль", "198.51.100.201"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// 200 parallel wrong logins from one address: the attempt is counted
// before the hash, so at most the source limit of them are checked
// (before the fix all 200 were, holding 19 MiB each) — issue 13, item 3.
func TestParallelLoginsCountedBeforeHashing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ip     func(i int) string
		limit  func(s *auth.Service) int
		logins int
	}{
		{"one address", func(int) string { return "203.0.113.7" }, func(s *auth.Service) int { return s.SourceLimit.Limit }, 200},
		{"one account, many addresses", func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }, func(s *auth.Service) int { return s.AccountLimit.Limit }, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := testService(t)
			ctx := context.Background()
			if _, _, err := s.CreateUser(ctx, "test", "op", auth.MOOperator, "MO-TUL-1", "правильный пароль"); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			outcomes := map[string]int{}
			for i := range tc.logins {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, err := s.Login(ctx, "op", "неверный пароль", tc.ip(i))
					var te *auth.ThrottledError
					kind := "other"
					switch {
					case errors.Is(err, auth.ErrInvalidCredentials):
						kind = "checked"
					case errors.As(err, &te) && te.Busy:
						kind = "busy"
					case errors.As(err, &te):
						kind = "throttled"
					}
					mu.Lock()
					outcomes[kind]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if outcomes["other"] > 0 {
				t.Fatalf("unexpected outcomes: %v", outcomes)
			}
			if outcomes["checked"] > tc.limit(s) {
				t.Errorf("%d passwords checked, limit %d (%v)", outcomes["checked"], tc.limit(s), outcomes)
			}
			if outcomes["checked"] == 0 || outcomes["throttled"] == 0 {
				t.Errorf("outcomes %v: want some checked and the rest throttled", outcomes)
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	l := auth.NewLimiter(2, time.Minute)
	l.MaxKeys = 3
	t0 := time.Unix(0, 0)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Reserve("k", t0); ok != want {
			t.Fatalf("reserve %d: %v, want %v", i+1, ok, want)
		}
	}
	l.Release("k") // a success gives its check back
	if ok, _ := l.Reserve("k", t0); !ok {
		t.Fatal("released reservation not reusable")
	}
	if ok, until := l.Reserve("k", t0.Add(30*time.Second)); ok || !until.Equal(t0.Add(time.Minute)) {
		t.Fatalf("within the window: %v until %v", ok, until)
	}
	if ok, _ := l.Reserve("k", t0.Add(time.Minute)); !ok {
		t.Fatal("new window still refused")
	}
	// Bounded keys: a flood of live keys is refused rather than stored;
	// keys whose window passed make room.
	l.Reserve("a", t0.Add(time.Minute))
	l.Reserve("b", t0.Add(time.Minute))
	if ok, _ := l.Reserve("c", t0.Add(time.Minute)); ok {
		t.Fatal("fourth live key accepted past MaxKeys")
	}
	if ok, _ := l.Reserve("c", t0.Add(2*time.Minute)); !ok {
		t.Fatal("expired keys not pruned")
	}
}

// A password change or reset ends the account's tokens too (item 5), and
// a role without use_tokens gets none and cannot use an old one (item 6).
func TestTokensEndWithPasswordAndRole(t *testing.T) {
	s, _ := testService(t)
	ctx := context.Background()
	if _, _, err := s.CreateUser(ctx, "test", "reg", auth.RegionalOperator, "RU-TUL", "старый пароль 1"); err != nil {
		t.Fatal(err)
	}
	for _, change := range []struct {
		name string
		do   func() error
	}{
		{"own change", func() error {
			return s.ChangePassword(ctx, "reg", "старый пароль 1", "новый пароль 22", "", "ip")
		}},
		{"administrator's reset", func() error {
			_, err := s.ResetPassword(ctx, "admin", "reg", "третий пароль 333")
			return err
		}},
	} {
		secret, _, err := s.CreateToken(ctx, "reg", "reg", "stolen", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := change.do(); err != nil {
			t.Fatalf("%s: %v", change.name, err)
		}
		if _, err := s.TokenPrincipal(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("token after %s: %v, want ended", change.name, err)
		}
	}
	if n := auditCount(t, s, "token_revoke"); n != 2 {
		t.Errorf("%d token_revoke events, want one per password change", n)
	}

	for _, role := range []auth.Role{auth.Governor, auth.Auditor} {
		login := "r-" + string(role)
		if _, _, err := s.CreateUser(ctx, "test", login, role, "RU-TUL", ""); err != nil {
			t.Fatal(err)
		}
		var nt *auth.NoTokensError
		if _, _, err := s.CreateToken(ctx, "test", login, "feed", "", 0); !errors.As(err, &nt) {
			t.Errorf("token for %s: %v, want refused", role, err)
		}
	}
	secret, _, err := s.CreateToken(ctx, "test", "reg", "before demotion", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, "test", "reg", auth.Governor, "RU-TUL"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenPrincipal(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("a governor's old token: %v, want refused at use", err)
	}
}

func TestTokens(t *testing.T) {
	s, now := testService(t)
	ctx := context.Background()
	if _, _, err := s.CreateUser(ctx, "test", "reg", auth.RegionalOperator, "RU-TUL", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateToken(ctx, "test", "reg", "feed", "MO-TAM-1", 0); err == nil {
		t.Fatal("token scoped outside the owner's scope accepted")
	}
	secret, tok, err := s.CreateToken(ctx, "test", "reg", "feed", "MO-TUL-1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.TokenPrefix) || tok.OrgUnit != "MO-TUL-1" {
		t.Fatalf("secret %q token %+v", secret, tok)
	}
	p, err := s.TokenPrincipal(ctx, secret)
	if err != nil || p.Login != "reg" || p.Scope != "MO-TUL-1" || p.TokenID != tok.ID {
		t.Fatalf("principal %+v, %v", p, err)
	}
	if _, err := s.TokenPrincipal(ctx, secret+"x"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("wrong secret: %v", err)
	}
	if err := s.RevokeToken(ctx, "test", tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenPrincipal(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := s.RevokeToken(ctx, "test", tok.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("second revoke: %v", err)
	}

	secret, _, err = s.CreateToken(ctx, "test", "reg", "short-lived", "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.TokenPrincipal(ctx, secret); err != nil || p.Scope != "RU-TUL" {
		t.Fatalf("default scope: %+v %v", p, err)
	}
	*now = now.Add(time.Hour + time.Second)
	if _, err := s.TokenPrincipal(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("expired token: %v", err)
	}
	toks, err := s.Tokens(ctx, "reg")
	if err != nil || len(toks) != 2 || toks[1].RevokedAt.IsZero() || toks[0].Live(*now) {
		t.Fatalf("tokens %+v, %v", toks, err)
	}

	secret, _, _ = s.CreateToken(ctx, "test", "reg", "third", "", 0)
	if err := s.SetDisabled(ctx, "test", "reg", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenPrincipal(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("token of a disabled user: %v", err)
	}
}

func TestEnsureAdminAndDemo(t *testing.T) {
	s, _ := testService(t)
	ctx := context.Background()
	login, pw, created, err := auth.EnsureAdmin(ctx, s, "", "")
	if err != nil || !created || login != auth.DefaultAdminLogin || len(pw) < auth.MinPasswordLen {
		t.Fatalf("first start: %q %q %v %v", login, pw, created, err)
	}
	if _, _, err := s.Login(ctx, login, pw, "ip"); err != nil {
		t.Fatalf("admin login: %v", err)
	}
	if l, p, created, err := auth.EnsureAdmin(ctx, s, "", ""); err != nil || created || l != "" || p != "" {
		t.Fatalf("second start: %q %q %v %v", l, p, created, err)
	}
	// Every administrator disabled: a clear error rather than a second "admin".
	if err := s.SetDisabled(ctx, "test", login, true); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := auth.EnsureAdmin(ctx, s, "", ""); err == nil || !strings.Contains(err.Error(), "cifra user enable") {
		t.Fatalf("all admins disabled: %v", err)
	}
	creds, err := auth.DemoAccounts(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(creds) != len(auth.Roles) {
		t.Fatalf("%d demo accounts, want one per role", len(creds))
	}
	for _, c := range creds {
		if _, _, err := s.Login(ctx, c.Login, c.Password, "ip-demo-"+c.Login); err != nil {
			t.Errorf("demo %s: %v", c.Login, err)
		}
	}
	// Again: passwords are reset, not duplicated accounts.
	again, err := auth.DemoAccounts(ctx, s)
	if err != nil || again[0].Password == creds[0].Password {
		t.Fatalf("second DemoAccounts: %v", err)
	}
}

// Logins run concurrently on a server; DuckDB must not turn them into
// transaction conflicts.
func TestConcurrentLogins(t *testing.T) {
	s, _ := testService(t)
	ctx := context.Background()
	const n = 6
	for i := range n {
		if _, _, err := s.CreateUser(ctx, "test", fmt.Sprintf("user%d", i), auth.Auditor, "RU", "общий пароль 1"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, n*3)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				id, _, err := s.Login(ctx, fmt.Sprintf("user%d", i), "общий пароль 1", "ip")
				if err == nil {
					_, err = s.Session(ctx, id)
				}
				if err == nil {
					err = s.Logout(ctx, id, "ip")
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
