package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/web/response"
)

// Scheduling-feed routes: the JSON API under /api/v1/feed, the push
// endpoint and the /slots and /pathway pages. Aggregate reads are public
// like the rest of the read API; lists of lost cases name patients, so they
// need an account that may read data in the unit asked for (routes.go).

// errBadRequest marks a request error the handlers answer with 400.
type errBadRequest struct{ msg string }

func (e errBadRequest) Error() string { return e.msg }

// answerErr writes a problem for err: 400 for bad parameters, 500 otherwise.
func (s *Server) answerErr(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := err.(errBadRequest); ok {
		response.Error(w, r, http.StatusBadRequest, e.msg)
		return
	}
	s.fail(w, r, err)
}

// feedSnapshot picks ?snapshot= among the stored snapshots (the latest by
// default). It returns the zero time when there are none.
func (s *Server) feedSnapshot(ctx context.Context, r *http.Request) (time.Time, []time.Time, error) {
	snaps, err := s.cat.FeedSnapshots(ctx)
	if err != nil {
		return time.Time{}, nil, err
	}
	v := r.URL.Query().Get("snapshot")
	if v == "" {
		if len(snaps) == 0 {
			return time.Time{}, nil, nil
		}
		return snaps[len(snaps)-1], snaps, nil
	}
	at, err := feed.ParseTime([]byte(v))
	if err != nil {
		return time.Time{}, nil, errBadRequest{fmt.Sprintf("snapshot: %v", err)}
	}
	for _, t := range snaps {
		if t.Equal(at) {
			return t, snaps, nil
		}
	}
	return time.Time{}, nil, errBadRequest{fmt.Sprintf("no slot snapshot at %s", at.UTC().Format(time.RFC3339))}
}

// feedRegion resolves ?region= (ISO code or any key the hierarchy knows) to
// a region; "" is all regions.
func (s *Server) feedRegion(r *http.Request) (*orgunit.Unit, error) {
	v := r.URL.Query().Get("region")
	if v == "" {
		return nil, nil
	}
	h := s.cat.Hierarchy()
	u, ok := h.Lookup(v)
	if !ok {
		return nil, errBadRequest{fmt.Sprintf("unknown region %q", v)}
	}
	if u.Level != orgunit.Region {
		reg, ok := h.RegionOf(u.Code)
		if !ok || reg.Code != u.Code {
			return nil, errBadRequest{fmt.Sprintf("%q is not a region", v)}
		}
	}
	return u, nil
}

// regionCode is the region of an МО, "" when unmapped.
func regionCode(h *orgunit.Hierarchy, ou string) string {
	if ou == "" {
		return ""
	}
	if r, ok := h.RegionOf(ou); ok {
		return r.Code
	}
	return ""
}

func unitName(h *orgunit.Hierarchy, code string) string {
	if code == "" {
		return "(не сопоставлено с МО)"
	}
	if u, ok := h.Get(code); ok {
		return u.Label()
	}
	return code
}

// SlotRowJSON is the availability of one group of a snapshot.
type SlotRowJSON struct {
	Region            string  `json:"region,omitempty"`
	OrgUnit           string  `json:"org_unit,omitempty"`
	OrgUnitName       string  `json:"org_unit_name,omitempty"`
	Specialty         string  `json:"specialty,omitempty"`
	FirstContact      bool    `json:"first_contact,omitempty"`
	Total             int64   `json:"total"`
	Free              int64   `json:"free"`
	EPGU              int64   `json:"epgu"`
	EPGUShare         float64 `json:"epgu_share"`
	FreePer1000       float64 `json:"free_per_1000"`
	Population        int64   `json:"population,omitempty"`
	HasFree           bool    `json:"has_free"`
	HorizonDays       int     `json:"horizon_days"`
	NextFreeDays      *int    `json:"next_free_days"`
	ThirdNextMedian   float64 `json:"third_next_median_days"`
	PostsWithoutThird int     `json:"posts_without_third"`
	Posts             int     `json:"posts"`
	PostsOpen         int     `json:"posts_open"`
	PostsOpenShare    float64 `json:"posts_open_share"`
}

