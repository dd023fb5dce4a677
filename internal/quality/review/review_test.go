package review

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/support/calendar"
)

const mo = "7100000001"

var msk = time.FixedZone("MSK", 3*3600)

func msktime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, msk)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	chair     = Actor{Login: "chair"}
	secretary = Actor{Login: "secr"}
	deputy    = Actor{Login: "deputy"}
	head      = Actor{Login: "head_cardio"}
	expert    = Actor{Login: "expert"}
	stranger  = Actor{Login: "stranger"}
	system    = Actor{Login: SystemActor}
)

func newControl(t *testing.T) (*Control, map[string]*Checklist) {
	t.Helper()
	p, lists := builtin(t)
	c := &Commission{MO: mo}
	boss := Actor{Login: "head_of_mo", Manager: true}
	at := msktime("2026-01-12 09:00")
	for _, m := range []Member{
		{Login: "chair", Name: "Иванова А. А.", Role: Chair, Level: "commission", StaffID: "d0"},
		{Login: "secr", Name: "Петров Б. Б.", Role: Secretary, Level: "commission"},
		{Login: "deputy", Name: "Сидоров В. В.", Role: DeputyChair, Level: "deputy", StaffID: "d2"},
		{Login: "head_cardio", Name: "Кузнецов Г. Г.", Role: Expert, Level: "department", Department: "cardio", StaffID: "d3"},
		{Login: "expert", Name: "Смирнова Д. Д.", Role: Expert, Level: "commission", StaffID: "d7"},
	} {
		if err := c.PutMember(p, m, boss, at); err != nil {
			t.Fatal(err)
		}
	}
	prod, err := calendar.Federal()
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := NewControl(p, c, prod, "RU-TUL", msk)
	if err != nil {
		t.Fatal(err)
	}
	return ctl, lists
}

func actions(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

func TestRaise(t *testing.T) {
	ctl, _ := newControl(t)
	now := msktime("2026-04-20 12:00")
	for _, tc := range []struct {
		name     string
		tr       Trigger
		by       Actor
		deadline string
		quarter  string
		level    string
		err      string
	}{
		// 10 working days from Fri 06.03.2026 skip the weekend and Mon 09.03 (8 March moved).
		{name: "death before a holiday", tr: Trigger{Kind: "death", At: msktime("2026-03-06 10:00"), Source: "feed", Ref: "enc-1"},
			by: system, deadline: "2026-03-23", quarter: "2026Q1", level: "commission"},
		// 22:30 UTC on 31 March is 1 April in Moscow: the МО's date decides the quarter.
		{name: "complaint at midnight", tr: Trigger{Kind: "complaint", At: time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC), Source: "support", Ref: "T-77"},
			by: expert, deadline: "2026-04-15", quarter: "2026Q2", level: "deputy"},
		{name: "unknown kind", tr: Trigger{Kind: "rumour", At: msktime("2026-03-06 10:00"), Source: "x", Ref: "1"}, by: system, err: "неизвестный повод"},
		{name: "another МО", tr: Trigger{Kind: "death", MO: "7100000002", At: msktime("2026-03-06 10:00"), Source: "x", Ref: "1"}, by: system, err: "относится к МО 7100000002"},
		{name: "in the future", tr: Trigger{Kind: "death", At: msktime("2026-05-01 10:00"), Source: "x", Ref: "1"}, by: system, err: "в будущем"},
		{name: "no reference", tr: Trigger{Kind: "death", At: msktime("2026-03-06 10:00"), Source: "feed"}, by: system, err: "источник и номер"},
		{name: "not of the commission", tr: Trigger{Kind: "death", At: msktime("2026-03-06 10:00"), Source: "x", Ref: "1"}, by: stranger, err: "член комиссии"},
		{name: "bad case", tr: Trigger{Kind: "death", At: msktime("2026-03-06 10:00"), Source: "x", Ref: "1", Case: &Case{Record: "1", ICD10: "?", Setting: "inpatient"}}, by: system, err: "МКБ-10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tr.MO == "" {
				tc.tr.MO = mo
			}
			r, err := ctl.Raise(tc.tr, tc.by, now)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Deadline != day(tc.deadline) || r.Quarter.String() != tc.quarter || r.Level != tc.level || r.Kind != Targeted {
				t.Errorf("deadline %s quarter %s level %s kind %s; want %s %s %s targeted", r.Deadline, r.Quarter, r.Level, r.Kind, tc.deadline, tc.quarter, tc.level)
			}
			if got := actions(r.Events); !slices.Equal(got, []string{EvReviewRaise}) || r.Events[0].Actor != tc.by.Login {
				t.Errorf("events %v by %q", got, r.Events[0].Actor)
			}
		})
	}
}

