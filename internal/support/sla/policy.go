package sla

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/priority"
)

// Target is what a contract promises for one priority.
type Target struct {
	Priority   priority.Priority
	Response   time.Duration // first response, in working time of Hours
	Resolution time.Duration // resolution, in working time of Hours
	// Hours is when the clocks run: office hours on the production
	// calendar, or every day (24×7 for critical incidents).
	Hours calendar.Schedule
}

// Policy is an SLA: the centre's own (for the first and second line) or a
// vendor contract's.
type Policy struct {
	ID      string
	Name    string
	Targets []Target
	WarnAt  float64 // warning share; 0 means DefaultWarnAt
}

// Target returns the target for a priority.
func (p *Policy) Target(pr priority.Priority) (Target, bool) {
	for _, t := range p.Targets {
		if t.Priority == pr {
			return t, true
		}
	}
	return Target{}, false
}

// Validate checks a policy as an administrator enters it.
func (p *Policy) Validate() error {
	if p.Name == "" {
		return fmt.Errorf("SLA без названия")
	}
	if p.WarnAt < 0 || p.WarnAt >= 1 {
		return fmt.Errorf("SLA «%s»: порог предупреждения должен быть от 0 до 1 (например, 0,8)", p.Name)
	}
	seen := map[priority.Priority]bool{}
	for _, t := range p.Targets {
		switch {
		case !t.Priority.Valid():
			return fmt.Errorf("SLA «%s»: неизвестный приоритет %d", p.Name, t.Priority)
		case seen[t.Priority]:
			return fmt.Errorf("SLA «%s»: приоритет %s указан дважды", p.Name, t.Priority.Code())
		case t.Response <= 0 || t.Resolution <= 0:
			return fmt.Errorf("SLA «%s», %s: сроки реакции и решения должны быть больше нуля", p.Name, t.Priority.Code())
		case t.Response > t.Resolution:
			return fmt.Errorf("SLA «%s», %s: срок реакции больше срока решения", p.Name, t.Priority.Code())
		}
		seen[t.Priority] = true
	}
	if len(seen) == 0 {
		return fmt.Errorf("SLA «%s»: не заданы сроки ни для одного приоритета", p.Name)
	}
	return nil
}

// DefaultPolicy is the centre's own SLA when a region sets none:
// critical incidents run 24×7 (response 30 min, resolution 4 h); the rest
// in office hours (P2 1 h / 8 h, P3 4 h / 3 working days, P4 8 h / 5 days,
// P5 2 days / 20 days).
func DefaultPolicy() Policy {
	day := 8 * time.Hour
	office := calendar.OfficeHours()
	return Policy{ID: "default", Name: "Стандартный SLA центра поддержки", Targets: []Target{
		{priority.Critical, 30 * time.Minute, 4 * time.Hour, calendar.Schedule{EveryDay: true}},
		{priority.Major, time.Hour, day, office},
		{priority.Normal, 4 * time.Hour, 3 * day, office},
		{priority.Minor, day, 5 * day, office},
		{priority.Planned, 2 * day, 20 * day, office},
	}}
}

// Timeline is what the clocks need from a ticket's history (package ticket
// builds it from the events).
type Timeline struct {
	Created   time.Time
	Responded time.Time // first response by the desk; zero if none yet
	Resolved  time.Time // resolved and not reopened since; zero while open
	Pauses    []Pause   // sorted by start, not overlapping
}

// Result is both clocks of a ticket.
type Result struct {
	Response, Resolution Clock
	Calendar             *calendar.Calendar
	// Provisional warns that the clocks ran through a year whose
	// production calendar is not confirmed by decree.
	Provisional bool
}

// Evaluate runs the clocks of one ticket: first response from creation to
// the first response (never paused: asking the МО a question is a
// response), resolution from creation to resolution with the pauses cut
// out.
func Evaluate(cal *calendar.Calendar, t Target, warnAt float64, tl Timeline, now time.Time) Result {
	r := Result{Calendar: cal}
	r.Response = Run(cal, tl.Created, t.Response, nil, tl.Responded, now, warnAt)
	r.Resolution = Run(cal, tl.Created, t.Resolution, tl.Pauses, tl.Resolved, now, warnAt)
	last := r.Resolution.Due
	if !tl.Resolved.IsZero() {
		last = tl.Resolved
	}
	for y := tl.Created.Year(); y <= last.Year() && y <= tl.Created.Year()+1; y++ {
		if cal.Status(y).Status != calendar.Decree {
			r.Provisional = true
		}
	}
	return r
}

// Calendars builds and keeps the working-time calendars the clocks need:
// one per schedule, region and time zone. Safe for concurrent use.
type Calendars struct {
	prod  *calendar.Production
	mu    sync.Mutex
	cache map[calKey]*calendar.Calendar
}

type calKey struct {
	hours, region, zone string
}

// NewCalendars returns a cache over a production calendar.
func NewCalendars(prod *calendar.Production) *Calendars {
	return &Calendars{prod: prod, cache: map[calKey]*calendar.Calendar{}}
}

// For returns the calendar of a schedule for a unit in region and zone
// loc.
func (c *Calendars) For(hours calendar.Schedule, region string, loc *time.Location) (*calendar.Calendar, error) {
	k := calKey{hours.String() + fmt.Sprint(hours.Spans, hours.Shorten), region, loc.String()}
	if hours.EveryDay {
		k.region = "" // the production calendar is not consulted
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cal, ok := c.cache[k]; ok {
		return cal, nil
	}
	name := hours.String() + " (" + loc.String() + ")"
	cal, err := calendar.New(name, c.prod, k.region, hours, loc)
	if err != nil {
		return nil, err
	}
	c.cache[k] = cal
	return cal, nil
}

// Pauses normalises pauses: sorted by start, overlaps merged, empty ones
// dropped; a running pause (zero End) stays last.
func Pauses(ps []Pause) []Pause {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b Pause) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, p := range out {
		if !p.End.IsZero() && !p.End.After(p.Start) {
			continue
		}
		if n := len(merged); n > 0 {
			last := &merged[n-1]
			if last.End.IsZero() {
				continue // already paused for good
			}
			if !p.Start.After(last.End) {
				if p.End.IsZero() || p.End.After(last.End) {
					last.End = p.End
				}
				continue
			}
		}
		merged = append(merged, p)
	}
	return merged
}
