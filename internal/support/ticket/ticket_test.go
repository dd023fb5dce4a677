package ticket

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/priority"
)

var t0 = time.Date(2025, 3, 4, 7, 0, 0, 0, time.UTC) // Tue 10:00 in Moscow

func desk() Desk { return Desk{Matrix: priority.DefaultMatrix()} }

func region(code string) func(string) bool {
	return func(u string) bool { return strings.HasPrefix(u, code) }
}

var (
	mo     = Actor{Login: "ivanova", Role: Requester, InScope: func(u string) bool { return u == "MO-TUL-1" }}
	agent  = Actor{Login: "petrov", Role: Agent, InScope: region("MO-TUL")}
	vendor = Actor{Login: "eng", Role: Vendor, Vendor: "barsmed"}
	viewer = Actor{Login: "lead", Role: Viewer, InScope: region("MO-TUL")}
	sys    = Actor{Login: "monitor", Role: System}
)

func spec() Spec {
	return Spec{Kind: Incident, OrgUnit: "MO-TUL-1", Region: "RU-TUL", System: "mis-1", Module: "запись",
		Title: "Не открывается расписание", Text: "С 9:00 ошибка 500", Impact: priority.Medium, Urgency: priority.High, Source: Web}
}

// script applies commands one minute apart and fails the test on error.
type step struct {
	a Actor
	c Command
}

func run(t *testing.T, d Desk, tk *Ticket, steps ...step) *Ticket {
	t.Helper()
	for i, s := range steps {
		if _, err := d.Do(tk, s.c, s.a, tk.lastAt().Add(time.Minute)); err != nil {
			t.Fatalf("step %d (%s): %v", i+1, s.c.Action, err)
		}
	}
	return tk
}

// reach builds a ticket in a state. From in_progress on, the ticket has
// been with the vendor once, so that the vendor's rights show in every
// later state.
func reach(t *testing.T, s State) *Ticket {
	t.Helper()
	d := desk()
	tk, err := d.Open(spec(), mo, t0)
	if err != nil {
		t.Fatal(err)
	}
	tk.ID = 1
	path := map[State][]step{
		New:      nil,
		Assigned: {{agent, Command{Action: ActAssign, Assignee: "petrov", Line: FirstLine}}},
		InProgress: {{agent, Command{Action: ActTake}},
			{agent, Command{Action: ActEscalate, Contract: "c-1", Vendor: "barsmed", Text: "ошибка сервера"}},
			{vendor, Command{Action: ActVendorDone, Text: "исправлено"}}},
	}
	path[WaitingMO] = append(path[InProgress], step{agent, Command{Action: ActAskMO, Text: "какой браузер?"}})
	path[WaitingVendor] = path[InProgress][:2:2]
	path[Resolved] = append(path[InProgress], step{agent, Command{Action: ActResolve, Code: Solved, Text: "исправлено"}})
	path[Closed] = append(path[Resolved], step{mo, Command{Action: ActClose}})
	run(t, d, tk, path[s]...)
	if tk.State != s {
		t.Fatalf("reach %s: got %s", s, tk.State)
	}
	return tk
}

