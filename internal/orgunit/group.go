package orgunit

import (
	"fmt"
	"maps"
	"slices"
)

// Group is an organisation-unit group, such as all polyclinics or all
// units of one МО type.
type Group struct {
	Code    string
	Name    string
	Members []string // unit codes
}

// AddGroup registers g. Its members must already be in the hierarchy;
// each gains g.Code in its Groups.
func (h *Hierarchy) AddGroup(g Group) error {
	switch {
	case g.Code == "":
		return fmt.Errorf("add orgunit group: empty code")
	case g.Name == "":
		return fmt.Errorf("add orgunit group %q: empty name", g.Code)
	}
	if _, dup := h.groups[g.Code]; dup {
		return fmt.Errorf("add orgunit group %q: duplicate code", g.Code)
	}
	for _, m := range g.Members {
		if _, ok := h.nodes[m]; !ok {
			return fmt.Errorf("add orgunit group %q: unknown member %q", g.Code, m)
		}
	}
	h.groups[g.Code] = &Group{Code: g.Code, Name: g.Name}
	for _, m := range g.Members {
		if err := h.AddToGroup(g.Code, m); err != nil {
			return err
		}
	}
	return nil
}

// AddToGroup puts the unit code into group; adding a member twice is a
// no-op.
func (h *Hierarchy) AddToGroup(group, code string) error {
	g, ok := h.groups[group]
	if !ok {
		return fmt.Errorf("add %q to orgunit group %q: unknown group", code, group)
	}
	n, ok := h.nodes[code]
	if !ok {
		return fmt.Errorf("add %q to orgunit group %q: unknown unit", code, group)
	}
	if slices.Contains(n.unit.Groups, group) {
		return nil
	}
	// Copy on write: callers may still hold the old slice.
	n.unit.Groups = append(slices.Clip(n.unit.Groups), group)
	g.Members = append(g.Members, code)
	return nil
}

// Groups returns copies of all groups ordered by code.
func (h *Hierarchy) Groups() []Group {
	out := make([]Group, 0, len(h.groups))
	for _, code := range slices.Sorted(maps.Keys(h.groups)) {
		out = append(out, h.groups[code].clone())
	}
	return out
}

// Group returns a copy of the group with this code.
func (h *Hierarchy) Group(code string) (Group, bool) {
	g, ok := h.groups[code]
	if !ok {
		return Group{}, false
	}
	return g.clone(), true
}

func (g *Group) clone() Group {
	return Group{Code: g.Code, Name: g.Name, Members: slices.Clone(g.Members)}
}
