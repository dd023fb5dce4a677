package auth

import (
	"context"
	"errors"
	"fmt"
)

// Login checks a login and password and opens a session, returning its id
// (the cookie value; only its hash is stored). Repeated failures per login
// and per ip are throttled: a throttled attempt fails with *ThrottledError
// without the password being checked.
func (s *Service) Login(ctx context.Context, login, password, ip string) (string, *Principal, error) {
	login = NormalizeLogin(login)
	now := s.now()
	lkey, ikey := "login:"+login, "ip:"+ip
	for _, t := range []struct {
		th  *Throttle
		key string
	}{{s.LoginThrottle, lkey}, {s.IPThrottle, ikey}} {
		if blocked, until := t.th.Blocked(t.key, now); blocked {
			s.audit(ctx, "login_throttled", login, login, ip, t.key)
			return "", nil, &ThrottledError{Until: until}
		}
	}
	u, hash, err := s.userWithHash(ctx, login)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", nil, err
	}
	ok := false
	switch {
	case err != nil || u.Disabled:
		// Spend the same time as a real check so that timing does not tell
		// which logins exist.
		_, _ = CheckPassword(s.dummyHash(), password)
	default:
		if ok, err = CheckPassword(hash, password); err != nil {
			s.log.Error("stored password hash unreadable", "login", login, "err", err)
			ok = false
		}
	}
	if !ok {
		s.LoginThrottle.Fail(lkey, now)
		s.IPThrottle.Fail(ikey, now)
		reason := "wrong password"
		if u.ID == 0 {
			reason = "unknown login"
		} else if u.Disabled {
			reason = "account disabled"
		}
		s.audit(ctx, "login_fail", login, login, ip, reason)
		return "", nil, ErrInvalidCredentials
	}
	s.LoginThrottle.Reset(lkey)
	id := newSecret()
	if err := s.st.InsertSession(ctx, Session{IDHash: hashSecret(id), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL), IP: ip}); err != nil {
		return "", nil, fmt.Errorf("login %s: open session: %w", login, err)
	}
	s.audit(ctx, "login_ok", login, login, ip, "")
	return id, &Principal{UserID: u.ID, Login: u.Login, Role: u.Role, Scope: u.OrgUnit}, nil
}

// Session returns the principal of a live session, or ErrUnauthenticated
// for an unknown, expired or logged-out id or a disabled account.
func (s *Service) Session(ctx context.Context, id string) (*Principal, error) {
	if id == "" || len(id) > 100 {
		return nil, ErrUnauthenticated
	}
	p, err := s.st.SessionPrincipal(ctx, hashSecret(id), s.now())
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return p, nil
}

// Logout deletes the session; the id is useless afterwards.
func (s *Service) Logout(ctx context.Context, id, ip string) error {
	p, _ := s.Session(ctx, id)
	if err := s.st.DeleteSession(ctx, hashSecret(id)); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if p != nil {
		s.audit(ctx, "logout", p.Login, p.Login, ip, "")
	}
	return nil
}
