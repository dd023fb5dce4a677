package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cifra-health/cifra/internal/period"
)

// Timeline is the demo's calendar as of a date: the quarters it holds end
// with the last complete quarter before that date and cover at least two
// full years, so that the demo always has two annual ratings; the first of
// those years is closed and published, and the last quarter's collection is
// in progress.
type Timeline struct {
	AsOf time.Time
	// From and To are the first and last quarters.
	From, To period.Period
	// ClosedYear is the published year (the first full year).
	ClosedYear period.Period
	// FeedSnapshot is when the demo's slot snapshot is taken: the morning
	// of the as-of day, so that free slots lie ahead of "now".
	FeedSnapshot time.Time
}

// TimelineAt is the timeline of a demo built at asOf. Calendar dates are
// taken in UTC: the demo's quarters do not hinge on the hours around
// midnight of a quarter's first day.
func TimelineAt(asOf time.Time) Timeline {
	asOf = asOf.UTC()
	last := period.Of(asOf, period.Quarterly).Prev()
	firstYear := last.Year() - 2
	if last.Quarter() == 4 {
		firstYear = last.Year() - 1
	}
	from := period.MustParse(strconv.Itoa(firstYear) + "Q1")
	day := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 6, 0, 0, 0, time.UTC)
	return Timeline{
		AsOf:         asOf,
		From:         from,
		To:           last,
		ClosedYear:   period.MustParse(strconv.Itoa(firstYear)),
		FeedSnapshot: day,
	}
}

// ParseAsOf reads a --as-of date (ГГГГ-ММ-ДД or ДД.ММ.ГГГГ); "" is today.
func ParseAsOf(s string, now func() time.Time) (time.Time, error) {
	if s == "" {
		return now(), nil
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("дата %q: ожидается ГГГГ-ММ-ДД (например 2026-12-07) или ДД.ММ.ГГГГ", s)
}
