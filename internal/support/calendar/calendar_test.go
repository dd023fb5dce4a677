package calendar

import (
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/csvfile"
)

func federal(t testing.TB) *Production {
	t.Helper()
	p, err := Federal()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := ParseZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func office(t testing.TB, p *Production, region, tz string) *Calendar {
	t.Helper()
	c, err := New("office", p, region, OfficeHours(), zone(t, tz))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestPublishedNorms checks the shipped data against the published yearly
// norms for a 40-hour week (8 h a day, 7 h on a shortened day): 2024 —
// 248 days, 1979 h; 2025 — 247 days, 1972 h. 2026 follows from the
// reference rows: 247 days and its four listed shortened days, 247×8−4.
func TestPublishedNorms(t *testing.T) {
	c := office(t, federal(t), "", "Europe/Moscow")
	for _, tt := range []struct {
		year, days int
		hours      time.Duration
	}{{2024, 248, 1979}, {2025, 247, 1972}, {2026, 247, 1972}} {
		days, hours := 0, time.Duration(0)
		for d := (Date{tt.year, 1, 1}); d.Year == tt.year; d = d.AddDays(1) {
			if c.DayType(d) != Off {
				days++
			}
			hours += c.Hours(d)
		}
		if days != tt.days || hours != tt.hours*time.Hour {
			t.Errorf("%d: %d working days, %v; want %d days, %d h", tt.year, days, hours, tt.days, tt.hours)
		}
	}
}

func TestDayType(t *testing.T) {
	p := federal(t)
	fed := office(t, p, "", "Europe/Moscow")
	tests := []struct {
		date string
		want DayType
		why  string
	}{
		{"2024-04-27", Full, "working Saturday, decree No 1314"},
		{"2024-04-29", Off, "Monday off, moved from Sat 27.04"},
		{"2024-11-02", Short, "working Saturday before 04.11, shortened"},
		{"2024-12-28", Full, "working Saturday, not shortened"},
		{"2024-12-31", Off, "moved from Sun 07.01"},
		{"2025-01-09", Full, "first working day of 2025"},
		{"2025-03-07", Short, "before 08.03"},
		{"2025-05-08", Off, "moved from Sun 23.02"},
		{"2025-11-01", Short, "working Saturday, shortened"},
		{"2026-01-09", Off, "moved from Sat 03.01, decree No 1466"},
		{"2026-03-09", Off, "08.03 on a Sunday moves to Monday"},
		{"2026-04-30", Short, "listed with decree No 1466"},
		{"2026-07-04", Off, "an ordinary Saturday"},
		{"2026-07-06", Full, "an ordinary Monday"},
		{"2027-01-04", Off, "Labour Code New Year holiday"},
		{"2027-05-03", Off, "01.05 on a Saturday moves to Monday (art. 112)"},
		{"2027-02-22", Short, "before 23.02"},
		{"2030-01-01", Full, "no data for 2030: only weekends are known"},
	}
	for _, tt := range tests {
		if got := fed.DayType(date(tt.date)); got != tt.want {
			t.Errorf("%s (%s): %s, want %s", tt.date, tt.why, got.Label(), tt.want.Label())
		}
	}
}

func TestStatus(t *testing.T) {
	p := federal(t)
	for _, tt := range []struct {
		year int
		want Status
	}{{2024, Decree}, {2026, Decree}, {2027, Provisional}, {2030, Missing}} {
		if got := p.Status("", tt.year); got.Status != tt.want {
			t.Errorf("%d: %s, want %s", tt.year, got.Status, tt.want)
		}
	}
	if s := p.Status("", 2025).Source; !strings.Contains(s, "№ 1335") {
		t.Errorf("2025 source %q", s)
	}
	c := office(t, p, "", "Europe/Moscow")
	if c.Status(2027).Status != Provisional || TwentyFourSeven(time.UTC).Status(2027).Status != Decree {
		t.Error("calendar status")
	}
}

func regional(t testing.TB) *Production {
	t.Helper()
	f, err := os.Open("testdata/regional-example.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ParseExceptions(f, "regional-example.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, err := federal(t).With(rows, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRegionalDays(t *testing.T) {
	p := regional(t)
	ta := office(t, p, "RU-TA", "Europe/Moscow")
	tul := office(t, p, "RU-TUL", "Europe/Moscow")
	if got := ta.DayType(date("2025-06-06")); got != Off {
		t.Errorf("Kazan 06.06.2025: %s, want выходной", got.Label())
	}
	if got := tul.DayType(date("2025-06-06")); got != Full {
		t.Errorf("Tula 06.06.2025: %s, want рабочий", got.Label())
	}
	// Federal days still apply in the region.
	if got := ta.DayType(date("2025-06-12")); got != Off {
		t.Errorf("Kazan 12.06.2025: %s", got.Label())
	}
	if got := p.Regions(); len(got) != 1 || got[0] != "RU-TA" {
		t.Errorf("regions %v", got)
	}
	if p.Status("RU-TA", 2025).Status != Missing {
		t.Error("a region without a year row must not claim a status")
	}
}

// TestWith loads a hypothetical 2027 decree: it replaces the provisional
// rows of 2027 and nothing else.
func TestWith(t *testing.T) {
	p := federal(t)
	rows, err := ParseExceptions(strings.NewReader("date,kind,note\n2027-01-01,nonworking,x\n2027-01-04,nonworking,x\n2027-01-05,nonworking,x\n2027-01-06,nonworking,x\n2027-01-07,nonworking,x\n2027-01-08,nonworking,x\n"), "decree-2027.csv")
	if err != nil {
		t.Fatal(err)
	}
	years, err := ParseYears(strings.NewReader("year,status,source\n2027,decree,hypothetical\n"), "years-2027.csv")
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.With(rows, years)
	if err != nil {
		t.Fatal(err)
	}
	if q.Status("", 2027).Status != Decree || p.Status("", 2027).Status != Provisional {
		t.Error("status not replaced, or the original changed")
	}
	if got := q.Day("", date("2027-05-03")); got != Full {
		t.Errorf("2027-05-03 after reload: %s, want рабочий (the new rows do not list it)", got.Label())
	}
	if got := p.Day("", date("2027-05-03")); got != Off {
		t.Errorf("the original production calendar changed")
	}
	if got := q.Day("", date("2026-01-09")); got != Off {
		t.Errorf("2026 lost by a 2027 load")
	}
	if n := len(q.Exceptions("", 2027)); n != 6 {
		t.Errorf("2027 rows %d, want 6", n)
	}
}

// Working-time arithmetic. Each case is worked out by hand in its comment;
// office hours are 09:00–13:00 and 14:00–18:00 (7 h on a shortened day).
func TestAddBetween(t *testing.T) {
	p := regional(t)
	tests := []struct {
		name       string
		region, tz string
		start      string // local time
		target     time.Duration
		due        string // local time
	}{
		{"weekday within a day", "RU-TUL", "Europe/Moscow", "2025-03-04 10:00", 2 * time.Hour, "2025-03-04 12:00"},
		{"over lunch", "RU-TUL", "Europe/Moscow", "2025-03-04 12:00", 2 * time.Hour, "2025-03-04 15:00"},
		// Fri 07.03.2025 is shortened (ends 17:00): 16–17 is 1 h; Sat 08.03
		// and Sun; Mon 10.03 09–13 is 4 h, 14–17 the last 3 h.
		{"shortened day and holiday", "RU-TUL", "Europe/Moscow", "2025-03-07 16:00", 8 * time.Hour, "2025-03-10 17:00"},
		// Ends exactly at 18:00: due is 18:00, not the next morning.
		{"ends at close", "RU-TUL", "Europe/Moscow", "2025-03-04 14:00", 4 * time.Hour, "2025-03-04 18:00"},
		// Filed on Saturday: the clock starts Monday 09:00.
		{"filed at the weekend", "RU-TUL", "Europe/Moscow", "2025-03-15 11:00", time.Hour, "2025-03-17 10:00"},
		// Filed at 20:00: next morning.
		{"filed after hours", "RU-TUL", "Europe/Moscow", "2025-03-04 20:00", 30 * time.Minute, "2025-03-05 09:30"},
		// Kaliningrad (UTC+2): Tue 30.12.2025 17–18 is 1 h; 31.12 to
		// 11.01.2026 are days off (31.12 moved, 1–8 holidays, 9 moved,
		// weekend); Mon 12.01 09–12 the last 3 h.
		{"new year holidays in Kaliningrad", "RU-KGD", "Europe/Kaliningrad", "2025-12-30 17:00", 4 * time.Hour, "2026-01-12 12:00"},
		// Kamchatka (UTC+12): Fri 26.04.2024 17:30–18:00 is 0.5 h; Sat 27.04
		// is a working Saturday: 09–13 4 h, 14–17:30 3.5 h.
		{"working Saturday in Kamchatka", "RU-KAM", "Asia/Kamchatka", "2024-04-26 17:30", 8 * time.Hour, "2024-04-27 17:30"},
		// Then Apr 28 (Sun), 29, 30 (moved), May 1 (holiday): the next
		// working day after Sat 27.04 is Thu 02.05.
		{"may holidays in Kamchatka", "RU-KAM", "Asia/Kamchatka", "2024-04-27 17:00", 2 * time.Hour, "2024-05-02 10:00"},
		// Kazan: Fri 06.06.2025 is Kurban Bayram in Tatarstan (regional
		// file): Thu 05.06 17–18 is 1 h, Mon 09.06 09–10 the second.
		{"regional holiday in Kazan", "RU-TA", "Europe/Moscow", "2025-06-05 17:00", 2 * time.Hour, "2025-06-09 10:00"},
		// The same hours in Tula, where 06.06 is a working day.
		{"no regional holiday in Tula", "RU-TUL", "Europe/Moscow", "2025-06-05 17:00", 2 * time.Hour, "2025-06-06 10:00"},
		// A fixed-offset zone as the settlements file writes it.
		{"UTC+7 Krasnoyarsk", "RU-KYA", "UTC+7", "2026-06-11 16:00", 3 * time.Hour, "2026-06-15 11:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := office(t, p, tt.region, tt.tz)
			start, _ := time.ParseInLocation("2006-01-02 15:04", tt.start, c.Location())
			want, _ := time.ParseInLocation("2006-01-02 15:04", tt.due, c.Location())
			got := c.Add(start, tt.target)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %v) = %s, want %s", tt.start, tt.target, got.In(c.Location()).Format("2006-01-02 15:04"), tt.due)
			}
			if b := c.Between(start, want); b != tt.target {
				t.Fatalf("Between(%s, %s) = %v, want %v", tt.start, tt.due, b, tt.target)
			}
		})
	}
}

// Working Saturday 26.04.2024 18:00 (UTC+12) is 06:00 UTC; the same due
// instant seen in Moscow: the calendar works in its own zone whatever the
// zone of the input time.
func TestInputZoneDoesNotMatter(t *testing.T) {
	c := office(t, federal(t), "RU-KAM", "Asia/Kamchatka")
	start := time.Date(2024, 4, 26, 5, 30, 0, 0, time.UTC) // 17:30 in Kamchatka
	msk := zone(t, "Europe/Moscow")
	a, b := c.Add(start, 8*time.Hour), c.Add(start.In(msk), 8*time.Hour)
	if !a.Equal(b) || !a.Equal(time.Date(2024, 4, 27, 5, 30, 0, 0, time.UTC)) {
		t.Fatalf("%s %s", a, b)
	}
}

func TestTwentyFourSeven(t *testing.T) {
	c := TwentyFourSeven(zone(t, "Europe/Moscow"))
	start := time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC)
	if got := c.Add(start, 4*time.Hour); !got.Equal(start.Add(4 * time.Hour)) {
		t.Fatalf("24x7 Add over New Year: %s", got)
	}
	if got := c.Between(start, start.Add(50*time.Hour)); got != 50*time.Hour {
		t.Fatalf("24x7 Between %v", got)
	}
	if !c.Working(start) || c.DayType(date("2026-01-01")) != Full {
		t.Fatal("24x7 has no days off")
	}
}

// An on-call desk 08:00–20:00 every day counts holidays too.
func TestEveryDayHours(t *testing.T) {
	spans, err := ParseHours("08:00–20:00")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New("daily", nil, "", Schedule{Spans: spans, EveryDay: true}, zone(t, "UTC+3"))
	if err != nil {
		t.Fatal(err)
	}
	// 31.12.2025 19:00 +3: 1 h that day, then 01.01 08:00–11:00.
	start := time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)
	want := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC) // 11:00 +3
	if got := c.Add(start, 4*time.Hour); !got.Equal(want) {
		t.Fatalf("got %s want %s", got, want)
	}
}

