package web

import "github.com/cifra-health/cifra/internal/auth"

// Access says who may call a route at all.
type Access int

// Access levels.
const (
	Public        Access = iota // anyone; read routes serve published data only
	Authenticated               // a logged-in user (or token) with Perm, when set
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

// routePolicies is the authorisation table: every pattern registered on the
// mux must have an entry (TestRoutePolicies walks the mux). Read routes are
// public until unpublished data get routes of their own.
var routePolicies = map[string]RoutePolicy{
	// Read API (api.go).
	"GET /api/v1/orgunits":                      {Access: Public},
	"GET /api/v1/orgunits/{code}":               {Access: Public},
	"GET /api/v1/methodologies":                 {Access: Public},
	"GET /api/v1/methodologies/{id}":            {Access: Public},
	"GET /api/v1/methodologies/{id}/indicators": {Access: Public},
	"GET /api/v1/periods":                       {Access: Public},
	"GET /api/v1/rating":                        {Access: Public},
	"GET /api/v1/analytics":                     {Access: Public},
	"GET /api/v1/regions/{code}/scorecard":      {Access: Public},
	"GET /api/v1/regions/{code}/explain":        {Access: Public},
	"GET /api/v1/regions/{code}/whatif":         {Access: Public},
	"GET /api/v1/uncertainty":                   {Access: Public},
	"GET /api/v1/":                              {Access: Public},
	"GET /{$}":                                  {Access: Public},
	"GET /healthz":                              {Access: Public},
	"GET /static/":                              {Access: Public},
	"GET /map":                                  {Access: Public},
	"GET /regions/{code}":                       {Access: Public},
	"GET /regions/{code}/explain":               {Access: Public},
	"GET /indicators/{id}":                      {Access: Public},
	"GET /methodologies/{id}":                   {Access: Public},
	"GET /completeness":                         {Access: Public},
	// Documents of published ratings (reports.go).
	"GET /regions/{code}/report.pdf":        {Access: Public},
	"GET /regions/{code}/data.xlsx":         {Access: Public},
	"GET /api/v1/regions/{code}/report.pdf": {Access: Public},
	"GET /api/v1/regions/{code}/data.xlsx":  {Access: Public},
	"GET /api/v1/rating.xlsx":               {Access: Public},
	"GET /api/v1/rating.csv":                {Access: Public},

	// Accounts (auth_pages.go).
	"GET /login":             {Access: Public, Page: true},
	"POST /login":            {Access: Public, Page: true},
	"POST /logout":           {Access: Authenticated, Scope: ScopeSelf, Page: true},
	"GET /account":           {Access: Authenticated, Scope: ScopeSelf, Page: true},
	"POST /account/password": {Access: Authenticated, Scope: ScopeSelf, Page: true},
	// Own API tokens; the scope is the owner's.
	"POST /account/tokens":                {Access: Authenticated, Perm: auth.UseTokens, Scope: ScopeSelf, Page: true},
	"POST /account/tokens/{token}/revoke": {Access: Authenticated, Perm: auth.UseTokens, Scope: ScopeSelf, Page: true},

	// Write API (auth_import.go).
	"POST /api/v1/dataValueSets": {Access: Authenticated, Perm: auth.WriteData, Scope: ScopeBody},

	// Audit (auth_audit.go): data-value changes within the caller's scope
	// (?orgunit= must lie in it); the security log for national scopes only.
	"GET /audit":                 {Access: Authenticated, Perm: auth.ReadAudit, Scope: ScopeQuery, Page: true},
	"GET /api/v1/audit/values":   {Access: Authenticated, Perm: auth.ReadAudit, Scope: ScopeQuery},
	"GET /api/v1/audit/security": {Access: Authenticated, Perm: auth.ReadAudit, Scope: ScopeNational},
}

// addPolicies lets a feature's file declare the policies of its own routes
// from init, next to the handlers, instead of every feature editing the
// table above. A pattern declared twice is a programming error.
func addPolicies(ps map[string]RoutePolicy) {
	for pattern, p := range ps {
		if _, dup := routePolicies[pattern]; dup {
			panic("web: route policy declared twice: " + pattern)
		}
		routePolicies[pattern] = p
	}
}
