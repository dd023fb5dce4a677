// Package status is the public status page of a region's systems:
// current outages and planned works, by system, with no personal data —
// nothing from tickets (who filed, what they wrote) ever reaches it, only
// the register's names and the monitoring's times.
package status

import (
	"cmp"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/availability"
	"github.com/cifra-health/cifra/internal/support/register"
)

// Condition of a system now.
type Condition string

// Conditions.
const (
	Up          Condition = "up"
	Down        Condition = "down"
	Maintenance Condition = "maintenance"
	Unmonitored Condition = "unmonitored" // no probe and no outage known
)

// Label is the Russian name.
func (c Condition) Label() string {
	switch c {
	case Up:
		return "работает"
	case Down:
		return "недоступна"
	case Maintenance:
		return "плановые работы"
	}
	return "не контролируется"
}

// System is one line of the page.
type System struct {
	ID, Name  string
	OrgUnit   string // the МО, or the region for its subsystems
	Kind      register.Kind
	Condition Condition
	Since     time.Time // start of the outage or the works; zero when up
	Until     time.Time // announced end of the works
}

// Work is planned maintenance within the horizon.
type Work struct {
	System, Name string
	Start, End   time.Time
	Note         string
}

// Page is a region's status at a moment.
type Page struct {
	Region  string
	At      time.Time
	Systems []System // down first, then works, then by kind and name
	Planned []Work   // upcoming works, by start
}

// Horizon is how far ahead planned works are shown.
const Horizon = 14 * 24 * time.Hour

// Build makes the page from the register, the outages still open (End
// zero) and the maintenance windows. Only systems of the region appear.
func Build(r *register.Register, region string, outages []availability.Outage, maint []availability.Window, now time.Time) Page {
	p := Page{Region: region, At: now.UTC()}
	down := map[string]time.Time{}
	for _, o := range outages {
		if o.End.IsZero() && !o.Start.After(now) {
			if s, ok := down[o.System]; !ok || o.Start.Before(s) {
				down[o.System] = o.Start
			}
		}
	}
	names := map[string]string{}
	for _, s := range r.Systems {
		if s.Region != region {
			continue
		}
		names[s.ID] = s.Name
		line := System{ID: s.ID, Name: s.Name, OrgUnit: s.OrgUnit, Kind: s.Kind, Condition: Up}
		if s.Probe == nil {
			line.Condition = Unmonitored
		}
		for _, w := range maint {
			if w.System == s.ID && !w.Start.After(now) && w.End.After(now) {
				line.Condition, line.Since, line.Until = Maintenance, w.Start.UTC(), w.End.UTC()
			}
		}
		// An outage outside planned works is shown as such even on an
		// unprobed system (Alertmanager or Zabbix saw it).
		if at, ok := down[s.ID]; ok && line.Condition != Maintenance {
			line.Condition, line.Since = Down, at.UTC()
		}
		p.Systems = append(p.Systems, line)
	}
	for _, w := range maint {
		if name, ok := names[w.System]; ok && w.Start.After(now) && w.Start.Before(now.Add(Horizon)) {
			p.Planned = append(p.Planned, Work{System: w.System, Name: name, Start: w.Start.UTC(), End: w.End.UTC(), Note: w.Note})
		}
	}
	rank := map[Condition]int{Down: 0, Maintenance: 1, Up: 2, Unmonitored: 3}
	slices.SortFunc(p.Systems, func(a, b System) int {
		return cmp.Or(cmp.Compare(rank[a.Condition], rank[b.Condition]), cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(p.Planned, func(a, b Work) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.System, b.System)) })
	return p
}

// kindRank puts the region's shared systems before each МО's MIS: an
// outage of the booking service concerns everyone.
func kindRank(k register.Kind) int {
	switch k {
	case register.Central:
		return 0
	case register.Integration:
		return 1
	case register.MIS:
		return 2
	}
	return 3
}