// Moscow moved from UTC+4 to UTC+3 on 26.10.2014 at 02:00: that day had 25
// hours, and a whole-day span must cover all of them.
func TestClockChangeDay(t *testing.T) {
	c, err := New("daily", nil, "", Schedule{Spans: []Span{{0, 24 * time.Hour}}, EveryDay: true}, zone(t, "Europe/Moscow"))
	if err != nil {
		t.Fatal(err)
	}
	ivs := c.Intervals(date("2014-10-26"), nil)
	if len(ivs) != 1 || ivs[0].End.Sub(ivs[0].Start) != 25*time.Hour {
		t.Fatalf("%v", ivs)
	}
}

func TestWorking(t *testing.T) {
	c := office(t, federal(t), "", "Europe/Moscow")
	msk := c.Location()
	for _, tt := range []struct {
		at   string
		want bool
	}{
		{"2025-03-04 09:00", true}, {"2025-03-04 13:30", false}, {"2025-03-04 17:59", true}, {"2025-03-04 18:00", false},
		{"2025-03-07 17:30", false}, // shortened day ends 17:00
		{"2025-03-08 10:00", false},
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", tt.at, msk)
		if got := c.Working(at); got != tt.want {
			t.Errorf("Working(%s) = %v", tt.at, got)
		}
	}
}

