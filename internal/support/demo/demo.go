// Package demo makes a support centre for demo regions: a register of
// systems, vendors and contracts, tickets that live through the real
// state machine on the real working-time calendars (some escalated, some
// waiting for the МО, some breaching their SLA, a few open at the end),
// outages and maintenance windows. The same seed gives the same centre.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cifra-health/cifra/internal/support/availability"
	"github.com/cifra-health/cifra/internal/support/calendar"
	"github.com/cifra-health/cifra/internal/support/priority"
	"github.com/cifra-health/cifra/internal/support/register"
	"github.com/cifra-health/cifra/internal/support/sla"
	"github.com/cifra-health/cifra/internal/support/ticket"
)

// Unit is a demo medical organisation.
type Unit struct {
	Code   string
	Name   string
	Region string
	Zone   string // IANA name or UTC+N, as the reference settlements give it
}

// Options shape the centre.
type Options struct {
	Seed uint64
	// From and To bound ticket creation [From, To); To is "now" for the
	// demo: tickets created shortly before it are still open.
	From, To time.Time
	// PerUnitMonth is the mean number of tickets an МО files a month.
	PerUnitMonth float64
}

// Data is one generated centre.
type Data struct {
	Registers   map[string]*register.Register // by region
	Tickets     []*ticket.Ticket              // IDs 1…n, by creation
	Outages     []availability.Outage
	Maintenance []availability.Window
}

// vendors are fictional suppliers; INNs get valid check digits.
var vendors = []struct{ id, name, product string }{
	{"medsoft", "ООО «МедСофт»", "МедСофт.МИС"},
	{"zdravinfo", "АО «ЗдравИнформ»", "ЗдравИнформ Поликлиника"},
	{"regionmed", "ООО «РегионМедСистемы»", "РМС.Стационар"},
}

var central = []struct{ sub, name string }{
	{"booking", "Региональная запись на приём"},
	{"lab", "Централизованная лабораторная система"},
	{"pacs", "Центральный архив медицинских изображений"},
	{"remd", "Интеграция с РЭМД"},
}

var problems = []struct {
	module, title string
	kind          ticket.Kind
}{
	{"запись на приём", "Не открывается расписание врачей", ticket.Incident},
	{"запись на приём", "Слоты не выгружаются на ЕПГУ", ticket.Incident},
	{"ЭМД", "ЭМД не регистрируются в РЭМД", ticket.Incident},
	{"ЭМД", "Ошибка подписи ЭМД", ticket.Incident},
	{"регистратура", "МИС зависает при открытии карты пациента", ticket.Incident},
	{"регистратура", "Выдать доступ новому врачу", ticket.Request},
	{"отчёты", "Настроить отчёт по диспансеризации", ticket.Request},
	{"ЛИС", "Не приходят результаты анализов", ticket.Incident},
}

