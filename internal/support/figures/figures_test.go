package figures

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/support/availability"
	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/sla"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

var msk = time.FixedZone("MSK", 3*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("02.01.2006 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

var (
	mo    = ticket.Actor{Login: "mo", Role: ticket.Requester, InScope: func(string) bool { return true }}
	agent = ticket.Actor{Login: "ag", Role: ticket.Agent, InScope: func(string) bool { return true }}
	vend  = ticket.Actor{Login: "v", Role: ticket.Vendor, Vendor: "bars"}
)

type step struct {
	at string
	a  ticket.Actor
	c  ticket.Command
}

// build files a P3 incident (medium × medium) and plays the steps.
func build(t *testing.T, id int64, unit, opened string, steps ...step) *ticket.Ticket {
	t.Helper()
	d := ticket.Desk{}
	tk, err := d.Open(ticket.Spec{Kind: ticket.Incident, OrgUnit: unit, Region: "RU-TUL", System: "mis", Module: "запись",
		Title: "x", Impact: priority.Medium, Urgency: priority.Medium, Source: ticket.Web}, mo, at(opened))
	if err != nil {
		t.Fatal(err)
	}
	tk.ID = id
	for _, s := range steps {
		if _, err := d.Do(tk, s.c, s.a, at(s.at)); err != nil {
			t.Fatalf("%s: %v", s.c.Action, err)
		}
	}
	return tk
}

func facts(t *testing.T, now time.Time, tks ...*ticket.Ticket) []Fact {
	t.Helper()
	prod, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	cs := sla.NewCalendars(prod)
	pol := sla.DefaultPolicy()
	var out []Fact
	for _, tk := range tks {
		tg, _ := pol.Target(tk.Priority)
		cal, err := cs.For(tg.Hours, "RU-TUL", msk)
		if err != nil {
			t.Fatal(err)
		}
		res := sla.Evaluate(cal, tg, 0, tk.Timeline(), now)
		var vr *sla.Result
		if vt, ok := tk.VendorTimeline("c-1"); ok {
			r := sla.Evaluate(cal, sla.Target{Priority: tk.Priority, Response: time.Hour, Resolution: 4 * time.Hour, Hours: tg.Hours}, 0, vt, now)
			vr = &r
		}
		out = append(out, FactOf(tk, res, vr))
	}
	return out
}

// The P3 target is 3 working days (24 h) to resolve, 4 h to respond.
func TestSLAAndDataValues(t *testing.T) {
	take := step{"04.03.2025 10:30", agent, ticket.Command{Action: ticket.ActTake}}
	tks := []*ticket.Ticket{
		// Resolved in 2 h as the first answer: within SLA, first contact.
		build(t, 1, "MO-1", "04.03.2025 10:00", step{"04.03.2025 12:00", agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.Solved, Text: "ok"}}),
		// Escalated; the vendor took 5 h of its 4 (missed), the centre
		// resolved at 10.03 12:00: 04.03 10–13,14–18 (7 h) + 05.03–07.03
		// (8+8+7) + 10.03 9–12 (3) = 33 h minus the vendor's 5 h
		// (pause) = 28 h > 24 h: missed.
		build(t, 2, "MO-1", "04.03.2025 10:00", take,
			step{"04.03.2025 11:00", agent, ticket.Command{Action: ticket.ActEscalate, Contract: "c-1", Vendor: "bars", Text: "x"}},
			step{"04.03.2025 17:00", vend, ticket.Command{Action: ticket.ActVendorDone, Text: "x"}},
			step{"10.03.2025 12:00", agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.VendorFix, Text: "ok"}}),
		// Reopened, then resolved within SLA: not first contact.
		build(t, 3, "MO-2", "04.03.2025 10:00", take,
			step{"04.03.2025 11:00", agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.Solved, Text: "ok"}},
			step{"05.03.2025 09:00", mo, ticket.Command{Action: ticket.ActReopen, Text: "снова"}},
			step{"05.03.2025 10:00", agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.Solved, Text: "ok"}}),
		// Withdrawn: not counted.
		build(t, 4, "MO-2", "04.03.2025 10:00", step{"04.03.2025 10:10", mo, ticket.Command{Action: ticket.ActWithdraw}}),
		// Open at the quarter's end: counted as an incident, not resolved.
		build(t, 5, "MO-2", "28.03.2025 10:00", step{"28.03.2025 10:30", agent, ticket.Command{Action: ticket.ActTake}}),
		// Resolved in the next quarter.
		build(t, 6, "MO-2", "31.03.2025 17:00", step{"31.03.2025 17:10", agent, ticket.Command{Action: ticket.ActTake}}, step{"01.04.2025 10:00", agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.Solved, Text: "ok"}}),
	}
	fs := facts(t, at("15.04.2025 12:00"), tks...)
	// Ticket 6 was taken, then resolved: in time, but not at first contact.
	if !fs[0].FirstContact || fs[5].FirstContact || fs[1].FirstContact || fs[2].FirstContact || !fs[2].Reopened || fs[3].Counts {
		t.Errorf("facts: %+v", fs)
	}
	if fs[1].Work != 28*time.Hour || fs[1].Met() || fs[1].VendorMet == nil || *fs[1].VendorMet {
		t.Errorf("escalated ticket: work %v met %v vendor %v", fs[1].Work, fs[1].Met(), fs[1].VendorMet)
	}
	q1 := period.MustParse("2025Q1")
	rows := SLA(fs, q1.Start(), q1.End(), ByOrgUnit)
	want := []Compliance{
		{Key: "MO-1", Resolved: 2, WithinSLA: 1, ResponseMet: 2, FirstContact: 1, VendorTickets: 1, VendorMet: 0, MedianWork: (2*time.Hour + 28*time.Hour) / 2},
		// Ticket 3: 10–11 and 09–10 = 2 h.
		{Key: "MO-2", Resolved: 1, WithinSLA: 1, ResponseMet: 1, MedianWork: 2 * time.Hour},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("by МО\n got %+v\nwant %+v", rows, want)
	}
	reg := SLA(fs, q1.Start(), q1.End(), ByRegion)
	if p, ok := reg[0].WithinPct(); len(reg) != 1 || !ok || p != 100*2.0/3 {
		t.Errorf("region %+v %v", reg, p)
	}
	if v := SLA(fs, q1.Start(), q1.End(), ByVendor); len(v) != 1 || v[0].Key != "bars" || v[0].Resolved != 1 {
		t.Errorf("by vendor %+v", v)
	}
	if _, ok := (Compliance{}).WithinPct(); ok {
		t.Error("a share of nothing")
	}

	avail := []SystemAvailability{
		{OrgUnit: "MO-1", MIS: true, ARMs: 100, Figure: availability.Figure{Service: 500 * time.Hour, Down: 5 * time.Hour}},
		{OrgUnit: "MO-1", MIS: false, ARMs: 7, Figure: availability.Figure{Service: 100 * time.Hour, Down: 50 * time.Hour}},
		{OrgUnit: "MO-3", MIS: true, ARMs: 40, Figure: availability.Figure{Service: 500 * time.Hour}},
	}
	got := DataValues(q1, fs, avail)
	wantVals := map[string]float64{
		"MO-1/" + DEIncidents: 2, "MO-1/" + DEResolved: 2, "MO-1/" + DEWithinSLA: 1, "MO-1/" + DEFirstContact: 1, "MO-1/" + DEMedianHours: 15,
		"MO-1/" + DEServiceMinutes: 30000, "MO-1/" + DEAvailableMinutes: 29700, "MO-1/" + DEARMs: 100,
		"MO-2/" + DEIncidents: 3, "MO-2/" + DEResolved: 1, "MO-2/" + DEWithinSLA: 1, "MO-2/" + DEFirstContact: 0, "MO-2/" + DEMedianHours: 2,
		"MO-3/" + DEIncidents: 0, "MO-3/" + DEResolved: 0, "MO-3/" + DEWithinSLA: 0, "MO-3/" + DEFirstContact: 0,
		"MO-3/" + DEServiceMinutes: 30000, "MO-3/" + DEAvailableMinutes: 30000, "MO-3/" + DEARMs: 40,
	}
	gotVals := map[string]float64{}
	for _, v := range got {
		if v.Period != "2025Q1" {
			t.Errorf("period %s", v.Period)
		}
		gotVals[v.OrgUnit+"/"+v.DataElement] = v.Value
	}
	if len(gotVals) != len(wantVals) {
		t.Errorf("%d values, want %d: %v", len(gotVals), len(wantVals), gotVals)
	}
	for k, w := range wantVals {
		if g, ok := gotVals[k]; !ok || g != w {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, w)
		}
	}
	ids := map[string]bool{}
	for _, e := range Elements() {
		ids[e.ID] = true
	}
	for _, v := range got {
		if !ids[v.DataElement] {
			t.Errorf("value of an undeclared element %s", v.DataElement)
		}
	}
}

