package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Token describes an API token; the secret itself is shown once, at
// creation, and never stored.
type Token struct {
	ID        int64
	Login     string // owner
	Name      string
	OrgUnit   string // scope
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
	RevokedAt time.Time // zero: live
}

// Live reports whether the token can be used at now.
func (t Token) Live(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// CreateToken issues a token for the user. orgUnit narrows the scope (""
// keeps the owner's); ttl 0 means no expiry. The secret is returned once.
func (s *Service) CreateToken(ctx context.Context, actor, login, name, orgUnit string, ttl time.Duration) (string, Token, error) {
	u, err := s.User(ctx, login)
	if err != nil {
		return "", Token{}, err
	}
	if u.Disabled {
		return "", Token{}, fmt.Errorf("create token for %s: account disabled", u.Login)
	}
	if !u.Role.Can(UseTokens) {
		return "", Token{}, fmt.Errorf("create token for %s: %w", u.Login, &NoTokensError{Role: u.Role})
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", Token{}, fmt.Errorf("create token for %s: name must have 1-100 characters", u.Login)
	}
	unit := u.OrgUnit
	if orgUnit != "" {
		v, ok := s.hier().Lookup(orgUnit)
		if !ok {
			return "", Token{}, fmt.Errorf("create token for %s: unknown organisation unit %q", u.Login, orgUnit)
		}
		if !s.hier().IsDescendant(v.Code, u.OrgUnit) {
			return "", Token{}, fmt.Errorf("create token for %s: %s is outside the account's scope %s", u.Login, v.Code, u.OrgUnit)
		}
		unit = v.Code
	}
	if ttl < 0 {
		return "", Token{}, fmt.Errorf("create token for %s: negative lifetime", u.Login)
	}
	now := s.now()
	t := Token{Login: u.Login, Name: name, OrgUnit: unit, CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	secret := TokenPrefix + newSecret()
	t, err = s.st.InsertToken(ctx, u.ID, hashSecret(secret), t)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token for %s: %w", u.Login, err)
	}
	s.audit(ctx, "token_create", actor, u.Login, "", fmt.Sprintf("token %d %q scope=%s", t.ID, name, unit))
	return secret, t, nil
}

// RevokeToken stops a token at once.
func (s *Service) RevokeToken(ctx context.Context, actor string, id int64) error {
	if err := s.st.RevokeToken(ctx, id, s.now()); errors.Is(err, ErrNotFound) {
		return fmt.Errorf("revoke token %d: %w (or already revoked)", id, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	s.audit(ctx, "token_revoke", actor, fmt.Sprintf("token %d", id), "", "")
	return nil
}

// Tokens lists the tokens of one user (all users when login is ""),
// newest first.
func (s *Service) Tokens(ctx context.Context, login string) ([]Token, error) {
	out, err := s.st.ListTokens(ctx, NormalizeLogin(login))
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// TokenPrincipal authenticates an API token, or fails with
// ErrUnauthenticated for an unknown, revoked or expired token, a disabled
// owner or a token whose scope no longer lies in its owner's.
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, ErrUnauthenticated
	}
	p, userScope, err := s.st.TokenPrincipal(ctx, hashSecret(secret), s.now())
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	if !s.hier().IsDescendant(p.Scope, userScope) {
		return nil, ErrUnauthenticated
	}
	// The role may have lost the permission since the token was made.
	if !p.Role.Can(UseTokens) {
		return nil, ErrUnauthenticated
	}
	return p, nil
}

// NoTokensError refuses a token to an account whose role may not use
// tokens (a governor's or an auditor's reading is done in person).
type NoTokensError struct{ Role Role }

func (e *NoTokensError) Error() string {
	return fmt.Sprintf("the role %s may not use API tokens", e.Role)
}
