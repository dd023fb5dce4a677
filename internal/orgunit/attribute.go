package orgunit

import (
	"slices"
	"strconv"
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

// BuiltinAttributes lists the built-in attribute names.
var BuiltinAttributes = []string{AttrFederalDistrict, AttrRegion, AttrType, AttrLevel, AttrTimeZone, AttrSettlement, AttrParent}

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
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// IsBuiltinAttribute reports whether name is derived by Attribute.
func IsBuiltinAttribute(name string) bool { return slices.Contains(BuiltinAttributes, name) }

// quoteList is for messages.
func quoteList(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += strconv.Quote(s)
	}
	return out
}
