package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/web/response"
)

// Scheduling-feed routes: the JSON API under /api/v1/feed, the push
// endpoint and the /slots and /pathway pages. Aggregate reads are public
// like the rest of the read API; lists of lost cases name patients, so they
// need an account that may read data in the unit asked for (routes.go).

// pathData is the event log of the stored feed for one region (all when
// nil) with the time lost cases are judged at.
type pathData struct {
	Cases    []pathway.Case
	Bookings []slots.Booking
	AsOf     time.Time
}

// feedPath builds the cases of the stored feed in a region. The lost cases
// are judged at the last event of the whole feed (as cifra feed path does),
// so that a region's list does not depend on its neighbours' data.
func (s *Server) feedPath(ctx context.Context, region *orgunit.Unit) (*pathData, error) {
	recs, err := s.cat.FeedPathway(ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("patient path: %w", err)
	}
	cases := pathway.Build(recs.Appointments, recs.Encounters, recs.Documents, recs.Referrals)
	out := &pathData{}
	for _, c := range cases {
		for _, e := range c.Events {
			if e.Time.After(out.AsOf) {
				out.AsOf = e.Time
			}
		}
	}
	h := s.cat.Hierarchy()
	if region == nil {
		out.Cases, out.Bookings = cases, recs.Bookings
		return out, nil
	}
	for _, c := range cases {
		if regionCode(h, c.OrgUnit) == region.Code {
			out.Cases = append(out.Cases, c)
		}
	}
	for _, b := range recs.Bookings {
		if regionCode(h, b.OrgUnit) == region.Code {
			out.Bookings = append(out.Bookings, b)
		}
	}
	return out, nil
}

// BookingsRowJSON are the booking measures of one group.
type BookingsRowJSON struct {
	Region      string           `json:"region,omitempty"`
	OrgUnit     string           `json:"org_unit,omitempty"`
	Specialty   string           `json:"specialty,omitempty"`
	Total       int64            `json:"total"`
	ByChannel   map[string]int64 `json:"by_channel"`
	RemoteShare float64          `json:"remote_share"`
	Cancelled   int64            `json:"cancelled"`
	CancelRate  float64          `json:"cancel_rate"`
	Due         int64            `json:"due"`
	NoShow      int64            `json:"noshow"`
	NoShowRate  float64          `json:"noshow_rate"`
	LeadMedian  float64          `json:"lead_median_days"`
	LeadP90     float64          `json:"lead_p90_days"`
	LeadN       int64            `json:"lead_n"`
}

// pathGroup groups by ?by=: "region" (default), "mo", "specialty" or "all".
func pathGroup(h *orgunit.Hierarchy, by string) (func(ou, sp string) (region, unit, spec string), error) {
	switch by {
	case "", "region":
		return func(ou, _ string) (string, string, string) { return regionCode(h, ou), "", "" }, nil
	case "mo":
		return func(ou, _ string) (string, string, string) { return regionCode(h, ou), ou, "" }, nil
	case "specialty":
		return func(_, sp string) (string, string, string) { return "", "", sp }, nil
	case "all":
		return func(string, string) (string, string, string) { return "", "", "" }, nil
	}
	return nil, errBadRequest{"by must be one of region, mo, specialty, all"}
}

// pathOf is a region's patient path (nil: all), cut from the whole
// feed's path kept per feed version; its cases are shared, read-only.
func (s *Server) pathOf(ctx context.Context, region *orgunit.Unit) (*pathData, error) {
	all, err := s.cachedPath(ctx)
	if err != nil {
		return nil, err
	}
	return regionPath(s.cat.Hierarchy(), all, region), nil
}

// groupedPath reads ?region= and ?by= for the bookings and ЭМД API and
// returns the region's path with the grouping, answering the request
// itself (and returning false) when a parameter is bad.
func (s *Server) groupedPath(w http.ResponseWriter, r *http.Request) (*pathData, func(ou, sp string) (string, string, string), bool) {
	region, err := s.feedRegion(r)
	if err != nil {
		s.answerErr(w, r, err)
		return nil, nil, false
	}
	g, err := pathGroup(s.cat.Hierarchy(), r.URL.Query().Get("by"))
	if err != nil {
		s.answerErr(w, r, err)
		return nil, nil, false
	}
	pd, err := s.pathOf(r.Context(), region)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return pd, g, true
}

