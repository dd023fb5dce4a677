package web

import "github.com/cifra-health/cifra/internal/auth"

// Access says who may call a route at all. The zero Access is no policy:
// the route table refuses it (routes.go).
type Access int

// Access levels.
const (
	Public        Access = iota + 1 // anyone; read routes serve published data only
	Authenticated                   // a logged-in user (or token) with Perm, when set
)

// ScopeRule says how a route's organisation units are checked against the
// caller's scope.
type ScopeRule int

// Scope rules.
const (
	ScopeNone     ScopeRule = iota // nothing unit-specific (or public data)
	ScopeSelf                      // acts on the caller's own account
	ScopeBody                      // every org unit in the request body must be in scope (the handler checks, writing nothing otherwise)
	ScopeQuery                     // ?orgunit= must be in scope; results are limited to the scope (the handler checks)
	ScopeNational                  // the caller's scope must be the whole country (the handler checks)
)

// RoutePolicy is the access rule of one route.
type RoutePolicy struct {
	Access Access
	Perm   auth.Permission // required when Access is Authenticated; "" = any role
	Scope  ScopeRule
	Page   bool // HTML: anonymous callers are sent to /login instead of a 401
}
