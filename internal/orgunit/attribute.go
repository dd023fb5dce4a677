package orgunit

import (
	"fmt"
	"maps"
	"slices"
)

// Built-in attributes: every unit in a hierarchy has them, derived from its
// place and fields, so that a methodology can group stored units without
// anyone entering attributes.
const (
	AttrFederalDistrict = "federal_district" // code of the federal district above the unit
	AttrRegion          = "region"           // code of the region above the unit (or the region itself)
	AttrType            = "type"             // region type (обл, Респ…) or МО type
	AttrLevel           = "level"            // region, organisation…
	AttrTimeZone        = "time_zone"
	AttrSettlement      = "settlement"
	AttrParent          = "parent" // code of the parent unit
)

// BuiltinAttributes lists the built-in attribute names (a new slice each
// call: the list is not to be changed).
func BuiltinAttributes() []string {
	return []string{AttrFederalDistrict, AttrRegion, AttrType, AttrLevel, AttrTimeZone, AttrSettlement, AttrParent}
}

// IsBuiltinAttribute reports whether name is derived by Attribute.
func IsBuiltinAttribute(name string) bool { return slices.Contains(BuiltinAttributes(), name) }

// Attribute returns the value of a named attribute of unit code: the unit's
// own Attributes first, then the built-in ones. ok is false for an unknown
// unit; a unit without the attribute has "".
func (h *Hierarchy) Attribute(code, name string) (value string, ok bool) {
	n, ok := h.nodes[code]
	if !ok {
		return "", false
	}
	u := &n.unit
	if v, set := u.Attributes[name]; set {
		return v, true
	}
	switch name {
	case AttrFederalDistrict:
		if d, found := h.DistrictOf(code); found {
			return d.Code, true
		}
	case AttrRegion:
		if r, found := h.RegionOf(code); found {
			return r.Code, true
		}
	case AttrType:
		return u.Type, true
	case AttrLevel:
		return u.Level.String(), true
	case AttrTimeZone:
		return u.TimeZone, true
	case AttrSettlement:
		return u.Settlement, true
	case AttrParent:
		return u.Parent, true
	}
	return "", true
}

// AttributeNames lists the attribute names units of h carry of their own
// (not the built-in ones), sorted.
func (h *Hierarchy) AttributeNames() []string {
	seen := map[string]bool{}
	for _, n := range h.nodes {
		for k := range n.unit.Attributes {
			seen[k] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// SetAttributes gives the units of t that h knows (by code, ISO code, ОКАТО
// or name, as Lookup finds them) the attributes of t, replacing the values
// of the same names and keeping the others; an empty value removes the
// attribute. A unit of t that h does not know is an error naming its line,
// and then nothing is changed. Like Add, it must not run concurrently with
// any other call.
func (h *Hierarchy) SetAttributes(t *AttributeTable) error {
	targets := make([]*node, len(t.Units))
	for i := range t.Units {
		u, ok := h.Lookup(t.Units[i].Code)
		if !ok {
			return fmt.Errorf("%s, строка %d: организационная единица %q неизвестна", t.File, t.Lines[i], t.Units[i].Code)
		}
		targets[i] = h.nodes[u.Code]
	}
	for i, n := range targets {
		for _, name := range t.Names {
			v := t.Units[i].Attributes[name]
			if v == "" {
				delete(n.unit.Attributes, name)
				continue
			}
			if n.unit.Attributes == nil {
				n.unit.Attributes = map[string]string{}
			}
			n.unit.Attributes[name] = v
		}
	}
	return nil
}
