package alert

import (
	"github.com/cifra-health/cifra/internal/support/probe"
	"github.com/cifra-health/cifra/internal/support/register"
)

// FromProbe is the alert of a probe's change. The key is the system: a
// system has at most one open outage, and its recovery finds it.
func FromProbe(c probe.Change, s register.System) Alert {
	a := Alert{Source: Probe, Key: s.ID, Region: s.Region, OrgUnit: s.OrgUnit, System: s.ID, Firing: !c.Up, Severity: Critical}
	if c.Up {
		a.EndsAt = c.At
	} else {
		a.StartsAt = c.At
	}
	a.Title = "Недоступна система «" + s.Name + "»"
	target := ""
	if s.Probe != nil {
		target = s.Probe.Target
	}
	a.Text = "Проверка " + target + " не проходит с " + c.At.UTC().Format("15:04:05 02.01.2006") + " UTC: " + c.Error
	return a
}