func (s *Server) apiFeedBookings(w http.ResponseWriter, r *http.Request) {
	pd, g, ok := s.groupedPath(w, r)
	if !ok {
		return
	}
	m := slots.ComputeBookings(pd.Bookings, func(b slots.Booking) string {
		rg, ou, sp := g(b.OrgUnit, b.Specialty)
		return rg + "|" + ou + "|" + sp
	})
	rows := []BookingsRowJSON{}
	for k, b := range m {
		p := strings.SplitN(k, "|", 3)
		rows = append(rows, BookingsRowJSON{Region: p[0], OrgUnit: p[1], Specialty: p[2], Total: b.Total, ByChannel: b.ByChannel,
			RemoteShare: b.RemoteShare(), Cancelled: b.Cancelled, CancelRate: b.CancelRate, Due: b.Due, NoShow: b.NoShow,
			NoShowRate: b.NoShowRate, LeadMedian: b.LeadMedian, LeadP90: b.LeadP90, LeadN: b.LeadN})
	}
	slices.SortFunc(rows, func(a, b BookingsRowJSON) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.OrgUnit, b.OrgUnit), cmp.Compare(a.Specialty, b.Specialty))
	})
	response.JSON(w, map[string]any{"rows": rows})
}

// EMDRowJSON are the ЭМД measures of one group.
type EMDRowJSON struct {
	Region          string  `json:"region,omitempty"`
	OrgUnit         string  `json:"org_unit,omitempty"`
	Specialty       string  `json:"specialty,omitempty"`
	Visits          int     `json:"visits"`
	WithEMD         int     `json:"with_emd"`
	Registered      int     `json:"registered"`
	WithEMDShare    float64 `json:"with_emd_share"`
	RegisteredShare float64 `json:"registered_share"`
	DelayMedian     float64 `json:"delay_median_days"`
	DelayP90        float64 `json:"delay_p90_days"`
	WithinDay       float64 `json:"registered_within_day_share"`
}

func emdRows(cases []pathway.Case, g func(ou, sp string) (string, string, string)) []EMDRowJSON {
	m := pathway.MeasureEMD(cases, func(c *pathway.Case) string {
		rg, ou, sp := g(c.OrgUnit, c.Specialty)
		return rg + "|" + ou + "|" + sp
	})
	rows := []EMDRowJSON{}
	for k, e := range m {
		p := strings.SplitN(k, "|", 3)
		rows = append(rows, EMDRowJSON{Region: p[0], OrgUnit: p[1], Specialty: p[2], Visits: e.Visits, WithEMD: e.WithEMD,
			Registered: e.Registered, WithEMDShare: e.WithEMDShare, RegisteredShare: e.RegisteredShare, DelayMedian: e.DelayMedian,
			DelayP90: e.DelayP90, WithinDay: e.WithinDay})
	}
	slices.SortFunc(rows, func(a, b EMDRowJSON) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.OrgUnit, b.OrgUnit), cmp.Compare(a.Specialty, b.Specialty))
	})
	return rows
}

func (s *Server) apiFeedEMD(w http.ResponseWriter, r *http.Request) {
	pd, g, ok := s.groupedPath(w, r)
	if !ok {
		return
	}
	response.JSON(w, map[string]any{"rows": emdRows(pd.Cases, g)})
}

// PathwayJSON is GET /api/v1/feed/pathway: the event-log measures of a
// region (or of all).
type PathwayJSON struct {
	Region    string           `json:"region,omitempty"`
	Cases     int              `json:"cases"`
	AsOf      time.Time        `json:"as_of"`
	GraceDays int              `json:"grace_days"`
	Funnel    []FunnelStepJSON `json:"funnel"`
	Durations []DurationJSON   `json:"durations"`
	Variants  []VariantJSON    `json:"variants"`
	Edges     []EdgeJSON       `json:"directly_follows"`
	Lost      map[string]int   `json:"lost"`
	EMD       *EMDRowJSON      `json:"emd,omitempty"`
}

