package slots

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	mo1 = "1.2.643.5.1.13.13.12.2.71.1000" // Moscow time
	mo2 = "1.2.643.5.1.13.13.12.2.25.1000" // Vladivostok, UTC+10
)

func fixture() (Input, []Slot) {
	vlad, _ := ParseZone("UTC+10")
	in := Input{
		// 23:00 in Moscow on 23 November, 06:00 in Vladivostok on the 24th.
		Snapshot: utc("2026-11-23T20:00:00Z"),
		Posts: map[string]Post{
			"A": {ID: "A", OrgUnit: mo1, Specialty: "therapist", Active: true},
			"B": {ID: "B", OrgUnit: mo1, Specialty: "therapist", Active: true},
			"C": {ID: "C", OrgUnit: mo2, Specialty: "therapist", Active: true},
		},
		Zone: func(o string) *time.Location {
			if o == mo2 {
				return vlad
			}
			return Moscow
		},
		Population: func(o string) int64 { return map[string]int64{mo1: 20000, mo2: 10000}[o] },
	}
	s := func(sched, status, start string, epgu bool) Slot {
		st := utc(start)
		return Slot{Schedule: sched, Status: status, Start: st, End: st.Add(15 * time.Minute), EPGU: epgu}
	}
	slots := []Slot{
		s("A", "free", "2026-11-23T19:00:00Z", false),             // before the snapshot
		s("A", "free", "2026-11-23T20:30:00Z", false),             // 23:30 MSK: day 0
		s("A", "free", "2026-11-23T21:10:00Z", false),             // 00:10 MSK on the 24th: day 1
		s("A", "busy-tentative", "2026-11-23T21:30:00Z", false),   // held: not free
		s("A", "free", "2026-11-30T06:00:00Z", false),             // day 7: the horizon
		s("A", "free", "2026-11-25T06:00:00Z", true),              // third free (out of order): day 2
		s("A", "entered-in-error", "2026-11-24T06:00:00Z", false), // never counts
		s("A", "busy", "2026-11-24T07:00:00Z", true),
		s("B", "free", "2026-11-24T06:00:00Z", false),
		s("B", "free", "2026-11-24T06:15:00Z", false), // only two free: no third
		s("C", "free", "2026-11-23T23:00:00Z", false), // 09:00 on the 24th local
		s("C", "free", "2026-11-24T01:00:00Z", false),
		s("C", "free", "2026-11-24T13:00:00Z", false),  // 23:00 on the 24th local: day 0 (the UTC date says 1)
		s("C", "free", "2026-11-24T14:00:00Z", false),  // 00:00 on the 25th local: day 1
		s("zz", "free", "2026-11-24T14:00:00Z", false), // unknown schedule
	}
	return in, slots
}

