package workflow

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
)

// allowed is the expected transition table written out by hand, per role:
// action → the states it may be taken from.
var allowed = map[auth.Role]map[Action][]State{
	auth.FederalAdmin: {
		Save: {Open, Draft}, Submit: {Open, Draft}, Approve: {Submitted}, Accept: {Approved},
		Return: {Submitted, Approved}, Reject: {Submitted, Approved}, Unlock: {Accepted},
	},
	auth.FederalAnalyst: {
		Save: {Open, Draft}, Accept: {Approved}, Reject: {Submitted, Approved}, Unlock: {Accepted},
	},
	auth.RegionalOperator: {
		Save: {Open, Draft}, Submit: {Open, Draft}, Approve: {Submitted}, Return: {Submitted, Approved},
	},
	auth.MOOperator: {Save: {Open, Draft}, Submit: {Open, Draft}},
	auth.Governor:   {},
	auth.Auditor:    {},
}

var wantTo = map[Action]State{Save: Draft, Submit: Submitted, Approve: Approved, Accept: Accepted, Return: Open, Reject: Open, Unlock: Open}

// TestTable walks every state × action × role, in an open and a closed
// period, with and without a reason.
func TestTable(t *testing.T) {
	if len(allowed) != len(auth.Roles) {
		t.Fatalf("the expectations cover %d roles, there are %d", len(allowed), len(auth.Roles))
	}
	for _, role := range auth.Roles {
		for _, a := range Actions {
			roleMay := false
			for _, s := range States {
				if slices.Contains(allowed[role][a], s) {
					roleMay = true
				}
			}
			for _, s := range States {
				ok := slices.Contains(allowed[role][a], s)
				got, err := Next(s, a, role, "причина", false)
				switch {
				case ok && (err != nil || got != wantTo[a]):
					t.Errorf("%s %s from %s: %q, %v; want %s", role, a, s, got, err, wantTo[a])
				case !ok && !roleMay && !errors.Is(err, ErrForbidden):
					t.Errorf("%s %s from %s: %v, want ErrForbidden", role, a, s, err)
				case !ok && roleMay && !errors.Is(err, ErrWrongState):
					t.Errorf("%s %s from %s: %v, want ErrWrongState", role, a, s, err)
				}
				// A closed period refuses everything the role may otherwise do.
				if _, err := Next(s, a, role, "причина", true); roleMay && !errors.Is(err, ErrPeriodClosed) {
					t.Errorf("%s %s from %s in a closed period: %v", role, a, s, err)
				}
				if ok {
					_, err := Next(s, a, role, "  ", false)
					if need := Table[a].NeedReason; need != errors.Is(err, ErrNeedReason) {
						t.Errorf("%s %s from %s without a reason: %v (reason needed: %v)", role, a, s, err, need)
					}
				}
			}
			if got := slices.Contains(Allowed(Submitted, role, false), a); got != slices.Contains(allowed[role][a], Submitted) {
				t.Errorf("Allowed(submitted, %s) has %s: %v", role, a, got)
			}
		}
	}
	for _, a := range []Action{Return, Reject, Unlock} {
		if !Table[a].NeedReason {
			t.Errorf("%s must need a reason", a)
		}
	}
	if _, err := Next(Open, "frobnicate", auth.FederalAdmin, "", false); err == nil {
		t.Error("unknown action accepted")
	}
}

func TestDueAndTimeliness(t *testing.T) {
	ds := &method.DataSet{DeadlineDays: 8}
	due := Due(ds, period.MustParse("2020Q4"))
	// The 8th of January is the last day: late from 9 January 00:00 Moscow = 8 January 21:00 UTC.
	if want := time.Date(2021, 1, 8, 21, 0, 0, 0, time.UTC); !due.Equal(want) {
		t.Fatalf("due %v, want %v", due, want)
	}
	if d := Due(&method.DataSet{}, period.MustParse("2021Q1")); !d.Equal(time.Date(2021, 4, 8, 21, 0, 0, 0, time.UTC)) {
		t.Fatalf("default deadline %v", d)
	}
	utc := func(d, h, m int) time.Time { return time.Date(2021, 1, d, h, m, 0, 0, time.UTC) }
	for _, tc := range []struct {
		submitted, now time.Time
		want           Timeliness
	}{
		{utc(5, 10, 0), utc(20, 0, 0), OnTime},
		{utc(8, 20, 59), utc(20, 0, 0), OnTime},
		{utc(8, 21, 0), utc(20, 0, 0), Late},
		{time.Time{}, utc(8, 20, 0), Pending},
		{time.Time{}, utc(8, 21, 0), Missing},
	} {
		if got := TimelinessOf(tc.submitted, due, tc.now); got != tc.want {
			t.Errorf("submitted %v at %v: %s, want %s", tc.submitted, tc.now, got, tc.want)
		}
	}
}