// FunnelStepJSON counts the cases that reached a step having passed every
// earlier one; conversion is the share of the previous step.
type FunnelStepJSON struct {
	Activity   pathway.Activity `json:"activity"`
	Cases      int              `json:"cases"`
	Conversion float64          `json:"conversion"`
}

// DurationJSON is the time between two steps, in days.
type DurationJSON struct {
	From      pathway.Activity `json:"from"`
	To        pathway.Activity `json:"to"`
	N         int              `json:"n"`
	Median    float64          `json:"median_days"`
	P90       float64          `json:"p90_days"`
	WithinDay float64          `json:"within_day_share"`
}

// EdgeJSON is an arc of the directly-follows graph ("▶" start, "■" end).
type EdgeJSON struct {
	From  pathway.Activity `json:"from"`
	To    pathway.Activity `json:"to"`
	Cases int              `json:"cases"`
}

// VariantJSON is one path and the cases that follow it.
type VariantJSON struct {
	Path  []pathway.Activity `json:"path"`
	Cases int                `json:"cases"`
	Share float64            `json:"share"`
}

// durationPairs are the steps whose times the page and the API show.
func durationPairs() [][2]pathway.Activity {
	return [][2]pathway.Activity{
		{pathway.Booked, pathway.Visit}, {pathway.Visit, pathway.EMDCreated}, {pathway.EMDCreated, pathway.EMDRegistered},
		{pathway.Visit, pathway.EMDRegistered}, {pathway.Visit, pathway.Referral}, {pathway.Referral, pathway.NextBooking},
	}
}

// lostKinds in the order shown.
func lostKinds() []pathway.LostKind {
	return []pathway.LostKind{pathway.LostNoVisit, pathway.LostNoEMD, pathway.LostNoBooking}
}

// pathwayMeasures computes what the page and the API show of a path.
func pathwayMeasures(pd *pathData, days, top int) PathwayJSON {
	out := PathwayJSON{Cases: len(pd.Cases), AsOf: pd.AsOf, GraceDays: days, Lost: map[string]int{}, Edges: []EdgeJSON{}, Variants: []VariantJSON{}}
	for _, f := range pathway.Funnel(pd.Cases, pathway.DefaultFunnel) {
		out.Funnel = append(out.Funnel, FunnelStepJSON{f.Activity, f.Cases, f.Conversion})
	}
	for _, p := range durationPairs() {
		d := pathway.Between(pd.Cases, p[0], p[1])
		out.Durations = append(out.Durations, DurationJSON{d.From, d.To, d.N, d.Median, d.P90, d.WithinDay})
	}
	for _, v := range pathway.Variants(pd.Cases, top) {
		vj := VariantJSON{Path: v.Path, Cases: v.Cases}
		if len(pd.Cases) > 0 {
			vj.Share = float64(v.Cases) / float64(len(pd.Cases))
		}
		out.Variants = append(out.Variants, vj)
	}
	for _, e := range pathway.DirectlyFollows(pd.Cases) {
		out.Edges = append(out.Edges, EdgeJSON{e.From, e.To, e.Cases})
	}
	for _, k := range lostKinds() {
		out.Lost[string(k)] = 0
	}
	for _, l := range pathway.LostCases(pd.Cases, pd.AsOf, days) {
		out.Lost[string(l.Kind)]++
	}
	if rows := emdRows(pd.Cases, func(string, string) (string, string, string) { return "", "", "" }); len(rows) > 0 {
		out.EMD = &rows[0]
	}
	return out
}

// defaultGraceDays is the grace for ЭМД and referrals (as cifra feed path).
const defaultGraceDays = 3