// TestRules pins the state machine: for every action, state and role, a
// well-formed command succeeds exactly where the grid says. R requester,
// A agent, V vendor (of a contract the ticket went to), S system; the
// viewer may do nothing.
func TestRules(t *testing.T) {
	grid := `
action       new assigned in_progress waiting_mo waiting_vendor resolved closed
assign       A   A        A           -          -              -        -
take         A   A        -           -          -              -        -
comment      RA  RA       RAV         RAV        RAV            RAV      -
note         A   A        AV          AV         AV             AV       -
ask_mo       -   -        A           -          -              -        -
resume       -   -        -           RA         -              -        -
escalate     -   A        A           -          -              -        -
vendor_done  -   -        -           -          AV             -        -
resolve      AS  AS       AS          AS         AS             -        -
reopen       -   -        -           -          -              RAS      -
close        -   -        -           -          -              RAS      -
withdraw     RA  RA       RA          RA         RA             -        -
priority     AS  AS       AS          AS         AS             -        -
categorise   A   A        A           A          A              A        -
mass         AS  AS       AS          AS         AS             -        -
article      A   A        A           A          A              A        A
attach       RA  RA       RAV         RAV        RAV            RAV      -`
	lines := strings.Split(strings.TrimSpace(grid), "\n")
	states := strings.Fields(lines[0])[1:]
	roles := map[byte]Actor{'R': mo, 'A': agent, 'V': vendor, 'S': sys}
	att := &Attachment{Name: "a.png", Type: "image/png", Size: 1, SHA256: "ab"}
	cmds := map[Action]Command{
		ActAssign: {Assignee: "sidorov", Line: SecondLine}, ActTake: {}, ActComment: {Text: "x"}, ActNote: {Text: "x"},
		ActAskMO: {Text: "?"}, ActResume: {}, ActEscalate: {Contract: "c-2", Vendor: "barsmed", Text: "x"},
		ActVendorDone: {Text: "x"}, ActResolve: {Code: Solved, Text: "x"}, ActReopen: {Text: "снова"}, ActClose: {},
		ActWithdraw: {}, ActPriority: {Impact: priority.High, Urgency: priority.High, Text: "вся МО"},
		ActCategorise: {System: "mis-2"}, ActMass: {}, ActArticle: {Article: "kb-1"}, ActAttach: {Attachment: att},
	}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		act := Action(f[0])
		for i, cell := range f[1:] {
			st := State(states[i])
			for code, actor := range roles {
				want := strings.IndexByte(cell, code) >= 0
				tk := reach(t, st)
				c := cmds[act]
				c.Action = act
				_, err := desk().Do(tk, c, actor, tk.lastAt().Add(time.Minute))
				if (err == nil) != want {
					t.Errorf("%s in %s by %s: err=%v, want allowed=%v", act, st, actor.Role, err, want)
				}
			}
			tk := reach(t, st)
			c := cmds[act]
			c.Action = act
			if _, err := desk().Do(tk, c, viewer, tk.lastAt().Add(time.Minute)); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s in %s by viewer: %v, want forbidden", act, st, err)
			}
		}
	}
	if got := Allowed(WaitingMO, Requester); !reflect.DeepEqual(got, []Action{ActComment, ActResume, ActWithdraw, ActAttach}) {
		t.Errorf("Allowed(waiting_mo, requester) = %v", got)
	}
}

func TestScope(t *testing.T) {
	d := desk()
	other := spec()
	other.OrgUnit = "MO-TAM-3"
	tests := []struct {
		name string
		s    Spec
		a    Actor
		want error
	}{
		{"own МО", spec(), mo, nil},
		{"other МО", func() Spec { s := spec(); s.OrgUnit = "MO-TUL-2"; return s }(), mo, ErrForbidden},
		{"agent of another region", other, agent, ErrForbidden},
		{"vendor cannot file", spec(), vendor, ErrForbidden},
		{"system from monitoring", func() Spec { s := spec(); s.Source = Monitor; return s }(), sys, nil},
		{"system from the web", spec(), sys, ErrInvalid},
		{"no title", func() Spec { s := spec(); s.Title = "  "; return s }(), mo, ErrInvalid},
		{"bad impact", func() Spec { s := spec(); s.Impact = 7; return s }(), mo, ErrInvalid},
		{"bad kind", func() Spec { s := spec(); s.Kind = "bug"; return s }(), mo, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := d.Open(tc.s, tc.a, t0)
			if !errors.Is(err, tc.want) || tc.want == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && tk.Priority != priority.Major {
				t.Errorf("priority %v, want P2 for medium impact × high urgency", tk.Priority)
			}
		})
	}
	// An agent of another region cannot act on the ticket either.
	tk := reach(t, New)
	tam := Actor{Login: "x", Role: Agent, InScope: region("MO-TAM")}
	if _, err := d.Do(tk, Command{Action: ActTake}, tam, t0.Add(time.Hour)); !errors.Is(err, ErrForbidden) {
		t.Errorf("agent of RU-TAM took a RU-TUL ticket: %v", err)
	}
	// Another vendor cannot touch a ticket escalated to barsmed.
	tk = reach(t, WaitingVendor)
	rival := Actor{Login: "y", Role: Vendor, Vendor: "medotrade"}
	if _, err := d.Do(tk, Command{Action: ActVendorDone, Text: "x"}, rival, tk.lastAt().Add(time.Minute)); !errors.Is(err, ErrForbidden) {
		t.Errorf("another vendor handed the ticket back: %v", err)
	}
	if Visible(tk, rival) || !Visible(tk, vendor) || Visible(reach(t, New), vendor) {
		t.Error("vendor visibility wrong")
	}
	// Events in the past are refused: history stays in order.
	if _, err := d.Do(tk, Command{Action: ActNote, Text: "x"}, agent, t0); !errors.Is(err, ErrInvalid) {
		t.Errorf("an event before the last one was accepted: %v", err)
	}
}