func TestOutliers(t *testing.T) {
	pts := func(vs ...float64) []Point {
		out := make([]Point, len(vs))
		for i, v := range vs {
			out[i] = Point{OrgUnit: string(rune('a' + i)), Value: v}
		}
		return out
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-3 }

	// 10,11,12,13,100: the mean (29.2) and sd (35.41) are dragged by the
	// outlier, so z = 70.8/35.41 = 2.0 misses it; the median 12 and MAD 1
	// give 0.6745·88 = 59.36 and flag it.
	got := Outliers("x", "2021Q1", pts(10, 11, 12, 13, 100), nil)
	if len(got) != 1 || got[0].Method != ModifiedZScore || got[0].OrgUnit != "e" || !near(got[0].Score, 59.356) || got[0].Centre != 12 {
		t.Fatalf("modified z: %+v", got)
	}
	// Ten 10s and a 21: mean 11, sd √10, z = 10/√10 = 3.162 > 3; the MAD is
	// 0, so the modified z says nothing.
	got = Outliers("x", "2021Q1", pts(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 21), nil)
	if len(got) != 1 || got[0].Method != ZScore || got[0].OrgUnit != "k" || !near(got[0].Score, math.Sqrt(10)) || got[0].Centre != 11 {
		t.Fatalf("z: %+v", got)
	}
	got = Outliers("x", "2021Q1", pts(-1, 0, 1), &Bounds{Min: 0, Max: math.NaN()})
	if len(got) != 1 || got[0].Method != MinMax || got[0].Value != -1 {
		t.Fatalf("bounds: %+v", got)
	}
	got = Outliers("x", "2021Q1", pts(1, 1000), &Bounds{Min: math.NaN(), Max: 100})
	if len(got) != 1 || got[0].Value != 1000 {
		t.Fatalf("two values: only the bounds apply: %+v", got)
	}
	if got := Outliers("x", "2021Q1", pts(5, 5, 5, 5), nil); len(got) != 0 {
		t.Fatalf("constant: %+v", got)
	}
}

func mustRules(t *testing.T) []method.ValidationRule {
	t.Helper()
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == "health-digital-maturity" {
			return m.Validation
		}
	}
	t.Fatal("no health-digital-maturity")
	return nil
}

func TestValidate(t *testing.T) {
	rules := mustRules(t)
	got := Validate(rules, "2021Q1", map[string]Values{
		"MO-2": {"arm_total": 10, "arm_equipped": 12},                   // violates arm_equipped_le_total
		"MO-1": {"arm_total": 10, "arm_equipped": 8, "arm_older_5y": 9}, // violates arm_old_le_equipped
		"MO-3": {"arm_equipped": 3},                                     // never_skip: total counts as 0
		"MO-4": {"arm_total": 10, "arm_equipped": 10},                   // passes
	})
	type key struct{ unit, rule string }
	var keys []key
	for _, v := range got {
		keys = append(keys, key{v.OrgUnit, v.Rule})
	}
	want := []key{{"MO-1", "arm_old_le_equipped"}, {"MO-2", "arm_equipped_le_total"}, {"MO-3", "arm_equipped_le_total"}}
	if !slices.Equal(keys, want) {
		t.Fatalf("violations %v, want %v", keys, want)
	}
	if v := got[1]; v.Left != 12 || v.Right != 10 || v.Operator != "<=" || v.Period != "2021Q1" || !slices.Contains(v.DataElements, "arm_total") {
		t.Fatalf("violation detail %+v", v)
	}
}

func TestCompleteness(t *testing.T) {
	ds := &method.DataSet{DataElements: []string{"a", "b", "c", "d"}}
	due := time.Date(2021, 4, 8, 21, 0, 0, 0, time.UTC)
	now := due.Add(time.Hour)
	got := Completeness(ds, []string{"U1", "U2", "U3"},
		map[string]Values{"U1": {"a": 1, "b": 2, "c": 3, "d": 4, "z": 9}, "U2": {"a": 1}},
		map[string]State{"U1": Accepted, "U2": Draft},
		map[string]time.Time{"U1": due.Add(-time.Hour)}, due, now)
	want := []UnitCompleteness{
		{"U1", 4, 4, Accepted, OnTime, due.Add(-time.Hour)},
		{"U2", 4, 1, Draft, Missing, time.Time{}},
		{"U3", 4, 0, Open, Missing, time.Time{}},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("completeness %+v", got)
	}
	if got[1].Share() != 0.25 {
		t.Fatalf("share %v", got[1].Share())
	}
}

// TestCheck: the assembled check flags a negative count by the min–max
// test (DefaultBounds), validates and counts completeness on the units
// given only, and keeps each unit's submission time.
func TestCheck(t *testing.T) {
	ds := &method.DataSet{ID: "ds", DataElements: []string{"a"}, PeriodType: period.Quarterly}
	m := &method.Methodology{DataSets: []method.DataSet{*ds}}
	p, err := period.Parse("2021Q1")
	if err != nil {
		t.Fatal(err)
	}
	sub := time.Date(2021, 4, 2, 9, 0, 0, 0, time.UTC)
	r := Check(m, ds, p, []string{"U1", "U2"}, map[string]Values{"U1": {"a": -5}, "U2": {"a": 3}, "X": {"a": -1}},
		map[string]Status{"U1": {State: Submitted, SubmittedAt: sub}}, sub.Add(24*time.Hour))
	if len(r.Outliers) != 1 || r.Outliers[0].OrgUnit != "U1" || r.Outliers[0].Method != MinMax || r.Outliers[0].Score != 0 {
		t.Errorf("outliers %+v, want U1's −5 below the bound 0", r.Outliers)
	}
	if len(r.Completeness) != 2 || !r.Completeness[0].SubmittedAt.Equal(sub) || r.Completeness[0].State != Submitted ||
		r.Completeness[0].Timeliness != OnTime || !r.Completeness[1].SubmittedAt.IsZero() {
		t.Errorf("completeness %+v", r.Completeness)
	}
	if r.DataSet != "ds" || r.Period != "2021Q1" || !r.Due.Equal(Due(ds, p)) || r.Violations == nil {
		t.Errorf("report %+v", r)
	}
}
