package strategy

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/workflow"
)

// Entry is one target a change sets: the value of Key for Year, or its
// withdrawal.
type Entry struct {
	Key
	Year    int     `json:"year"`
	Value   float64 `json:"target"`
	Removed bool    `json:"removed,omitempty"` // the target is withdrawn; Value is ignored
}

// Actor is who makes or moves a change.
type Actor struct {
	Login string
	Role  auth.Role
}

// Event is one step of a change's approval history.
type Event struct {
	Action workflow.Action `json:"action"`
	From   workflow.State  `json:"from"`
	To     workflow.State  `json:"to"`
	Actor  string          `json:"actor"`
	Role   auth.Role       `json:"role"`
	At     time.Time       `json:"at"` // UTC
	Reason string          `json:"reason,omitempty"`
}

// Change is one revision of a strategy: the targets of one import or one
// form submission, with who made it, when, why, and its approval state.
// Revisions are never edited: revising a strategy is a new change, and the
// old one stays in the history.
type Change struct {
	ID      int64          `json:"id"` // set by the repository
	Author  string         `json:"author"`
	Role    auth.Role      `json:"role"`
	Created time.Time      `json:"created"` // UTC
	Reason  string         `json:"reason"`  // why the strategy was revised
	Source  string         `json:"source"`  // a file name, or "форма"
	State   workflow.State `json:"state"`
	// Accepted is when the change last entered workflow.Accepted; zero
	// otherwise. The latest accepted change wins (see Plans).
	Accepted time.Time `json:"accepted,omitzero"`
	Entries  []Entry   `json:"entries"`
	Events   []Event   `json:"events"`
}

// FormSource is the Source of a change entered through the web form.
const FormSource = "форма"

// ErrEmptyChange is returned for a change without entries.
var ErrEmptyChange = errors.New("strategy: a change must set at least one target")

