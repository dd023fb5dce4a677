// Package period implements DHIS2-style period identifiers (2021, 2021Q1,
// 202103, 2021W05, 20210315) and calendar arithmetic on them. All periods
// are calendar dates in UTC; weeks are ISO 8601 weeks (Monday first).
package period

import (
	"fmt"
	"time"
)

// Supported years. The bounds keep identifiers four digits wide and reject
// typos such as 0221 or 9021 early.
const (
	MinYear = 1900
	MaxYear = 2200
)

// Period is one calendar period. The zero value means "no period". Periods
// are small values comparable with ==.
type Period struct {
	typ  Type
	year int // ISO week-numbering year for weekly periods
	n    int // quarter, month, ISO week or day of year; 0 for yearly
}

// ParseError describes an identifier that Parse rejected.
type ParseError struct {
	Input  string
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("period %q: %s", e.Input, e.Reason)
}

// Parse reads a period identifier. Quarter and week letters may be lower
// case and weeks may omit the leading zero (DHIS2 writes 2021W5); String
// always returns the canonical form.
func Parse(s string) (Period, error) {
	fail := func(format string, a ...any) (Period, error) {
		return Period{}, &ParseError{Input: s, Reason: fmt.Sprintf(format, a...)}
	}
	if s == "" {
		return fail("empty")
	}
	if len(s) < 4 || !allDigits(s[:4]) {
		return fail("must start with a four-digit year (want 2021, 2021Q1, 202103, 2021W05 or 20210315)")
	}
	year := atoi(s[:4])
	if year < MinYear || year > MaxYear {
		return fail("year must be %d..%d", MinYear, MaxYear)
	}
	rest := s[4:]
	switch {
	case rest == "":
		return Period{typ: Yearly, year: year}, nil
	case rest[0] == 'Q' || rest[0] == 'q':
		if len(rest) != 2 || !allDigits(rest[1:]) {
			return fail("quarter must be one digit 1..4")
		}
		q := atoi(rest[1:])
		if q < 1 || q > 4 {
			return fail("quarter must be 1..4")
		}
		return Period{typ: Quarterly, year: year, n: q}, nil
	case rest[0] == 'W' || rest[0] == 'w':
		if len(rest) < 2 || len(rest) > 3 || !allDigits(rest[1:]) {
			return fail("week must be one or two digits 1..53")
		}
		w := atoi(rest[1:])
		if w < 1 || w > 53 {
			return fail("week must be 1..53")
		}
		if w > weeksIn(year) {
			return fail("ISO year %d has no week 53", year)
		}
		return Period{typ: Weekly, year: year, n: w}, nil
	case !allDigits(rest):
		return fail("unrecognised format (want 2021, 2021Q1, 202103, 2021W05 or 20210315)")
	case len(rest) == 2:
		m := atoi(rest)
		if m < 1 || m > 12 {
			return fail("month must be 01..12")
		}
		return Period{typ: Monthly, year: year, n: m}, nil
	case len(rest) == 4:
		m, d := atoi(rest[:2]), atoi(rest[2:])
		if m < 1 || m > 12 {
			return fail("month must be 01..12")
		}
		if last := daysIn(year, m); d < 1 || d > last {
			return fail("day must be 01..%02d in %04d-%02d", last, year, m)
		}
		return Period{typ: Daily, year: year, n: date(year, m, d).YearDay()}, nil
	default:
		return fail("unrecognised format (want 2021, 2021Q1, 202103, 2021W05 or 20210315)")
	}
}

// MustParse is Parse for identifiers known to be valid, such as constants
// in tests; it panics on error.
func MustParse(s string) Period {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the canonical identifier, or "" for the zero Period.
func (p Period) String() string {
	switch p.typ {
	case Yearly:
		return fmt.Sprintf("%04d", p.year)
	case Quarterly:
		return fmt.Sprintf("%04dQ%d", p.year, p.n)
	case Monthly:
		return fmt.Sprintf("%04d%02d", p.year, p.n)
	case Weekly:
		return fmt.Sprintf("%04dW%02d", p.year, p.n)
	case Daily:
		return p.Start().Format("20060102")
	}
	return ""
}

// Type returns the granularity of p (0 for the zero Period).
func (p Period) Type() Type { return p.typ }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p == Period{} }

// Year returns the calendar year of p; for weeks, the ISO week-numbering
// year, which differs from the calendar year around New Year.
func (p Period) Year() int { return p.year }

// Quarter returns 1..4 for quarterly periods and 0 otherwise.
func (p Period) Quarter() int {
	if p.typ == Quarterly {
		return p.n
	}
	return 0
}

// Month returns 1..12 for monthly and daily periods and 0 otherwise.
func (p Period) Month() int {
	switch p.typ {
	case Monthly:
		return p.n
	case Daily:
		return int(p.Start().Month())
	}
	return 0
}

// Week returns the ISO week 1..53 for weekly periods and 0 otherwise.
func (p Period) Week() int {
	if p.typ == Weekly {
		return p.n
	}
	return 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// atoi converts a short string of ASCII digits already checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func date(y, m, d int) time.Time {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

func daysIn(y, m int) int {
	return date(y, m+1, 0).Day()
}

// weeksIn returns 52 or 53: an ISO year has week 53 exactly when
// 28 December (always in the last week) falls in week 53.
func weeksIn(isoYear int) int {
	_, w := date(isoYear, 12, 28).ISOWeek()
	return w
}

// week1Monday is the Monday of ISO week 1: the week holding 4 January.
func week1Monday(isoYear int) time.Time {
	jan4 := date(isoYear, 1, 4)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -offset)
}
