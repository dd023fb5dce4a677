package alert

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/probe"
	"github.com/cifra-health/cifra/internal/support/register"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// TestParseAlertmanagerGolden reads payloads a real Alertmanager 0.25
// sent (TestRealAlertmanager wrote them).
func TestParseAlertmanagerGolden(t *testing.T) {
	for _, tc := range []struct {
		file   string
		firing bool
	}{{"alertmanager-firing.json", true}, {"alertmanager-resolved.json", false}} {
		f, err := os.Open("testdata/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		alerts, rejected, err := ParseAlertmanager(f)
		f.Close()
		if err != nil || len(rejected) != 0 || len(alerts) != 1 {
			t.Fatalf("%s: %v %v %d", tc.file, err, rejected, len(alerts))
		}
		a := alerts[0]
		if a.Key != "20666cb0014dc4c5" || a.Firing != tc.firing || a.OrgUnit != "MO-TUL-1" || a.System != "mis-tul-1" ||
			a.Title != "mis.tulokb.example:443: МИС не отвечает" || a.Text != "probe_success == 0 пять минут" || a.Severity != Critical {
			t.Errorf("%s: %+v", tc.file, a)
		}
		if tc.firing != a.EndsAt.IsZero() {
			t.Errorf("%s: endsAt %v", tc.file, a.EndsAt)
		}
		spec := a.Spec()
		if spec.Impact != priority.High || spec.Urgency != priority.High || spec.External != "alertmanager:20666cb0014dc4c5" || spec.Source != ticket.Monitor {
			t.Errorf("spec %+v", spec)
		}
	}
}

func TestParseAlertmanagerErrors(t *testing.T) {
	const ok = `{"fingerprint":"f1","status":"firing","labels":{"orgunit":"MO-1","alertname":"X"}}`
	tests := []struct {
		name, body string
		fatal      string
		rejected   []string
		accepted   int
	}{
		{"not json", `{"version":`, "неверный JSON", nil, 0},
		{"version 3", `{"version":"3","alerts":[]}`, "поле «version»: ожидается версия 4", nil, 0},
		{"wrong type", `{"version":"4","alerts":{}}`, "неверный тип", nil, 0},
		{"one bad of three", `{"version":"4","alerts":[` + ok + `,{"fingerprint":"f2","status":"firing","labels":{}},{"status":"firing","labels":{"orgunit":"MO-1"}}]}`, "",
			[]string{"оповещение 2, поле «labels.orgunit»: не указана организация", "оповещение 3, поле «fingerprint»"}, 1},
		{"bad status", `{"version":"4","alerts":[{"fingerprint":"f","status":"pending","labels":{"orgunit":"MO-1"}}]}`, "",
			[]string{"оповещение 1, поле «status»: «pending»"}, 0},
		{"orgunit from common labels, title from alertname", `{"version":"4","commonLabels":{"orgunit":"MO-2"},"alerts":[{"fingerprint":"f","status":"firing","labels":{"alertname":"Disk"}}]}`, "", nil, 1},
		{"too large", `{"version":"4","x":"` + strings.Repeat("a", MaxPayload) + `"}`, "больше 4 МБ", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alerts, rejected, err := ParseAlertmanager(strings.NewReader(tc.body))
			if tc.fatal != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fatal) {
					t.Fatalf("err %v, want %q", err, tc.fatal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(alerts) != tc.accepted || len(rejected) != len(tc.rejected) {
				t.Fatalf("accepted %d rejected %v", len(alerts), rejected)
			}
			for i, want := range tc.rejected {
				if !strings.Contains(rejected[i].Error(), want) {
					t.Errorf("rejected[%d] = %v, want %q", i, rejected[i], want)
				}
			}
		})
	}
	alerts, _, _ := ParseAlertmanager(strings.NewReader(tests[5].body))
	if alerts[0].OrgUnit != "MO-2" || alerts[0].Title != "Disk" {
		t.Errorf("common labels: %+v", alerts[0])
	}
}

func TestParseZabbix(t *testing.T) {
	const problem = `{"version":"1","event_id":"7781","value":"1","update":"0","host":"mis-db-01","name":"PostgreSQL недоступен",
"severity":"Disaster","orgunit":"MO-TUL-1","system":"mis-tul-1","date":"2025.03.04 10:15:00","recovery":"{EVENT.RECOVERY.DATE} {EVENT.RECOVERY.TIME}",
"timezone":"Europe/Moscow","message":"pg down","url":"https://zabbix.example/tr_events.php?eventid=7781"}`
	a, ok, err := ParseZabbix(strings.NewReader(problem))
	if err != nil || !ok {
		t.Fatal(err, ok)
	}
	want := Alert{Source: Zabbix, Key: "7781", OrgUnit: "MO-TUL-1", System: "mis-tul-1", Title: "mis-db-01: PostgreSQL недоступен",
		Text: "pg down", Severity: Critical, Firing: true, StartsAt: time.Date(2025, 3, 4, 7, 15, 0, 0, time.UTC),
		URL: "https://zabbix.example/tr_events.php?eventid=7781"}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("got  %+v\nwant %+v", a, want)
	}
	recovery := strings.Replace(strings.Replace(problem, `"value":"1"`, `"value":"0"`, 1), "{EVENT.RECOVERY.DATE} {EVENT.RECOVERY.TIME}", "2025.03.04 10:40:00", 1)
	r, ok, err := ParseZabbix(strings.NewReader(recovery))
	if err != nil || !ok || r.Firing || r.External() != a.External() || !r.EndsAt.Equal(time.Date(2025, 3, 4, 7, 40, 0, 0, time.UTC)) {
		t.Errorf("recovery %+v %v", r, err)
	}
	if _, ok, err := ParseZabbix(strings.NewReader(strings.Replace(problem, `"update":"0"`, `"update":"1"`, 1))); ok || err != nil {
		t.Errorf("an acknowledgement became an alert: %v %v", ok, err)
	}
	bad := []struct{ from, to, want string }{
		{`"orgunit":"MO-TUL-1"`, `"orgunit":"{EVENT.TAGS.orgunit}"`, "поле «orgunit»: не указана организация"},
		{`"value":"1"`, `"value":"2"`, "поле «value»"},
		{`"2025.03.04 10:15:00"`, `"04.03.2025 10:15"`, "поле «date»: «04.03.2025 10:15» — ожидается ГГГГ.ММ.ДД"},
		{`"Europe/Moscow"`, `"Mars/Olympus"`, "поле «timezone»"},
		{`"version":"1"`, `"version":"2"`, "поле «version»"},
		{`"url":`, `"extra":"x","url":`, "неверный JSON"},
	}
	for _, b := range bad {
		_, _, err := ParseZabbix(strings.NewReader(strings.Replace(problem, b.from, b.to, 1)))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: %v, want %q", b.to, err, b.want)
		}
	}
}

