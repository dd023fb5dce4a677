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
	err := s.st.AppendAudit(context.WithoutCancel(ctx), AuditEvent{At: s.now(), Event: event, Actor: actor, Subject: subject, IP: ip, Detail: detail})
	if err != nil {
		s.log.Error("security audit write failed", "event", event, "actor", actor, "subject", subject, "err", err)
	}
}

// AuditLog lists the newest security events first, at most limit.
func (s *Service) AuditLog(ctx context.Context, limit int) ([]AuditEvent, error) {
	out, err := s.st.AuditLog(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("read security audit: %w", err)
	}
	return out, nil
}
