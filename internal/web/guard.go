package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/web/response"
)

// authState is the server's account machinery (Server.accounts).
type authState struct {
	mu  sync.RWMutex
	svc *auth.Service
	cop *http.CrossOriginProtection
}

func (s *Server) auth() *authState { return &s.accounts }

// UseAuth attaches the account service: logins, sessions, API tokens and
// the write endpoints. Without it the read API works as before and every
// route that needs an account answers 503.
func (s *Server) UseAuth(a *auth.Service) {
	st := s.auth()
	st.mu.Lock()
	st.svc = a
	st.mu.Unlock()
}

func (st *authState) service() *auth.Service {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.svc
}

// Session cookie names: the __Host- prefix (only over TLS) pins the cookie
// to this host and path "/" so that a sibling subdomain cannot plant one.
const (
	sessionCookie       = "cifra_session"
	sessionCookieSecure = "__Host-cifra_session"
)

func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func sessionID(r *http.Request) string {
	for _, name := range []string{sessionCookieSecure, sessionCookie} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, id string, maxAge int) {
	c := &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if secureRequest(r) {
		c.Name, c.Secure = sessionCookieSecure, true
	}
	http.SetCookie(w, c)
}

// clientIP is the peer address; X-Forwarded-For is not trusted because a
// client could rotate it to escape per-IP throttling.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// errBadCredentials marks a request that presented credentials which do not
// authenticate: it gets 401 even on routes open to anonymous callers.
var errBadCredentials = errors.New("invalid credentials")

// principal authenticates the request by its bearer token or, failing
// that, its session cookie. No credentials give (nil, nil).
func (st *authState) principal(ctx context.Context, r *http.Request) (*auth.Principal, error) {
	svc := st.service()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, errBadCredentials
		}
		p, err := svc.TokenPrincipal(ctx, strings.TrimSpace(tok))
		if errors.Is(err, auth.ErrUnauthenticated) {
			return nil, errBadCredentials
		}
		return p, err
	}
	if id := sessionID(r); id != "" {
		p, err := svc.Session(ctx, id)
		if errors.Is(err, auth.ErrUnauthenticated) {
			return nil, nil // a stale cookie is as good as none
		}
		return p, err
	}
	return nil, nil
}

type principalKey struct{}

// principalFrom returns the caller set by guard, or nil.
func principalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey{}).(*auth.Principal)
	return p
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// guard enforces a route policy: CSRF protection on state-changing
// methods, authentication, then the permission. Scope rules that depend on
// the request body are the handler's (see ScopeBody).
func (s *Server) guard(pol RoutePolicy, h http.HandlerFunc) http.Handler {
	st := s.auth()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safeMethod(r.Method) {
			if err := st.cop.Check(r); err != nil {
				response.Error(w, r, http.StatusForbidden, "cross-origin request refused")
				return
			}
		}
		if st.service() == nil {
			if pol.Access == Public && !pol.Page {
				h(w, r)
				return
			}
			response.Error(w, r, http.StatusServiceUnavailable, "accounts are not enabled on this server")
			return
		}
		p, err := st.principal(r.Context(), r)
		switch {
		case errors.Is(err, errBadCredentials) && pol.Access == Public:
			p = nil // public routes serve anyone; bad credentials change nothing
		case errors.Is(err, errBadCredentials):
			unauthorized(w, r, pol, "invalid or revoked credentials")
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
		if p != nil && p.TokenID != 0 && pol.Page {
			p = nil // API tokens are for machines, not for the pages
		}
		if pol.Access != Public {
			if p == nil {
				unauthorized(w, r, pol, "authentication required")
				return
			}
			if pol.Perm != "" && !p.Can(pol.Perm) {
				response.Error(w, r, http.StatusForbidden, "the role "+string(p.Role)+" lacks the permission "+string(pol.Perm))
				return
			}
		}
		if p != nil {
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		h(w, r)
	})
}

// unauthorized sends pages to the login form and API callers a 401.
func unauthorized(w http.ResponseWriter, r *http.Request, pol RoutePolicy, detail string) {
	if pol.Page && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if pol.Page {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="cifra"`)
	response.Error(w, r, http.StatusUnauthorized, detail)
}
