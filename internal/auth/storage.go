package auth

import (
	"context"
	"time"
)

// Storage is where accounts, sessions, tokens and the security log are
// kept: internal/store implements it over DuckDB and PostgreSQL. The
// service decides who may do what; Storage only reads and writes, each
// method in one transaction. Secrets reach it hashed (hashSecret).
// Methods that find nothing return an error wrapping ErrNotFound; a login
// taken already, ErrExists. Times it returns are as stored (UTC, to the
// microsecond).
type Storage interface {
	// InsertUser stores a new account with its password hash and returns
	// it as stored (with its id).
	InsertUser(ctx context.Context, u User, passwordHash string) (User, error)
	// UserByLogin reads an account and its password hash.
	UserByLogin(ctx context.Context, login string) (User, string, error)
	// ListUsers lists every account by login.
	ListUsers(ctx context.Context) ([]User, error)
	// CountActive counts the accounts of a role that are not disabled.
	CountActive(ctx context.Context, role Role) (int, error)
	// UpdateUser writes the role, scope and disabled flag of account u.ID;
	// when endSessions is set its sessions end in the same transaction.
	UpdateUser(ctx context.Context, u User, endSessions bool) error
	// UpdatePassword sets account id's password hash and the time it
	// changed, and ends its sessions except the one whose hash is
	// keepSession ("" keeps none).
	UpdatePassword(ctx context.Context, id int64, hash string, at time.Time, keepSession string) error

	// InsertSession opens a session and deletes those expired by now.
	InsertSession(ctx context.Context, s Session) error
	// SessionPrincipal is the principal of the live session idHash at now
	// (ErrNotFound when it is unknown, expired or its account disabled).
	SessionPrincipal(ctx context.Context, idHash string, now time.Time) (*Principal, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, idHash string) error

	// InsertToken stores a token of account userID under the secret's
	// hash and returns it as stored (with its id).
	InsertToken(ctx context.Context, userID int64, secretHash string, t Token) (Token, error)
	// RevokeToken marks a live token revoked at at (ErrNotFound when there
	// is none live with that id).
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	// RevokeUserTokens marks every live token of account userID revoked
	// at at and returns how many there were.
	RevokeUserTokens(ctx context.Context, userID int64, at time.Time) (int64, error)
	// ListTokens lists the tokens of an account (all when login is ""),
	// newest first.
	ListTokens(ctx context.Context, login string) ([]Token, error)
	// TokenPrincipal is the principal of the live token secretHash at now
	// and its owner's scope (ErrNotFound when the token is unknown,
	// revoked, expired or its owner disabled).
	TokenPrincipal(ctx context.Context, secretHash string, now time.Time) (p *Principal, ownerScope string, err error)

	// AppendAudit appends an event to the security log.
	AppendAudit(ctx context.Context, e AuditEvent) error
	// SignedInFrom reports whether login signed in from ip since since
	// (a login_ok event of the security log).
	SignedInFrom(ctx context.Context, login, ip string, since time.Time) (bool, error)
	// AuditLog lists the newest events first, at most limit.
	AuditLog(ctx context.Context, limit int) ([]AuditEvent, error)
}

// Session is a stored session: the hash of its id (the cookie), whose
// account it is, and when it ends.
type Session struct {
	IDHash    string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
}
