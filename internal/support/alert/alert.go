// Package alert brings the monitoring a region already runs into the
// support centre: Prometheus Alertmanager webhooks (version 4), Zabbix
// webhooks (the media type shipped in zabbix/), the centre's own probes
// and rules over the ЭМД feeds. Each becomes an Alert with a stable key;
// Plan turns alerts into incident steps so that the same alert sent
// twice is one incident and its resolution resolves it.
package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// Source of an alert.
type Source string

// Sources.
const (
	Alertmanager Source = "alertmanager"
	Zabbix       Source = "zabbix"
	Probe        Source = "probe"
	Feed         Source = "feed"
)

// Severity of an alert, mapped to impact × urgency.
type Severity string

// Severities (Prometheus conventions; Zabbix's six levels map onto them).
const (
	Critical Severity = "critical"
	Major    Severity = "major"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// Levels maps a severity to impact and urgency: a critical alert is the
// whole system down for everyone (P1 by the default matrix), a warning a
// degraded function (P3).
func (s Severity) Levels() (impact, urgency priority.Level) {
	switch s {
	case Critical:
		return priority.High, priority.High
	case Major:
		return priority.Medium, priority.High
	case Info:
		return priority.Low, priority.Low
	}
	return priority.Medium, priority.Medium
}

// ParseSeverity reads Prometheus labels and Zabbix severity names.
func ParseSeverity(s string) Severity {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical", "disaster", "page", "5":
		return Critical
	case "major", "high", "error", "4":
		return Major
	case "info", "information", "informational", "none", "not classified", "1", "0":
		return Info
	}
	return Warning
}

// Alert is one alert, whatever sent it.
type Alert struct {
	Source Source
	// Key is stable across re-sends and across firing → resolved: the
	// Alertmanager fingerprint, the Zabbix problem event id, the probed
	// system and outage start, the feed rule and МО.
	Key      string
	Region   string // resolved from OrgUnit by the caller when empty
	OrgUnit  string
	System   string // register id; "" if the sender did not name one
	Title    string
	Text     string
	Severity Severity
	Firing   bool
	StartsAt time.Time
	EndsAt   time.Time // zero while firing
	URL      string    // back to the sender (generatorURL, Zabbix event)
}

// External is the ticket key an alert opens: source-qualified, so that
// senders cannot collide.
func (a Alert) External() string { return string(a.Source) + ":" + a.Key }

// Spec is the incident an alert opens.
func (a Alert) Spec() ticket.Spec {
	imp, urg := a.Severity.Levels()
	text := a.Text
	if a.URL != "" {
		text = strings.TrimSpace(text + "\n\nИсточник: " + a.URL)
	}
	title := a.Title
	if len(title) > 300 {
		title = title[:strings.LastIndex(title[:297], " ")+1] + "…"
	}
	return ticket.Spec{Kind: ticket.Incident, OrgUnit: a.OrgUnit, Region: a.Region, System: a.System,
		Title: title, Text: text, Impact: imp, Urgency: urg, Source: ticket.Monitor, External: a.External()}
}

// Step is what one alert does to the queue.
type Step struct {
	Alert Alert
	Kind  StepKind
	// Ticket is the open incident that holds the key (Update, Resolve).
	Ticket *ticket.Ticket
}

// StepKind is the effect of an alert.
type StepKind string

// Step kinds.
const (
	Open    StepKind = "open"    // a new incident
	Update  StepKind = "update"  // firing again, or a changed severity: a note on the incident
	Resolve StepKind = "resolve" // the sender says it is over
	Ignore  StepKind = "ignore"  // a re-send, or a resolution of nothing open
)

// Plan decides each alert against the open incidents (lookup by External
// key). Alerts of one batch with the same key are folded: the last word
// wins, so that a batch with firing and resolved copies acts once.
func Plan(alerts []Alert, lookup func(external string) (*ticket.Ticket, bool)) []Step {
	last := map[string]int{}
	for i, a := range alerts {
		last[a.External()] = i
	}
	var out []Step
	for i, a := range alerts {
		if last[a.External()] != i {
			continue
		}
		t, open := lookup(a.External())
		switch {
		case a.Firing && !open:
			out = append(out, Step{Alert: a, Kind: Open})
		case a.Firing && changed(t, a):
			out = append(out, Step{Alert: a, Kind: Update, Ticket: t})
		case a.Firing:
			out = append(out, Step{Alert: a, Kind: Ignore, Ticket: t})
		case open && t.State.Open():
			out = append(out, Step{Alert: a, Kind: Resolve, Ticket: t})
		default:
			out = append(out, Step{Alert: a, Kind: Ignore, Ticket: t})
		}
	}
	return out
}

// changed: the alert now asks for a higher priority than the incident
// has (an agent may have raised it by hand: never lower it).
func changed(t *ticket.Ticket, a Alert) bool {
	imp, urg := a.Severity.Levels()
	return imp < t.Impact || urg < t.Urgency
}

// AfterOpen are the commands that follow Desk.Open for an Open step: an
// outage seen by monitoring is a mass incident, so that the МО's own
// tickets about it link to it and are resolved with it
// (Desk.ResolveMass after the Resolve step). A feed alert concerns one
// МО and stays an ordinary incident.
func (s Step) AfterOpen() []ticket.Command {
	if s.Kind != Open || s.Alert.Source == Feed {
		return nil
	}
	return []ticket.Command{{Action: ticket.ActMass}}
}

// Commands are the ticket commands of an Update or Resolve step.
func (s Step) Commands() []ticket.Command {
	switch s.Kind {
	case Update:
		imp, urg := s.Alert.Severity.Levels()
		return []ticket.Command{{Action: ticket.ActPriority, Impact: min(imp, s.Ticket.Impact), Urgency: min(urg, s.Ticket.Urgency),
			Text: fmt.Sprintf("Мониторинг (%s): важность повышена до «%s»", s.Alert.Source, s.Alert.Severity)}}
	case Resolve:
		when := s.Alert.EndsAt
		text := "Мониторинг сообщил о восстановлении"
		if !when.IsZero() {
			text += " в " + when.UTC().Format("15:04 02.01.2006") + " UTC"
		}
		return []ticket.Command{{Action: ticket.ActResolve, Code: ticket.Solved, Text: text}}
	}
	return nil
}