// SlotsJSON is GET /api/v1/feed/slots.
type SlotsJSON struct {
	Snapshot time.Time     `json:"snapshot"`
	Region   string        `json:"region,omitempty"`
	By       string        `json:"by"`
	Rows     []SlotRowJSON `json:"rows"`
}

// slotGroups are the groupings ?by= accepts.
func slotGroups() []string {
	return []string{"mo", "region", "specialty"}
}

// feedAvailability computes a snapshot's availability grouped by ?by= (МО
// × specialty by default), limited to a region when one is given. The page
// and the API both use it, so they show the same numbers.
func (s *Server) feedAvailability(ctx context.Context, at time.Time, region *orgunit.Unit, by string) ([]SlotRowJSON, error) {
	h := s.cat.Hierarchy()
	in := func(ou string) bool { return region == nil || regionCode(h, ou) == region.Code }
	var group func(slots.Post) string
	switch by {
	case "", "mo":
		group = func(p slots.Post) string {
			if !in(p.OrgUnit) {
				return ""
			}
			return p.OrgUnit + "|" + p.Specialty
		}
	case "region":
		group = func(p slots.Post) string {
			if !in(p.OrgUnit) {
				return ""
			}
			return regionCode(h, p.OrgUnit) + "|" + p.Specialty
		}
	case "specialty":
		group = func(p slots.Post) string {
			if !in(p.OrgUnit) {
				return ""
			}
			return "|" + p.Specialty
		}
	default:
		return nil, errBadRequest{fmt.Sprintf("by must be one of %s", strings.Join(slotGroups(), ", "))}
	}
	// Every grouping is kept per feed version (each reads the snapshot's
	// per-post summary); by МО it is cut from the page's country-wide map.
	var av map[string]*slots.Availability
	if by == "" || by == "mo" {
		all, err := s.moAvailability(ctx, at)
		if err != nil {
			return nil, err
		}
		av = map[string]*slots.Availability{}
		for k, a := range all {
			if ou, _, _ := strings.Cut(k, "|"); in(ou) {
				av[k] = a
			}
		}
	} else {
		rk := ""
		if region != nil {
			rk = region.Code
		}
		v, err := s.feedCached(ctx, "avail|"+by+"|"+rk+"|"+at.UTC().Format(time.RFC3339), 1<<20, func() (any, error) {
			av, err := s.cat.FeedAvailability(ctx, at, group)
			if err != nil {
				return nil, fmt.Errorf("slot availability at %s: %w", at.Format(time.RFC3339), err)
			}
			return av, nil
		})
		if err != nil {
			return nil, err
		}
		av = v.(map[string]*slots.Availability)
	}
	out := make([]SlotRowJSON, 0, len(av))
	for k, a := range av {
		unit, sp, _ := strings.Cut(k, "|")
		_, first := slots.FirstContact[sp]
		row := SlotRowJSON{Specialty: sp, FirstContact: first, Total: a.Total, Free: a.Free, EPGU: a.EPGU, EPGUShare: a.EPGUShare,
			FreePer1000: a.FreePer1000, Population: a.Population, HasFree: a.HasFree, HorizonDays: a.HorizonDays,
			ThirdNextMedian: a.ThirdNextMedian, PostsWithoutThird: a.PostsWithoutThird, Posts: a.Posts, PostsOpen: a.PostsOpen,
			PostsOpenShare: a.PostsOpenShare}
		if a.HasFree {
			n := a.NextFreeDays
			row.NextFreeDays = &n
		}
		switch by {
		case "", "mo":
			row.OrgUnit, row.OrgUnitName, row.Region = unit, unitName(h, unit), regionCode(h, unit)
		case "region":
			row.Region = unit
		case "specialty":
			if region != nil {
				row.Region = region.Code
			}
		}
		out = append(out, row)
	}
	slices.SortFunc(out, func(a, b SlotRowJSON) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.OrgUnit, b.OrgUnit), cmp.Compare(a.Specialty, b.Specialty))
	})
	return out, nil
}