// TestMediaType: the shipped Zabbix media type is valid YAML, its script
// sends every field ZabbixEvent reads and nothing else, and every
// parameter the script reads is defined.
func TestMediaType(t *testing.T) {
	b, err := os.ReadFile("zabbix/cifra_mediatype.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Export struct {
			MediaTypes []struct {
				Name, Type string
				Parameters []struct{ Name, Value string }
				Script     string
			} `yaml:"media_types"`
		} `yaml:"zabbix_export"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Export.MediaTypes) != 1 || doc.Export.MediaTypes[0].Type != "WEBHOOK" {
		t.Fatalf("%+v", doc)
	}
	mt := doc.Export.MediaTypes[0]
	var params []string
	for _, p := range mt.Parameters {
		params = append(params, p.Name)
	}
	for _, m := range regexp.MustCompile(`params\.(\w+)`).FindAllStringSubmatch(mt.Script, -1) {
		if !slices.Contains(params, m[1]) {
			t.Errorf("script reads undefined parameter %s", m[1])
		}
	}
	var sent []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(\w+): `).FindAllStringSubmatch(mt.Script, -1) {
		sent = append(sent, m[1])
	}
	var fields []string
	ty := reflect.TypeFor[ZabbixEvent]()
	for i := range ty.NumField() {
		fields = append(fields, ty.Field(i).Tag.Get("json"))
	}
	slices.Sort(sent)
	slices.Sort(fields)
	if !slices.Equal(sent, fields) {
		t.Errorf("script sends %v, ZabbixEvent reads %v", sent, fields)
	}
}

