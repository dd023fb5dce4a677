package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Login checks a login and password and opens a session, returning its id
// (the cookie value; only its hash is stored). Repeated failures per login
// and per ip are throttled: a throttled attempt fails with *ThrottledError
// without the password being checked.
func (s *Service) Login(ctx context.Context, login, password, ip string) (string, *Principal, error) {
	login = NormalizeLogin(login)
	now := s.now()
	// Every check is counted before the hash is computed, so parallel
	// attempts cannot all pass a limit none of them has yet failed.
	ikey, lkey := "ip:"+ip, "login:"+login
	if ok, until := s.SourceLimit.Reserve(ikey, now); !ok {
		s.audit(ctx, "login_throttled", login, login, ip, "source")
		return "", nil, &ThrottledError{Until: until}
	}
	familiar := s.familiarSource(ctx, login, ip, now)
	if !familiar {
		if ok, until := s.AccountLimit.Reserve(lkey, now); !ok {
			s.audit(ctx, "login_throttled", login, login, ip, "unfamiliar source")
			return "", nil, &ThrottledError{Until: until}
		}
	}
	release := func() {
		s.SourceLimit.Release(ikey)
		if !familiar {
			s.AccountLimit.Release(lkey)
		}
	}
	u, hash, err := s.userWithHash(ctx, login)
	if err != nil && !errors.Is(err, ErrNotFound) {
		release()
		return "", nil, err
	}
	ok := false
	switch {
	case err != nil || u.Disabled:
		// Spend the same time as a real check so that timing does not tell
		// which logins exist.
		_, err = s.checkPassword(ctx, s.dummyHash(), password)
	default:
		if ok, err = s.checkPassword(ctx, hash, password); err != nil && !errors.Is(err, errBusy) {
			s.log.Error("stored password hash unreadable", "login", login, "err", err)
			ok, err = false, nil
		}
	}
	if errors.Is(err, errBusy) {
		release()
		s.audit(ctx, "login_busy", login, login, ip, "")
		return "", nil, &ThrottledError{Until: now.Add(time.Second), Busy: true}
	}
	if !ok {
		reason := "wrong password"
		if u.ID == 0 {
			reason = "unknown login"
		} else if u.Disabled {
			reason = "account disabled"
		}
		s.audit(ctx, "login_fail", login, login, ip, reason)
		return "", nil, ErrInvalidCredentials
	}
	release()
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

// errBusy says no password check slot came free in time.
var errBusy = errors.New("password checks busy")

// checkPassword runs one argon2id check within the gate's bound.
func (s *Service) checkPassword(ctx context.Context, encoded, pw string) (bool, error) {
	if !s.hashes.acquire(ctx) {
		return false, errBusy
	}
	defer s.hashes.release()
	return CheckPassword(encoded, pw)
}

// familiarSource reports whether ip has signed in to login within
// FamiliarFor: the security audit already records every sign-in with its
// address, so familiarity survives a restart without a table of its own.
func (s *Service) familiarSource(ctx context.Context, login, ip string, now time.Time) bool {
	if ip == "" || login == "" {
		return false
	}
	ok, err := s.st.SignedInFrom(ctx, login, ip, now.Add(-s.FamiliarFor))
	if err != nil {
		s.log.Warn("familiar source check", "login", login, "err", err)
		return false
	}
	return ok
}
