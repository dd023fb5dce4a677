package calendar

import (
	"fmt"
	"strings"
	"time"
)

// Span is a stretch of working hours within a day, as offsets from local
// midnight.
type Span struct{ From, To time.Duration }

// Schedule is when work happens on a working day.
type Schedule struct {
	// Spans are the working hours of a full working day in local time,
	// ordered and disjoint; empty means the whole day.
	Spans []Span
	// EveryDay counts every calendar day, weekends and holidays too (a 24×7
	// calendar, or an on-call desk working every day); the production
	// calendar is then not consulted.
	EveryDay bool
	// Shorten is cut from the end of a shortened day (one hour by art. 95).
	Shorten time.Duration
}

// OfficeHours is 09:00–18:00 with a lunch hour at 13:00: 8 hours, 7 on a
// shortened day.
func OfficeHours() Schedule {
	return Schedule{Spans: []Span{{9 * time.Hour, 13 * time.Hour}, {14 * time.Hour, 18 * time.Hour}}, Shorten: time.Hour}
}

// ParseHours reads "09:00-13:00,14:00-18:00" (a dash or an en dash).
func ParseHours(s string) ([]Span, error) {
	var out []Span
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(strings.ReplaceAll(part, "–", "-"))
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("«%s» — ожидается интервал ЧЧ:ММ-ЧЧ:ММ", part)
		}
		f, err := clock(from)
		if err != nil {
			return nil, err
		}
		t, err := clock(to)
		if err != nil {
			return nil, err
		}
		out = append(out, Span{f, t})
	}
	if err := checkSpans(out); err != nil {
		return nil, err
	}
	return out, nil
}

func clock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "24:00" {
		return 24 * time.Hour, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("«%s» — не время ЧЧ:ММ", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func checkSpans(spans []Span) error {
	var prev time.Duration
	for i, s := range spans {
		if s.From < 0 || s.To > 24*time.Hour || s.From >= s.To {
			return fmt.Errorf("интервал %s — начало должно быть раньше конца в пределах суток", fmtSpan(s))
		}
		if i > 0 && s.From < prev {
			return fmt.Errorf("интервал %s пересекается с предыдущим или идёт не по порядку", fmtSpan(s))
		}
		prev = s.To
	}
	return nil
}

func fmtSpan(s Span) string { return fmtClock(s.From) + "–" + fmtClock(s.To) }

func fmtClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// String renders the schedule in Russian.
func (s Schedule) String() string {
	days := "рабочие дни производственного календаря"
	if s.EveryDay {
		days = "ежедневно"
	}
	if len(s.Spans) == 0 {
		if s.EveryDay {
			return "круглосуточно, ежедневно (24×7)"
		}
		return "круглосуточно, " + days
	}
	parts := make([]string, len(s.Spans))
	for i, sp := range s.Spans {
		parts[i] = fmtSpan(sp)
	}
	return strings.Join(parts, ", ") + ", " + days
}

// Interval is a stretch of working time [Start, End).
type Interval struct{ Start, End time.Time }

// Calendar counts working time: a schedule on the days of a region's
// production calendar, in a time zone. It is immutable and safe for
// concurrent use.
type Calendar struct {
	name   string
	loc    *time.Location
	sched  Schedule
	region string
	prod   *Production
	whole  bool                    // EveryDay without spans: time is working time
	types  map[int][]DayType       // precomputed day types per year of the data
	cum    map[int][]time.Duration // per year: working time of the days before each day (prefix sums)
	hours  [3]time.Duration        // working time of an Off, Full and Short day
	spans  [3][]Span               // spans of each day type
}

// horizon bounds walks: a schedule found no working time within it is
// reported as never reaching its target (zero time), not as a hang.
const horizon = 20 * 366

// New returns a calendar. prod may be nil only for an EveryDay schedule.
func New(name string, prod *Production, region string, sched Schedule, loc *time.Location) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("календарь «%s»: не задан часовой пояс", name)
	}
	if err := checkSpans(sched.Spans); err != nil {
		return nil, fmt.Errorf("календарь «%s»: %w", name, err)
	}
	if prod == nil && !sched.EveryDay {
		return nil, fmt.Errorf("календарь «%s»: нужен производственный календарь", name)
	}
	if sched.Shorten < 0 {
		return nil, fmt.Errorf("календарь «%s»: сокращение дня не может быть отрицательным", name)
	}
	c := &Calendar{name: name, loc: loc, sched: sched, region: region, prod: prod, types: map[int][]DayType{}, cum: map[int][]time.Duration{}}
	c.whole = sched.EveryDay && len(sched.Spans) == 0
	full := sched.Spans
	if len(full) == 0 {
		full = []Span{{0, 24 * time.Hour}}
	}
	c.spans[Full] = full
	c.spans[Short] = shorten(full, sched.Shorten)
	for t := Full; t <= Short; t++ {
		for _, s := range c.spans[t] {
			c.hours[t] += s.To - s.From
		}
	}
	if prod != nil && !sched.EveryDay {
		years := map[int]bool{}
		for k := range prod.rows {
			if k.region == "" || k.region == region {
				years[k.year] = true
			}
		}
		for y := range years {
			n := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
			list := make([]DayType, n)
			d := Date{y, time.January, 1}
			for i := range list {
				list[i] = prod.Day(region, d)
				d = d.AddDays(1)
			}
			c.types[y] = list
			cum := make([]time.Duration, n+1)
			for i, t := range list {
				cum[i+1] = cum[i] + c.hours[t]
			}
			c.cum[y] = cum
		}
	}
	return c, nil
}