func TestAssign(t *testing.T) {
	ctl, _ := newControl(t)
	now := msktime("2026-04-20 12:00")
	death, err := ctl.Raise(Trigger{MO: mo, Kind: "death", At: msktime("2026-04-10 10:00"), Source: "feed", Ref: "e1",
		Case: &Case{Record: "55/26", Department: "cardio", Doctor: "d7", ICD10: "I21.1", Setting: "inpatient"}}, system, now)
	if err != nil {
		t.Fatal(err)
	}
	complaint, err := ctl.Raise(Trigger{MO: mo, Kind: "complaint", At: msktime("2026-04-10 10:00"), Source: "support", Ref: "T-1"}, system, now)
	if err != nil {
		t.Fatal(err)
	}
	cardio, err := ctl.PlanReview(period.MustParse("2026Q2"), "department", "cardio", "Истории болезни кардиологии", 20, secretary, now)
	if err != nil {
		t.Fatal(err)
	}
	surgery, err := ctl.PlanReview(period.MustParse("2026Q2"), "department", "surgery", "Истории болезни хирургии", 20, secretary, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		r        *Review
		reviewer string
		by       Actor
		err      string
	}{
		{"a death needs the commission level", death, "deputy", chair, "уровне \"deputy\""},
		{"the treating doctor may not review", death, "expert", chair, "лечащий врач"},
		{"commission member reviews a death", death, "chair", secretary, ""},
		{"deputy level takes a complaint", complaint, "deputy", deputy, ""},
		{"department head in own department", cardio, "head_cardio", secretary, ""},
		{"department head elsewhere", surgery, "head_cardio", secretary, "только отделение cardio"},
		{"higher level in any department", surgery, "deputy", secretary, ""},
		{"an expert does not organise", complaint, "chair", expert, "председатель, заместитель председателя или секретарь"},
		{"not a member", complaint, "stranger", chair, "не состоит в комиссии"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.r.Events)
			err := ctl.Assign(tc.r, tc.reviewer, tc.by, now)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				if len(tc.r.Events) != n {
					t.Error("a refused change left an audit event")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.r.Reviewer != tc.reviewer || tc.r.Events[len(tc.r.Events)-1].Action != EvReviewAssign {
				t.Errorf("reviewer %q, last event %v", tc.r.Reviewer, actions(tc.r.Events))
			}
		})
	}
	if _, err := ctl.PlanReview(period.MustParse("2026Q1"), "department", "cardio", "x", 1, secretary, now); err == nil || !strings.Contains(err.Error(), "уже прошёл") {
		t.Errorf("planning into a past quarter: %v", err)
	}
	if _, err := ctl.PlanReview(period.MustParse("2026"), "department", "cardio", "x", 1, secretary, now); err == nil || !strings.Contains(err.Error(), "на квартал") {
		t.Errorf("planning a year: %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	ctl, lists := newControl(t)
	ami := lists["203n-i21-inpatient"]
	at := msktime("2026-04-01 09:00")
	next := func() time.Time { at = at.Add(time.Hour); return at }
	r, err := ctl.PlanReview(period.MustParse("2026Q2"), "department", "cardio", "Истории болезни кардиологии", 2, secretary, next())
	if err != nil {
		t.Fatal(err)
	}
	r.ID = 1 // as the repository would
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	refused := func(err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want %q", err, want)
		}
	}
	must(ctl.Assign(r, "head_cardio", secretary, next()))
	refused(ctl.Start(r, expert, next()), "назначенный эксперт")
	must(ctl.Start(r, head, next()))
	good := map[string]bool{"ecg_10min": true, "troponin": true, "echo": true, "st_elevation": true, "pci_120min": true, "aspirin": true, "p2y12": true, "statin": true}
	late := map[string]bool{"ecg_10min": true, "troponin": true, "echo": true, "st_elevation": true, "pci_120min": false, "aspirin": true, "p2y12": true, "statin": true}
	c1 := Case{Record: "101/26", Department: "cardio", Doctor: "d1", ICD10: "I21.0", Setting: "inpatient"}
	c2 := Case{Record: "102/26", Department: "cardio", Doctor: "d1", ICD10: "i21.1", Setting: "inpatient"}
	if _, err := ctl.AddCase(r, ami, c1, answers(ami.Q.URL, late), head, next()); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.AddCase(r, ami, c2, answers(ami.Q.URL, good), head, next()); err != nil {
		t.Fatal(err)
	}
	_, err = ctl.AddCase(r, ami, c1, answers(ami.Q.URL, good), head, next())
	refused(err, "уже проверена")
	other := Case{Record: "9/26", Department: "surgery", Doctor: "d1", ICD10: "I21.0", Setting: "inpatient"}
	_, err = ctl.AddCase(r, ami, other, answers(ami.Q.URL, good), head, next())
	refused(err, "только отделение cardio")
	own := Case{Record: "10/26", Department: "cardio", Doctor: "d3", ICD10: "I21.0", Setting: "inpatient"}
	_, err = ctl.AddCase(r, ami, own, answers(ami.Q.URL, good), head, next())
	refused(err, "лечащий врач")
	refused(ctl.Complete(r, "  ", head, next()), "заключение")
	must(ctl.Complete(r, "Выявлена задержка ЧКВ", head, next()))
	if n, ok := r.Meeting(); n != 2 || ok != 1 {
		t.Errorf("Meeting = %d, %d; want 2 cases, 1 meeting", n, ok)
	}
	if !r.InTime() {
		t.Errorf("completed %s with deadline %s: want in time", r.DoneOn, r.Deadline)
	}
	a, err := ctl.AssignAction(r, "Разбор случая на врачебной конференции", "treatment", "deputy", day("2026-04-30"), head, next())
	must(err)
	a.ID = 7
	refused(ctl.Close(r, []*Action{a}, chair, next()), "не исполнена")
	refused(ctl.MarkDone(a, "Проведена 20.04", head, next()), "чужой меры")
	must(ctl.MarkDone(a, "Проведена 20.04", deputy, next()))
	refused(ctl.Verify(a, true, "", deputy, next()), "ответственный не проверяет")
	must(ctl.Verify(a, true, "", chair, next()))
	refused(ctl.Close(r, []*Action{a}, secretary, next()), "только председатель")
	must(ctl.Close(r, []*Action{a}, chair, next()))
	want := []string{EvReviewPlan, EvReviewAssign, EvReviewStart, EvCaseAdd, EvCaseAdd, EvReviewComplete, EvReviewClose}
	if got := actions(r.Events); !slices.Equal(got, want) {
		t.Errorf("review events %v, want %v", got, want)
	}
	if got := actions(a.Events); !slices.Equal(got, []string{EvActionAssign, EvActionDone, EvActionVerify}) {
		t.Errorf("action events %v", got)
	}
	for i, e := range append(r.Events, a.Events...) {
		if e.MO != mo || e.Actor == "" || e.At.Location() != time.UTC || (i > 0 && e.Review != 1) {
			t.Errorf("event %d %+v: want МО, actor, UTC time and the review id", i, e)
		}
	}
	if !a.OnTime() || a.State != ActionVerified {
		t.Errorf("action on time %v, state %s", a.OnTime(), a.State)
	}
	refused(ctl.Cancel(r, "поздно", chair, next()), "действие недоступно")
}

