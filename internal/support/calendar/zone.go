package calendar

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	// Servers may lack /usr/share/zoneinfo; the Russian zones must resolve
	// everywhere, and nothing is fetched at run time.
	_ "time/tzdata"
)

var utcOffset = regexp.MustCompile(`^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// ParseZone reads a unit's time zone: an IANA name (Europe/Kaliningrad,
// Asia/Kamchatka) or a fixed offset as the reference settlements write it
// (UTC+3, UTC+12, UTC+05:30). Russia has kept no daylight saving since
// 2014, so a fixed offset is exact for current dates.
func ParseZone(s string) (*time.Location, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("часовой пояс не указан")
	}
	if s == "UTC" || s == "GMT" {
		return time.UTC, nil
	}
	if m := utcOffset.FindStringSubmatch(strings.ToUpper(s)); m != nil {
		h, _ := strconv.Atoi(m[2])
		mi := 0
		if m[3] != "" {
			mi, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mi > 59 {
			return nil, fmt.Errorf("«%s» — смещение вне −14…+14 ч", s)
		}
		off := h*3600 + mi*60
		name := fmt.Sprintf("UTC%s%d", m[1], h)
		if mi != 0 {
			name += fmt.Sprintf(":%02d", mi)
		}
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(name, off), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("«%s» — неизвестный часовой пояс (ожидается, например, Europe/Moscow или UTC+3)", s)
	}
	return loc, nil
}