func TestPlan(t *testing.T) {
	firing := func(key string, sev Severity) Alert {
		return Alert{Source: Alertmanager, Key: key, OrgUnit: "MO-1", Region: "RU-TUL", Title: "x", Severity: sev, Firing: true}
	}
	resolved := func(key string) Alert { a := firing(key, Warning); a.Firing = false; return a }
	d := ticket.Desk{}
	openTicket := func(a Alert) *ticket.Ticket {
		tk, err := d.Open(a.Spec(), ticket.Actor{Role: ticket.System}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	existing := map[string]*ticket.Ticket{"alertmanager:a": openTicket(firing("a", Warning))}
	lookup := func(k string) (*ticket.Ticket, bool) { tk, ok := existing[k]; return tk, ok }
	tests := []struct {
		name   string
		alerts []Alert
		want   []StepKind
	}{
		{"new alert opens", []Alert{firing("b", Warning)}, []StepKind{Open}},
		{"re-send is ignored", []Alert{firing("a", Warning)}, []StepKind{Ignore}},
		{"lower severity is ignored", []Alert{firing("a", Info)}, []StepKind{Ignore}},
		{"higher severity updates", []Alert{firing("a", Critical)}, []StepKind{Update}},
		{"resolution resolves", []Alert{resolved("a")}, []StepKind{Resolve}},
		{"resolution of nothing", []Alert{resolved("z")}, []StepKind{Ignore}},
		{"same key twice in a batch acts once", []Alert{firing("b", Warning), firing("b", Warning)}, []StepKind{Open}},
		{"firing then resolved in one batch: the last word", []Alert{firing("a", Warning), resolved("a")}, []StepKind{Resolve}},
		{"different sources do not collide", []Alert{{Source: Zabbix, Key: "a", Firing: true}}, []StepKind{Open}},
	}
	for _, tc := range tests {
		var got []StepKind
		for _, s := range Plan(tc.alerts, lookup) {
			got = append(got, s.Kind)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// A monitoring outage opens a mass incident; a feed alert does not.
	for _, tc := range []struct {
		src  Source
		mass bool
	}{{Alertmanager, true}, {Zabbix, true}, {Probe, true}, {Feed, false}} {
		a := Alert{Source: tc.src, Key: "k", OrgUnit: "MO-1", Region: "RU-TUL", Title: "x", Firing: true}
		s := Plan([]Alert{a}, func(string) (*ticket.Ticket, bool) { return nil, false })[0]
		tk := openTicket(a)
		for _, c := range s.AfterOpen() {
			if _, err := d.Do(tk, c, ticket.Actor{Role: ticket.System}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if tk.Mass != tc.mass {
			t.Errorf("%s: mass %v", tc.src, tk.Mass)
		}
	}
	// The commands of Update and Resolve apply to the ticket.
	tk := existing["alertmanager:a"]
	for _, s := range Plan([]Alert{firing("a", Critical)}, lookup) {
		for _, c := range s.Commands() {
			if _, err := d.Do(tk, c, ticket.Actor{Role: ticket.System}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if tk.Priority != priority.Critical {
		t.Errorf("priority after update %v", tk.Priority)
	}
	for _, s := range Plan([]Alert{resolved("a")}, lookup) {
		for _, c := range s.Commands() {
			if _, err := d.Do(tk, c, ticket.Actor{Role: ticket.System}, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if tk.State != ticket.Resolved {
		t.Errorf("state after resolution %s", tk.State)
	}
}

func TestFromProbe(t *testing.T) {
	sys := register.System{ID: "mis-1", Region: "RU-TUL", OrgUnit: "MO-1", Name: "МИС", Probe: &register.Probe{Target: "http://127.0.0.1:9/"}}
	at := time.Date(2025, 3, 4, 7, 0, 0, 0, time.UTC)
	down := FromProbe(probe.Change{System: "mis-1", At: at, Error: "соединение не установлено"}, sys)
	up := FromProbe(probe.Change{System: "mis-1", Up: true, At: at.Add(time.Minute)}, sys)
	if down.External() != up.External() || !down.Firing || up.Firing || down.System != "mis-1" || !strings.Contains(down.Text, "соединение не установлено") {
		t.Errorf("down %+v up %+v", down, up)
	}
	if s := down.Spec(); s.Region != "RU-TUL" || s.Impact != priority.High {
		t.Errorf("spec %+v", s)
	}
}

func TestEMDAlerts(t *testing.T) {
	mon := func(i int) time.Time { return time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i) }
	weeks := func(unit string, unreg int, delays ...float64) []EMDWeek {
		var out []EMDWeek
		for i, d := range delays {
			out = append(out, EMDWeek{OrgUnit: unit, Region: "RU-TUL", Week: mon(i), DelayMedian: d})
		}
		out[len(out)-1].Unregistered = unreg
		return out
	}
	tests := []struct {
		name  string
		weeks []EMDWeek
		want  map[string]bool // key → firing
	}{
		{"quiet", weeks("A", 2, 1, 1, 1, 1, 1.2), map[string]bool{"emd-unregistered:A": false, "emd-delay:A": false}},
		{"many unregistered", weeks("A", 10, 1, 1, 1, 1, 1), map[string]bool{"emd-unregistered:A": true, "emd-delay:A": false}},
		// Median of 1, 1.5, 2, 1 is 1.25; 3.0 > 2.5 and +1.75 days.
		{"delay doubles", weeks("A", 0, 1, 1.5, 2, 1, 3), map[string]bool{"emd-unregistered:A": false, "emd-delay:A": true}},
		// 0.1 → 0.5 is five times but under a day: noise.
		{"small rise is noise", weeks("A", 0, 0.1, 0.1, 0.1, 0.1, 0.5), map[string]bool{"emd-unregistered:A": false, "emd-delay:A": false}},
		{"too little history", weeks("A", 0, 1, 5), map[string]bool{"emd-unregistered:A": false}},
		{"two units", append(weeks("B", 12, 1), weeks("A", 0, 1)...), map[string]bool{"emd-unregistered:A": false, "emd-unregistered:B": true}},
	}
	for _, tc := range tests {
		got := map[string]bool{}
		for _, a := range DefaultFeedRules().EMDAlerts(tc.weeks) {
			got[a.Key] = a.Firing
			if a.Source != Feed || a.Region != "RU-TUL" {
				t.Errorf("%s: %+v", tc.name, a)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	a := DefaultFeedRules().EMDAlerts(weeks("A", 0, 1, 1.5, 2, 1, 3))[1]
	if a.Title != "Растёт задержка регистрации ЭМД: медиана 3,0 дн. против 1,2" && a.Title != "Растёт задержка регистрации ЭМД: медиана 3,0 дн. против 1,3" {
		t.Errorf("title %q", a.Title)
	}
}
