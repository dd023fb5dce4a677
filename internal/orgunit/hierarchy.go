// Package orgunit holds the organisation hierarchy: the federation, the
// federal districts, the regions, medical organisations (МО) and their
// departments, with lookups by the codes used in official data and
// organisation-unit groups.
package orgunit

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Hierarchy is a tree of units rooted at the federation.
//
// Build it once and then share it read-only: the read methods are safe
// for concurrent use, but Add, AddGroup and AddToGroup must not run
// concurrently with any other call. Units returned by pointer belong to
// the hierarchy and must not be modified.
type Hierarchy struct {
	nodes   map[string]*node
	byLevel [Department + 1][]*node // each sorted by compareUnits
	idx     index
	groups  map[string]*Group
}

type node struct {
	unit     Unit
	parent   *node
	children []*node // sorted by compareUnits
}

// New returns an empty hierarchy; the first unit added must be the
// federation.
func New() *Hierarchy {
	return &Hierarchy{
		nodes:  make(map[string]*node),
		idx:    newIndex(),
		groups: make(map[string]*Group),
	}
}

// Add inserts u under its parent, which must already be present and one
// level above it. The unit is copied; a missing ShortName defaults to Name.
func (h *Hierarchy) Add(u Unit) error {
	if err := h.check(&u); err != nil {
		return fmt.Errorf("add orgunit %q: %w", u.Code, err)
	}
	u.Groups = slices.Clone(u.Groups)
	u.Attributes = maps.Clone(u.Attributes)
	if u.ShortName == "" {
		u.ShortName = u.Name
	}
	n := &node{unit: u, parent: h.nodes[u.Parent]}
	h.nodes[u.Code] = n
	if n.parent != nil {
		n.parent.children = insertSorted(n.parent.children, n)
	}
	h.byLevel[u.Level] = insertSorted(h.byLevel[u.Level], n)
	h.idx.add(n)
	for _, g := range u.Groups {
		h.groups[g].Members = append(h.groups[g].Members, u.Code)
	}
	return nil
}

// check validates u against the hierarchy before it is added.
func (h *Hierarchy) check(u *Unit) error {
	switch {
	case u.Code == "":
		return fmt.Errorf("empty code")
	case strings.TrimSpace(u.Code) != u.Code:
		return fmt.Errorf("code has surrounding spaces")
	case u.Name == "":
		return fmt.Errorf("empty name")
	case !u.Level.Valid():
		return fmt.Errorf("invalid level %d", int(u.Level))
	}
	if _, dup := h.nodes[u.Code]; dup {
		return fmt.Errorf("duplicate code")
	}
	if u.Parent == "" {
		if u.Level != Federation {
			return fmt.Errorf("%s has no parent", u.Level)
		}
		if len(h.byLevel[Federation]) > 0 {
			return fmt.Errorf("federation %q already present", h.byLevel[Federation][0].unit.Code)
		}
	} else {
		p, ok := h.nodes[u.Parent]
		if !ok {
			return fmt.Errorf("unknown parent %q", u.Parent)
		}
		if u.Level != p.unit.Level+1 {
			return fmt.Errorf("%s cannot sit under %s %q (want %s)", u.Level, p.unit.Level, p.unit.Code, p.unit.Level+1)
		}
	}
	for _, g := range u.Groups {
		if _, ok := h.groups[g]; !ok {
			return fmt.Errorf("unknown group %q", g)
		}
	}
	if slices.Contains(u.Groups, "") || hasDuplicates(u.Groups) {
		return fmt.Errorf("empty or repeated group in %q", u.Groups)
	}
	return h.idx.check(u)
}

func hasDuplicates(s []string) bool {
	seen := make(map[string]bool, len(s))
	for _, v := range s {
		if seen[v] {
			return true
		}
		seen[v] = true
	}
	return false
}

func insertSorted(list []*node, n *node) []*node {
	i, _ := slices.BinarySearchFunc(list, n, func(a, b *node) int { return compareUnits(&a.unit, &b.unit) })
	return slices.Insert(list, i, n)
}

func units(nodes []*node) []*Unit {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]*Unit, len(nodes))
	for i, n := range nodes {
		out[i] = &n.unit
	}
	return out
}

// Len returns the number of units.
func (h *Hierarchy) Len() int { return len(h.nodes) }

// Root returns the federation, if present.
func (h *Hierarchy) Root() (*Unit, bool) {
	if len(h.byLevel[Federation]) == 0 {
		return nil, false
	}
	return &h.byLevel[Federation][0].unit, true
}

// Get returns the unit with exactly this code.
func (h *Hierarchy) Get(code string) (*Unit, bool) {
	n, ok := h.nodes[code]
	if !ok {
		return nil, false
	}
	return &n.unit, true
}

// Children returns the direct children of code in stable order: districts
// in the official order, regions by Russian name, МО and departments by
// code. It returns nil for an unknown code or a leaf.
func (h *Hierarchy) Children(code string) []*Unit {
	n, ok := h.nodes[code]
	if !ok {
		return nil
	}
	return units(n.children)
}

// Descendants returns every unit below code (not code itself), depth
// first, each parent before its children.
func (h *Hierarchy) Descendants(code string) []*Unit {
	n, ok := h.nodes[code]
	if !ok {
		return nil
	}
	var out []*Unit
	var walk func(*node)
	walk = func(n *node) {
		for _, c := range n.children {
			out = append(out, &c.unit)
			walk(c)
		}
	}
	walk(n)
	return out
}

// Ancestors returns the units above code, nearest first, ending with the
// federation.
func (h *Hierarchy) Ancestors(code string) []*Unit {
	n, ok := h.nodes[code]
	if !ok {
		return nil
	}
	var out []*Unit
	for p := n.parent; p != nil; p = p.parent {
		out = append(out, &p.unit)
	}
	return out
}

// IsDescendant reports whether code lies under ancestor or is ancestor
// itself. It walks up from code, so it costs O(depth) whatever the size
// of the hierarchy; access checks call it on every request.
func (h *Hierarchy) IsDescendant(code, ancestor string) bool {
	n, ok := h.nodes[code]
	if !ok {
		return false
	}
	a, ok := h.nodes[ancestor]
	if !ok {
		return false
	}
	for ; n != nil && n.unit.Level >= a.unit.Level; n = n.parent {
		if n == a {
			return true
		}
	}
	return false
}

// AtLevel returns the units of one level in stable order (see Children).
func (h *Hierarchy) AtLevel(l Level) []*Unit {
	if !l.Valid() {
		return nil
	}
	return units(h.byLevel[l])
}

// RegionOf returns the region containing code, or the region itself.
func (h *Hierarchy) RegionOf(code string) (*Unit, bool) {
	return h.ancestorAt(code, Region)
}

// DistrictOf returns the federal district containing code, or the
// district itself.
func (h *Hierarchy) DistrictOf(code string) (*Unit, bool) {
	return h.ancestorAt(code, District)
}

func (h *Hierarchy) ancestorAt(code string, l Level) (*Unit, bool) {
	n, ok := h.nodes[code]
	if !ok {
		return nil, false
	}
	for ; n != nil && n.unit.Level >= l; n = n.parent {
		if n.unit.Level == l {
			return &n.unit, true
		}
	}
	return nil, false
}
