package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// DefaultAdminLogin is the login EnsureAdmin uses when given none.
const DefaultAdminLogin = "admin"

// EnsureAdmin creates the first federal administrator when no enabled one
// exists (first start of serve). The password is the given one or, when
// empty, a generated one; it is returned for printing once and is never a
// fixed default. created is false (and login, password empty) when an
// administrator already exists.
func EnsureAdmin(ctx context.Context, s *Service, login, password string) (string, string, bool, error) {
	n, err := s.st.CountActive(ctx, FederalAdmin)
	if err != nil {
		return "", "", false, fmt.Errorf("ensure admin: %w", err)
	}
	if n > 0 {
		return "", "", false, nil
	}
	if login == "" {
		login = DefaultAdminLogin
	}
	root, ok := s.hier().Root()
	if !ok {
		return "", "", false, errors.New("ensure admin: empty organisation hierarchy")
	}
	u, generated, err := s.CreateUser(ctx, "system", login, FederalAdmin, root.Code, password)
	if errors.Is(err, ErrExists) {
		return "", "", false, fmt.Errorf("ensure admin: no enabled federal administrator, and the login %q is taken: "+
			"enable an administrator with `cifra user enable` or choose another login: %w", login, err)
	}
	if err != nil {
		return "", "", false, fmt.Errorf("ensure admin: %w", err)
	}
	if generated != "" {
		password = generated
	}
	return u.Login, password, true, nil
}

// Credential is a demo account to print.
type Credential struct {
	Login    string
	Password string
	Role     Role
	OrgUnit  string
	UnitName string
}

// DemoAccounts creates (or, when they exist, resets the password and scope
// of) one account per role with generated passwords, for the demo to
// print. The regional accounts are scoped to Тульская область when it has
// medical organisations (it topped the 2020 rating), otherwise to the first
// region that has any.
func DemoAccounts(ctx context.Context, s *Service) ([]Credential, error) {
	h := s.hier()
	root, ok := h.Root()
	if !ok {
		return nil, errors.New("demo accounts: empty organisation hierarchy")
	}
	region, mo := demoRegion(h)
	if region == nil {
		return nil, errors.New("demo accounts: no region with medical organisations")
	}
	plan := []struct {
		login string
		role  Role
		unit  *orgunit.Unit
	}{
		{"demo-admin", FederalAdmin, root},
		{"demo-analyst", FederalAnalyst, root},
		{"demo-region", RegionalOperator, region},
		{"demo-mo", MOOperator, mo},
		{"demo-governor", Governor, region},
		{"demo-auditor", Auditor, root},
	}
	var out []Credential
	for _, p := range plan {
		pw := GeneratePassword()
		if _, err := s.User(ctx, p.login); errors.Is(err, ErrNotFound) {
			if _, _, err := s.CreateUser(ctx, "demo", p.login, p.role, p.unit.Code, pw); err != nil {
				return nil, fmt.Errorf("demo accounts: %w", err)
			}
		} else if err != nil {
			return nil, fmt.Errorf("demo accounts: %w", err)
		} else {
			if err := s.SetRole(ctx, "demo", p.login, p.role, p.unit.Code); err != nil {
				return nil, fmt.Errorf("demo accounts: %w", err)
			}
			if _, err := s.ResetPassword(ctx, "demo", p.login, pw); err != nil {
				return nil, fmt.Errorf("demo accounts: %w", err)
			}
			if err := s.SetDisabled(ctx, "demo", p.login, false); err != nil {
				return nil, fmt.Errorf("demo accounts: %w", err)
			}
		}
		out = append(out, Credential{Login: p.login, Password: pw, Role: p.role, OrgUnit: p.unit.Code, UnitName: p.unit.Name})
	}
	return out, nil
}

func demoRegion(h *orgunit.Hierarchy) (region, mo *orgunit.Unit) {
	if r, ok := h.Lookup("RU-TUL"); ok {
		if kids := h.Children(r.Code); len(kids) > 0 {
			return r, kids[0]
		}
	}
	for _, r := range h.AtLevel(orgunit.Region) {
		if kids := h.Children(r.Code); len(kids) > 0 {
			return r, kids[0]
		}
	}
	return nil, nil
}
