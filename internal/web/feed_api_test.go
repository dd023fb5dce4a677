package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/store"
)

// feedSnapshots are the two slot snapshots of the test feed, a week apart,
// so that the trend has two points.
var feedSnapshots = []time.Time{
	time.Date(2020, 11, 24, 6, 0, 0, 0, time.UTC),
	time.Date(2020, 12, 1, 6, 0, 0, 0, time.UTC),
}

// newFeedFixture is the accounts fixture (three МО in two regions) with
// attached populations and a small synthetic feed made the way cifra demo
// feed makes it (feed.Synthesize through Store.LoadFeedRecords).
func newFeedFixture(t *testing.T, patients int) *authFixture {
	t.Helper()
	f := newAuthFixture(t)
	ctx := context.Background()
	units := []orgunit.Unit{
		{Code: "MO-TUL-1", Name: "МО 1", Level: orgunit.Organisation, Parent: "RU-TUL", Population: 40000},
		{Code: "MO-TUL-2", Name: "МО 2", Level: orgunit.Organisation, Parent: "RU-TUL", Population: 25000},
		{Code: "MO-TAM-1", Name: "МО 3", Level: orgunit.Organisation, Parent: "RU-TAM", Population: 30000},
	}
	if err := f.st.SaveOrgUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.cat.ReloadHierarchy(ctx); err != nil {
		t.Fatal(err)
	}
	var mos []feed.SynthMO
	for _, u := range units {
		mos = append(mos, feed.SynthMO{Code: u.Code, Population: u.Population, Zone: slots.Moscow})
	}
	if err := f.st.SetMeta(ctx, "synthetic_feed", "true"); err != nil {
		t.Fatal(err)
	}
	for i, at := range feedSnapshots {
		opt := feed.SynthOptions{Patients: patients, Seed: uint64(7 + i), Snapshot: at}
		if _, err := f.st.LoadFeedRecords(ctx, "test feed", fmt.Sprintf("test-feed-%d", i), store.FeedOptions{Actor: "test", Snapshot: at},
			func(sink feed.Sink) (feed.Stats, error) { return feed.Synthesize(ctx, mos, opt, sink) }); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body[:min(len(body), 200)], err)
	}
}