// Generate makes the centre of every region of units.
func Generate(units []Unit, o Options) (*Data, error) {
	if !o.From.Before(o.To) {
		return nil, fmt.Errorf("demo: empty period %v – %v", o.From, o.To)
	}
	if o.PerUnitMonth <= 0 {
		o.PerUnitMonth = 3
	}
	prod, err := calendar.Federal()
	if err != nil {
		return nil, err
	}
	cals := sla.NewCalendars(prod)
	rnd := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	d := &Data{Registers: map[string]*register.Register{}}
	byRegion := map[string][]Unit{}
	for _, u := range units {
		byRegion[u.Region] = append(byRegion[u.Region], u)
	}
	regions := make([]string, 0, len(byRegion))
	for r := range byRegion {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	systemOf := map[string]register.System{}
	for _, reg := range regions {
		r := &register.Register{}
		for i, v := range vendors {
			r.Vendors = append(r.Vendors, register.Vendor{ID: v.id, Name: v.name, INN: inn(rnd)})
			r.Contracts = append(r.Contracts, register.Contract{ID: reg + "-" + v.id, Vendor: v.id, Region: reg,
				Number: fmt.Sprintf("№ %d-ТО/%d", 10+i, o.From.Year()), From: calendar.DateOf(o.From.AddDate(-1, 0, 0)),
				To: calendar.DateOf(o.To.AddDate(1, 0, 0)), Policy: "default"})
		}
		for _, c := range central {
			v := vendors[rnd.IntN(len(vendors))]
			r.Systems = append(r.Systems, register.System{ID: reg + "-" + c.sub, Region: reg, OrgUnit: reg, Kind: kindOf(c.sub),
				Subsystem: c.sub, Name: c.name, Product: v.product, Vendor: v.id, Version: "2.4", Owner: "ГИАЦ " + reg,
				Contract: reg + "-" + v.id})
		}
		for _, u := range byRegion[reg] {
			v := vendors[rnd.IntN(len(vendors))]
			s := register.System{ID: "mis-" + u.Code, Region: reg, OrgUnit: u.Code, Kind: register.MIS, Name: "МИС " + u.Name,
				Product: v.product, Vendor: v.id, Version: fmt.Sprintf("%d.%d", 3+rnd.IntN(3), rnd.IntN(10)),
				Owner: "Заместитель главного врача по ИТ", Contract: reg + "-" + v.id,
				Modules: []string{"запись на приём", "ЭМД", "регистратура", "отчёты"}, ARMs: 40 + rnd.IntN(400)}
			r.Systems = append(r.Systems, s)
			systemOf[u.Code] = s
		}
		if err := r.Validate(nil); err != nil {
			return nil, fmt.Errorf("demo register %s: %w", reg, err)
		}
		d.Registers[reg] = r
	}
	// Tickets: each МО files at random moments; their life is played on
	// the unit's calendar.
	type filed struct {
		at time.Time
		u  Unit
	}
	var all []filed
	months := o.To.Sub(o.From).Hours() / (24 * 30.4)
	for _, u := range units {
		n := int(o.PerUnitMonth*months + rnd.NormFloat64()*2)
		for range max(n, 1) {
			all = append(all, filed{o.From.Add(time.Duration(rnd.Int64N(int64(o.To.Sub(o.From))))), u})
		}
	}
	slices.SortFunc(all, func(a, b filed) int { return a.at.Compare(b.at) })
	desk := ticket.Desk{Matrix: priority.DefaultMatrix()}
	pol := sla.DefaultPolicy()
	for _, f := range all {
		loc, err := calendar.ParseZone(f.u.Zone)
		if err != nil {
			return nil, fmt.Errorf("demo unit %s: %w", f.u.Code, err)
		}
		t, err := life(desk, pol, cals, rnd, f.u, loc, systemOf[f.u.Code], f.at, o.To)
		if err != nil {
			return nil, fmt.Errorf("demo ticket of %s at %v: %w", f.u.Code, f.at, err)
		}
		t.ID = int64(len(d.Tickets) + 1)
		d.Tickets = append(d.Tickets, t)
	}
	// A few outages of central subsystems and a monthly maintenance night.
	for _, reg := range regions {
		for _, s := range d.Registers[reg].Systems[:len(central)] {
			for m := o.From; m.Before(o.To); m = m.AddDate(0, 1, 0) {
				start := m.Add(time.Duration(rnd.Int64N(int64(28 * 24 * time.Hour))))
				if rnd.Float64() < 0.6 && start.Before(o.To) {
					d.Outages = append(d.Outages, availability.Outage{System: s.ID, Start: start,
						End: start.Add(time.Duration(5+rnd.IntN(120)) * time.Minute), Error: "нет ответа за 10s"})
				}
				night := time.Date(m.Year(), m.Month(), 15, 21, 0, 0, 0, time.UTC)
				d.Maintenance = append(d.Maintenance, availability.Window{System: s.ID, Start: night, End: night.Add(3 * time.Hour),
					Note: "плановое обновление"})
			}
		}
	}
	return d, nil
}

func kindOf(sub string) register.Kind {
	if sub == "remd" {
		return register.Integration
	}
	return register.Central
}

// life plays one ticket from filing to where it stands at now.
func life(desk ticket.Desk, pol sla.Policy, cals *sla.Calendars, rnd *rand.Rand, u Unit, loc *time.Location,
	sys register.System, at, now time.Time) (*ticket.Ticket, error) {
	p := problems[rnd.IntN(len(problems))]
	imp, urg := priority.Level(1+rnd.IntN(3)), priority.Level(1+rnd.IntN(3))
	if rnd.Float64() < 0.6 { // most tickets are one user's trouble
		imp = priority.Low
	}
	mo := ticket.Actor{Login: "mo-" + u.Code, Role: ticket.Requester, InScope: func(string) bool { return true }}
	agent := ticket.Actor{Login: fmt.Sprintf("agent-%s-%d", u.Region, 1+rnd.IntN(4)), Role: ticket.Agent, InScope: func(string) bool { return true }}
	vendor := ticket.Actor{Login: "eng-" + sys.Vendor, Role: ticket.Vendor, Vendor: sys.Vendor}
	t, err := desk.Open(ticket.Spec{Kind: p.kind, OrgUnit: u.Code, Region: u.Region, System: sys.ID, Module: p.module,
		Title: p.title, Text: "Демонстрационная заявка", Impact: imp, Urgency: urg, Source: []ticket.Source{ticket.Web, ticket.Phone, ticket.API}[rnd.IntN(3)]}, mo, at)
	if err != nil {
		return nil, err
	}
	target, _ := pol.Target(t.Priority)
	cal, err := cals.For(target.Hours, u.Region, loc)
	if err != nil {
		return nil, err
	}
	// Durations are shares of the targets: most within, some past them.
	clock := at
	step := func(a ticket.Actor, c ticket.Command, work time.Duration) bool {
		next := cal.Add(clock, max(work, time.Minute))
		if next.IsZero() || !next.Before(now) {
			return false // the ticket stands here at the end of the demo
		}
		if _, err = desk.Do(t, c, a, next); err != nil {
			return false
		}
		clock = next
		return true
	}
	share := func() time.Duration {
		f := rnd.ExpFloat64() * 0.45 // ≈ 11 % past the target
		return time.Duration(f * float64(target.Resolution))
	}
	resp := time.Duration(rnd.Float64() * 1.1 * float64(target.Response))
	if rnd.Float64() < 0.2 {
		// First-contact resolution on the telephone.
		step(agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.Consultation, Text: "Дана консультация"}, resp)
		return t, finish(t, err, step, mo)
	}
	if !step(agent, ticket.Command{Action: ticket.ActTake}, resp) {
		return t, err
	}
	if rnd.Float64() < 0.15 {
		if !step(agent, ticket.Command{Action: ticket.ActAskMO, Text: "Уточните, у скольких пользователей ошибка"}, share()/4) {
			return t, err
		}
		// The МО answers after a while: wall time, not working time.
		clock = clock.Add(time.Duration(1+rnd.IntN(30)) * time.Hour)
		if !step(mo, ticket.Command{Action: ticket.ActComment, Text: "У всего отделения"}, time.Minute) {
			return t, err
		}
	}
	code := ticket.Solved
	if p.kind == ticket.Incident && rnd.Float64() < 0.25 {
		if !step(agent, ticket.Command{Action: ticket.ActEscalate, Contract: sys.Contract, Vendor: sys.Vendor, Text: "Требуется исправление поставщика"}, share()/4) {
			return t, err
		}
		if !step(vendor, ticket.Command{Action: ticket.ActVendorDone, Text: "Выпущено исправление"}, share()) {
			return t, err
		}
		code = ticket.VendorFix
	}
	if !step(agent, ticket.Command{Action: ticket.ActResolve, Code: code, Text: "Неисправность устранена"}, share()) {
		return t, err
	}
	if rnd.Float64() < 0.05 {
		if !step(mo, ticket.Command{Action: ticket.ActReopen, Text: "Ошибка повторилась"}, 2*time.Hour) ||
			!step(agent, ticket.Command{Action: ticket.ActResolve, Code: ticket.Solved, Text: "Устранено повторно"}, share()/2) {
			return t, err
		}
	}
	return t, finish(t, err, step, mo)
}

// finish closes a resolved ticket a few working hours later (the МО
// confirms), unless the demo ends first.
func finish(t *ticket.Ticket, err error, step func(ticket.Actor, ticket.Command, time.Duration) bool, mo ticket.Actor) error {
	if err == nil && t.State == ticket.Resolved {
		step(mo, ticket.Command{Action: ticket.ActClose}, 4*time.Hour)
	}
	return err
}

// inn makes a valid organisation ИНН.
func inn(rnd *rand.Rand) string {
	w := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	b := make([]byte, 10)
	sum := 0
	for i := range 9 {
		d := rnd.IntN(10)
		if i == 0 {
			d = 1 + rnd.IntN(9)
		}
		b[i] = byte('0' + d)
		sum += w[i] * d
	}
	b[9] = byte('0' + sum%11%10)
	return string(b)
}
