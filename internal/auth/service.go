package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// Errors callers tell apart.
var (
	ErrInvalidCredentials = errors.New("invalid login or password")
	ErrUnauthenticated    = errors.New("not authenticated")
	ErrNotFound           = errors.New("not found")
	ErrExists             = errors.New("already exists")
)

// ThrottledError says a login was refused without checking the password:
// because of too many recent attempts, or (Busy) because every password
// check slot stayed taken for the gate's wait.
type ThrottledError struct {
	Until time.Time
	Busy  bool
}

func (e *ThrottledError) Error() string {
	if e.Busy {
		return "too many password checks at once; try again shortly"
	}
	return fmt.Sprintf("too many login attempts; try again after %s", e.Until.UTC().Format(time.RFC3339))
}

// User is an account.
type User struct {
	ID                int64
	Login             string
	Role              Role
	OrgUnit           string // scope root: the unit and its descendants
	Disabled          bool
	CreatedAt         time.Time
	PasswordChangedAt time.Time
}

// Principal is who makes a request: a user through a session or a token.
type Principal struct {
	UserID  int64
	Login   string
	Role    Role
	Scope   string // org unit code; a token may narrow its owner's scope
	TokenID int64  // 0 for a session
}

// Can reports whether the principal's role holds perm.
func (p *Principal) Can(perm Permission) bool { return p != nil && p.Role.Can(perm) }

// Service manages accounts kept in a Storage.
type Service struct {
	st   Storage
	hier func() *orgunit.Hierarchy
	log  *slog.Logger

	// Now is the clock (tests move it).
	Now func() time.Time
	// SessionTTL is how long a session lives after login (absolute).
	SessionTTL time.Duration
	// SourceLimit bounds the password checks from one client address,
	// across all logins. AccountLimit bounds the checks of one login from
	// addresses that have never signed in to it: guessing stops there,
	// while the owner's usual addresses keep working — a lockout of the
	// account itself would hand attackers a switch that locks anyone out.
	SourceLimit, AccountLimit *Limiter
	// FamiliarFor is how long a successful sign-in keeps its address
	// familiar to the account.
	FamiliarFor time.Duration

	hashes *hashGate

	dummyHash func() string
}

// New returns the account service. hierarchy is called on every scope
// check, so a reloaded hierarchy is seen at once (pass
// catalog.Catalog.Hierarchy).
func New(st Storage, hierarchy func() *orgunit.Hierarchy, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		st: st, hier: hierarchy, log: log,
		Now:          time.Now,
		SessionTTL:   12 * time.Hour,
		SourceLimit:  NewLimiter(30, 15*time.Minute),
		AccountLimit: NewLimiter(10, 15*time.Minute),
		FamiliarFor:  90 * 24 * time.Hour,
		hashes:       newHashGate(max(2, runtime.GOMAXPROCS(0)), 2*time.Second),
		dummyHash: sync.OnceValue(func() string {
			h, _ := HashPassword("dummy password for timing")
			return h
		}),
	}
}

// now is the clock in UTC.
func (s *Service) now() time.Time { return s.Now().UTC() }

// Hierarchy is the current organisation hierarchy.
func (s *Service) Hierarchy() *orgunit.Hierarchy { return s.hier() }

// InScope reports whether the unit lies in the principal's scope.
func (s *Service) InScope(p *Principal, code string) bool {
	return p != nil && s.hier().IsDescendant(code, p.Scope)
}

var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

// NormalizeLogin lower-cases and trims a login.
func NormalizeLogin(l string) string { return strings.ToLower(strings.TrimSpace(l)) }

// resolveScope checks that code names a unit at a level the role may be
// scoped to, returning its canonical code.
func (s *Service) resolveScope(role Role, code string) (string, error) {
	u, ok := s.hier().Lookup(code)
	if !ok {
		return "", fmt.Errorf("unknown organisation unit %q", code)
	}
	if !role.ScopeLevelOK(u.Level) {
		return "", fmt.Errorf("role %s cannot be scoped to %s %q (%s)", role, u.Level, u.Code, u.Name)
	}
	return u.Code, nil
}