// TwentyFourSeven is a calendar in which every moment is working time.
func TwentyFourSeven(loc *time.Location) *Calendar {
	c, _ := New("24×7", nil, "", Schedule{EveryDay: true}, loc)
	return c
}

func shorten(spans []Span, by time.Duration) []Span {
	out := append([]Span(nil), spans...)
	for i := len(out) - 1; i >= 0 && by > 0; i-- {
		l := out[i].To - out[i].From
		if l > by {
			out[i].To -= by
			break
		}
		by -= l
		out = out[:i]
	}
	return out
}

// Name is the calendar's name.
func (c *Calendar) Name() string { return c.name }

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Region is the region whose days off apply ("" federal only).
func (c *Calendar) Region() string { return c.region }

// Schedule returns the working hours.
func (c *Calendar) Schedule() Schedule { return c.sched }

// Status reports what is known of the federal calendar of a year, for
// warnings on figures in provisional or missing years; 24×7 calendars
// need no production calendar and report Decree.
func (c *Calendar) Status(year int) Year {
	if c.sched.EveryDay {
		return Year{Year: year, Status: Decree}
	}
	return c.prod.Status("", year)
}

// DayType says what a date is in this calendar.
func (c *Calendar) DayType(d Date) DayType {
	if c.sched.EveryDay {
		return Full
	}
	if list, ok := c.types[d.Year]; ok {
		return list[d.YearDay()-1]
	}
	if weekend(d.Weekday()) {
		return Off
	}
	return Full
}

// Hours is the working time of a date.
func (c *Calendar) Hours(d Date) time.Duration { return c.hours[c.DayType(d)] }

// Intervals appends the working intervals of a local date to dst.
func (c *Calendar) Intervals(d Date, dst []Interval) []Interval {
	start := d.Midnight(c.loc)
	next := d.AddDays(1).Midnight(c.loc)
	return c.intervals(d, start, next, dst)
}

