// Package calendar holds Russia's production calendar as data per year —
// federal exceptions to the Monday–Friday week with their decrees, regional
// non-working days added per region, shortened pre-holiday days — and
// working-time calendars built on it: working hours in a unit's own time
// zone, or 24×7. SLA clocks (package sla) count time in them.
package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date without a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("«%s» — не дата в виде ГГГГ-ММ-ДД", s)
	}
	return DateOf(t), nil
}

// DateOf is the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Russian renders ДД.ММ.ГГГГ.
func (d Date) Russian() string { return fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year) }

// Midnight is the start of the day in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) utc() time.Time { return d.Midnight(time.UTC) }

// Weekday of the date.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// AddDays moves the date by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// YearDay is 1..366.
func (d Date) YearDay() int { return d.utc().YearDay() }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.utc().Before(e.utc()) }

func weekend(w time.Weekday) bool { return w == time.Saturday || w == time.Sunday }