func (s *Server) apiFeedSnapshots(w http.ResponseWriter, r *http.Request) {
	snaps, err := s.cat.FeedSnapshots(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if snaps == nil {
		snaps = []time.Time{}
	}
	response.JSON(w, map[string]any{"snapshots": snaps})
}

// snapshotQuery reads ?snapshot= and ?region= for the slot API, answering
// the request itself (and returning false) when they are bad or no
// snapshot is loaded.
func (s *Server) snapshotQuery(w http.ResponseWriter, r *http.Request) (time.Time, *orgunit.Unit, bool) {
	at, _, err := s.feedSnapshot(r.Context(), r)
	if err != nil {
		s.answerErr(w, r, err)
		return at, nil, false
	}
	region, err := s.feedRegion(r)
	if err != nil {
		s.answerErr(w, r, err)
		return at, nil, false
	}
	if at.IsZero() {
		response.Error(w, r, http.StatusNotFound, "no slot snapshots loaded")
		return at, nil, false
	}
	return at, region, true
}

func (s *Server) apiFeedSlots(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	at, region, ok := s.snapshotQuery(w, r)
	if !ok {
		return
	}
	by := r.URL.Query().Get("by")
	rows, err := s.feedAvailability(ctx, at, region, by)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	out := SlotsJSON{Snapshot: at, By: cmp.Or(by, "mo"), Rows: rows}
	if region != nil {
		out.Region = region.Code
	}
	response.JSON(w, out)
}

// AlertJSON is a first-contact specialty of an МО with no free slot within
// the norm.
type AlertJSON struct {
	Region        string `json:"region"`
	OrgUnit       string `json:"org_unit"`
	OrgUnitName   string `json:"org_unit_name"`
	Specialty     string `json:"specialty"`
	SpecialtyName string `json:"specialty_name"`
	// NextFreeDays is the wait to the first free slot; null when the
	// horizon has none.
	NextFreeDays *int `json:"next_free_days"`
}

// AlertsJSON is GET /api/v1/feed/alerts.
type AlertsJSON struct {
	Snapshot time.Time   `json:"snapshot"`
	Region   string      `json:"region,omitempty"`
	NormDays int         `json:"norm_days"`
	Alerts   []AlertJSON `json:"alerts"`
}

// feedAlerts lists the alerts of a snapshot in a region (all when nil).
func (s *Server) feedAlerts(ctx context.Context, at time.Time, region *orgunit.Unit, norm int) ([]AlertJSON, error) {
	h := s.cat.Hierarchy()
	all, err := s.moAvailability(ctx, at) // kept per feed version
	if err != nil {
		return nil, fmt.Errorf("slot alerts: %w", err)
	}
	av := all
	if region != nil {
		av = map[string]*slots.Availability{}
		for k, a := range all {
			if ou, _, _ := strings.Cut(k, "|"); regionCode(h, ou) == region.Code {
				av[k] = a
			}
		}
	}
	out := []AlertJSON{}
	for _, a := range slots.Alerts(av, norm) {
		j := AlertJSON{Region: regionCode(h, a.OrgUnit), OrgUnit: a.OrgUnit, OrgUnitName: unitName(h, a.OrgUnit), Specialty: a.Specialty,
			SpecialtyName: slots.FirstContact[a.Specialty]}
		if a.NextFreeDays >= 0 {
			n := a.NextFreeDays
			j.NextFreeDays = &n
		}
		out = append(out, j)
	}
	return out, nil
}

// intParam reads an optional non-negative integer query parameter.
func intParam(r *http.Request, name string, def, maxV int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxV {
		return 0, errBadRequest{fmt.Sprintf("%s must be an integer from 0 to %d", name, maxV)}
	}
	return n, nil
}

func (s *Server) apiFeedAlerts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	norm, err := intParam(r, "norm", slots.FirstContactNormDays, 365)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	at, region, ok := s.snapshotQuery(w, r)
	if !ok {
		return
	}
	list, err := s.feedAlerts(ctx, at, region, norm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := AlertsJSON{Snapshot: at, NormDays: norm, Alerts: list}
	if region != nil {
		out.Region = region.Code
	}
	response.JSON(w, out)
}

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
