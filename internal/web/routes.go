package web

import (
	"net/http"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/web/response"
	"github.com/cifra-health/cifra/internal/web/view"
)

// The route table: every route of the server, its access policy and its
// handler, in one place. A new page or endpoint gets one line here (and its
// handler in its feature's file); TestRoutePolicies walks this table for
// every role, in and out of scope.

// apiPolicy is an API route for a signed-in caller with perm.
func apiPolicy(perm auth.Permission, scope ScopeRule) RoutePolicy {
	return RoutePolicy{Access: Authenticated, Perm: perm, Scope: scope}
}

// pagePolicy is a page for a signed-in caller with perm.
func pagePolicy(perm auth.Permission, scope ScopeRule) RoutePolicy {
	return RoutePolicy{Access: Authenticated, Perm: perm, Scope: scope, Page: true}
}

func (s *Server) routes() {
	// publicRead serves published data to anyone; publicForm is a public
	// HTML form (login), which needs accounts enabled; ownAccount acts on
	// the caller's own account, from the pages.
	publicRead := RoutePolicy{Access: Public}
	publicForm := RoutePolicy{Access: Public, Page: true}
	ownAccount := RoutePolicy{Access: Authenticated, Scope: ScopeSelf, Page: true}

	// Read API of published ratings (api_*.go, analytics.go, scorecard.go).
	s.route("GET /api/v1/orgunits", publicRead, s.orgUnits)
	s.route("GET /api/v1/orgunits/{code}", publicRead, s.orgUnit)
	s.route("GET /api/v1/methodologies", publicRead, s.methodologies)
	s.route("GET /api/v1/methodologies/{id}", publicRead, s.methodology)
	s.route("GET /api/v1/methodologies/{id}/indicators", publicRead, s.indicators)
	s.route("GET /api/v1/periods", publicRead, s.periods)
	s.route("GET /api/v1/rating", publicRead, s.rating)
	s.route("GET /api/v1/analytics", publicRead, s.analytics)
	s.route("GET /api/v1/regions/{code}/scorecard", publicRead, s.scorecard)
	s.route("GET /api/v1/regions/{code}/explain", publicRead, s.explain)
	s.route("GET /api/v1/regions/{code}/whatif", publicRead, s.whatIf)
	s.route("GET /api/v1/uncertainty", publicRead, s.uncertaintyHandler)
	s.route("GET /api/v1/", publicRead, func(w http.ResponseWriter, r *http.Request) {
		response.Error(w, r, http.StatusNotFound, "no such API resource")
	})
	s.route("GET /healthz", publicRead, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })

	// Public pages and their assets (rating_page.go, *_page.go).
	s.route("GET /static/", publicRead, http.StripPrefix("/static/", view.Static()).ServeHTTP)
	s.route("GET /{$}", publicRead, s.home)
	s.route("GET /map", publicRead, s.mapPage)
	s.route("GET /regions/{code}", publicRead, s.regionPage)
	s.route("GET /regions/{code}/explain", publicRead, s.explainPage)
	s.route("GET /indicators/{id}", publicRead, s.indicatorPage)
	s.route("GET /methodologies/{id}", publicRead, s.methodologyPage)
	s.route("GET /completeness", publicRead, s.completenessPage)

	// Documents of published ratings, from the pages and the API alike
	// (reports.go).
	for _, prefix := range []string{"", "/api/v1"} {
		s.route("GET "+prefix+"/regions/{code}/report.pdf", publicRead, s.governorPDF)
		s.route("GET "+prefix+"/regions/{code}/data.xlsx", publicRead, s.regionXLSX)
	}
	s.route("GET /api/v1/rating.xlsx", publicRead, s.leagueExport)
	s.route("GET /api/v1/rating.csv", publicRead, s.leagueExport)

	// Accounts (account_pages.go, account_tokens.go). Own API tokens: the scope
	// is the owner's.
	s.route("GET /login", publicForm, s.loginPage)
	s.route("POST /login", publicForm, s.loginSubmit)
	s.route("POST /logout", ownAccount, s.logout)
	s.route("GET /account", ownAccount, s.accountPage)
	s.route("POST /account/password", ownAccount, s.changePassword)
	s.route("POST /account/tokens", pagePolicy(auth.UseTokens, ScopeSelf), s.createToken)
	s.route("POST /account/tokens/{token}/revoke", pagePolicy(auth.UseTokens, ScopeSelf), s.revokeToken)

	// Audit (audit_page.go, audit_export.go, audit_query.go): data-value changes and approval steps within
	// the caller's scope (?orgunit= must lie in it); methodologies concern
	// every unit, but ?orgunit= is still checked so that the page's shared
	// filters behave the same on every export; the security log is for
	// national scopes only.
	s.route("GET /audit", pagePolicy(auth.ReadAudit, ScopeQuery), s.auditPage)
	s.route("GET /api/v1/audit/values", apiPolicy(auth.ReadAudit, ScopeQuery), s.auditValuesExport)
	s.route("GET /api/v1/audit/approvals", apiPolicy(auth.ReadAudit, ScopeQuery), s.auditApprovalsExport)
	s.route("GET /api/v1/audit/methodologies", apiPolicy(auth.ReadAudit, ScopeQuery), s.auditMethodologiesExport)
	s.route("GET /api/v1/audit/security", apiPolicy(auth.ReadAudit, ScopeNational), s.auditSecurityExport)

	// Data collection: the import API (import_api.go), the entry forms
	// (entry.go), the approval workflow (workflow_page.go; shared pieces in collect.go) and the checks
	// (checks.go). Where the unit is in the path, the handler checks it
	// against the scope (403) after resolving it; a workflow action's own
	// permission (approve, accept…) is the handler's too. Closing freezes
	// the period for every unit: a national decision of those who accept.
	s.route("POST /api/v1/dataValueSets", apiPolicy(auth.WriteData, ScopeBody), s.importDataValues)
	s.route("GET /entry", pagePolicy(auth.WriteData, ScopeQuery), s.entryList)
	s.route("GET /entry/{dataset}/{orgunit}/{period}", pagePolicy(auth.ReadData, ScopeNone), s.entryForm)
	s.route("POST /entry/{dataset}/{orgunit}/{period}", pagePolicy(auth.WriteData, ScopeNone), s.entrySave)
	s.route("GET /workflow", pagePolicy(auth.ReadData, ScopeQuery), s.workflowPage)
	s.route("POST /workflow/{dataset}/{orgunit}/{period}/{action}", pagePolicy(auth.WriteData, ScopeNone), s.workflowAction)
	s.route("POST /workflow/close", pagePolicy(auth.Accept, ScopeNational), s.closePeriod)
	s.route("GET /checks", pagePolicy(auth.ReadData, ScopeQuery), s.checksPage)

	// Scheduling feeds (api_feed_*.go, slots_page.go, pathway_page.go, lost_xlsx.go, feed_push.go):
	// aggregates are public like the rest of the read API; lists of lost
	// cases name patients, so they need an account that may read data in
	// the unit asked for.
	s.route("GET /api/v1/feed/snapshots", publicRead, s.apiFeedSnapshots)
	s.route("GET /api/v1/feed/slots", publicRead, s.apiFeedSlots)
	s.route("GET /api/v1/feed/alerts", publicRead, s.apiFeedAlerts)
	s.route("GET /api/v1/feed/bookings", publicRead, s.apiFeedBookings)
	s.route("GET /api/v1/feed/emd", publicRead, s.apiFeedEMD)
	s.route("GET /api/v1/feed/pathway", publicRead, s.apiFeedPathway)
	s.route("GET /api/v1/feed/pathway/lost", apiPolicy(auth.ReadData, ScopeQuery), s.apiFeedLost)
	s.route("POST /api/v1/feed", apiPolicy(auth.WriteData, ScopeBody), s.pushFeed)
	s.route("GET /slots", publicRead, s.slotsPage)
	s.route("GET /pathway", publicRead, s.pathwayPage)
	s.route("GET /pathway/lost.xlsx", pagePolicy(auth.ReadData, ScopeQuery), s.lostXLSX)
}

// Route is one line of the table as registered: what TestRoutePolicies
// reads.
type Route struct {
	Pattern string
	Policy  RoutePolicy
}

// route registers h under pattern behind guard, which applies pol. A
// policy without an access level (the zero RoutePolicy) or a pattern
// registered twice is a programming error.
func (s *Server) route(pattern string, pol RoutePolicy, h func(http.ResponseWriter, *http.Request)) {
	if pol.Access == 0 {
		panic("web: route " + pattern + " has no access policy")
	}
	for _, rt := range s.table {
		if rt.Pattern == pattern {
			panic("web: route registered twice: " + pattern)
		}
	}
	s.table = append(s.table, Route{pattern, pol})
	s.mux.Handle(pattern, s.guard(pol, h))
}

// Routes lists the route table in registration order.
func (s *Server) Routes() []Route { return append([]Route(nil), s.table...) }