// intervals takes the day's bounds so that a walk computes each midnight
// once.
func (c *Calendar) intervals(d Date, start, next time.Time, dst []Interval) []Interval {
	t := c.DayType(d)
	if t == Off {
		return dst
	}
	_, off1 := start.Zone()
	_, off2 := next.Zone()
	plain := off1 == off2 && next.Sub(start) == 24*time.Hour
	for _, s := range c.spans[t] {
		var a, b time.Time
		if plain {
			a, b = start.Add(s.From), start.Add(s.To)
		} else { // a clock change within the day: place each bound by wall clock
			a = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, int(s.From), c.loc)
			b = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, int(s.To), c.loc)
			if s.To == 24*time.Hour {
				b = next
			}
		}
		dst = append(dst, Interval{a, b})
	}
	return dst
}

// Walk calls fn with the working intervals from t on, in order, the first
// clipped to start at t, until fn returns false or the horizon is reached.
func (c *Calendar) Walk(t time.Time, fn func(Interval) bool) {
	if c.whole {
		// One endless interval is split by day only to keep fn's contract
		// of bounded intervals.
		for i := 0; i < horizon; i++ {
			end := t.Add(24 * time.Hour)
			if !fn(Interval{t, end}) {
				return
			}
			t = end
		}
		return
	}
	lt := t.In(c.loc)
	d := DateOf(lt)
	start := d.Midnight(c.loc)
	var buf [4]Interval
	for i := 0; i < horizon; i++ {
		nd := d.AddDays(1)
		next := nd.Midnight(c.loc)
		for _, iv := range c.intervals(d, start, next, buf[:0]) {
			if !iv.End.After(t) {
				continue
			}
			if iv.Start.Before(t) {
				iv.Start = t
			}
			if !fn(iv) {
				return
			}
		}
		d, start = nd, next
	}
}

// Add returns the moment when d of working time has passed after t. A
// target reached exactly at the end of a working day is that end, not the
// next morning. The zero time means the horizon was reached first.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if c.whole {
		return t.Add(d)
	}
	var out time.Time
	c.Walk(t, func(iv Interval) bool {
		if l := iv.End.Sub(iv.Start); d > l {
			d -= l
			return true
		}
		out = iv.Start.Add(d)
		return false
	})
	return out
}

// Between is the working time in [a, b). Whole days in between are
// summed from per-year prefix sums, so a year-long span costs about as
// much as a day.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.whole {
		return b.Sub(a)
	}
	da, db := DateOf(a.In(c.loc)), DateOf(b.In(c.loc))
	var buf [4]Interval
	if da == db {
		return clip(c.Intervals(da, buf[:0]), a, b)
	}
	sum := clip(c.Intervals(da, buf[:0]), a, b)
	sum += c.sumDays(da.AddDays(1), db)
	return sum + clip(c.Intervals(db, buf[:0]), a, b)
}

// clip sums the parts of intervals within [a, b).
func clip(ivs []Interval, a, b time.Time) time.Duration {
	var sum time.Duration
	for _, iv := range ivs {
		s, e := iv.Start, iv.End
		if s.Before(a) {
			s = a
		}
		if e.After(b) {
			e = b
		}
		if e.After(s) {
			sum += e.Sub(s)
		}
	}
	return sum
}

// sumDays is the working time of the whole days [from, to).
func (c *Calendar) sumDays(from, to Date) time.Duration {
	var sum time.Duration
	for from.Before(to) {
		last := Date{from.Year, time.December, 31}.AddDays(1) // 1 January next year
		if to.Before(last) {
			last = to
		}
		if cum, ok := c.cum[from.Year]; ok {
			i, j := from.YearDay()-1, last.YearDay()-1
			if last.Year != from.Year {
				j = len(cum) - 1
			}
			sum += cum[j] - cum[i]
		} else {
			for d := from; d.Before(last); d = d.AddDays(1) {
				sum += c.Hours(d)
			}
		}
		from = last
	}
	return sum
}

// Working reports whether t is within working time.
func (c *Calendar) Working(t time.Time) bool {
	if c.whole {
		return true
	}
	for _, iv := range c.Intervals(DateOf(t.In(c.loc)), nil) {
		if !t.Before(iv.Start) && t.Before(iv.End) {
			return true
		}
	}
	return false
}