func TestCompute(t *testing.T) {
	in, slots := fixture()
	got := Compute(in, slots)
	want := map[string]Availability{
		mo1 + "|therapist": {Total: 8, Free: 6, EPGU: 2, EPGUShare: 0.25, Population: 20000, FreePer1000: 0.3, HorizonDays: 7, HasFree: true, NextFreeDays: 0,
			LastFree: utc("2026-11-30T06:00:00Z"), ThirdNext: []int{2}, ThirdNextMedian: 2, PostsWithoutThird: 1, Posts: 2, PostsOpen: 1, PostsOpenShare: 0.5},
		mo2 + "|therapist": {Total: 4, Free: 4, Population: 10000, FreePer1000: 0.4, HorizonDays: 1, HasFree: true, NextFreeDays: 0,
			LastFree: utc("2026-11-24T14:00:00Z"), ThirdNext: []int{0}, ThirdNextMedian: 0, Posts: 1},
		"|": {Total: 1, Free: 1, HorizonDays: 1, LastFree: utc("2026-11-24T14:00:00Z"), HasFree: true, NextFreeDays: 1, PostsWithoutThird: 1, Posts: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("groups %v", keys(got))
	}
	for g, w := range want {
		a := got[g]
		if a == nil {
			t.Errorf("no group %q", g)
			continue
		}
		if !equal(*a, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", g, *a, w)
		}
	}
}

func TestComputeByRegion(t *testing.T) {
	in, slots := fixture()
	in.Group = func(p Post) string {
		if p.OrgUnit == "" {
			return ""
		}
		return "region"
	}
	a := Compute(in, slots)["region"]
	if a.Total != 12 || a.Free != 10 || a.Population != 30000 || !slices.Equal(a.ThirdNext, []int{0, 2}) || a.ThirdNextMedian != 1 ||
		a.HorizonDays != 7 || a.Posts != 3 || math.Abs(a.PostsOpenShare-1.0/3) > 1e-12 {
		t.Errorf("region %+v", *a)
	}
}

func equal(a, b Availability) bool {
	if !slices.Equal(a.ThirdNext, b.ThirdNext) {
		return false
	}
	a.ThirdNext, b.ThirdNext = nil, nil
	return reflect.DeepEqual(a, b)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestComputeBookings(t *testing.T) {
	b := func(ch, status, created, start string) Booking {
		return Booking{OrgUnit: mo1, Specialty: "therapist", Channel: ch, Status: status, Created: utc(created), Start: utc(start)}
	}
	got := ComputeBookings([]Booking{
		b("epgu", "booked", "2026-11-01T10:00:00Z", "2026-11-03T10:00:00Z"),           // lead 2
		b("registry", "fulfilled", "2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z"),    // 1
		b("call-centre", "noshow", "2026-11-01T10:00:00Z", "2026-11-11T10:00:00Z"),    // 10
		b("epgu", "cancelled", "2026-11-01T10:00:00Z", "2026-11-06T10:00:00Z"),        // not in lead time
		b("mis", "fulfilled", "2026-11-01T10:00:00Z", "2026-11-05T10:00:00Z"),         // 4
		b("epgu", "entered-in-error", "2026-11-01T10:00:00Z", "2026-11-05T10:00:00Z"), // never counts
	}, nil)[mo1+"|therapist"]
	if got.Total != 5 || got.ByChannel["epgu"] != 2 || got.ByChannel["registry"] != 1 || got.ByChannel["call-centre"] != 1 || got.ByChannel["mis"] != 1 {
		t.Errorf("counts %+v", got)
	}
	if got.Cancelled != 1 || got.CancelRate != 0.2 || got.NoShow != 1 || got.Due != 3 || math.Abs(got.NoShowRate-1.0/3) > 1e-12 {
		t.Errorf("cancellations and no-shows %+v", got)
	}
	// Leads 1, 2, 4, 10: median 3; p90 at h = 2.7: 4 + 0.7 × 6 = 8.2.
	if got.LeadN != 4 || got.LeadMedian != 3 || math.Abs(got.LeadP90-8.2) > 1e-9 {
		t.Errorf("lead %v %v %v", got.LeadN, got.LeadMedian, got.LeadP90)
	}
	if r := got.RemoteShare(); math.Abs(r-0.6) > 1e-12 {
		t.Errorf("remote share %v", r)
	}
}

func TestParseZone(t *testing.T) {
	for in, off := range map[string]int{"": 3 * 3600, "UTC+3": 3 * 3600, "UTC+10": 10 * 3600, "UTC-1": -3600, "UTC+5:30": 5*3600 + 1800, "UTC": 0} {
		loc, err := ParseZone(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if _, o := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Zone(); o != off {
			t.Errorf("%q: offset %d, want %d", in, o, off)
		}
	}
	for _, bad := range []string{"UTC+", "UTC*3", "UTC+99", "Mars/Base"} {
		if _, err := ParseZone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	for q, want := range map[float64]float64{0: 1, 0.5: 2.5, 0.9: 3.7, 1: 4} {
		if got := Quantile(xs, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if Quantile(nil, 0.5) != 0 || Quantile([]float64{7}, 0.9) != 7 {
		t.Error("edge cases")
	}
}

func TestAlerts(t *testing.T) {
	av := map[string]*Availability{
		mo1 + "|therapist":    {HasFree: true, NextFreeDays: 1}, // tomorrow: within the norm
		mo1 + "|pediatrician": {HasFree: true, NextFreeDays: 2}, // too late
		mo2 + "|gp":           {},                               // nothing free at all
		mo2 + "|cardiology":   {},                               // not first contact
		mo2 + "|394802001":    {HasFree: true, NextFreeDays: 5}, // SNOMED general medicine
	}
	got := Alerts(av, FirstContactNormDays)
	want := []Alert{{mo2, "394802001", 5}, {mo2, "gp", -1}, {mo1, "pediatrician", 2}} // by МО code
	if !reflect.DeepEqual(got, want) {
		t.Errorf("alerts %+v, want %+v", got, want)
	}
}
