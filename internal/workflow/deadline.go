package workflow

import (
	"time"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// DefaultDeadlineDays applies when a data set names no deadline: quarterly
// data are due by the 8th day of the month after the quarter.
const DefaultDeadlineDays = 8

// Due is the last moment data of ds for p are on time: the end of the
// DeadlineDays-th day after the period, Moscow time. For 2020Q4 and 8 days
// that is 2021-01-08 24:00 MSK.
func Due(ds *method.DataSet, p period.Period) time.Time {
	days := DefaultDeadlineDays
	if ds != nil && ds.DeadlineDays > 0 {
		days = ds.DeadlineDays
	}
	end := p.End() // UTC midnight after the period
	// The federal reporting calendar runs on Moscow time whatever the
	// region's own zone.
	return time.Date(end.Year(), end.Month(), end.Day()+days, 0, 0, 0, 0, rufmt.Moscow())
}

// Timeliness says whether a unit reported on time.
type Timeliness string

// Timeliness values.
const (
	OnTime  Timeliness = "on_time"
	Late    Timeliness = "late"
	Missing Timeliness = "missing" // not submitted and the deadline has passed
	Pending Timeliness = "pending" // not submitted, the deadline is still ahead
)

// Label is the Russian name.
func (t Timeliness) Label() string {
	switch t {
	case OnTime:
		return "в срок"
	case Late:
		return "с опозданием"
	case Missing:
		return "не представлено"
	case Pending:
		return "ожидается"
	}
	return string(t)
}

// TimelinessOf classifies a submission (zero time: none) against the due
// moment at time now.
func TimelinessOf(submitted, due, now time.Time) Timeliness {
	switch {
	case submitted.IsZero() && now.Before(due):
		return Pending
	case submitted.IsZero():
		return Missing
	case submitted.Before(due):
		return OnTime
	}
	return Late
}

// timeT keeps Completeness's signature short.
type timeT = time.Time
