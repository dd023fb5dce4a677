package dhis2

import (
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// TestResolveUnits: levels by name and 1-based number, groups, boundaries
// and children, against the reference hierarchy with the demo's МО.
func TestResolveUnits(t *testing.T) {
	h := testFixture(t).h
	group := tulaGroup(t)
	g, _ := h.Group(group)
	inTula := 0
	for _, m := range g.Members {
		if h.IsDescendant(m, "RU-TUL") {
			inTula++
		}
	}
	cases := []struct {
		items []string
		want  int                        // number of units
		check func(u *orgunit.Unit) bool // every unit must pass
	}{
		{[]string{"RU-TUL", "RU-MOW", "RU-TUL"}, 2, nil},
		{[]string{"LEVEL-region"}, 85, func(u *orgunit.Unit) bool { return u.Level == orgunit.Region }},
		{[]string{"LEVEL-3"}, 85, func(u *orgunit.Unit) bool { return u.Level == orgunit.Region }},
		{[]string{"LEVEL-1"}, 1, func(u *orgunit.Unit) bool { return u.Code == "RU" }},
		{[]string{"LEVEL-region", "FD-CEN"}, 18, func(u *orgunit.Unit) bool { return u.Parent == "FD-CEN" }},
		{[]string{"OU_GROUP-" + group}, len(g.Members), nil},
		{[]string{"OU_GROUP-" + group, "RU-TUL"}, inTula, func(u *orgunit.Unit) bool { return h.IsDescendant(u.Code, "RU-TUL") }},
		{[]string{"CHILDREN-FD-CEN"}, 18, func(u *orgunit.Unit) bool { return u.Parent == "FD-CEN" }},
		{[]string{"70"}, 1, func(u *orgunit.Unit) bool { return u.Code == "RU-TUL" }}, // ОКАТО prefix, as Lookup takes it
	}
	for _, c := range cases {
		r, err := resolveUnits(Axis{Dim: DimUnit, Items: c.items, Param: "dimension"}, h)
		if err != nil {
			t.Errorf("%v: %v", c.items, err)
			continue
		}
		if len(r.units) != c.want {
			t.Errorf("%v: %d units, want %d", c.items, len(r.units), c.want)
		}
		for _, u := range r.units {
			if c.check != nil && !c.check(u) {
				t.Errorf("%v: unexpected unit %s", c.items, u.Code)
			}
		}
	}
	for _, bad := range [][]string{{"LEVEL-0"}, {"LEVEL-galaxy"}, {"USER_ORGUNIT"}, {"OU_GROUP-nope"}, {"CHILDREN-nope"}} {
		_, err := resolveUnits(Axis{Dim: DimUnit, Items: bad, Param: "filter"}, h)
		if err == nil || !strings.HasPrefix(err.Error(), "параметр «filter»: измерение ou:") {
			t.Errorf("%v: error %v, want one naming filter and ou", bad, err)
		}
	}
}
