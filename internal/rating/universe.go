package rating

import (
	"sort"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// Universe is the set of organisation units a computation sees, flattened
// into arrays: parents by index and an order that visits children before
// their parents.
type Universe struct {
	Codes      []string
	Names      []string
	Levels     []orgunit.Level
	Parent     []int    // -1 for a root
	Group      []string // federal district code for regions and below
	GroupName  []string
	Population []float64
	// attrs holds the own attributes of units not in a hierarchy (a units
	// file's); units of h answer from it, built-in attributes included.
	attrs    []map[string]string
	h        *orgunit.Hierarchy
	index    map[string]int
	bottomUp []int
}

// NewUniverse flattens a hierarchy.
func NewUniverse(h *orgunit.Hierarchy) *Universe {
	u := &Universe{index: map[string]int{}, h: h}
	var walk func(code string, parent int)
	walk = func(code string, parent int) {
		unit, ok := h.Get(code)
		if !ok {
			return
		}
		i := len(u.Codes)
		u.index[code] = i
		u.Codes = append(u.Codes, unit.Code)
		u.Names = append(u.Names, unit.Name)
		u.Levels = append(u.Levels, unit.Level)
		u.Parent = append(u.Parent, parent)
		g, gn := "", ""
		if d, ok := h.DistrictOf(code); ok {
			g, gn = d.Code, d.Name
		}
		u.Group = append(u.Group, g)
		u.GroupName = append(u.GroupName, gn)
		u.Population = append(u.Population, float64(unit.Population))
		for _, c := range h.Children(code) {
			walk(c.Code, i)
		}
	}
	for _, root := range h.AtLevel(orgunit.Federation) {
		walk(root.Code, -1)
	}
	u.order()
	return u
}

// FlatUniverse makes a universe of independent units with no hierarchy and
// no groups, for running a methodology on outside data whose codes Cifra
// does not know.
func FlatUniverse(codes []string, level orgunit.Level) *Universe {
	u := &Universe{index: map[string]int{}}
	sorted := append([]string(nil), codes...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if _, dup := u.index[c]; dup {
			continue
		}
		u.index[c] = len(u.Codes)
		u.Codes = append(u.Codes, c)
		u.Names = append(u.Names, c)
		u.Levels = append(u.Levels, level)
		u.Parent = append(u.Parent, -1)
		u.Group = append(u.Group, "")
		u.GroupName = append(u.GroupName, "")
		u.Population = append(u.Population, 0)
	}
	u.order()
	return u
}

// TableUniverse makes a universe of the independent units of a units file,
// in file order, with their names and attributes, for outside data that
// group by attributes Cifra does not hold (income group, continent…).
func TableUniverse(t *orgunit.AttributeTable, level orgunit.Level) *Universe {
	u := &Universe{index: map[string]int{}}
	for _, unit := range t.Units {
		u.index[unit.Code] = len(u.Codes)
		u.Codes = append(u.Codes, unit.Code)
		u.Names = append(u.Names, unit.Name)
		u.Levels = append(u.Levels, level)
		u.Parent = append(u.Parent, -1)
		u.Group = append(u.Group, "")
		u.GroupName = append(u.GroupName, "")
		u.Population = append(u.Population, 0)
		u.attrs = append(u.attrs, unit.Attributes)
	}
	u.order()
	return u
}

// Attribute is unit i's value of a named attribute, "" when it has none:
// the hierarchy's (own and built-in, see orgunit.Hierarchy.Attribute) for a
// universe of a hierarchy, the units file's otherwise.
func (u *Universe) Attribute(i int, name string) string {
	if u.h != nil {
		v, _ := u.h.Attribute(u.Codes[i], name)
		return v
	}
	if i < len(u.attrs) {
		return u.attrs[i][name]
	}
	return ""
}

func (u *Universe) order() {
	u.bottomUp = make([]int, len(u.Codes))
	for i := range u.bottomUp {
		u.bottomUp[i] = i
	}
	sort.SliceStable(u.bottomUp, func(a, b int) bool {
		return u.Levels[u.bottomUp[a]] > u.Levels[u.bottomUp[b]]
	})
}

// Index of a code, -1 when absent.
func (u *Universe) Index(code string) int {
	if i, ok := u.index[code]; ok {
		return i
	}
	return -1
}

// Len is the number of units.
func (u *Universe) Len() int { return len(u.Codes) }

// AtLevel lists unit indexes of one level in universe order.
func (u *Universe) AtLevel(l orgunit.Level) []int {
	var out []int
	for i, lv := range u.Levels {
		if lv == l {
			out = append(out, i)
		}
	}
	return out
}

// Descendants lists the indexes of units below i at level l.
func (u *Universe) Descendants(i int, l orgunit.Level) []int {
	var out []int
	for j, lv := range u.Levels {
		if lv != l {
			continue
		}
		for p := u.Parent[j]; p >= 0; p = u.Parent[p] {
			if p == i {
				out = append(out, j)
				break
			}
		}
	}
	return out
}
