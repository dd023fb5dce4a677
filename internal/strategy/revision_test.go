package strategy

import (
	"errors"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/workflow"
)

var (
	federal  = Actor{Login: "admin", Role: auth.FederalAdmin}
	analyst  = Actor{Login: "analyst", Role: auth.FederalAnalyst}
	operator = Actor{Login: "tula", Role: auth.RegionalOperator}
	governor = Actor{Login: "gov", Role: auth.Governor}
	t0       = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
)

var tulaShare = Key{Region: "RU-TUL", Methodology: "health-digital-maturity", Indicator: "remote_booking_share"}

func entry(year int, v float64) Entry { return Entry{Key: tulaShare, Year: year, Value: v} }

func TestNewChangeFederalTakesEffect(t *testing.T) {
	c, err := NewChange([]Entry{entry(2024, 63)}, federal, t0.In(time.FixedZone("MSK", 3*3600)), " импорт стратегии ", "targets.csv")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != workflow.Accepted || !c.Accepted.Equal(t0) || c.Accepted.Location() != time.UTC {
		t.Errorf("state %s accepted %v, want accepted at %v UTC", c.State, c.Accepted, t0)
	}
	if c.Reason != "импорт стратегии" || len(c.Events) != 1 || c.Events[0].Action != workflow.Accept || c.Events[0].Actor != "admin" {
		t.Errorf("change %+v", c)
	}
	c.ID = 1
	plans := Plans(Revisions([]*Change{c}))
	if len(plans) != 1 || len(plans[0].Years) != 1 || plans[0].Years[0].Value != 63 {
		t.Errorf("plans %+v: the imported target is the plan", plans)
	}
}

func TestRegionalChangeNeedsApproval(t *testing.T) {
	c, err := NewChange([]Entry{entry(2024, 70)}, operator, t0, "пересмотр", FormSource)
	if err != nil {
		t.Fatal(err)
	}
	c.ID = 1
	if c.State != workflow.Draft {
		t.Fatalf("state %s, want draft", c.State)
	}
	if p := Plans(Revisions([]*Change{c})); len(p) != 0 {
		t.Errorf("a draft is in the plan: %+v", p)
	}
	steps := []struct {
		a      workflow.Action
		by     Actor
		want   workflow.State
		inPlan bool
	}{
		{workflow.Submit, operator, workflow.Submitted, false},
		{workflow.Approve, operator, workflow.Approved, false},
		{workflow.Accept, analyst, workflow.Accepted, true},
	}
	for i, s := range steps {
		if err := c.Apply(s.a, s.by, "", t0.Add(time.Duration(i+1)*time.Hour)); err != nil {
			t.Fatalf("%s: %v", s.a, err)
		}
		p := Plans(Revisions([]*Change{c}))
		in := len(p) == 1 && len(p[0].Years) == 1
		if c.State != s.want || in != s.inPlan {
			t.Errorf("after %s: state %s, in plan %v; want %s, %v", s.a, c.State, in, s.want, s.inPlan)
		}
		if !in && s.want != workflow.Draft && (len(p) != 1 || p[0].Pending != 1) {
			t.Errorf("after %s: a revision awaiting acceptance is not counted as pending: %+v", s.a, p)
		}
	}
	if err := c.Apply(workflow.Unlock, operator, "ошибка", t0); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("a region unlocks: %v", err)
	}
	if err := c.Apply(workflow.Unlock, federal, "", t0); !errors.Is(err, workflow.ErrNeedReason) {
		t.Errorf("unlock without a reason: %v", err)
	}
	if err := c.Apply(workflow.Unlock, federal, "ошибка в цели", t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c.State != workflow.Open || !c.Accepted.IsZero() || len(Plans(Revisions([]*Change{c}))) != 0 {
		t.Errorf("an unlocked change is still in effect: %+v", c)
	}
	if len(c.Events) != 5 {
		t.Errorf("%d events, want 5 (save, submit, approve, accept, unlock)", len(c.Events))
	}
}

func TestNewChangeRefuses(t *testing.T) {
	if _, err := NewChange(nil, federal, t0, "", ""); !errors.Is(err, ErrEmptyChange) {
		t.Errorf("empty: %v", err)
	}
	if _, err := NewChange([]Entry{entry(2024, 1)}, governor, t0, "", ""); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("governor: %v", err)
	}
	if _, err := NewChange([]Entry{entry(2024, 1), entry(2024, 2)}, federal, t0, "", ""); err == nil {
		t.Error("a key and year twice in one change")
	}
}

// TestPlansHistory: a revised strategy keeps every revision; the plan is
// the last accepted one, and a withdrawal removes the year.
func TestPlansHistory(t *testing.T) {
	mk := func(id int64, by Actor, at time.Time, reason string, es ...Entry) *Change {
		c, err := NewChange(es, by, at, reason, "t.csv")
		if err != nil {
			t.Fatal(err)
		}
		c.ID = id
		return c
	}
	c1 := mk(1, federal, t0, "утверждение стратегии", entry(2023, 55), entry(2024, 63))
	c2 := mk(2, federal, t0.Add(24*time.Hour), "пересмотр: цель 2024 повышена", entry(2024, 70))
	c3 := mk(3, operator, t0.Add(48*time.Hour), "предложение региона", entry(2024, 60)) // a draft
	c4 := mk(4, federal, t0.Add(72*time.Hour), "показатель исключён", Entry{Key: tulaShare, Year: 2023, Removed: true})
	revs := Revisions([]*Change{c4, c2, c3, c1}) // any order in
	h := RevisionHistory(revs, tulaShare, 2024)
	if len(h) != 3 || h[0].Value != 63 || h[1].Value != 70 || h[2].Value != 60 || h[2].Number != 3 || h[1].Reason != "пересмотр: цель 2024 повышена" {
		t.Fatalf("history of 2024: %+v", h)
	}
	plans := Plans(revs)
	if len(plans) != 1 {
		t.Fatalf("plans %+v", plans)
	}
	p := plans[0]
	if len(p.Years) != 1 || p.Years[0] != (YearTarget{Year: 2024, Value: 70, Change: 2, Revision: 2}) {
		t.Errorf("years %+v, want only 2024 = 70 from change 2", p.Years)
	}
	if p.Pending != 0 {
		t.Errorf("a draft counts as pending: %d", p.Pending)
	}
	// Accepting the region's proposal later makes it the plan, though it
	// was made before change 4.
	for _, a := range []struct {
		act workflow.Action
		by  Actor
	}{{workflow.Submit, operator}, {workflow.Approve, operator}, {workflow.Accept, federal}} {
		if err := c3.Apply(a.act, a.by, "", t0.Add(96*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	p = Plans(Revisions([]*Change{c1, c2, c3, c4}))[0]
	if y, ok := p.Target(2024); !ok || y.Value != 60 || y.Change != 3 {
		t.Errorf("2024 after accepting change 3: %+v", y)
	}
	if fin, ok := p.Final(); !ok || fin.Year != 2024 {
		t.Errorf("final %+v", fin)
	}
}