func (s *Server) apiFeedPathway(w http.ResponseWriter, r *http.Request) {
	region, err := s.feedRegion(r)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	days, err := intParam(r, "days", defaultGraceDays, 365)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	top, err := intParam(r, "top", 10, 1000)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	pd, err := s.pathOf(r.Context(), region)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := pathwayMeasures(pd, days, top)
	if region != nil {
		out.Region = region.Code
	}
	response.JSON(w, out)
}

// LostJSON is one lost case.
type LostJSON struct {
	Kind        pathway.LostKind `json:"kind"`
	Case        string           `json:"case"`
	Region      string           `json:"region"`
	OrgUnit     string           `json:"org_unit"`
	OrgUnitName string           `json:"org_unit_name"`
	Specialty   string           `json:"specialty"`
	Patient     string           `json:"patient"`
	Since       time.Time        `json:"since"`
	DaysOverdue float64          `json:"days_since"`
}

// lostList lists the lost cases of kind ("" = all) among cases whose МО
// lies under unit.
func lostList(h *orgunit.Hierarchy, pd *pathData, days int, kind pathway.LostKind, unit string) []LostJSON {
	out := []LostJSON{}
	for _, l := range pathway.LostCases(pd.Cases, pd.AsOf, days) {
		if kind != "" && l.Kind != kind {
			continue
		}
		if unit != "" && !h.IsDescendant(l.Case.OrgUnit, unit) {
			continue
		}
		out = append(out, LostJSON{Kind: l.Kind, Case: l.Case.ID, Region: regionCode(h, l.Case.OrgUnit), OrgUnit: l.Case.OrgUnit,
			OrgUnitName: unitName(h, l.Case.OrgUnit), Specialty: l.Case.Specialty, Patient: l.Case.Patient, Since: l.Since,
			DaysOverdue: pd.AsOf.Sub(l.Since).Hours() / 24})
	}
	return out
}

// lostQuery reads ?kind=, ?days= and the unit of a lost-case request:
// ?orgunit= (or ?region=), which must lie in the caller's scope, and the
// caller's scope when neither is given.
func (s *Server) lostQuery(r *http.Request) (kind pathway.LostKind, days int, unit string, status int, err error) {
	q := r.URL.Query()
	switch k := pathway.LostKind(q.Get("kind")); k {
	case "", pathway.LostNoVisit, pathway.LostNoEMD, pathway.LostNoBooking:
		kind = k
	default:
		return "", 0, "", http.StatusBadRequest, fmt.Errorf("kind must be one of %s, %s, %s", pathway.LostNoVisit, pathway.LostNoEMD, pathway.LostNoBooking)
	}
	if days, err = intParam(r, "days", defaultGraceDays, 365); err != nil {
		return "", 0, "", http.StatusBadRequest, err
	}
	p := principalFrom(r.Context())
	unit = cmp.Or(q.Get("orgunit"), q.Get("region"))
	if unit == "" {
		if p == nil {
			return "", 0, "", http.StatusUnauthorized, fmt.Errorf("authentication required")
		}
		unit = p.Scope
	}
	h := s.cat.Hierarchy()
	u, ok := h.Lookup(unit)
	if !ok {
		return "", 0, "", http.StatusNotFound, fmt.Errorf("unknown organisation unit %q", unit)
	}
	if svc := s.auth().service(); svc == nil || !svc.InScope(p, u.Code) {
		return "", 0, "", http.StatusForbidden, fmt.Errorf("%s lies outside your scope", u.Code)
	}
	return kind, days, u.Code, 0, nil
}

func (s *Server) apiFeedLost(w http.ResponseWriter, r *http.Request) {
	kind, days, unit, status, err := s.lostQuery(r)
	if err != nil {
		response.Error(w, r, status, err.Error())
		return
	}
	pd, err := s.pathOf(r.Context(), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	response.JSON(w, map[string]any{"org_unit": unit, "as_of": pd.AsOf, "grace_days": days,
		"cases": lostList(s.cat.Hierarchy(), pd, days, kind, unit)})
}