// NewChange makes a change from entries. An actor whose role may accept
// (a federal administrator or analyst) accepts it at once: the targets are
// in effect as soon as it is stored. Anyone else's change starts as a
// draft and goes through submit → approve → accept like data values.
func NewChange(entries []Entry, by Actor, at time.Time, reason, source string) (*Change, error) {
	if len(entries) == 0 {
		return nil, ErrEmptyChange
	}
	if !by.Role.Can(auth.WriteData) {
		return nil, fmt.Errorf("strategy: role %s may not set targets: %w", by.Role, workflow.ErrForbidden)
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > workflow.MaxReason {
		return nil, fmt.Errorf("strategy: reason over %d characters", workflow.MaxReason)
	}
	seen := map[entryKey]bool{}
	for _, e := range entries {
		if !e.Removed && (math.IsNaN(e.Value) || math.IsInf(e.Value, 0)) {
			return nil, fmt.Errorf("strategy: target %s %d is not a number", e.Key, e.Year)
		}
		k := entryKey{e.Key, e.Year}
		if seen[k] {
			return nil, fmt.Errorf("strategy: target %s %d is set twice in one change", e.Key, e.Year)
		}
		seen[k] = true
	}
	at = at.UTC()
	c := &Change{Author: by.Login, Role: by.Role, Created: at, Reason: reason, Source: source,
		State: workflow.Open, Entries: slices.Clone(entries)}
	if err := c.Apply(workflow.Save, by, "", at); err != nil {
		return nil, err
	}
	if by.Role.Can(auth.Accept) {
		c.State = workflow.Accepted
		c.Accepted = at
		c.Events[0].Action, c.Events[0].To = workflow.Accept, workflow.Accepted
	}
	return c, nil
}

type entryKey struct {
	Key
	Year int
}

// Apply takes a workflow action on the change, with the rules of data
// values (workflow.Next): a region submits and approves, the federal
// level accepts, rejects or unlocks, returning and rejecting need a reason.
func (c *Change) Apply(a workflow.Action, by Actor, reason string, at time.Time) error {
	to, err := workflow.Next(c.State, a, by.Role, reason, false)
	if err != nil {
		return fmt.Errorf("strategy change %d: %w", c.ID, err)
	}
	at = at.UTC()
	c.Events = append(c.Events, Event{Action: a, From: c.State, To: to, Actor: by.Login, Role: by.Role, At: at, Reason: strings.TrimSpace(reason)})
	c.State = to
	if to == workflow.Accepted {
		c.Accepted = at
	} else {
		c.Accepted = time.Time{}
	}
	return nil
}

// Regions lists the regions a change sets targets for, sorted; the web
// layer checks them against the actor's scope.
func (c *Change) Regions() []string {
	var out []string
	for _, e := range c.Entries {
		if !slices.Contains(out, e.Region) {
			out = append(out, e.Region)
		}
	}
	slices.Sort(out)
	return out
}

// Revision is one version of one year's target as the repository returns
// it: an entry with its change's author, time, reason and state.
type Revision struct {
	Entry
	Change   int64          `json:"change"`
	Number   int            `json:"revision"` // 1, 2, … per key and year, in the order changes were made
	Author   string         `json:"author"`
	Created  time.Time      `json:"created"`
	Reason   string         `json:"reason,omitempty"`
	Source   string         `json:"source,omitempty"`
	State    workflow.State `json:"state"`
	Accepted time.Time      `json:"accepted,omitzero"`
}

// Revisions flattens changes into revisions, numbering each key and
// year's revisions by change id (the order they were made).
func Revisions(changes []*Change) []Revision {
	sorted := slices.Clone(changes)
	slices.SortFunc(sorted, func(a, b *Change) int { return cmp.Compare(a.ID, b.ID) })
	n := map[entryKey]int{}
	var out []Revision
	for _, c := range sorted {
		for _, e := range c.Entries {
			k := entryKey{e.Key, e.Year}
			n[k]++
			out = append(out, Revision{Entry: e, Change: c.ID, Number: n[k], Author: c.Author, Created: c.Created,
				Reason: c.Reason, Source: c.Source, State: c.State, Accepted: c.Accepted})
		}
	}
	return out
}

// YearTarget is a target in effect for one year.
type YearTarget struct {
	Year     int     `json:"year"`
	Value    float64 `json:"target"`
	Change   int64   `json:"change"`
	Revision int     `json:"revision"`
}

// Plan is a strategy's targets in effect for one key, by year.
type Plan struct {
	Key
	Years []YearTarget // sorted by year
	// Pending counts submitted or approved revisions newer than the one
	// in effect, so pages can say a revision awaits acceptance.
	Pending int
}

// Target is the plan's target for year.
func (p *Plan) Target(year int) (YearTarget, bool) {
	i, ok := slices.BinarySearchFunc(p.Years, year, func(t YearTarget, y int) int { return cmp.Compare(t.Year, y) })
	if !ok {
		return YearTarget{}, false
	}
	return p.Years[i], true
}

// Final is the target of the plan's last year; false for a plan whose
// only revisions still await approval.
func (p *Plan) Final() (YearTarget, bool) {
	if len(p.Years) == 0 {
		return YearTarget{}, false
	}
	return p.Years[len(p.Years)-1], true
}

// Plans returns the targets in effect: for each key and year, the revision
// of the change accepted last (ties: the later change); a withdrawal in
// effect leaves the year without a target. Revisions of changes not in
// workflow.Accepted are history or pending, never the plan.
func Plans(revs []Revision) []Plan {
	type best struct {
		rev   Revision
		found bool
	}
	eff := map[entryKey]*best{}
	for _, r := range revs {
		k := entryKey{r.Key, r.Year}
		b := eff[k]
		if b == nil {
			b = &best{}
			eff[k] = b
		}
		if r.State != workflow.Accepted {
			continue
		}
		if !b.found || r.Accepted.After(b.rev.Accepted) || (r.Accepted.Equal(b.rev.Accepted) && r.Change > b.rev.Change) {
			b.rev, b.found = r, true
		}
	}
	plans := map[Key]*Plan{}
	for k, b := range eff {
		p := plans[k.Key]
		if p == nil {
			p = &Plan{Key: k.Key}
			plans[k.Key] = p
		}
		if b.found && !b.rev.Removed {
			p.Years = append(p.Years, YearTarget{Year: k.Year, Value: b.rev.Value, Change: b.rev.Change, Revision: b.rev.Number})
		}
	}
	for _, r := range revs {
		b := eff[entryKey{r.Key, r.Year}]
		if (r.State == workflow.Submitted || r.State == workflow.Approved) && (!b.found || r.Change > b.rev.Change) {
			plans[r.Key].Pending++
		}
	}
	out := make([]Plan, 0, len(plans))
	for _, p := range plans {
		if len(p.Years) == 0 && p.Pending == 0 {
			continue
		}
		slices.SortFunc(p.Years, func(a, b YearTarget) int { return cmp.Compare(a.Year, b.Year) })
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Plan) int { return compareKeys(a.Key, b.Key) })
	return out
}

// RevisionHistory is every revision of one key and year, oldest first.
func RevisionHistory(revs []Revision, k Key, year int) []Revision {
	var out []Revision
	for _, r := range revs {
		if r.Key == k && r.Year == year {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Revision) int { return cmp.Compare(a.Number, b.Number) })
	return out
}
