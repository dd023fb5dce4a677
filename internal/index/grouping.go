package index

import (
	"fmt"
	"slices"
	"strings"
)

// grouping splits the units by the value of one attribute.
type grouping struct {
	name   string   // attribute; "" = Unit.Group
	of     []int    // unit → group number; -1 when the unit has no value
	labels []string // group number → attribute value, in order of first appearance
	// without lists the units that have no value, by id.
	without []string
}

// grouping returns the grouping by attribute name, building it on first use.
func (e *engine) grouping(name string) *grouping {
	if g, ok := e.groupings[name]; ok {
		return g
	}
	g := newGrouping(e.in.Units, name)
	if e.groupings == nil {
		e.groupings = map[string]*grouping{}
	}
	e.groupings[name] = g
	return g
}

func newGrouping(units []Unit, name string) *grouping {
	g := &grouping{name: name, of: make([]int, len(units))}
	num := map[string]int{}
	for u := range units {
		v := units[u].Attr(name)
		if v == "" {
			g.of[u] = -1
			g.without = append(g.without, units[u].ID)
			continue
		}
		k, ok := num[v]
		if !ok {
			k = len(g.labels)
			num[v] = k
			g.labels = append(g.labels, v)
		}
		g.of[u] = k
	}
	slices.Sort(g.without)
	return g
}

// label names the grouping in messages.
func (g *grouping) label() string {
	if g.name == "" {
		return "the unit group"
	}
	return fmt.Sprintf("attribute %q", g.name)
}

// warnings says when the grouping cannot do what a methodology asks of it:
// it has one group only (so "within the group" means "among all"), or some
// units have no value and so belong to no group. what names the use
// ("impute group_mean", "ranks within").
func (g *grouping) warnings(what string) []string {
	var out []string
	switch len(g.labels) {
	case 0:
		out = append(out, fmt.Sprintf("%s by %s: no unit has a value, so there are no groups", what, g.label()))
	case 1:
		out = append(out, fmt.Sprintf("%s by %s: all units with a value are in one group (%q), so the groups add nothing", what, g.label(), g.labels[0]))
	}
	if n := len(g.without); n > 0 && len(g.labels) > 0 {
		out = append(out, fmt.Sprintf("%s by %s: %d of the units have no value and so no group: %s", what, g.label(), n, listIDs(g.without, 10)))
	}
	return out
}

// listIDs joins at most max ids, saying how many more there are.
func listIDs(ids []string, max int) string {
	if len(ids) <= max {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:max], ", "), len(ids)-max)
}

// ranks ranks score within each group (1 = best in the group); units
// without a group or a score get 0.
func (g *grouping) ranks(score []float64) []int {
	out := make([]int, len(g.of))
	members := make([][]int, len(g.labels))
	for u, k := range g.of {
		if k >= 0 {
			members[k] = append(members[k], u)
		}
	}
	var order []int
	for _, m := range members {
		order = competitionRank(score, m, out, order)
	}
	return out
}
