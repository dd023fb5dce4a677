package auth

import (
	"context"
	"fmt"
	"time"
)

// AuditEvent is one row of the security audit log.
type AuditEvent struct {
	At      time.Time
	Event   string // login_ok, login_fail, login_throttled, logout, password_change, password_reset, token_create, token_revoke, user_create, user_disable, user_enable, role_change
	Actor   string
	Subject string
	IP      string
	Detail  string
}

// audit appends an event. A failure to record is logged, not returned: the
// action has already happened and the caller cannot undo it.
func (s *Service) audit(ctx context.Context, event, actor, subject, ip, detail string) {
	if actor == "" {
		actor = "system"
	}
	_, err := s.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO security_audit VALUES (?, ?, ?, ?, ?, ?)`,
		s.now(), event, actor, nullable(subject), nullable(ip), nullable(detail))
	if err != nil {
		s.log.Error("security audit write failed", "event", event, "actor", actor, "subject", subject, "err", err)
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AuditLog lists the newest security events first, at most limit.
func (s *Service) AuditLog(ctx context.Context, limit int) ([]AuditEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT occurred_at, event, actor, coalesce(subject, ''), coalesce(ip, ''), coalesce(detail, '')
		FROM security_audit ORDER BY occurred_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read security audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var e AuditEvent
		if err := rows.Scan(&e.At, &e.Event, &e.Actor, &e.Subject, &e.IP, &e.Detail); err != nil {
			return nil, fmt.Errorf("read security audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
