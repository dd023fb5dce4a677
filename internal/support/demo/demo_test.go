package demo

import (
	"reflect"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/figures"
	"github.com/cifra-health/cifra/internal/support/register"
	"github.com/cifra-health/cifra/internal/support/sla"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

var units = []Unit{
	{"MO-TUL-1", "ГУЗ «Тульская ОКБ»", "RU-TUL", "Europe/Moscow"},
	{"MO-TUL-2", "ГУЗ «Новомосковская ГКБ»", "RU-TUL", "Europe/Moscow"},
	{"MO-KAM-1", "ГБУЗ «Камчатская краевая больница»", "RU-KAM", "Asia/Kamchatka"},
	{"MO-KGD-1", "ГБУЗ «Областная больница Калининградской области»", "RU-KGD", "UTC+2"},
}

func opts() Options {
	return Options{Seed: 7, From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), PerUnitMonth: 6}
}

func TestGenerate(t *testing.T) {
	d, err := Generate(units, opts())
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Generate(units, opts())
	if !reflect.DeepEqual(d.Tickets, again.Tickets) || !reflect.DeepEqual(d.Registers, again.Registers) {
		t.Error("the same seed gave a different centre")
	}
	if len(d.Registers) != 3 {
		t.Fatalf("%d registers", len(d.Registers))
	}
	unitRegion := func(u string) (string, bool) {
		for _, x := range units {
			if x.Code == u {
				return x.Region, true
			}
		}
		return "", false
	}
	for reg, r := range d.Registers {
		if err := r.Validate(unitRegion); err != nil {
			t.Errorf("%s: %v", reg, err)
		}
		for _, v := range r.Vendors {
			if err := register.CheckINN(v.INN); err != nil {
				t.Error(err)
			}
		}
	}
	states := map[ticket.State]int{}
	lastQuarter := 0
	q2 := period.MustParse("2025Q2")
	prod, _ := calendar.Federal()
	cs := sla.NewCalendars(prod)
	pol := sla.DefaultPolicy()
	var facts []figures.Fact
	for i, tk := range d.Tickets {
		if tk.ID != int64(i+1) {
			t.Fatalf("ticket %d has id %d", i, tk.ID)
		}
		if _, err := ticket.Replay(tk.ID, tk.Events); err != nil {
			t.Fatalf("ticket %d: %v", tk.ID, err)
		}
		for _, e := range tk.Events {
			if e.At.Before(opts().From) || !e.At.Before(opts().To) {
				t.Fatalf("ticket %d: event at %v outside the demo", tk.ID, e.At)
			}
		}
		states[tk.State]++
		if !tk.Created.Before(q2.Start()) {
			lastQuarter++
		}
		tg, _ := pol.Target(tk.Priority)
		var zone string
		for _, u := range units {
			if u.Code == tk.OrgUnit {
				zone = u.Zone
			}
		}
		loc, _ := calendar.ParseZone(zone)
		cal, err := cs.For(tg.Hours, tk.Region, loc)
		if err != nil {
			t.Fatal(err)
		}
		facts = append(facts, figures.FactOf(tk, sla.Evaluate(cal, tg, 0, tk.Timeline(), opts().To), nil))
	}
	if n := len(d.Tickets); n < 100 || n > 200 {
		t.Errorf("%d tickets for 4 МО × 6 months × 6", n)
	}
	if lastQuarter == 0 || states[ticket.Closed] == 0 || states[ticket.InProgress]+states[ticket.New]+states[ticket.WaitingMO]+states[ticket.WaitingVendor] == 0 {
		t.Errorf("states %v, last quarter %d", states, lastQuarter)
	}
	rows := figures.SLA(facts, opts().From, opts().To, figures.ByRegion)
	t.Logf("%d tickets, states %v, %d in the last quarter, %+v", len(d.Tickets), states, lastQuarter, rows)
	for _, r := range rows {
		p, ok := r.WithinPct()
		if !ok || p < 50 || p == 100 {
			t.Errorf("%s: within SLA %.1f %% of %d: a demo should be mostly, not always, in time", r.Key, p, r.Resolved)
		}
		if r.FirstContact == 0 {
			t.Errorf("%s: no first-contact resolutions", r.Key)
		}
	}
	if len(d.Outages) == 0 || len(d.Maintenance) != 3*4*6 {
		t.Errorf("%d outages, %d maintenance windows", len(d.Outages), len(d.Maintenance))
	}
	if _, err := Generate(units, Options{From: opts().To, To: opts().From}); err == nil {
		t.Error("an empty period accepted")
	}
}
