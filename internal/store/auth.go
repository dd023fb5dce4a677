package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
)

// Accounts, sessions, API tokens and the security log (auth.Storage).
//
// These writes take no writers' lock and advance no data generation
// (writeLoose): a login must not wait behind a feed load, and no page's
// numbers depend on them. What could collide is guarded by the tables'
// keys (a login, a session, a token hash).

var _ auth.Storage = (*Store)(nil)

// micros is the precision both databases keep a TIMESTAMP to.
func micros(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

const userCols = `id, login, role, org_unit, disabled, created_at, password_changed_at`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (auth.User, error) {
	var u auth.User
	var role string
	err := sc.Scan(append([]any{&u.ID, &u.Login, &role, &u.OrgUnit, &u.Disabled, &u.CreatedAt, &u.PasswordChangedAt}, extra...)...)
	u.Role = auth.Role(role)
	u.CreatedAt, u.PasswordChangedAt = u.CreatedAt.UTC(), u.PasswordChangedAt.UTC()
	return u, err
}

// InsertUser stores a new account (auth.Storage).
func (s *Store) InsertUser(ctx context.Context, u auth.User, passwordHash string) (auth.User, error) {
	u.CreatedAt, u.PasswordChangedAt = micros(u.CreatedAt), micros(u.PasswordChangedAt)
	err := s.queryRow(ctx, `INSERT INTO users (login, role, org_unit, password_hash, disabled, created_at, password_changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Login, string(u.Role), u.OrgUnit, passwordHash, u.Disabled,
		u.CreatedAt, u.PasswordChangedAt).Scan(&u.ID)
	if s.d.isUniqueViolation(err) {
		return auth.User{}, fmt.Errorf("store user %s: %w", u.Login, auth.ErrExists)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("store user %s: %w", u.Login, err)
	}
	return u, nil
}

// UserByLogin reads an account and its password hash (auth.Storage).
func (s *Store) UserByLogin(ctx context.Context, login string) (auth.User, string, error) {
	var hash string
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE login = ?`, login), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, "", fmt.Errorf("user %q: %w", login, auth.ErrNotFound)
	}
	if err != nil {
		return auth.User{}, "", fmt.Errorf("read user %q: %w", login, err)
	}
	return u, hash, nil
}

// ListUsers lists every account by login (auth.Storage).
func (s *Store) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := s.query(ctx, `SELECT `+userCols+` FROM users ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountActive counts the enabled accounts of a role (auth.Storage).
func (s *Store) CountActive(ctx context.Context, role auth.Role) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM users WHERE role = ? AND NOT disabled`, string(role)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s accounts: %w", role, err)
	}
	return n, nil
}

// UpdateUser writes an account's role, scope and disabled flag, ending its
// sessions when asked (auth.Storage).
func (s *Store) UpdateUser(ctx context.Context, u auth.User, endSessions bool) error {
	return s.writeLoose(ctx, func(w *wtx) error {
		res, err := w.exec(ctx, `UPDATE users SET role = ?, org_unit = ?, disabled = ? WHERE id = ?`, string(u.Role), u.OrgUnit, u.Disabled, u.ID)
		if err != nil {
			return fmt.Errorf("update user %s: %w", u.Login, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("update user %s: %w", u.Login, auth.ErrNotFound)
		}
		if endSessions {
			if _, err := w.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return fmt.Errorf("end sessions of %s: %w", u.Login, err)
			}
		}
		return nil
	})
}

// UpdatePassword sets a password hash and ends the account's other
// sessions (auth.Storage).
func (s *Store) UpdatePassword(ctx context.Context, id int64, hash string, at time.Time, keepSession string) error {
	return s.writeLoose(ctx, func(w *wtx) error {
		if _, err := w.exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`, hash, micros(at), id); err != nil {
			return fmt.Errorf("update password of account %d: %w", id, err)
		}
		if _, err := w.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, id, keepSession); err != nil {
			return fmt.Errorf("end sessions of account %d: %w", id, err)
		}
		return nil
	})
}

// InsertSession opens a session, purging expired ones (auth.Storage).
func (s *Store) InsertSession(ctx context.Context, se auth.Session) error {
	return s.writeLoose(ctx, func(w *wtx) error {
		if _, err := w.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, micros(se.CreatedAt)); err != nil {
			return fmt.Errorf("purge expired sessions: %w", err)
		}
		if _, err := w.exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?)`,
			se.IDHash, se.UserID, micros(se.CreatedAt), micros(se.ExpiresAt), nullable(se.IP)); err != nil {
			return fmt.Errorf("open session: %w", err)
		}
		return nil
	})
}