// CreateUser adds an account. An empty password is replaced by a generated
// one, which is returned; otherwise the returned password is "".
func (s *Service) CreateUser(ctx context.Context, actor, login string, role Role, orgUnit, password string) (User, string, error) {
	login = NormalizeLogin(login)
	if !loginRe.MatchString(login) {
		return User{}, "", fmt.Errorf("create user: login %q: want 2-64 of a-z, 0-9, '.', '_', '@', '-'", login)
	}
	if !role.Valid() {
		return User{}, "", fmt.Errorf("create user %s: unknown role %q", login, role)
	}
	unit, err := s.resolveScope(role, orgUnit)
	if err != nil {
		return User{}, "", fmt.Errorf("create user %s: %w", login, err)
	}
	generated := ""
	if password == "" {
		password = GeneratePassword()
		generated = password
	} else if err := CheckPasswordPolicy(password); err != nil {
		return User{}, "", fmt.Errorf("create user %s: %w", login, err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, "", err
	}
	if _, err := s.User(ctx, login); err == nil {
		return User{}, "", fmt.Errorf("create user %s: %w", login, ErrExists)
	}
	now := s.now()
	u, err := s.st.InsertUser(ctx, User{Login: login, Role: role, OrgUnit: unit, CreatedAt: now, PasswordChangedAt: now}, hash)
	if err != nil {
		return User{}, "", fmt.Errorf("create user %s: %w", login, err)
	}
	s.audit(ctx, "user_create", actor, login, "", fmt.Sprintf("role=%s scope=%s", role, unit))
	return u, generated, nil
}

// User reads one account by login.
func (s *Service) User(ctx context.Context, login string) (User, error) {
	u, _, err := s.userWithHash(ctx, login)
	return u, err
}

// Users lists every account by login.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	out, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// SetDisabled disables (or re-enables) an account. Disabling ends its
// sessions at once; its tokens stop working because authentication checks
// the owner.
func (s *Service) SetDisabled(ctx context.Context, actor, login string, disabled bool) error {
	u, err := s.User(ctx, login)
	if err != nil {
		return err
	}
	u.Disabled = disabled
	if err := s.st.UpdateUser(ctx, u, disabled); err != nil {
		return fmt.Errorf("disable user %s: %w", u.Login, err)
	}
	ev := "user_disable"
	if !disabled {
		ev = "user_enable"
	}
	s.audit(ctx, ev, actor, u.Login, "", "")
	return nil
}

// SetRole changes an account's role and scope; its sessions end so that
// the change applies at once.
func (s *Service) SetRole(ctx context.Context, actor, login string, role Role, orgUnit string) error {
	u, err := s.User(ctx, login)
	if err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("set role of %s: unknown role %q", u.Login, role)
	}
	unit, err := s.resolveScope(role, orgUnit)
	if err != nil {
		return fmt.Errorf("set role of %s: %w", u.Login, err)
	}
	changed := u
	changed.Role, changed.OrgUnit = role, unit
	if err := s.st.UpdateUser(ctx, changed, true); err != nil {
		return fmt.Errorf("set role of %s: %w", u.Login, err)
	}
	s.audit(ctx, "role_change", actor, u.Login, "", fmt.Sprintf("role %s→%s scope %s→%s", u.Role, role, u.OrgUnit, unit))
	return nil
}

// ResetPassword sets a new password (generated when empty, and then
// returned) and ends the account's sessions.
func (s *Service) ResetPassword(ctx context.Context, actor, login, password string) (string, error) {
	u, err := s.User(ctx, login)
	if err != nil {
		return "", err
	}
	generated := ""
	if password == "" {
		password = GeneratePassword()
		generated = password
	}
	if err := s.setPassword(ctx, u, password, ""); err != nil {
		return "", err
	}
	s.audit(ctx, "password_reset", actor, u.Login, "", "")
	return generated, nil
}

// ChangePassword lets a user change their own password, given the current
// one. Every other session of the user ends; keepSession (the caller's
// session id, may be "") stays.
func (s *Service) ChangePassword(ctx context.Context, login, current, password, keepSession, ip string) error {
	u, hash, err := s.userWithHash(ctx, login)
	if err != nil {
		return err
	}
	// Guessing the current password through a stolen session counts
	// against the account's budget for unfamiliar sources.
	lkey, now := "login:"+u.Login, s.now()
	if ok, until := s.AccountLimit.Reserve(lkey, now); !ok {
		s.audit(ctx, "login_throttled", u.Login, u.Login, ip, "password change")
		return &ThrottledError{Until: until}
	}
	ok, err := s.checkPassword(ctx, hash, current)
	if err != nil {
		s.AccountLimit.Release(lkey)
		return fmt.Errorf("change password of %s: %w", u.Login, err)
	}
	if !ok {
		s.audit(ctx, "password_change_fail", u.Login, u.Login, ip, "wrong current password")
		return ErrInvalidCredentials
	}
	s.AccountLimit.Release(lkey)
	if err := s.setPassword(ctx, u, password, keepSession); err != nil {
		return err
	}
	s.audit(ctx, "password_change", u.Login, u.Login, ip, "")
	return nil
}

func (s *Service) setPassword(ctx context.Context, u User, password, keepSession string) error {
	if err := CheckPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	keep := ""
	if keepSession != "" {
		keep = hashSecret(keepSession)
	}
	if err := s.st.UpdatePassword(ctx, u.ID, hash, s.now(), keep); err != nil {
		return fmt.Errorf("set password of %s: %w", u.Login, err)
	}
	// A token minted through a stolen session must not outlive the
	// recovery: every live token of the account ends with its password.
	n, err := s.st.RevokeUserTokens(ctx, u.ID, s.now())
	if err != nil {
		return fmt.Errorf("set password of %s: revoke tokens: %w", u.Login, err)
	}
	if n > 0 {
		s.audit(ctx, "token_revoke", "system", u.Login, "", fmt.Sprintf("%d tokens ended with the password", n))
	}
	return nil
}

func (s *Service) userWithHash(ctx context.Context, login string) (User, string, error) {
	u, hash, err := s.st.UserByLogin(ctx, NormalizeLogin(login))
	if errors.Is(err, ErrNotFound) {
		return User{}, "", fmt.Errorf("user %q: %w", login, ErrNotFound)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("read user %q: %w", login, err)
	}
	return u, hash, nil
}