func TestReopenLate(t *testing.T) {
	ctl, lists := newControl(t)
	cl := lists["203n-general-inpatient"]
	r, err := ctl.Raise(Trigger{MO: mo, Kind: "complaint", At: msktime("2026-04-01 10:00"), Source: "support", Ref: "T-9"}, system, msktime("2026-04-01 11:00"))
	if err != nil {
		t.Fatal(err)
	}
	yes := map[string]bool{"record_complete": true, "consent": true, "first_exam": true, "prelim_dx_2h": true, "exam_plan": true,
		"treatment_plan": true, "drugs": true, "surgical": false, "clinical_dx_72h": true, "dx_difficulty": false, "head_exam_48h": true, "discharge": true}
	steps := []func() error{
		func() error { return ctl.Assign(r, "deputy", chair, msktime("2026-04-02 09:00")) },
		func() error { return ctl.Start(r, deputy, msktime("2026-04-02 10:00")) },
		func() error {
			_, err := ctl.AddCase(r, cl, Case{Record: "5", Department: "surgery", Doctor: "d9", ICD10: "K35.8", Setting: "inpatient"}, answers(cl.Q.URL, yes), deputy, msktime("2026-04-10 10:00"))
			return err
		},
		func() error { return ctl.Complete(r, "Нарушений нет", deputy, msktime("2026-04-14 18:00")) },
	}
	for i, s := range steps {
		if err := s(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if r.Deadline != day("2026-04-15") || !r.InTime() {
		t.Fatalf("deadline %s, in time %v", r.Deadline, r.InTime())
	}
	if err := ctl.Reopen(r, "Неполное заключение", deputy, msktime("2026-04-15 09:00")); !errors.Is(err, ErrForbidden) {
		t.Errorf("reopen by a deputy chair: %v, want ErrForbidden", err)
	}
	if err := ctl.Reopen(r, "", chair, msktime("2026-04-15 09:00")); err == nil {
		t.Error("reopen without a reason")
	}
	if err := ctl.Reopen(r, "Неполное заключение", chair, msktime("2026-04-15 09:00")); err != nil {
		t.Fatal(err)
	}
	if r.InTime() {
		t.Error("a reopened review still counts as completed in time")
	}
	if err := ctl.Complete(r, "Нарушений нет, дополнено", deputy, msktime("2026-04-16 09:00")); err != nil {
		t.Fatal(err)
	}
	if r.InTime() {
		t.Errorf("completed %s after the deadline %s counts as in time", r.DoneOn, r.Deadline)
	}
}

func TestActionDeadlines(t *testing.T) {
	ctl, _ := newControl(t)
	r := &Review{ID: 3, MO: mo, State: StateCompleted, Reviewer: "expert"}
	at := msktime("2026-04-01 10:00")
	mk := func(due string) *Action {
		a, err := ctl.AssignAction(r, "Обучение персонала", "", "deputy", day(due), expert, at)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if _, err := ctl.AssignAction(r, "x", "", "deputy", day("2026-03-31"), expert, at); err == nil || !strings.Contains(err.Error(), "уже прошёл") {
		t.Errorf("a deadline in the past: %v", err)
	}
	if _, err := ctl.AssignAction(r, "x", "", "deputy", day("2026-04-30"), stranger, at); !errors.Is(err, ErrForbidden) {
		t.Errorf("by a stranger: %v", err)
	}
	// Rescheduled and then done after the first deadline: late.
	moved := mk("2026-04-10")
	moved.ID = 1
	if err := ctl.Reschedule(moved, day("2026-04-30"), "Нет преподавателя", chair, msktime("2026-04-09 10:00")); err != nil {
		t.Fatal(err)
	}
	if err := ctl.MarkDone(moved, "", deputy, msktime("2026-04-20 10:00")); err != nil {
		t.Fatal(err)
	}
	if moved.OnTime() {
		t.Error("done after the first deadline counts as on time")
	}
	// Done on the deadline day (Moscow), returned by the follow-up, open again.
	exact := mk("2026-04-10")
	exact.ID = 2
	if err := ctl.MarkDone(exact, "", deputy, time.Date(2026, 4, 10, 20, 59, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if !exact.OnTime() {
		t.Error("done at 23:59 Moscow on the deadline day is late")
	}
	if err := ctl.Verify(exact, false, "", chair, msktime("2026-04-11 10:00")); err == nil {
		t.Error("returned without a reason")
	}
	if err := ctl.Verify(exact, false, "Не проведено", chair, msktime("2026-04-11 10:00")); err != nil {
		t.Fatal(err)
	}
	open := mk("2026-04-20")
	open.ID = 3
	cancelled := mk("2026-04-05")
	cancelled.ID = 4
	if err := ctl.CancelAction(cancelled, "Не нужна", chair, at); err != nil {
		t.Fatal(err)
	}
	got := Overdue([]*Action{open, moved, exact, cancelled}, day("2026-04-25"))
	var ids []int64
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if !slices.Equal(ids, []int64{2, 3}) {
		t.Errorf("overdue %v, want [2 3] (returned 10.04, open 20.04; done and cancelled are not)", ids)
	}
	if got := actions(exact.Events); !slices.Equal(got, []string{EvActionAssign, EvActionDone, EvActionReturn}) {
		t.Errorf("events %v", got)
	}
}

func TestCommission(t *testing.T) {
	ctl, _ := newControl(t)
	p, c := ctl.Policy, ctl.Commission
	at := msktime("2026-04-01 10:00")
	n := len(c.Events)
	for _, tc := range []struct {
		name string
		m    Member
		by   Actor
		err  string
	}{
		{"a member does not appoint", Member{Login: "x", Name: "X", Role: Expert, Level: "commission"}, expert, "председатель"},
		{"second chair", Member{Login: "x", Name: "X", Role: Chair, Level: "commission"}, chair, "один председатель"},
		{"department level needs a department", Member{Login: "x", Name: "X", Role: Expert, Level: "department"}, chair, "укажите отделение"},
		{"unknown level", Member{Login: "x", Name: "X", Role: Expert, Level: "boss"}, chair, "неизвестный уровень"},
		{"unknown role", Member{Login: "x", Name: "X", Role: "king", Level: "deputy"}, chair, "неизвестная роль"},
	} {
		if err := c.PutMember(p, tc.m, tc.by, at); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	if len(c.Events) != n {
		t.Error("refused changes left events")
	}
	if err := c.PutMember(p, Member{Login: "chair", Name: "Иванова А. А.", Role: Expert, Level: "commission"}, Actor{Login: "boss", Manager: true}, at); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveMember("expert", chair, "Увольнение", at); !errors.Is(err, ErrForbidden) {
		t.Errorf("the former chair removes a member: %v", err)
	}
	if err := c.RemoveMember("expert", Actor{Login: "boss", Manager: true}, "Увольнение", at); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Member("expert"); ok || len(c.Events) != n+2 {
		t.Errorf("removed member still there or events %d, want %d", len(c.Events), n+2)
	}
}
