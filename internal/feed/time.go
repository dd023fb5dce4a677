package feed

import (
	"fmt"
	"time"
)

// ParseTime reads a FHIR date, dateTime or instant: YYYY, YYYY-MM,
// YYYY-MM-DD, or YYYY-MM-DDThh:mm(:ss(.fff)?)?(Z|±hh:mm). Partial dates and
// times without a zone are taken as UTC (FHIR requires a zone whenever a
// time is given, some systems drop it). The result is in UTC. The common
// shapes are parsed by hand: time.Parse is the slowest step of slot ingest.
func ParseTime(b []byte) (time.Time, error) {
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q is not a FHIR date/time: %s", b, why)
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, len(s) > 0
	}
	if len(b) < 4 {
		return bad("too short")
	}
	year, ok := num(b[:4])
	if !ok {
		return bad("year")
	}
	month, day := 1, 1
	rest := b[4:]
	if len(rest) > 0 {
		if len(rest) < 3 || rest[0] != '-' {
			return bad("month")
		}
		if month, ok = num(rest[1:3]); !ok || month < 1 || month > 12 {
			return bad("month")
		}
		rest = rest[3:]
	}
	if len(rest) > 0 {
		if len(rest) < 3 || rest[0] != '-' {
			return bad("day")
		}
		if day, ok = num(rest[1:3]); !ok || day < 1 || day > daysIn(year, month) {
			return bad("day")
		}
		rest = rest[3:]
	}
	var hh, mm, ss, nsec int
	off := 0 // seconds east of UTC
	if len(rest) > 0 {
		if rest[0] != 'T' || len(rest) < 6 || rest[3] != ':' {
			return bad("time")
		}
		if hh, ok = num(rest[1:3]); !ok || hh > 23 {
			return bad("hour")
		}
		if mm, ok = num(rest[4:6]); !ok || mm > 59 {
			return bad("minute")
		}
		rest = rest[6:]
		if len(rest) > 0 && rest[0] == ':' {
			if len(rest) < 3 {
				return bad("second")
			}
			// FHIR allows a leap second 60.
			if ss, ok = num(rest[1:3]); !ok || ss > 60 {
				return bad("second")
			}
			rest = rest[3:]
			if len(rest) > 0 && rest[0] == '.' {
				i := 1
				scale := 100000000
				for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
					nsec += int(rest[i]-'0') * scale
					scale /= 10
					i++
				}
				if i == 1 {
					return bad("fraction")
				}
				rest = rest[i:]
			}
		}
		switch {
		case len(rest) == 0:
		case len(rest) == 1 && rest[0] == 'Z':
		case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
			oh, ok1 := num(rest[1:3])
			om, ok2 := num(rest[4:6])
			if !ok1 || !ok2 || oh > 14 || om > 59 {
				return bad("zone")
			}
			off = oh*3600 + om*60
			if rest[0] == '-' {
				off = -off
			}
		default:
			return bad("zone")
		}
	}
	// Seconds since the epoch by civil-day arithmetic: time.Date normalises
	// and looks up zones, which costs more than the rest of the parse.
	sec := daysFromCivil(year, month, day)*86400 + int64(hh*3600+mm*60+ss-off)
	return time.Unix(sec, int64(nsec)).UTC(), nil
}

// daysFromCivil returns the days from 1970-01-01 to the proleptic
// Gregorian date y-m-d (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399 // floor division
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func daysIn(year, month int) int {
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 29
	}
	return monthDays[month]
}
