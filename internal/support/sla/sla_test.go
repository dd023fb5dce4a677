package sla

import (
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/priority"
)

func calendars(t testing.TB) *Calendars {
	t.Helper()
	p, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	return NewCalendars(p)
}

func cal(t testing.TB, cs *Calendars, hours calendar.Schedule, region, tz string) *calendar.Calendar {
	t.Helper()
	loc, err := calendar.ParseZone(tz)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cs.For(hours, region, loc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at parses a local time "2006-01-02 15:04" in the calendar's zone; "" is
// the zero time.
func at(c *calendar.Calendar, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location())
	if err != nil {
		panic(err)
	}
	return t
}

type pause struct {
	from, to string
	why      Reason
}

// TestRun: every expectation is worked out in the case's comment. Office
// hours are 09:00–13:00 and 14:00–18:00, 17:00 on a shortened day.
func TestRun(t *testing.T) {
	cs := calendars(t)
	office := calendar.OfficeHours()
	always := calendar.Schedule{EveryDay: true}
	tests := []struct {
		name       string
		hours      calendar.Schedule
		region, tz string
		start      string
		target     time.Duration
		pauses     []pause
		done, now  string
		elapsed    time.Duration
		due, warn  string
		state      State
		paused     bool
	}{
		// Tue 04.03.2025 10–13 and 14–17: 6 h of 8 (75 %): running. The
		// whole Tuesday from 10:00 gives 7 h (10–13, 14–18), so the due
		// time is Wed 10:00; the warning at 6.4 h is Tue 17:24.
		{name: "running", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			now: "2025-03-04 17:00", elapsed: 6 * time.Hour, due: "2025-03-05 10:00", warn: "2025-03-04 17:24", state: Running},
		// 6.5 h of 8 is past 80 %.
		{name: "warning", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			now: "2025-03-04 17:30", elapsed: 6*time.Hour + 30*time.Minute, due: "2025-03-05 10:00", warn: "2025-03-04 17:24", state: Warning},
		// 7 h on Tuesday and 09–10:30 on Wednesday: 8.5 h.
		{name: "breached", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			now: "2025-03-05 10:30", elapsed: 8*time.Hour + 30*time.Minute, due: "2025-03-05 10:00", warn: "2025-03-04 17:24", state: Breached},
		// Done Wed 10:00: 7 + 1 = 8 h, exactly at the due time: met.
		{name: "met at the due time", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			done: "2025-03-05 10:00", now: "2025-03-20 10:00", elapsed: 8 * time.Hour, due: "2025-03-05 10:00", warn: "2025-03-04 17:24", state: Met},
		{name: "missed", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			done: "2025-03-05 11:00", now: "2025-03-20 10:00", elapsed: 9 * time.Hour, due: "2025-03-05 10:00", warn: "2025-03-04 17:24", state: Missed},
		// Waiting for the МО Tue 12:00 → Wed 10:00: 10–12 is 2 h, then Wed
		// 10–13 3 h and 14–17 3 h: due Wed 17:00. At Wed 12:00: 2 + 2 h.
		// The warning at 6.4 h: 2 + 3 + 1.4 h → Wed 15:24.
		{name: "pause for the МО", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			pauses: []pause{{"2025-03-04 12:00", "2025-03-05 10:00", WaitingMO}},
			now:    "2025-03-05 12:00", elapsed: 4 * time.Hour, due: "2025-03-05 17:00", warn: "2025-03-05 15:24", state: Running},
		// Still waiting on Thu 15:00: 2 h counted; due projected from now:
		// Thu 15–18 3 h, Fri 07.03 (shortened) 09–12 3 h → Fri 12:00.
		{name: "running pause", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			pauses: []pause{{"2025-03-04 12:00", "", WaitingVendor}},
			now:    "2025-03-06 15:00", elapsed: 2 * time.Hour, due: "2025-03-07 12:00", warn: "2025-03-07 10:24", state: Running, paused: true},
		// Fri 07.03.2025 (shortened) 16:00–16:30 is 0.5 h; paused until Mon
		// 10.03 11:00; 11–13 2 h; 14:00 + 1.5 h → 15:30.
		{name: "pause over a holiday weekend", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-07 16:00", target: 4 * time.Hour,
			pauses: []pause{{"2025-03-07 16:30", "2025-03-10 11:00", WaitingMO}},
			now:    "2025-03-10 11:00", elapsed: 30 * time.Minute, due: "2025-03-10 15:30", warn: "2025-03-10 14:42", state: Running},
		// Resolved Tue 15:00, reopened Thu 09:00, resolved again Thu 11:00:
		// 10–13 + 14–15 + Thu 09–11 = 6 h of 8.
		{name: "reopened", hours: office, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-03-04 10:00", target: 8 * time.Hour,
			pauses: []pause{{"2025-03-04 15:00", "2025-03-06 09:00", Resolved}},
			done:   "2025-03-06 11:00", now: "2025-03-07 10:00", elapsed: 6 * time.Hour, due: "2025-03-06 13:00", warn: "2025-03-06 11:24", state: Met},
		// A critical incident on New Year's Eve runs 24×7: 23:00 + 4 h.
		{name: "24x7 over New Year", hours: always, region: "RU-TUL", tz: "Europe/Moscow", start: "2025-12-31 23:00", target: 4 * time.Hour,
			done: "2026-01-01 02:30", now: "2026-01-02 00:00", elapsed: 3*time.Hour + 30*time.Minute, due: "2026-01-01 03:00", warn: "2026-01-01 02:12", state: Met},
		// Kamchatka (UTC+12): Fri 27.12.2024 17–18 1 h; Sat 28.12 a
		// working Saturday, 8 h; 29.12–08.01 off (31.12 moved, New Year
		// holidays); Thu 09.01.2025 09–13, 14–17: the last 7 h. The warning
		// at 12.8 h is 3.8 h into 09.01: 12:48.
		{name: "Kamchatka over New Year", hours: office, region: "RU-KAM", tz: "Asia/Kamchatka", start: "2024-12-27 17:00", target: 16 * time.Hour,
			now: "2025-01-09 10:00", elapsed: 10 * time.Hour, due: "2025-01-09 17:00", warn: "2025-01-09 12:48", state: Running},
		// Kaliningrad (UTC+2): Thu 08.05.2025 is a day off (moved), Fri 09.05
		// Victory Day: Wed 07.05 17–18 1 h, Mon 12.05 09–10 the second.
		{name: "Kaliningrad May holidays", hours: office, region: "RU-KGD", tz: "Europe/Kaliningrad", start: "2025-05-07 17:00", target: 2 * time.Hour,
			done: "2025-05-12 09:45", now: "2025-05-12 12:00", elapsed: time.Hour + 45*time.Minute, due: "2025-05-12 10:00", warn: "2025-05-12 09:36", state: Met},
		// Filed on Sunday: nothing counts until Monday 09:00.
		{name: "filed on Sunday", hours: office, region: "RU-TUL", tz: "UTC+3", start: "2026-07-05 12:00", target: time.Hour,
			now: "2026-07-05 20:00", elapsed: 0, due: "2026-07-06 10:00", warn: "2026-07-06 09:48", state: Running},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cal(t, cs, tt.hours, tt.region, tt.tz)
			var ps []Pause
			for _, p := range tt.pauses {
				ps = append(ps, Pause{at(c, p.from), at(c, p.to), p.why})
			}
			got := Run(c, at(c, tt.start), tt.target, ps, at(c, tt.done), at(c, tt.now), 0)
			show := func(x time.Time) string { return x.In(c.Location()).Format("2006-01-02 15:04") }
			if got.Elapsed != tt.elapsed {
				t.Errorf("elapsed %v, want %v", got.Elapsed, tt.elapsed)
			}
			if !got.Due.Equal(at(c, tt.due)) {
				t.Errorf("due %s, want %s", show(got.Due), tt.due)
			}
			if !got.WarnAt.Equal(at(c, tt.warn)) {
				t.Errorf("warning at %s, want %s", show(got.WarnAt), tt.warn)
			}
			if got.State != tt.state || got.Paused != tt.paused {
				t.Errorf("state %s paused %v, want %s %v", got.State, got.Paused, tt.state, tt.paused)
			}
			if got.Remaining() != tt.target-tt.elapsed {
				t.Errorf("remaining %v", got.Remaining())
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	cs := calendars(t)
	pol := DefaultPolicy()
	if err := pol.Validate(); err != nil {
		t.Fatal(err)
	}
	tg, _ := pol.Target(priority.Normal)
	c := cal(t, cs, tg.Hours, "RU-TUL", "Europe/Moscow")
	// P3: response 4 h, resolution 24 h (3 days). Filed Tue 04.03.2025
	// 10:00, answered 10:45, waiting for the МО Tue 11:00 → Wed 09:00.
	tl := Timeline{Created: at(c, "2025-03-04 10:00"), Responded: at(c, "2025-03-04 10:45"),
		Pauses: []Pause{{at(c, "2025-03-04 11:00"), at(c, "2025-03-05 09:00"), WaitingMO}}}
	r := Evaluate(c, tg, pol.WarnAt, tl, at(c, "2025-03-05 12:00"))
	if r.Response.State != Met || r.Response.Elapsed != 45*time.Minute {
		t.Errorf("response %+v", r.Response)
	}
	// Resolution: 1 h on Tuesday, 3 h on Wednesday by 12:00.
	if r.Resolution.Elapsed != 4*time.Hour || r.Resolution.State != Running || r.Provisional {
		t.Errorf("resolution %+v provisional %v", r.Resolution, r.Provisional)
	}
	// 20 h remain after Wed 12:00: Wed 12–13, 14–18 (5 h), Thu 8 h, Fri
	// 07.03, shortened, 7 h: due Fri 17:00.
	if want := at(c, "2025-03-07 17:00"); !r.Resolution.Due.Equal(want) {
		t.Errorf("due %s", r.Resolution.Due.In(c.Location()))
	}
	// A ticket whose clocks run into 2027 is flagged: 2027 is provisional.
	late := Timeline{Created: at(c, "2026-12-30 10:00")}
	if r := Evaluate(c, tg, 0, late, at(c, "2026-12-30 11:00")); !r.Provisional {
		t.Error("a due time in provisional 2027 is not flagged")
	}
}

func TestCalendarsCache(t *testing.T) {
	cs := calendars(t)
	a := cal(t, cs, calendar.OfficeHours(), "RU-TUL", "UTC+3")
	b := cal(t, cs, calendar.OfficeHours(), "RU-TUL", "UTC+3")
	d := cal(t, cs, calendar.OfficeHours(), "RU-TA", "UTC+3")
	if a != b || a == d {
		t.Fatal("cache keys")
	}
	x := cal(t, cs, calendar.Schedule{EveryDay: true}, "RU-TUL", "UTC+3")
	y := cal(t, cs, calendar.Schedule{EveryDay: true}, "RU-TA", "UTC+3")
	if x != y {
		t.Fatal("24x7 calendars should not differ by region")
	}
}

func TestPauses(t *testing.T) {
	h := func(n int) time.Time { return time.Date(2025, 3, 4, n, 0, 0, 0, time.UTC) }
	got := Pauses([]Pause{{h(5), h(6), WaitingMO}, {h(1), h(3), WaitingMO}, {h(2), h(4), WaitingVendor}, {h(7), h(7), WaitingMO}, {h(8), time.Time{}, WaitingMO}, {h(9), h(10), WaitingMO}})
	want := []Pause{{h(1), h(4), WaitingMO}, {h(5), h(6), WaitingMO}, {h(8), time.Time{}, WaitingMO}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Fatalf("%d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []Policy{
		{Name: ""},
		{Name: "x"},
		{Name: "x", Targets: []Target{{Priority: 9, Response: 1, Resolution: 2}}},
		{Name: "x", Targets: []Target{{Priority: 1, Response: 3, Resolution: 2}}},
		{Name: "x", Targets: []Target{{Priority: 1, Response: 1, Resolution: 2}, {Priority: 1, Response: 1, Resolution: 2}}},
		{Name: "x", WarnAt: 1.2, Targets: []Target{{Priority: 1, Response: 1, Resolution: 2}}},
	}
	for i, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("%d accepted", i)
		}
	}
}
