package review

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// Workdays says what a date is in a region; *calendar.Production is one.
type Workdays interface {
	Day(region string, d calendar.Date) calendar.DayType
}

// Control is the internal control of one МО: its policy, commission,
// working days (the production calendar of its region) and time zone.
// Its methods make every change to reviews and corrective actions: they
// check who acts, move the state, and append an audit Event.
type Control struct {
	Policy     *Policy
	Commission *Commission
	Days       Workdays
	Region     string         // for regional days off
	Loc        *time.Location // the МО's zone: dates and deadlines are its local dates
}

// NewControl checks that the commission belongs to the МО's policy.
func NewControl(p *Policy, c *Commission, days Workdays, region string, loc *time.Location) (*Control, error) {
	if p == nil || c == nil || days == nil || loc == nil {
		return nil, errors.New("review: policy, commission, working days and zone are all needed")
	}
	for _, m := range c.Members {
		if _, ok := p.Level(m.Level); !ok {
			return nil, fmt.Errorf("комиссия %s: у %s неизвестный уровень контроля %q", c.MO, m.Login, m.Level)
		}
	}
	return &Control{Policy: p, Commission: c, Days: days, Region: region, Loc: loc}, nil
}

// Date is the МО's local date of t.
func (ctl *Control) Date(t time.Time) calendar.Date { return calendar.DateOf(t.In(ctl.Loc)) }

// AddWorkingDays returns the n-th working day after d.
func (ctl *Control) AddWorkingDays(d calendar.Date, n int) calendar.Date {
	for n > 0 {
		d = d.AddDays(1)
		if ctl.Days.Day(ctl.Region, d) != calendar.Off {
			n--
		}
	}
	return d
}

// organiser checks that by may organise the commission's work: a manager
// or the chair, deputy chair or secretary.
func (ctl *Control) organiser(by Actor, what string) error {
	if by.Manager {
		return nil
	}
	if m, ok := ctl.Commission.Member(by.Login); ok && m.Role.organises() {
		return nil
	}
	return fmt.Errorf("%s в МО %s может председатель, заместитель председателя или секретарь комиссии: %w", what, ctl.Commission.MO, ErrForbidden)
}

// chair checks that by is the chair or a manager.
func (ctl *Control) chair(by Actor, what string) error {
	if by.Manager || ctl.Commission.hasRole(by.Login, Chair) {
		return nil
	}
	return fmt.Errorf("%s в МО %s может только председатель комиссии: %w", what, ctl.Commission.MO, ErrForbidden)
}

func text(s, what string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", fmt.Errorf("укажите %s", what)
	}
	if len([]rune(s)) > MaxText {
		return "", fmt.Errorf("%s длиннее %d знаков", what, MaxText)
	}
	return s, nil
}
