package figures

import (
	"math"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/support/availability"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// Element is a data element the support centre feeds to the rating.
type Element struct {
	ID          string
	Name        string // Russian, as in a methodology file
	Unit        string
	Aggregation string // how the rating aggregates МО values to regions
}

// Data element ids. Shares are sent as numerator and denominator counts
// (aggregated by sum), so that a region's share is computed from its
// МО's counts and not averaged from their shares.
const (
	DEServiceMinutes   = "sup_mis_service_min"
	DEAvailableMinutes = "sup_mis_available_min"
	DEResolved         = "sup_incidents_resolved"
	DEWithinSLA        = "sup_incidents_within_sla"
	DEFirstContact     = "sup_first_contact"
	DEMedianHours      = "sup_resolution_median_h"
	DEIncidents        = "sup_incidents"
	DEARMs             = "sup_arm"
)

// Elements lists them for a methodology (docs/support.md shows the YAML).
func Elements() []Element {
	return []Element{
		{DEServiceMinutes, "Плановое время работы МИС МО за период (без регламентных работ)", "мин", "sum"},
		{DEAvailableMinutes, "Время доступности МИС МО за период", "мин", "sum"},
		{DEResolved, "Число инцидентов, решённых за период", "ед.", "sum"},
		{DEWithinSLA, "Число инцидентов, решённых в срок по SLA", "ед.", "sum"},
		{DEFirstContact, "Число обращений, решённых первой линией при первом обращении", "ед.", "sum"},
		// A median does not add up: the region's value is the mean of its
		// МО's medians, which the methodology says in the indicator's name.
		{DEMedianHours, "Медианное время решения инцидента (рабочие часы)", "ч", "average"},
		{DEIncidents, "Число инцидентов, зарегистрированных за период", "ед.", "sum"},
		{DEARMs, "Число АРМ, работающих в МИС МО", "ед.", "sum"},
	}
}

// SystemAvailability is one system's figure with what says whose it is.
type SystemAvailability struct {
	OrgUnit string
	MIS     bool // the МО's MIS (only those enter the МО's availability)
	ARMs    int
	availability.Figure
}

// DataValues are the support centre's values of one period per МО: the
// counted incidents resolved in the period, those within SLA, first
// contact resolutions, the median resolution time, incidents created in
// the period, and the MIS service and available minutes and АРМ. An МО
// with no incidents gets zeros for counts and no median (no value is not
// zero hours).
func DataValues(p period.Period, facts []Fact, avail []SystemAvailability) []datavalue.Value {
	from, to := p.Start(), p.End()
	type acc struct {
		resolved, within, fcr, incidents int
		works                            []time.Duration
		service, available               time.Duration
		arms                             int
		hasMIS                           bool
	}
	units := map[string]*acc{}
	get := func(u string) *acc {
		a := units[u]
		if a == nil {
			a = &acc{}
			units[u] = a
		}
		return a
	}
	for i := range facts {
		f := &facts[i]
		if !f.Counts || f.Kind != ticket.Incident {
			continue
		}
		a := get(f.OrgUnit)
		if !f.Created.Before(from) && f.Created.Before(to) {
			a.incidents++
		}
		if f.Resolved.IsZero() || f.Resolved.Before(from) || !f.Resolved.Before(to) {
			continue
		}
		a.resolved++
		if f.Met() {
			a.within++
		}
		if f.FirstContact {
			a.fcr++
		}
		a.works = append(a.works, f.Work)
	}
	for _, s := range avail {
		if !s.MIS {
			continue
		}
		a := get(s.OrgUnit)
		a.hasMIS = true
		a.service += s.Service
		a.available += s.Service - s.Down
		a.arms += s.ARMs
	}
	names := make([]string, 0, len(units))
	for u := range units {
		names = append(names, u)
	}
	slices.Sort(names)
	pe := p.String()
	var out []datavalue.Value
	add := func(de, ou string, v float64) {
		out = append(out, datavalue.Value{DataElement: de, Period: pe, OrgUnit: ou, Value: v})
	}
	for _, u := range names {
		a := units[u]
		add(DEIncidents, u, float64(a.incidents))
		add(DEResolved, u, float64(a.resolved))
		add(DEWithinSLA, u, float64(a.within))
		add(DEFirstContact, u, float64(a.fcr))
		if len(a.works) > 0 {
			add(DEMedianHours, u, math.Round(Median(a.works).Hours()*100)/100)
		}
		if a.hasMIS {
			add(DEServiceMinutes, u, math.Round(a.service.Minutes()))
			add(DEAvailableMinutes, u, math.Round(a.available.Minutes()))
			add(DEARMs, u, float64(a.arms))
		}
	}
	return out
}