func TestReopenWindow(t *testing.T) {
	d := desk()
	tests := []struct {
		after time.Duration
		a     Actor
		want  error
	}{
		{13 * 24 * time.Hour, mo, nil},
		{15 * 24 * time.Hour, mo, ErrForbidden},
		{15 * 24 * time.Hour, agent, nil},
	}
	for _, tc := range tests {
		tk := reach(t, Resolved)
		resolved := tk.Resolved
		_, err := d.Do(tk, Command{Action: ActReopen, Text: "снова ошибка"}, tc.a, resolved.Add(tc.after))
		if !errors.Is(err, tc.want) || tc.want == nil && err != nil {
			t.Errorf("reopen by %s after %v: %v, want %v", tc.a.Role, tc.after, err, tc.want)
			continue
		}
		if err == nil && (tk.State != InProgress || !tk.Resolved.IsZero() || tk.Code != "") {
			t.Errorf("after reopen: state %s, resolved %v, code %q", tk.State, tk.Resolved, tk.Code)
		}
	}
	// A ticket reopened with nobody assigned goes back to the queue.
	tk := reach(t, New)
	run(t, d, tk, step{agent, Command{Action: ActMass}})
	ch := reach(t, New)
	ch.ID = 2
	run(t, d, ch, step{sys, Command{Action: ActLink, Parent: tk}})
	run(t, d, tk, step{agent, Command{Action: ActTake}}, step{agent, Command{Action: ActResolve, Code: Solved, Text: "ok"}})
	if _, err := d.ResolveMass(tk, []*Ticket{ch}, sys, tk.lastAt().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	run(t, d, ch, step{mo, Command{Action: ActReopen, Text: "не работает"}})
	if ch.State != New {
		t.Errorf("reopened unassigned ticket is %s, want new", ch.State)
	}
}

func TestHistoryVisibility(t *testing.T) {
	d := desk()
	tk := reach(t, New)
	run(t, d, tk,
		step{agent, Command{Action: ActNote, Text: "подозреваю сервер БД"}},
		step{agent, Command{Action: ActTake}},
		step{agent, Command{Action: ActComment, Text: "смотрим"}},
		step{agent, Command{Action: ActEscalate, Contract: "c-1", Vendor: "barsmed", Text: "ошибка 500"}},
		step{vendor, Command{Action: ActNote, Text: "патч в пятницу"}},
		step{mo, Command{Action: ActComment, Text: "спасибо", Internal: true}}, // the МО cannot write internally
	)
	count := func(a Actor) (all, internal int) {
		for _, e := range History(tk, a) {
			all++
			if e.Internal {
				internal++
			}
		}
		return
	}
	tests := []struct {
		a              Actor
		all, internals int
	}{
		{agent, 7, 2},
		{mo, 5, 0},
		{viewer, 5, 0},
		{vendor, 6, 1}, // not the centre's note written before the escalation
		{Actor{Role: Vendor, Vendor: "other"}, 0, 0},
		{Actor{Role: Requester, InScope: func(string) bool { return false }}, 0, 0},
	}
	for _, tc := range tests {
		all, in := count(tc.a)
		if all != tc.all || in != tc.internals {
			t.Errorf("%s %s sees %d events, %d internal; want %d, %d", tc.a.Role, tc.a.Vendor, all, in, tc.all, tc.internals)
		}
	}
}

func TestMassIncident(t *testing.T) {
	d := desk()
	parent := reach(t, New)
	parent.ID = 10
	var kids []*Ticket
	for i, s := range []State{New, InProgress, WaitingMO, Resolved} {
		k := reach(t, s)
		k.ID = int64(20 + i)
		kids = append(kids, k)
	}
	if _, err := d.Do(kids[0], Command{Action: ActLink, Parent: parent}, agent, t0.Add(time.Hour)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("linked to a ticket that is not a mass incident: %v", err)
	}
	run(t, d, parent, step{agent, Command{Action: ActMass}}, step{agent, Command{Action: ActTake}})
	for _, k := range kids[:3] {
		run(t, d, k, step{agent, Command{Action: ActLink, Parent: parent}})
	}
	if _, err := d.Do(kids[3], Command{Action: ActLink, Parent: parent}, agent, t0.Add(time.Hour)); !errors.Is(err, ErrState) {
		t.Errorf("a resolved ticket was linked: %v", err)
	}
	if _, err := d.ResolveMass(parent, kids[:3], sys, t0.Add(2*time.Hour)); !errors.Is(err, ErrState) {
		t.Errorf("ResolveMass before the parent is resolved: %v", err)
	}
	run(t, d, parent, step{agent, Command{Action: ActResolve, Code: Solved, Text: "перезапущен сервер"}})
	evs, err := d.ResolveMass(parent, kids[:3], sys, parent.lastAt().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Errorf("%d events, want 3", len(evs))
	}
	for _, k := range kids[:3] {
		if k.State != Resolved || k.Code != MassResolved {
			t.Errorf("child %d: %s %s", k.ID, k.State, k.Code)
		}
	}
	// A child that was waiting for the МО stops the clock at the mass
	// resolution; its waiting time stays a pause.
	tl := kids[2].Timeline()
	if !tl.Resolved.Equal(evs[2].At) || len(tl.Pauses) == 0 || tl.Pauses[len(tl.Pauses)-1].End.IsZero() {
		t.Errorf("timeline of the waiting child: %+v", tl)
	}
}

func TestReplay(t *testing.T) {
	tk := reach(t, Closed)
	got, err := Replay(tk.ID, tk.Events)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tk) {
		t.Errorf("replay differs:\n%+v\n%+v", got, tk)
	}
	gap := append([]Event{}, tk.Events[:2]...)
	gap = append(gap, tk.Events[3:]...)
	if _, err := Replay(1, gap); err == nil || !strings.Contains(err.Error(), "пропущено событие 3") {
		t.Errorf("gap: %v", err)
	}
	bad := append([]Event{}, tk.Events...)
	bad[2].From = Resolved
	if _, err := Replay(1, bad); err == nil {
		t.Error("a transition from the wrong state was replayed")
	}
	if _, err := Replay(1, tk.Events[1:]); err == nil {
		t.Error("a history without creation was replayed")
	}
}

func TestPriorityChange(t *testing.T) {
	d := desk()
	tk := reach(t, InProgress)
	if _, err := d.Do(tk, Command{Action: ActPriority, Impact: tk.Impact, Urgency: tk.Urgency, Text: "x"}, agent, tk.lastAt().Add(time.Minute)); !errors.Is(err, ErrInvalid) {
		t.Errorf("unchanged priority accepted: %v", err)
	}
	e, err := d.Do(tk, Command{Action: ActPriority, Impact: priority.High, Urgency: priority.High, Text: "встала вся МО"}, agent, tk.lastAt().Add(time.Minute))
	if err != nil || e.Priority != priority.Critical || tk.Priority != priority.Critical {
		t.Errorf("priority change: %v, %v", err, tk.Priority)
	}
}

func Example() {
	d := Desk{Matrix: priority.DefaultMatrix()}
	tk, _ := d.Open(spec(), mo, t0)
	e, _ := d.Do(tk, Command{Action: ActTake}, agent, t0.Add(10*time.Minute))
	fmt.Println(tk.Priority.Code(), e.From.Label(), "→", e.To.Label())
	// Output: P2 новая → в работе
}
