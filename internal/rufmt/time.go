package rufmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// moscow is Moscow time, UTC+3 all year since 2014. A fixed zone rather
// than the tz database's Europe/Moscow: the same on every machine, with or
// without tzdata, and right for every period the system holds.
var moscow = time.FixedZone("MSK", 3*3600)

// Moscow is the zone the federal calendar runs on and times are shown in
// unless a unit's own zone is asked for.
func Moscow() *time.Location { return moscow }

// Date writes t as ДД.ММ.ГГГГ in Moscow time; Dash for the zero time.
func Date(t time.Time) string { return DateIn(t, moscow) }

// DateIn is Date in the zone loc (a region's own zone, see Zone).
func DateIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return Dash
	}
	return t.In(loc).Format("02.01.2006")
}

// DateTime writes t as ДД.ММ.ГГГГ ЧЧ:ММ in Moscow time; Dash for zero.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	return t.In(moscow).Format("02.01.2006 15:04")
}

// Timestamp writes t as ДД.ММ.ГГГГ ЧЧ:ММ:СС in Moscow time (audit logs);
// Dash for zero.
func Timestamp(t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	return t.In(moscow).Format("02.01.2006 15:04:05")
}

// ParseZone reads a unit's time zone as the hierarchy stores it ("UTC+3",
// "UTC+5:30", "UTC-1", "UTC") or an IANA name; "" is Moscow time.
func ParseZone(s string) (*time.Location, error) {
	if s == "" {
		return moscow, nil
	}
	rest, ok := strings.CutPrefix(s, "UTC")
	if !ok {
		loc, err := time.LoadLocation(s)
		if err != nil {
			return nil, fmt.Errorf("time zone %q: %w", s, err)
		}
		return loc, nil
	}
	if rest == "" {
		return time.UTC, nil
	}
	sign := 1
	switch rest[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return nil, fmt.Errorf("time zone %q: want UTC±H[:MM]", s)
	}
	h, m, _ := strings.Cut(rest[1:], ":")
	hh, err := strconv.Atoi(h)
	if err != nil || hh < 0 || hh > 14 {
		return nil, fmt.Errorf("time zone %q: want UTC±H[:MM]", s)
	}
	mm := 0
	if m != "" {
		if mm, err = strconv.Atoi(m); err != nil || mm < 0 || mm > 59 {
			return nil, fmt.Errorf("time zone %q: want UTC±H[:MM]", s)
		}
	}
	return time.FixedZone(s, sign*(hh*3600+mm*60)), nil
}

// Zone is a unit's zone (orgunit.Unit.TimeZone), Moscow time when it has
// none or it does not parse.
func Zone(s string) *time.Location {
	if loc, err := ParseZone(s); err == nil {
		return loc
	}
	return moscow
}