func TestBacklogAndTop(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 3, d, 12, 0, 0, 0, time.UTC) }
	fs := []Fact{
		{Counts: true, Kind: ticket.Incident, System: "a", Priority: 1, Created: day(1), Resolved: day(3)},
		{Counts: true, Kind: ticket.Incident, System: "a", Priority: 3, Created: day(2)},
		{Counts: true, Kind: ticket.Incident, System: "b", Priority: 3, Created: day(2), Resolved: day(2)},
		{Counts: false, Kind: ticket.Incident, System: "b", Created: day(1)},
		{Counts: true, Kind: ticket.Request, System: "c", Created: day(1), Resolved: day(5)},
		{Counts: true, Kind: ticket.Incident, System: "c", Priority: 2, Created: day(4)},
	}
	// Open at noon of each day (resolved at noon counts as closed).
	got := Backlog(fs, []time.Time{day(1).Add(-time.Hour), day(1), day(2), day(3), day(4), day(5)})
	if want := []int{0, 2, 3, 2, 3, 2}; !slices.Equal(got, want) {
		t.Errorf("backlog %v, want %v", got, want)
	}
	top := Top(fs, day(1), day(6), BySystem, 2)
	if want := []Problem{{"a", 2, 1}, {"b", 1, 0}}; !slices.Equal(top, want) {
		t.Errorf("top %v, want %v", top, want)
	}
}

