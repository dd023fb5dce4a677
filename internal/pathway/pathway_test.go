package pathway

import (
	"math"
	"testing"
	"time"
)

func ts(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("01-02T15", s)
	if err != nil {
		panic(err)
	}
	return t.AddDate(2026, 0, 0)
}

// fixture: see the comments for each case's path.
func fixture() []Case {
	appts := []Appointment{
		{ID: "a1", Status: "fulfilled", Created: ts("11-01T10"), Start: ts("11-05T10")},                          // full path with a referral and a next booking
		{ID: "a2", Status: "fulfilled", Created: ts("11-02T10"), Start: ts("11-06T10")},                          // ЭМД registered 3 days late
		{ID: "a3", Status: "cancelled", Created: ts("11-03T10"), Start: ts("11-07T10"), Updated: ts("11-04T10")}, // cancelled
		{ID: "a4", Status: "booked", Created: ts("11-06T09"), Start: ts("11-10T10"), Referral: "r1"},             // next booking of a1, never came
		{ID: "a5", Status: "fulfilled", Created: ts("11-04T10"), Start: ts("11-08T10")},                          // visit, no ЭМД, referral not followed
		{ID: "a6", Status: "entered-in-error", Created: ts("11-04T10"), Start: ts("11-08T10")},                   // ignored
		{ID: "a7", Status: "booked", Created: ts("11-15T10"), Start: ts("11-25T10")},                             // still ahead
	}
	encs := []Encounter{
		{ID: "e1", Appointment: "a1", Status: "finished", Start: ts("11-05T10")},
		{ID: "e2", Appointment: "a2", Status: "finished", Start: ts("11-06T10")},
		{ID: "e5", Appointment: "a5", Status: "finished", Start: ts("11-08T10")},
		{ID: "e6", Appointment: "a6", Status: "finished", Start: ts("11-08T10")},
	}
	docs := []Document{
		{ID: "d1", Encounter: "e1", Status: "current", Date: ts("11-05T12"), Registered: ts("11-05T20")},
		{ID: "d2", Encounter: "e2", Status: "current", Date: ts("11-06T10"), Registered: ts("11-09T10")},
	}
	refs := []ReferralRecord{
		{ID: "r1", Encounter: "e1", Authored: ts("11-05T11")},
		{ID: "r5", Encounter: "e5", Authored: ts("11-08T11")},
	}
	return Build(appts, encs, docs, refs)
}

func TestBuild(t *testing.T) {
	cases := fixture()
	if len(cases) != 6 {
		t.Fatalf("%d cases, want 6", len(cases))
	}
	want := map[string]string{
		"a1": "booked → visit → referral → emd_created → emd_registered → next_booking",
		"a2": "booked → visit → emd_created → emd_registered", // ЭМД at the visit's instant comes after it
		"a3": "booked → cancelled",
		"a4": "booked",
		"a5": "booked → visit → referral",
		"a7": "booked",
	}
	for _, c := range cases {
		p := Variant{}
		for _, e := range c.Events {
			p.Path = append(p.Path, e.Activity)
		}
		if p.String() != want[c.ID] {
			t.Errorf("%s: %s, want %s", c.ID, p, want[c.ID])
		}
	}
}

func TestFunnel(t *testing.T) {
	got := Funnel(fixture(), DefaultFunnel)
	want := []FunnelStep{{Booked, 6, 1}, {Visit, 3, 0.5}, {EMDCreated, 2, 2.0 / 3}, {EMDRegistered, 2, 1}}
	for i := range want {
		if got[i].Activity != want[i].Activity || got[i].Cases != want[i].Cases || math.Abs(got[i].Conversion-want[i].Conversion) > 1e-12 {
			t.Errorf("step %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestBetweenAndEMD(t *testing.T) {
	cases := fixture()
	// Visit → registration: 10 h (0.41667 d) and 3 d. Median 1.70833;
	// p90 at h = 0.9: 0.41667 + 0.9 × 2.58333 = 2.74167.
	d := Between(cases, Visit, EMDRegistered)
	if d.N != 2 || math.Abs(d.Median-(10.0/24+3)/2) > 1e-9 || math.Abs(d.P90-(10.0/24+0.9*(3-10.0/24))) > 1e-9 || d.WithinDay != 0.5 {
		t.Errorf("between %+v", d)
	}
	e := MeasureEMD(cases, nil)[""]
	if e.Visits != 3 || e.WithEMD != 2 || e.Registered != 2 || math.Abs(e.RegisteredShare-2.0/3) > 1e-12 ||
		e.DelayMedian != d.Median || e.DelayP90 != d.P90 || e.WithinDay != 0.5 {
		t.Errorf("emd %+v", e)
	}
	// Booking → visit: 4 days each for a1, a2, a5.
	if b := Between(cases, Booked, Visit); b.N != 3 || b.Median != 4 || b.P90 != 4 {
		t.Errorf("booked → visit %+v", b)
	}
}

func TestVariants(t *testing.T) {
	got := Variants(fixture(), 2)
	if len(got) != 2 || got[0].String() != "booked" || got[0].Cases != 2 ||
		got[1].String() != "booked → cancelled" || got[1].Cases != 1 {
		t.Errorf("variants %v", got)
	}
}

func TestDirectlyFollows(t *testing.T) {
	got := map[[2]Activity]int{}
	for _, e := range DirectlyFollows(fixture()) {
		got[[2]Activity{e.From, e.To}] = e.Cases
	}
	want := map[[2]Activity]int{
		{Start, Booked}: 6, {Booked, Visit}: 3, {Booked, Cancelled}: 1, {Booked, End}: 2,
		{Visit, Referral}: 2, {Visit, EMDCreated}: 1, {Referral, EMDCreated}: 1, {Referral, End}: 1,
		{EMDCreated, EMDRegistered}: 2, {EMDRegistered, NextBooking}: 1, {EMDRegistered, End}: 1,
		{NextBooking, End}: 1, {Cancelled, End}: 1,
	}
	if len(got) != len(want) {
		t.Errorf("edges %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s → %s: %d, want %d", k[0], k[1], got[k], v)
		}
	}
}

func TestLostCases(t *testing.T) {
	got := LostCases(fixture(), ts("11-20T00"), 3)
	want := []struct {
		kind LostKind
		id   string
	}{{LostNoVisit, "a4"}, {LostNoBooking, "a5"}, {LostNoEMD, "a5"}}
	if len(got) != len(want) {
		t.Fatalf("lost %d, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Kind != w.kind || got[i].Case.ID != w.id {
			t.Errorf("lost %d: %s %s, want %s %s", i, got[i].Kind, got[i].Case.ID, w.kind, w.id)
		}
	}
	// With 30 days of grace only the missed visit remains.
	if got := LostCases(fixture(), ts("11-20T00"), 30); len(got) != 1 || got[0].Kind != LostNoVisit {
		t.Errorf("with grace: %+v", got)
	}
}
