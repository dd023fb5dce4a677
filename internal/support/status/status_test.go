package status

import (
	"reflect"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/availability"
	"github.com/cifra-health/cifra/internal/support/register"
)

func TestBuild(t *testing.T) {
	probe := &register.Probe{Target: "https://x/", Interval: time.Minute, Timeout: time.Second}
	r := &register.Register{Systems: []register.System{
		{ID: "mis-1", Region: "RU-TUL", OrgUnit: "MO-1", Kind: register.MIS, Name: "МИС больницы 1", Probe: probe},
		{ID: "mis-2", Region: "RU-TUL", OrgUnit: "MO-2", Kind: register.MIS, Name: "МИС больницы 2", Probe: probe},
		{ID: "szpv", Region: "RU-TUL", OrgUnit: "RU-TUL", Kind: register.Central, Name: "Запись на приём", Probe: probe},
		{ID: "remd", Region: "RU-TUL", OrgUnit: "RU-TUL", Kind: register.Integration, Name: "РЭМД"},
		{ID: "lab", Region: "RU-TUL", OrgUnit: "RU-TUL", Kind: register.Central, Name: "ЛИС", Probe: probe},
		{ID: "other", Region: "RU-TAM", OrgUnit: "RU-TAM", Kind: register.Central, Name: "Чужая", Probe: probe},
	}}
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return now.Add(time.Duration(n) * time.Hour) }
	outages := []availability.Outage{
		{System: "mis-2", Start: h(-2)},             // down now
		{System: "mis-2", Start: h(-1)},             // a later record of the same outage: the earlier start stands
		{System: "mis-1", Start: h(-5), End: h(-4)}, // over
		{System: "remd", Start: h(-1)},              // seen by Zabbix: down although unprobed
		{System: "lab", Start: h(-1)},               // down during works: works
		{System: "other", Start: h(-1)},             // another region
	}
	maint := []availability.Window{
		{System: "lab", Start: h(-2), End: h(2), Note: "обновление"},
		{System: "szpv", Start: h(24), End: h(27), Note: "перенос сервера"},
		{System: "szpv", Start: h(24 * 20), End: h(24*20 + 1)}, // beyond the horizon
		{System: "mis-1", Start: h(-10), End: h(-8)},           // past
	}
	p := Build(r, "RU-TUL", outages, maint, now)
	want := []System{
		{ID: "remd", Name: "РЭМД", OrgUnit: "RU-TUL", Kind: register.Integration, Condition: Down, Since: h(-1)},
		{ID: "mis-2", Name: "МИС больницы 2", OrgUnit: "MO-2", Kind: register.MIS, Condition: Down, Since: h(-2)},
		{ID: "lab", Name: "ЛИС", OrgUnit: "RU-TUL", Kind: register.Central, Condition: Maintenance, Since: h(-2), Until: h(2)},
		{ID: "szpv", Name: "Запись на приём", OrgUnit: "RU-TUL", Kind: register.Central, Condition: Up},
		{ID: "mis-1", Name: "МИС больницы 1", OrgUnit: "MO-1", Kind: register.MIS, Condition: Up},
	}
	if !reflect.DeepEqual(p.Systems, want) {
		t.Errorf("systems\n got %+v\nwant %+v", p.Systems, want)
	}
	if len(p.Planned) != 1 || p.Planned[0].System != "szpv" || p.Planned[0].Name != "Запись на приём" {
		t.Errorf("planned %+v", p.Planned)
	}
}