func TestShorten(t *testing.T) {
	spans := []Span{{9 * time.Hour, 13 * time.Hour}, {14 * time.Hour, 14*time.Hour + 30*time.Minute}}
	got := shorten(spans, time.Hour)
	if len(got) != 1 || got[0].To != 12*time.Hour+30*time.Minute {
		t.Fatalf("%v", got)
	}
}

func TestParseZone(t *testing.T) {
	for _, tt := range []struct {
		in     string
		offset int // seconds, in June 2025
	}{{"UTC+3", 3 * 3600}, {"UTC+12", 12 * 3600}, {"utc+05:30", 5*3600 + 1800}, {"UTC-1", -3600}, {"Europe/Kaliningrad", 2 * 3600}, {"Asia/Kamchatka", 12 * 3600}, {"Asia/Anadyr", 12 * 3600}, {"Europe/Samara", 4 * 3600}} {
		loc, err := ParseZone(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if _, off := time.Date(2025, 6, 1, 0, 0, 0, 0, loc).Zone(); off != tt.offset {
			t.Errorf("%s: offset %d, want %d", tt.in, off, tt.offset)
		}
	}
	for _, bad := range []string{"", "UTC+15", "Mars/Olympus", "+3:99"} {
		if _, err := ParseZone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseHours(t *testing.T) {
	if _, err := ParseHours("09:00-13:00, 14:00-18:00"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"9-18", "18:00-09:00", "09:00-13:00,12:00-18:00", "09:00", "25:00-26:00"} {
		if _, err := ParseHours(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"bad date", "date,kind\n2025-01-01,nonworking\n2025-02-30,nonworking\n", "f.csv, строка 3, поле «date»: «2025-02-30» — не дата в виде ГГГГ-ММ-ДД"},
		{"bad kind", "date,kind\n2025-01-01,holiday\n", "f.csv, строка 2, поле «kind»: «holiday» — неизвестный вид дня; допустимы nonworking, working, shortened"},
		{"working weekday", "date,kind\n2025-03-05,working\n", "f.csv, строка 2, поле «kind»: 05.03.2025 — будний день; рабочим можно сделать только субботу или воскресенье"},
		{"bad region", "region,date,kind\nTatarstan,2025-06-06,nonworking\n", "f.csv, строка 2, поле «region»: «TATARSTAN» — не код региона ISO 3166-2:RU (например, RU-TA)"},
		{"year out of range", "date,kind\n2205-01-01,nonworking\n", "f.csv, строка 2, поле «date»: год 2205 вне 2000–2100"},
		{"duplicate", "date,kind\n2025-01-01,nonworking\n2025-01-01,shortened\n", "f.csv: федеральный календарь 01.01.2025: день указан дважды (нерабочий день и сокращённый предпраздничный день)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseExceptions(strings.NewReader(tt.data), "f.csv")
			var e *csvfile.Error
			if !errors.As(err, &e) || err.Error() != tt.want {
				t.Fatalf("error\n %v\nwant\n %s", err, tt.want)
			}
		})
	}
	if _, err := ParseYears(strings.NewReader("year,status\n2027,approved\n"), "y.csv"); err == nil || !strings.Contains(err.Error(), "y.csv, строка 2, поле «status»") {
		t.Fatalf("years: %v", err)
	}
	// Russian headers and values are accepted.
	rows, err := ParseExceptions(strings.NewReader("Регион;Дата;Вид;Примечание\nRU-BA;2025-03-31;нерабочий;Ураза-байрам\n"), "ba.csv")
	if err != nil || len(rows) != 1 || rows[0].Region != "RU-BA" || rows[0].Kind != Nonworking {
		t.Fatalf("%v %v", rows, err)
	}
}

// TestBetweenMatchesWalk checks the prefix-sum Between against summing the
// walked intervals, over random spans from 2023 (no data) to 2031 (none
// either), in three zones.
func TestBetweenMatchesWalk(t *testing.T) {
	p := regional(t)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tz := range []string{"Europe/Kaliningrad", "Europe/Moscow", "Asia/Kamchatka"} {
		c := office(t, p, "RU-TA", tz)
		base := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
		for range 300 {
			a := base.Add(time.Duration(rng.Int64N(int64(8 * 365 * 24 * time.Hour))))
			b := a.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			var want time.Duration
			c.Walk(a, func(iv Interval) bool {
				if !iv.Start.Before(b) {
					return false
				}
				if iv.End.After(b) {
					iv.End = b
				}
				want += iv.End.Sub(iv.Start)
				return true
			})
			if got := c.Between(a, b); got != want {
				t.Fatalf("%s Between(%s, %s) = %v, walk gives %v", tz, a, b, got, want)
			}
		}
	}
}
