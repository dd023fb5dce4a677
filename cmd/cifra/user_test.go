package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/web"
)

var generatedRe = regexp.MustCompile(`[A-Z2-7]{26}`)

// canLogin checks a password against the database as the server would.
func canLogin(t *testing.T, db, login, pw string) bool {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := st.Hierarchy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = auth.New(st, func() *orgunit.Hierarchy { return h }, nil).Login(ctx, login, pw, "test")
	return err == nil
}

func TestContractUserAdd(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {

		// A given password is never echoed, and nothing else secret is printed.
		const given = "заданный пароль 42"
		out, stderr, code := cli(t, "user", "add", "--db", db, "--login", "ivanova", "--role", "regional_operator", "--orgunit", "RU-TUL", "--password", given)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if strings.Contains(out+stderr, given) || generatedRe.MatchString(out) || strings.Contains(out, "Пароль") || strings.Contains(out, "$argon2id") {
			t.Fatalf("output with a given password shows a secret:\n%s%s", out, stderr)
		}
		if !strings.Contains(out, "ivanova") {
			t.Fatalf("output does not name the account: %s", out)
		}
		if !canLogin(t, db, "ivanova", given) {
			t.Fatal("the given password does not work")
		}

		// Without a password one is generated and printed, once.
		out, stderr, code = cli(t, "user", "add", "--db", db, "--login", "petrov", "--role", "governor", "--orgunit", "RU-TUL")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		pws := generatedRe.FindAllString(out, -1)
		if len(pws) != 1 {
			t.Fatalf("want exactly one generated password in:\n%s", out)
		}
		if !canLogin(t, db, "petrov", pws[0]) {
			t.Fatal("the printed password does not work")
		}

		// Bad input: a precise error, non-zero exit.
		for _, args := range [][]string{
			{"--login", "x1", "--role", "root", "--orgunit", "RU"},
			{"--login", "x2", "--role", "mo_operator", "--orgunit", "RU-TUL"},
			{"--login", "x3", "--role", "auditor", "--orgunit", "NOWHERE"},
			{"--login", "petrov", "--role", "governor", "--orgunit", "RU-TUL"},
			{"--login", "x4", "--role", "auditor", "--orgunit", "RU", "--password", "short"},
		} {
			if _, stderr, code := cli(t, append([]string{"user", "add", "--db", db}, args...)...); code == 0 || stderr == "" {
				t.Errorf("user add %v: exit %d, stderr %q", args, code, stderr)
			}
		}

		out, _, code = cli(t, "user", "list", "--db", db)
		if code != 0 || !strings.Contains(out, "ivanova") || !strings.Contains(out, "petrov") || strings.Contains(out, "argon2") || strings.Contains(out, pws[0]) {
			t.Fatalf("list:\n%s", out)
		}
	})
}

func TestUserLifecycleCLI(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		run := func(args ...string) string {
			t.Helper()
			out, stderr, code := cli(t, append(args, "--db", db)...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			return out
		}
		first := generatedRe.FindString(run("user", "add", "--login", "aud", "--role", "auditor", "--orgunit", "RU"))
		second := generatedRe.FindString(run("user", "reset-password", "aud"))
		if first == "" || second == "" || first == second {
			t.Fatalf("passwords %q then %q", first, second)
		}
		if canLogin(t, db, "aud", first) || !canLogin(t, db, "aud", second) {
			t.Fatal("reset-password: the old password works or the new one does not")
		}
		// An auditor's role holds no use_tokens: refused at creation (issue 13, item 6).
		if _, stderr, code := cli(t, "user", "token", "create", "--login", "aud", "--name", "выгрузка", "--db", db); code == 0 || !strings.Contains(stderr, "auditor") {
			t.Fatalf("token for an auditor: exit %d: %s", code, stderr)
		}
		run("user", "set-role", "aud", "--role", "federal_analyst", "--orgunit", "RU")
		out := run("user", "token", "create", "--login", "aud", "--name", "выгрузка", "--expires", "30d")
		secret := regexp.MustCompile(auth.TokenPrefix + `\S+`).FindString(out)
		if secret == "" {
			t.Fatalf("token create printed no token:\n%s", out)
		}
		out = run("user", "token", "list")
		if strings.Contains(out, secret) || !strings.Contains(out, "выгрузка") || !strings.Contains(out, "действует") {
			t.Fatalf("token list:\n%s", out)
		}
		run("user", "token", "revoke", "1")
		if out := run("user", "token", "list", "--login", "aud"); !strings.Contains(out, "отозван") {
			t.Fatalf("token list after revoke:\n%s", out)
		}
		run("user", "set-role", "aud", "--role", "governor", "--orgunit", "RU-TUL")
		run("user", "disable", "aud")
		if canLogin(t, db, "aud", second) {
			t.Fatal("a disabled account can log in")
		}
		run("user", "enable", "aud")
		out = run("user", "audit")
		for _, ev := range []string{"user_create", "password_reset", "token_create", "token_revoke", "role_change", "user_disable", "user_enable", "login_ok"} {
			if !strings.Contains(out, ev) {
				t.Errorf("audit lacks %s:\n%s", ev, out)
			}
		}
		if strings.Contains(out, second) || strings.Contains(out, secret) {
			t.Fatal("the audit log shows a secret")
		}
	})
}

func TestAttachAuthFirstStart(t *testing.T) {
	ctx := context.Background()
	var out strings.Builder
	g := &globals{db: filepath.Join(t.TempDir(), "s.duckdb"), stdout: &out, stderr: &out}
	c, st, err := openCatalog(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := web.New(c, nil)
	if _, err := attachAuth(ctx, g, c, st, h, "", ""); err != nil {
		t.Fatal(err)
	}
	pw := generatedRe.FindString(out.String())
	if pw == "" || !strings.Contains(out.String(), "admin") {
		t.Fatalf("first start printed no password:\n%s", out.String())
	}
	out.Reset()
	if _, err := attachAuth(ctx, g, c, st, h, "", ""); err != nil || out.Len() != 0 {
		t.Fatalf("second start: %v, printed %q", err, out.String())
	}
	if err := st.SaveOrgUnits(ctx, []orgunit.Unit{{Code: "MO-1", Name: "МО 1", Level: orgunit.Organisation, Parent: "RU-TUL"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.ReloadHierarchy(ctx); err != nil {
		t.Fatal(err)
	}
	if err := printDemoAccounts(ctx, g, c, st, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	if n := len(generatedRe.FindAllString(out.String(), -1)); n != len(auth.Roles) {
		t.Fatalf("%d demo passwords printed, want %d:\n%s", n, len(auth.Roles), out.String())
	}
}