// synth makes n resolved facts over a year in 85 regions × 40 МО.
func synth(n int) []Fact {
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := make([]Fact, n)
	for i := range fs {
		c := start.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		reg := r.IntN(85)
		fs[i] = Fact{ID: int64(i), Region: fmt.Sprintf("RU-%02d", reg), OrgUnit: fmt.Sprintf("MO-%02d-%d", reg, r.IntN(40)),
			System: fmt.Sprintf("mis-%d", r.IntN(10)), Vendor: fmt.Sprintf("v%d", r.IntN(12)), Kind: ticket.Incident,
			Priority: priority.Priority(1 + r.IntN(5)), Created: c, Resolved: c.Add(time.Duration(r.Int64N(int64(72 * time.Hour)))),
			Counts: true, Resolution: sla.State(3 + r.IntN(2)), Work: time.Duration(r.Int64N(int64(40 * time.Hour)))}
	}
	return fs
}

// BenchmarkSLA: the SLA report of a year over 1 M tickets by МО, and of
// one region's year (≈12 k tickets) by МО.
func BenchmarkSLA(b *testing.B) {
	all := synth(1_000_000)
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var region []Fact
	for _, f := range all {
		if f.Region == "RU-07" {
			region = append(region, f)
		}
	}
	b.Run("1M-by-orgunit", func(b *testing.B) {
		for b.Loop() {
			SLA(all, from, to, ByOrgUnit)
		}
	})
	b.Run("region-year-by-orgunit", func(b *testing.B) {
		for b.Loop() {
			SLA(region, from, to, ByOrgUnit)
		}
	})
	b.Run("1M-backlog-365-days", func(b *testing.B) {
		days := make([]time.Time, 365)
		for i := range days {
			days[i] = from.AddDate(0, 0, i)
		}
		for b.Loop() {
			Backlog(all, days)
		}
	})
}
