package period

import (
	"fmt"
	"time"
)

// Start returns UTC midnight of the first day of p (the zero time for
// the zero Period).
func (p Period) Start() time.Time {
	switch p.typ {
	case Yearly:
		return date(p.year, 1, 1)
	case Quarterly:
		return date(p.year, 3*(p.n-1)+1, 1)
	case Monthly:
		return date(p.year, p.n, 1)
	case Weekly:
		return week1Monday(p.year).AddDate(0, 0, 7*(p.n-1))
	case Daily:
		return date(p.year, 1, p.n)
	}
	return time.Time{}
}

// End returns UTC midnight of the day after the last day of p, so that
// p covers [Start, End).
func (p Period) End() time.Time {
	switch p.typ {
	case Yearly:
		return date(p.year+1, 1, 1)
	case Quarterly:
		return date(p.year, 3*p.n+1, 1)
	case Monthly:
		return date(p.year, p.n+1, 1)
	case Weekly:
		return p.Start().AddDate(0, 0, 7)
	case Daily:
		return date(p.year, 1, p.n+1)
	}
	return time.Time{}
}

// Days returns the number of days in p.
func (p Period) Days() int {
	if p.IsZero() {
		return 0
	}
	return int(p.End().Sub(p.Start()).Hours()/24 + 0.5)
}

// Of returns the period of type typ containing the calendar date of t in
// t's own location. It returns the zero Period for an invalid type or a
// date whose period falls outside MinYear..MaxYear.
func Of(t time.Time, typ Type) Period {
	y, m, d := t.Date()
	var p Period
	switch typ {
	case Yearly:
		p = Period{typ: Yearly, year: y}
	case Quarterly:
		p = Period{typ: Quarterly, year: y, n: (int(m)-1)/3 + 1}
	case Monthly:
		p = Period{typ: Monthly, year: y, n: int(m)}
	case Weekly:
		wy, w := date(y, int(m), d).ISOWeek()
		p = Period{typ: Weekly, year: wy, n: w}
	case Daily:
		p = Period{typ: Daily, year: y, n: date(y, int(m), d).YearDay()}
	default:
		return Period{}
	}
	if p.year < MinYear || p.year > MaxYear {
		return Period{}
	}
	return p
}

// Next returns the period of the same type that follows p, or the zero
// Period past MaxYear.
func (p Period) Next() Period {
	if p.IsZero() {
		return Period{}
	}
	return Of(p.End(), p.typ)
}

// Prev returns the period of the same type that precedes p, or the zero
// Period before MinYear.
func (p Period) Prev() Period {
	if p.IsZero() {
		return Period{}
	}
	return Of(p.Start().AddDate(0, 0, -1), p.typ)
}

// Contains reports whether q lies entirely within p. A period contains
// itself; a week crossing New Year lies in neither year.
func (p Period) Contains(q Period) bool {
	if p.IsZero() || q.IsZero() {
		return false
	}
	return !q.Start().Before(p.Start()) && !q.End().After(p.End())
}

// Children returns the periods of type t lying entirely within p, in
// order. It returns nil when t is coarser than p.
func (p Period) Children(t Type) []Period {
	if p.IsZero() || !t.Valid() {
		return nil
	}
	start, end := p.Start(), p.End()
	var out []Period
	for c := Of(start, t); !c.IsZero() && c.Start().Before(end); c = c.Next() {
		if p.Contains(c) {
			out = append(out, c)
		}
	}
	return out
}

// Before orders periods by Start, then by End: a shorter period sorts
// before a longer one starting on the same day (202101, 2021Q1, 2021).
func (p Period) Before(q Period) bool {
	ps, qs := p.Start(), q.Start()
	if !ps.Equal(qs) {
		return ps.Before(qs)
	}
	return p.End().Before(q.End())
}

// Compare returns -1, 0 or +1 in the order of Before, for slices.SortFunc.
func Compare(p, q Period) int {
	switch {
	case p.Before(q):
		return -1
	case q.Before(p):
		return 1
	}
	return 0
}

// Range returns the periods from..to inclusive. Both must be of the same
// type and from must not come after to.
func Range(from, to Period) ([]Period, error) {
	if from.IsZero() || to.IsZero() {
		return nil, fmt.Errorf("period range %q..%q: empty bound", from, to)
	}
	if from.typ != to.typ {
		return nil, fmt.Errorf("period range %s..%s: types differ (%s, %s)", from, to, from.typ, to.typ)
	}
	if to.Before(from) {
		return nil, fmt.Errorf("period range %s..%s: start is after end", from, to)
	}
	var out []Period
	for p := from; !p.IsZero(); p = p.Next() {
		out = append(out, p)
		if p == to {
			return out, nil
		}
	}
	return nil, fmt.Errorf("period range %s..%s: end not reached", from, to)
}

// SameLastYear returns the period of the same type one year earlier:
// week 53 maps to week 52 when the earlier year has no week 53, and
// 29 February to 28 February. It returns the zero Period before MinYear.
func (p Period) SameLastYear() Period {
	y := p.year - 1
	if p.IsZero() || y < MinYear {
		return Period{}
	}
	switch p.typ {
	case Weekly:
		return Period{typ: Weekly, year: y, n: min(p.n, weeksIn(y))}
	case Daily:
		s := p.Start()
		d := min(s.Day(), daysIn(y, int(s.Month())))
		return Period{typ: Daily, year: y, n: date(y, int(s.Month()), d).YearDay()}
	}
	return Period{typ: p.typ, year: y, n: p.n}
}
