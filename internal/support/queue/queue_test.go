package queue

import (
	"slices"
	"testing"
	"time"

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
)

func clocks(t *testing.T) Clocks {
	p, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	kam, _ := calendar.ParseZone("Asia/Kamchatka")
	return Clocks{Calendars: sla.NewCalendars(p), Zone: func(u string) (*time.Location, error) {
		if u == "MO-KAM" {
			return kam, nil
		}
		return msk, nil
	}, Policies: map[string]sla.Policy{"c-1": {ID: "c-1", Name: "Договор", Targets: []sla.Target{
		{Priority: priority.Normal, Response: time.Hour, Resolution: 2 * time.Hour, Hours: calendar.OfficeHours()}}}}}
}

func open(t *testing.T, id int64, unit string, imp, urg priority.Level, when string, steps ...ticket.Command) *ticket.Ticket {
	t.Helper()
	d := ticket.Desk{}
	tk, err := d.Open(ticket.Spec{Kind: ticket.Incident, OrgUnit: unit, Region: "RU-TUL", Title: "x", Impact: imp, Urgency: urg, Source: ticket.Web}, mo, at(when))
	if err != nil {
		t.Fatal(err)
	}
	tk.ID = id
	for i, c := range steps {
		if _, err := d.Do(tk, c, agent, at(when).Add(time.Duration(i+1)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

// TestOrderAndNotices: Tue 04.03.2025 in Moscow office hours; P3
// responds in 4 h, resolves in 24 h; P1 runs 24×7, 30 min / 4 h.
func TestOrderAndNotices(t *testing.T) {
	c := clocks(t)
	take := ticket.Command{Action: ticket.ActTake}
	tks := []*ticket.Ticket{
		open(t, 1, "MO-1", priority.Medium, priority.Medium, "04.03.2025 09:00", take),                                                     // P3, answered: resolution due 07.03
		open(t, 2, "MO-1", priority.Medium, priority.Medium, "04.03.2025 09:30"),                                                           // P3, unanswered: response due 13:30
		open(t, 3, "MO-1", priority.High, priority.High, "04.03.2025 08:00"),                                                               // P1, unanswered since 08:00: breached at 08:30
		open(t, 4, "MO-1", priority.Medium, priority.Medium, "04.03.2025 09:00", take, ticket.Command{Action: ticket.ActAskMO, Text: "?"}), // paused
		open(t, 5, "MO-1", priority.Medium, priority.Medium, "04.03.2025 09:10"),                                                           // P3 unanswered, due 13:10: warning at 12:22
	}
	now := at("04.03.2025 12:30")
	var items []Item
	for _, tk := range tks {
		r, err := c.Centre(tk, now)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, Item{tk, r})
	}
	Order(items)
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.Ticket.ID)
	}
	// 3 breached; 5 in warning (3.2 h of 4 reached at 12:22); 2 running
	// (due 13:30); 1 running (due 07.03); 4 paused.
	if want := []int64{3, 5, 2, 1, 4}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	ns := Notices(items, at("04.03.2025 12:00"), now)
	if len(ns) != 1 || ns[0].Ticket.ID != 5 || ns[0].Breach || !ns[0].Response || !ns[0].At.Equal(at("04.03.2025 12:22")) {
		t.Errorf("notices %+v", ns)
	}
	// From 08:00 to 08:45 the P1 warns at 08:24 and breaches at 08:30.
	ns = Notices(items[:1], at("04.03.2025 08:00"), at("04.03.2025 08:45"))
	if len(ns) != 2 || ns[0].Breach || !ns[1].Breach || !ns[1].At.Equal(at("04.03.2025 08:30")) {
		t.Errorf("P1 notices %+v", ns)
	}
}

func TestVendorClock(t *testing.T) {
	c := clocks(t)
	tk := open(t, 1, "MO-1", priority.Medium, priority.Medium, "04.03.2025 09:00", ticket.Command{Action: ticket.ActTake},
		ticket.Command{Action: ticket.ActEscalate, Contract: "c-1", Vendor: "v", Text: "x"})
	r, err := c.Vendor(tk, at("04.03.2025 12:30"))
	if err != nil || r == nil {
		t.Fatal(r, err)
	}
	// Escalated 09:02; 2 h of office time: due 11:02, breached at 12:30.
	if r.Resolution.State != sla.Breached || !r.Resolution.Due.Equal(at("04.03.2025 11:02")) {
		t.Errorf("vendor clock %+v", r.Resolution)
	}
	if r, _ := c.Vendor(open(t, 2, "MO-1", priority.Medium, priority.Medium, "04.03.2025 09:00"), at("04.03.2025 12:30")); r != nil {
		t.Error("a vendor clock for a ticket never escalated")
	}
	// The unit's own zone: a Kamchatka ticket filed at 18:00 local is
	// outside office hours there.
	k := open(t, 3, "MO-KAM", priority.Medium, priority.Medium, "04.03.2025 09:00") // 18:00 in Kamchatka
	res, err := c.Centre(k, at("04.03.2025 10:00"))
	if err != nil || res.Response.Elapsed != 0 {
		t.Errorf("Kamchatka evening: %v %v", res.Response.Elapsed, err)
	}
}
