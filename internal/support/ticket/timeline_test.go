package ticket

import (
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/sla"
)

var msk = time.FixedZone("MSK", 3*3600)

func local(s string) time.Time {
	t, err := time.ParseInLocation("02.01.2006 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

type timed struct {
	at string
	a  Actor
	c  Command
}

func play(t *testing.T, opened string, steps ...timed) *Ticket {
	t.Helper()
	d := desk()
	tk, err := d.Open(spec(), mo, local(opened))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if _, err := d.Do(tk, s.c, s.a, local(s.at)); err != nil {
			t.Fatalf("%s %s: %v", s.at, s.c.Action, err)
		}
	}
	return tk
}

// TestTimelineAndClocks follows one ticket over the May holidays of 2025
// in Tula (office hours 09–13, 14–18; 30.04 is a shortened day to 17:00;
// 01–04.05 are off) and checks the timeline and both SLA clocks.
func TestTimelineAndClocks(t *testing.T) {
	tk := play(t, "30.04.2025 15:00",
		timed{"30.04.2025 15:20", agent, Command{Action: ActTake}},
		timed{"30.04.2025 16:00", agent, Command{Action: ActAskMO, Text: "Какая версия браузера?"}},
		timed{"05.05.2025 10:00", mo, Command{Action: ActComment, Text: "Chromium 120"}},
		timed{"05.05.2025 11:00", agent, Command{Action: ActEscalate, Contract: "c-1", Vendor: "barsmed", Text: "ошибка 500"}},
		timed{"06.05.2025 12:00", vendor, Command{Action: ActVendorDone, Text: "исправлен индекс"}},
		timed{"06.05.2025 13:30", agent, Command{Action: ActResolve, Code: VendorFix, Text: "исправлено поставщиком"}},
		timed{"07.05.2025 10:00", mo, Command{Action: ActReopen, Text: "снова ошибка"}},
		timed{"07.05.2025 11:00", agent, Command{Action: ActResolve, Code: Solved, Text: "очищен кэш"}},
		timed{"07.05.2025 12:00", mo, Command{Action: ActClose}},
	)
	tl := tk.Timeline()
	want := sla.Timeline{
		Created: local("30.04.2025 15:00"), Responded: local("30.04.2025 15:20"), Resolved: local("07.05.2025 11:00"),
		Pauses: []sla.Pause{
			{Start: local("30.04.2025 16:00"), End: local("05.05.2025 10:00"), Reason: sla.WaitingMO},
			{Start: local("05.05.2025 11:00"), End: local("06.05.2025 12:00"), Reason: sla.WaitingVendor},
			{Start: local("06.05.2025 13:30"), End: local("07.05.2025 10:00"), Reason: sla.Resolved},
		},
	}
	if !sameTimeline(tl, want) {
		t.Fatalf("timeline\n got %+v\nwant %+v", tl, want)
	}
	prod, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := calendar.ParseZone("Europe/Moscow")
	pol := sla.DefaultPolicy()
	target, _ := pol.Target(priority.Major)
	cal, err := sla.NewCalendars(prod).For(target.Hours, "RU-TUL", loc)
	if err != nil {
		t.Fatal(err)
	}
	r := sla.Evaluate(cal, target, 0, tl, local("08.05.2025 12:00"))
	// Response 20 min of 1 h. Resolution: 30.04 15–16, 05.05 10–11,
	// 06.05 12–13 (13:30 falls in the lunch hour), 07.05 10–11: 4 h of 8.
	if r.Response.Elapsed != 20*time.Minute || r.Response.State != sla.Met {
		t.Errorf("response %v %s", r.Response.Elapsed, r.Response.State)
	}
	if r.Resolution.Elapsed != 4*time.Hour || r.Resolution.State != sla.Met {
		t.Errorf("resolution %v %s", r.Resolution.Elapsed, r.Resolution.State)
	}
	// The vendor held it 05.05 11:00 – 06.05 12:00: 11–13, 14–18, 09–12 = 9 h.
	vt, ok := tk.VendorTimeline("c-1")
	if !ok {
		t.Fatal("no vendor timeline")
	}
	if !vt.Created.Equal(local("05.05.2025 11:00")) || !vt.Resolved.Equal(local("06.05.2025 12:00")) || !vt.Responded.Equal(vt.Resolved) || len(vt.Pauses) != 0 {
		t.Errorf("vendor timeline %+v", vt)
	}
	if got := cal.Between(vt.Created, vt.Resolved); got != 9*time.Hour {
		t.Errorf("vendor working time %v, want 9h", got)
	}
	if _, ok := tk.VendorTimeline("c-2"); ok {
		t.Error("a timeline for a contract the ticket never went to")
	}
}

func TestTimelineOpen(t *testing.T) {
	tests := []struct {
		name  string
		steps []timed
		want  sla.Timeline
	}{
		{"new: no response yet", nil, sla.Timeline{Created: local("04.03.2025 10:00")}},
		{"assignment is not a response",
			[]timed{{"04.03.2025 10:05", agent, Command{Action: ActAssign, Assignee: "x", Line: SecondLine}}},
			sla.Timeline{Created: local("04.03.2025 10:00")}},
		{"an internal note is not a response either",
			[]timed{{"04.03.2025 10:05", agent, Command{Action: ActComment, Text: "x", Internal: true}},
				{"04.03.2025 10:06", agent, Command{Action: ActComment, Text: "y"}}},
			sla.Timeline{Created: local("04.03.2025 10:00"), Responded: local("04.03.2025 10:06")}},
		{"waiting now: the pause is open",
			[]timed{{"04.03.2025 10:05", agent, Command{Action: ActTake}}, {"04.03.2025 11:00", agent, Command{Action: ActAskMO, Text: "?"}}},
			sla.Timeline{Created: local("04.03.2025 10:00"), Responded: local("04.03.2025 10:05"),
				Pauses: []sla.Pause{{Start: local("04.03.2025 11:00"), Reason: sla.WaitingMO}}}},
		{"withdrawn while waiting: the clock stops at closure",
			[]timed{{"04.03.2025 10:05", agent, Command{Action: ActTake}}, {"04.03.2025 11:00", agent, Command{Action: ActAskMO, Text: "?"}},
				{"04.03.2025 12:00", mo, Command{Action: ActWithdraw}}},
			sla.Timeline{Created: local("04.03.2025 10:00"), Responded: local("04.03.2025 10:05"), Resolved: local("04.03.2025 12:00"),
				Pauses: []sla.Pause{{Start: local("04.03.2025 11:00"), End: local("04.03.2025 12:00"), Reason: sla.WaitingMO}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := play(t, "04.03.2025 10:00", tc.steps...).Timeline()
			if !sameTimeline(tl, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", tl, tc.want)
			}
		})
	}
}

// TestVendorTimelineTwice: escalated, handed back, escalated again: the
// time with the centre in between is a pause of the contract's clock.
func TestVendorTimelineTwice(t *testing.T) {
	tk := play(t, "04.03.2025 10:00",
		timed{"04.03.2025 10:05", agent, Command{Action: ActTake}},
		timed{"04.03.2025 11:00", agent, Command{Action: ActEscalate, Contract: "c-1", Vendor: "barsmed", Text: "x"}},
		timed{"04.03.2025 12:00", vendor, Command{Action: ActNote, Text: "смотрим"}},
		timed{"04.03.2025 15:00", vendor, Command{Action: ActVendorDone, Text: "готово"}},
		timed{"05.03.2025 10:00", agent, Command{Action: ActEscalate, Contract: "c-1", Vendor: "barsmed", Text: "не помогло"}},
	)
	vt, _ := tk.VendorTimeline("c-1")
	want := sla.Timeline{Created: local("04.03.2025 11:00"), Responded: local("04.03.2025 12:00"),
		Pauses: []sla.Pause{{Start: local("04.03.2025 15:00"), End: local("05.03.2025 10:00"), Reason: sla.Resolved}}}
	if !sameTimeline(vt, want) {
		t.Errorf("\n got %+v\nwant %+v", vt, want)
	}
}

func sameTimeline(a, b sla.Timeline) bool {
	if !a.Created.Equal(b.Created) || !a.Responded.Equal(b.Responded) || !a.Resolved.Equal(b.Resolved) || len(a.Pauses) != len(b.Pauses) {
		return false
	}
	for i := range a.Pauses {
		p, q := a.Pauses[i], b.Pauses[i]
		if !p.Start.Equal(q.Start) || !p.End.Equal(q.End) || p.Reason != q.Reason {
			return false
		}
	}
	return true
}