// SessionPrincipal reads the principal of a live session (auth.Storage).
func (s *Store) SessionPrincipal(ctx context.Context, idHash string, now time.Time) (*auth.Principal, error) {
	var p auth.Principal
	var role string
	err := s.queryRow(ctx, `SELECT u.id, u.login, u.role, u.org_unit FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND NOT u.disabled`, idHash, micros(now)).Scan(&p.UserID, &p.Login, &role, &p.Scope)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	p.Role = auth.Role(role)
	return &p, nil
}

// DeleteSession ends a session (auth.Storage).
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// InsertToken stores an API token (auth.Storage).
func (s *Store) InsertToken(ctx context.Context, userID int64, secretHash string, t auth.Token) (auth.Token, error) {
	t.CreatedAt = micros(t.CreatedAt)
	var expires any
	if !t.ExpiresAt.IsZero() {
		t.ExpiresAt = micros(t.ExpiresAt)
		expires = t.ExpiresAt
	}
	err := s.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, org_unit, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, userID, t.Name, secretHash, t.OrgUnit, t.CreatedAt, expires).Scan(&t.ID)
	if err != nil {
		return auth.Token{}, fmt.Errorf("store token: %w", err)
	}
	return t, nil
}

// RevokeToken revokes a live token (auth.Storage).
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	res, err := s.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, micros(at), id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke token %d: %w", id, auth.ErrNotFound)
	}
	return nil
}

// RevokeUserTokens revokes every live token of an account (auth.Storage).
func (s *Store) RevokeUserTokens(ctx context.Context, userID int64, at time.Time) (int64, error) {
	res, err := s.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, micros(at), userID)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ListTokens lists tokens, newest first (auth.Storage).
func (s *Store) ListTokens(ctx context.Context, login string) ([]auth.Token, error) {
	q := `SELECT t.id, u.login, t.name, t.org_unit, t.created_at, t.expires_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id`
	var args []any
	if login != "" {
		q += ` WHERE u.login = ?`
		args = append(args, login)
	}
	rows, err := s.query(ctx, q+` ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		var t auth.Token
		var exp, rev sql.NullTime
		if err := rows.Scan(&t.ID, &t.Login, &t.Name, &t.OrgUnit, &t.CreatedAt, &exp, &rev); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.CreatedAt = t.CreatedAt.UTC()
		if exp.Valid {
			t.ExpiresAt = exp.Time.UTC()
		}
		if rev.Valid {
			t.RevokedAt = rev.Time.UTC()
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TokenPrincipal reads the principal of a live token and its owner's
// scope (auth.Storage).
func (s *Store) TokenPrincipal(ctx context.Context, secretHash string, now time.Time) (*auth.Principal, string, error) {
	var p auth.Principal
	var role, ownerScope string
	err := s.queryRow(ctx, `SELECT u.id, u.login, u.role, u.org_unit, t.id, t.org_unit
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND NOT u.disabled`,
		secretHash, micros(now)).Scan(&p.UserID, &p.Login, &role, &ownerScope, &p.TokenID, &p.Scope)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", auth.ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("read token: %w", err)
	}
	p.Role = auth.Role(role)
	return &p, ownerScope, nil
}

// AppendAudit appends to the security log (auth.Storage).
func (s *Store) AppendAudit(ctx context.Context, e auth.AuditEvent) error {
	_, err := s.exec(ctx, `INSERT INTO security_audit (occurred_at, event, actor, subject, ip, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		micros(e.At), e.Event, e.Actor, nullable(e.Subject), nullable(e.IP), nullable(e.Detail))
	if err != nil {
		return fmt.Errorf("append security audit %s: %w", e.Event, err)
	}
	return nil
}

// SignedInFrom reports a sign-in of login from ip since since
// (auth.Storage): the login throttle's familiar addresses.
func (s *Store) SignedInFrom(ctx context.Context, login, ip string, since time.Time) (bool, error) {
	rows, err := s.query(ctx, `SELECT 1 FROM security_audit
		WHERE event = 'login_ok' AND subject = ? AND ip = ? AND occurred_at > ? LIMIT 1`, login, ip, micros(since))
	if err != nil {
		return false, fmt.Errorf("sign-ins of %s: %w", login, err)
	}
	defer rows.Close()
	found := rows.Next()
	return found, rows.Err()
}

// AuditLog lists the newest security events first (auth.Storage).
func (s *Store) AuditLog(ctx context.Context, limit int) ([]auth.AuditEvent, error) {
	rows, err := s.query(ctx, `SELECT occurred_at, event, actor, coalesce(subject, ''), coalesce(ip, ''), coalesce(detail, '')
		FROM security_audit ORDER BY occurred_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read security audit: %w", err)
	}
	defer rows.Close()
	var out []auth.AuditEvent
	for rows.Next() {
		var e auth.AuditEvent
		if err := rows.Scan(&e.At, &e.Event, &e.Actor, &e.Subject, &e.IP, &e.Detail); err != nil {
			return nil, fmt.Errorf("read security audit: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