// TestFeedAPI checks the JSON shapes and that the numbers are those of
// internal/slots and internal/pathway computed directly on the stored feed.
func TestFeedAPI(t *testing.T) {
	f := newFeedFixture(t, 600)
	ctx := context.Background()
	h := f.srv.cat.Hierarchy()
	get := func(target string, want int) string {
		t.Helper()
		w := f.do("GET", target, "", "", "", "", "")
		if w.Code != want {
			t.Fatalf("GET %s: %d, want %d: %s", target, w.Code, want, w.Body.String())
		}
		return w.Body.String()
	}

	var snaps struct{ Snapshots []time.Time }
	decode(t, get("/api/v1/feed/snapshots", 200), &snaps)
	if len(snaps.Snapshots) != 2 || !snaps.Snapshots[1].Equal(feedSnapshots[1]) {
		t.Fatalf("snapshots %v", snaps.Snapshots)
	}

	var sl SlotsJSON
	decode(t, get("/api/v1/feed/slots?region=RU-TUL", 200), &sl)
	direct, err := f.st.FeedAvailability(ctx, feedSnapshots[1], h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sl.Rows) == 0 || sl.By != "mo" || sl.Region != "RU-TUL" || !sl.Snapshot.Equal(feedSnapshots[1]) {
		t.Fatalf("slots: %+v", sl)
	}
	for _, r := range sl.Rows {
		a := direct[r.OrgUnit+"|"+r.Specialty]
		if a == nil || r.Region != "RU-TUL" {
			t.Fatalf("row %+v not in the direct computation", r)
		}
		if r.Free != a.Free || r.Total != a.Total || r.FreePer1000 != a.FreePer1000 || r.HorizonDays != a.HorizonDays || r.Population != a.Population {
			t.Errorf("%s %s: API %+v, direct %+v", r.OrgUnit, r.Specialty, r, *a)
		}
	}
	get("/api/v1/feed/slots?by=nonsense", 400)
	get("/api/v1/feed/slots?region=XX-NOPE", 400)
	get("/api/v1/feed/slots?snapshot=2001-01-01T00:00:00Z", 400)

	var al AlertsJSON
	decode(t, get("/api/v1/feed/alerts?norm=0", 200), &al)
	want := slots.Alerts(direct, 0)
	if al.NormDays != 0 || len(al.Alerts) != len(want) {
		t.Fatalf("alerts: %d, direct %d", len(al.Alerts), len(want))
	}
	for i, a := range al.Alerts {
		if a.OrgUnit != want[i].OrgUnit || a.Specialty != want[i].Specialty || a.SpecialtyName == "" {
			t.Errorf("alert %d: %+v, direct %+v", i, a, want[i])
		}
	}

	recs, err := f.st.FeedPathway(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	cases := pathway.Build(recs.Appointments, recs.Encounters, recs.Documents, recs.Referrals)
	var pw PathwayJSON
	decode(t, get("/api/v1/feed/pathway", 200), &pw)
	funnel := pathway.Funnel(cases, pathway.DefaultFunnel)
	if pw.Cases != len(cases) || len(pw.Funnel) != len(funnel) || len(pw.Durations) != len(durationPairs()) || len(pw.Edges) == 0 {
		t.Fatalf("pathway: %d cases (direct %d), %d funnel steps, %d durations, %d edges", pw.Cases, len(cases), len(pw.Funnel), len(pw.Durations), len(pw.Edges))
	}
	for i, s := range funnel {
		if pw.Funnel[i].Cases != s.Cases || pw.Funnel[i].Activity != s.Activity {
			t.Errorf("funnel %d: %+v, direct %+v", i, pw.Funnel[i], s)
		}
	}
	d := pathway.Between(cases, pathway.Booked, pathway.Visit)
	if pw.Durations[0].N != d.N || pw.Durations[0].Median != d.Median {
		t.Errorf("booked→visit: %+v, direct %+v", pw.Durations[0], d)
	}
	lost := map[string]int{}
	var asOf time.Time
	for _, c := range cases {
		for _, e := range c.Events {
			if e.Time.After(asOf) {
				asOf = e.Time
			}
		}
	}
	for _, l := range pathway.LostCases(cases, asOf, defaultGraceDays) {
		lost[string(l.Kind)]++
	}
	for k, n := range lost {
		if pw.Lost[k] != n {
			t.Errorf("lost %s: %d, direct %d", k, pw.Lost[k], n)
		}
	}
	var tul PathwayJSON
	decode(t, get("/api/v1/feed/pathway?region=RU-TUL", 200), &tul)
	if tul.Cases == 0 || tul.Cases >= pw.Cases || tul.Region != "RU-TUL" {
		t.Errorf("Tula pathway: %d of %d cases", tul.Cases, pw.Cases)
	}

	var emd struct{ Rows []EMDRowJSON }
	decode(t, get("/api/v1/feed/emd?by=all", 200), &emd)
	me := pathway.MeasureEMD(cases, nil)[""]
	if len(emd.Rows) != 1 || emd.Rows[0].Visits != me.Visits || emd.Rows[0].Registered != me.Registered {
		t.Errorf("emd: %+v, direct %+v", emd.Rows, me)
	}
	var bk struct{ Rows []BookingsRowJSON }
	decode(t, get("/api/v1/feed/bookings?by=all", 200), &bk)
	mb := slots.ComputeBookings(recs.Bookings, func(slots.Booking) string { return "||" })["||"]
	if len(bk.Rows) != 1 || bk.Rows[0].Total != mb.Total || bk.Rows[0].NoShow != mb.NoShow {
		t.Errorf("bookings: %+v, direct %+v", bk.Rows, mb)
	}
}

// TestFeedLostAccess: the lists name patients — anonymous callers get 401,
// callers outside the unit 403, callers inside only their scope's cases.
func TestFeedLostAccess(t *testing.T) {
	f := newFeedFixture(t, 400)
	mo := f.account("mo_operator") // scope MO-TUL-1
	if w := f.do("GET", "/api/v1/feed/pathway/lost?orgunit=MO-TUL-1", "", "", "", "", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
	if w := f.do("GET", "/api/v1/feed/pathway/lost?orgunit=MO-TUL-2", "", "", mo.session, "", ""); w.Code != http.StatusForbidden {
		t.Errorf("out of scope: %d", w.Code)
	}
	w := f.do("GET", "/api/v1/feed/pathway/lost", "", "", mo.session, "", "")
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("own scope: %d %s", w.Code, w.Body.String())
	}
	var got struct {
		OrgUnit string `json:"org_unit"`
		Cases   []LostJSON
	}
	decode(t, w.Body.String(), &got)
	if got.OrgUnit != "MO-TUL-1" || len(got.Cases) == 0 {
		t.Fatalf("own scope: %s, %d cases", got.OrgUnit, len(got.Cases))
	}
	for _, c := range got.Cases {
		if c.OrgUnit != "MO-TUL-1" || c.Patient == "" {
			t.Fatalf("case outside scope or without patient: %+v", c)
		}
	}
	if w := f.do("GET", "/api/v1/feed/pathway/lost?kind=nonsense", "", "", mo.session, "", ""); w.Code != http.StatusBadRequest {
		t.Errorf("bad kind: %d", w.Code)
	}
}
