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
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/web/response"
)

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
