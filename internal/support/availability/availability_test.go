package availability

import (
	"math"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/probe"
)

var msk = time.FixedZone("MSK", 3*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("02.01.2006 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t
}

func office(t *testing.T) *calendar.Calendar {
	t.Helper()
	p, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	c, err := calendar.New("office", p, "RU-TUL", calendar.OfficeHours(), msk)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCompute: March 2025 in Tula has 20 working days of 8 h and one
// shortened day (07.03, 7 h): 167 h of office time; 744 h round the
// clock.
func TestCompute(t *testing.T) {
	cal := office(t)
	always := calendar.TwentyFourSeven(msk)
	from, to := Month(2025, time.March, msk)
	tests := []struct {
		name     string
		cal      *calendar.Calendar
		outages  []Outage
		maint    []Window
		service  time.Duration
		down     time.Duration
		failures int
		pct      float64
	}{
		{"no outages", cal, nil, nil, 167 * time.Hour, 0, 0, 100},
		// Tue 04.03 10:00–12:30: 2.5 h of office time.
		{"one outage in office hours", cal, []Outage{{System: "s", Start: at("04.03.2025 10:00"), End: at("04.03.2025 12:30")}}, nil,
			167 * time.Hour, 150 * time.Minute, 1, 100 * (167 - 2.5) / 167},
		// Sat 08.03 all day: no office time, not a failure.
		{"outage at the weekend", cal, []Outage{{System: "s", Start: at("08.03.2025 00:00"), End: at("09.03.2025 23:00")}}, nil,
			167 * time.Hour, 0, 0, 100},
		// Fri 07.03 (shortened, 09–13, 14–17) 16:00 to Mon 10.03 10:00:
		// 1 h + 1 h.
		{"over a holiday weekend", cal, []Outage{{System: "s", Start: at("07.03.2025 16:00"), End: at("10.03.2025 10:00")}}, nil,
			167 * time.Hour, 2 * time.Hour, 1, 100 * 165.0 / 167},
		// Maintenance Wed 05.03 09:00–13:00 leaves 163 h; an outage
		// 12:00–15:00 counts 14–15 only (13–14 is lunch).
		{"maintenance excluded", cal, []Outage{{System: "s", Start: at("05.03.2025 12:00"), End: at("05.03.2025 15:00")}},
			[]Window{{System: "s", Start: at("05.03.2025 09:00"), End: at("05.03.2025 13:00")}, {System: "other", Start: from, End: to}},
			163 * time.Hour, time.Hour, 1, 100 * 162.0 / 163},
		// Open outage from 31.03 17:00: 1 h to the end of the month;
		// another from February to 03.03 10:00: 1 h in March.
		{"clipped to the month", cal, []Outage{{System: "s", Start: at("31.03.2025 17:00")}, {System: "s", Start: at("27.02.2025 10:00"), End: at("03.03.2025 10:00")}, {System: "x", Start: from, End: to}}, nil,
			167 * time.Hour, 2 * time.Hour, 2, 100 * 165.0 / 167},
		{"round the clock", always, []Outage{{System: "s", Start: at("08.03.2025 00:00"), End: at("08.03.2025 06:00")}}, nil,
			744 * time.Hour, 6 * time.Hour, 1, 100 * 738.0 / 744},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Compute(tc.cal, "s", from, to, tc.outages, tc.maint)
			pct, ok := f.Percent()
			if f.Service != tc.service || f.Down != tc.down || f.Failures != tc.failures || !ok || math.Abs(pct-tc.pct) > 1e-9 {
				t.Errorf("got %+v %.4f%%, want service %v down %v failures %d %.4f%%", f, pct, tc.service, tc.down, tc.failures, tc.pct)
			}
			if tc.failures > 0 {
				if f.MTTR != tc.down/time.Duration(tc.failures) || f.MTBF != (tc.service-tc.down)/time.Duration(tc.failures) {
					t.Errorf("MTTR %v MTBF %v", f.MTTR, f.MTBF)
				}
			}
		})
	}
	// A period entirely under maintenance has nothing to measure.
	f := Compute(cal, "s", from, to, nil, []Window{{System: "s", Start: from, End: to}})
	if _, ok := f.Percent(); ok || f.Service != 0 {
		t.Errorf("all maintenance: %+v", f)
	}
}

func TestFromResults(t *testing.T) {
	base := at("04.03.2025 10:00")
	var rs []probe.Result
	for i, c := range "++---++--+----" {
		rs = append(rs, probe.Result{System: "s", At: base.Add(time.Duration(i) * time.Minute), OK: c == '+'})
	}
	got := FromResults(rs, 3)
	// 10:02–10:05 (three failures, back at 10:05); 10:07–10:08 is two
	// failures, not an outage; 10:10 onwards is open.
	want := []Outage{{System: "s", Start: base.Add(2 * time.Minute), End: base.Add(5 * time.Minute)}, {System: "s", Start: base.Add(10 * time.Minute)}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("outage %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// A recovery with no outage before it is dropped.
	if got := FromChanges([]probe.Change{{System: "s", Up: true, At: base}}); len(got) != 0 {
		t.Errorf("dangling recovery: %+v", got)
	}
}

// BenchmarkComputeYear: a year of office time with an outage every
// working day, the shape of a bad system's year.
func BenchmarkComputeYear(b *testing.B) {
	p, _ := calendar.Federal()
	cal, _ := calendar.New("office", p, "RU-TUL", calendar.OfficeHours(), msk)
	from := at("01.01.2025 00:00")
	to := from.AddDate(1, 0, 0)
	var os []Outage
	for d := from; d.Before(to); d = d.Add(24 * time.Hour) {
		os = append(os, Outage{System: "s", Start: d.Add(11 * time.Hour), End: d.Add(11*time.Hour + 20*time.Minute)})
	}
	b.ResetTimer()
	for b.Loop() {
		Compute(cal, "s", from, to, os, nil)
	}
}
