package alert

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MaxPayload bounds a webhook body: Alertmanager batches at most a few
// hundred alerts a group.
const MaxPayload = 4 << 20

// Problem is a payload Cifra refuses, or one alert of it; Russian, for
// the sender's log and the administrator.
type Problem struct {
	Alert int // 1-based index in the payload; 0: the payload as a whole
	Field string
	Msg   string
}

func (p *Problem) Error() string {
	switch {
	case p.Alert == 0 && p.Field == "":
		return p.Msg
	case p.Alert == 0:
		return fmt.Sprintf("поле «%s»: %s", p.Field, p.Msg)
	}
	return fmt.Sprintf("оповещение %d, поле «%s»: %s", p.Alert, p.Field, p.Msg)
}

// amPayload is Alertmanager's webhook body, version 4.
type amPayload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []amAlert         `json:"alerts"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// ParseAlertmanager reads an Alertmanager webhook (version 4). Labels
// `orgunit` and `system` map an alert to a unit and a registered system
// (a label on the group applies to its alerts); `instance` and the
// `summary` annotation make the title; `severity` sets the priority. An
// alert without `orgunit` cannot be routed and is reported in rejected,
// while the others are accepted: one misconfigured rule must not silence
// the rest.
func ParseAlertmanager(r io.Reader) (alerts []Alert, rejected []*Problem, err error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return nil, nil, fmt.Errorf("чтение оповещения: %w", err)
	}
	if len(body) > MaxPayload {
		return nil, nil, &Problem{Msg: fmt.Sprintf("тело запроса больше %d МБ", MaxPayload>>20)}
	}
	var p amPayload
	if err := json.Unmarshal(body, &p); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, nil, &Problem{Msg: fmt.Sprintf("неверный JSON (байт %d)", se.Offset)}
		case errors.As(err, &te):
			return nil, nil, &Problem{Field: te.Field, Msg: "неверный тип значения"}
		}
		return nil, nil, &Problem{Msg: "неверный JSON: " + err.Error()}
	}
	if p.Version != "4" {
		return nil, nil, &Problem{Field: "version", Msg: fmt.Sprintf("ожидается версия 4 формата Alertmanager, получена «%s»", p.Version)}
	}
	for i, a := range p.Alerts {
		n := i + 1
		label := func(k string) string {
			if v := a.Labels[k]; v != "" {
				return v
			}
			return p.CommonLabels[k]
		}
		if a.Fingerprint == "" {
			rejected = append(rejected, &Problem{Alert: n, Field: "fingerprint", Msg: "нет отпечатка оповещения"})
			continue
		}
		ou := strings.TrimSpace(label("orgunit"))
		if ou == "" {
			rejected = append(rejected, &Problem{Alert: n, Field: "labels.orgunit", Msg: "не указана организация: добавьте метку orgunit в правило"})
			continue
		}
		var firing bool
		switch a.Status {
		case "firing":
			firing = true
		case "resolved":
		default:
			rejected = append(rejected, &Problem{Alert: n, Field: "status", Msg: fmt.Sprintf("«%s» — ожидается firing или resolved", a.Status)})
			continue
		}
		summary := a.Annotations["summary"]
		if summary == "" {
			summary = p.CommonAnnotations["summary"]
		}
		if summary == "" {
			summary = label("alertname")
		}
		title := summary
		if inst := label("instance"); inst != "" {
			title = inst + ": " + summary
		}
		text := a.Annotations["description"]
		if text == "" {
			text = p.CommonAnnotations["description"]
		}
		al := Alert{Source: Alertmanager, Key: a.Fingerprint, OrgUnit: ou, System: strings.TrimSpace(label("system")),
			Title: strings.TrimSpace(title), Text: text, Severity: ParseSeverity(label("severity")), Firing: firing,
			StartsAt: a.StartsAt.UTC(), URL: a.GeneratorURL}
		if !firing {
			al.EndsAt = a.EndsAt.UTC()
		}
		if al.Title == "" {
			al.Title = "Оповещение Alertmanager " + a.Fingerprint
		}
		alerts = append(alerts, al)
	}
	return alerts, rejected, nil
}
