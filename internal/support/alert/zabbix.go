package alert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// ZabbixEvent is the JSON the shipped Zabbix media type
// (zabbix/cifra_mediatype.yaml) posts, one event a request. Values are
// Zabbix macros expanded by the server; a macro Zabbix could not expand
// arrives as itself ("{EVENT.RECOVERY.DATE}") and counts as empty.
type ZabbixEvent struct {
	Version  string `json:"version"`  // "1"
	EventID  string `json:"event_id"` // {EVENT.ID}: the problem's id, also in its recovery
	Value    string `json:"value"`    // {EVENT.VALUE}: 1 problem, 0 resolved
	Update   string `json:"update"`   // {EVENT.UPDATE.STATUS}: 1 for an acknowledgement or comment
	Host     string `json:"host"`     // {HOST.NAME}
	Name     string `json:"name"`     // {EVENT.NAME}
	Severity string `json:"severity"` // {EVENT.SEVERITY}
	OrgUnit  string `json:"orgunit"`  // {EVENT.TAGS.orgunit}
	System   string `json:"system"`   // {EVENT.TAGS.system}
	Date     string `json:"date"`     // {EVENT.DATE} {EVENT.TIME}: 2025.03.04 10:15:00
	Recovery string `json:"recovery"` // {EVENT.RECOVERY.DATE} {EVENT.RECOVERY.TIME}
	Timezone string `json:"timezone"` // the Zabbix server's zone, a media-type parameter
	Message  string `json:"message"`  // {ALERT.MESSAGE}
	URL      string `json:"url"`      // a link to the event in Zabbix
}

// ParseZabbix reads one Zabbix event. An update (acknowledgement,
// comment) is not an alert and returns ok false.
func ParseZabbix(r io.Reader) (a Alert, ok bool, err error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return Alert{}, false, fmt.Errorf("чтение события Zabbix: %w", err)
	}
	if len(body) > MaxPayload {
		return Alert{}, false, &Problem{Msg: fmt.Sprintf("тело запроса больше %d МБ", MaxPayload>>20)}
	}
	var e ZabbixEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Alert{}, false, &Problem{Msg: "неверный JSON события Zabbix: " + err.Error()}
	}
	v := func(s string) string {
		s = strings.TrimSpace(s)
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			return ""
		}
		return s
	}
	if e.Version != "1" {
		return Alert{}, false, &Problem{Field: "version", Msg: fmt.Sprintf("ожидается версия 1 формата Cifra для Zabbix, получена «%s»", e.Version)}
	}
	if v(e.Update) == "1" {
		return Alert{}, false, nil
	}
	if v(e.EventID) == "" {
		return Alert{}, false, &Problem{Field: "event_id", Msg: "нет номера события"}
	}
	if v(e.OrgUnit) == "" {
		return Alert{}, false, &Problem{Field: "orgunit", Msg: "не указана организация: добавьте тег orgunit к триггеру или узлу"}
	}
	loc := time.UTC
	if tz := v(e.Timezone); tz != "" {
		if loc, err = calendar.ParseZone(tz); err != nil {
			return Alert{}, false, &Problem{Field: "timezone", Msg: err.Error()}
		}
	}
	a = Alert{Source: Zabbix, Key: v(e.EventID), OrgUnit: v(e.OrgUnit), System: v(e.System),
		Severity: ParseSeverity(v(e.Severity)), Text: v(e.Message), URL: v(e.URL)}
	switch v(e.Value) {
	case "1":
		a.Firing = true
	case "0":
	default:
		return Alert{}, false, &Problem{Field: "value", Msg: fmt.Sprintf("«%s» — ожидается 1 (проблема) или 0 (решено)", e.Value)}
	}
	a.Title = v(e.Name)
	if h := v(e.Host); h != "" {
		a.Title = h + ": " + a.Title
	}
	if a.Title == "" {
		a.Title = "Событие Zabbix " + a.Key
	}
	if d := v(e.Date); d != "" {
		if a.StartsAt, err = zabbixTime(d, loc); err != nil {
			return Alert{}, false, &Problem{Field: "date", Msg: err.Error()}
		}
	}
	if d := v(e.Recovery); d != "" && !a.Firing {
		if a.EndsAt, err = zabbixTime(d, loc); err != nil {
			return Alert{}, false, &Problem{Field: "recovery", Msg: err.Error()}
		}
	}
	return a, true, nil
}

func zabbixTime(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006.01.02 15:04:05", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("«%s» — ожидается ГГГГ.ММ.ДД ЧЧ:ММ:СС, как пишет Zabbix", s)
	}
	return t.UTC(), nil
}
