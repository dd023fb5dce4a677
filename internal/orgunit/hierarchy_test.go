package orgunit

import (
	"fmt"
	"strings"
	"testing"
)

const oid = "1.2.643.5.1.13.13.12.2.71."

// tula returns the reference hierarchy with a few Tula МО and departments.
func tula(t testing.TB) *Hierarchy {
	t.Helper()
	h := mustReference(t)
	if err := h.AddGroup(Group{Code: "MO-POL", Name: "Поликлиники"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []Unit{
		{Code: oid + "10", Name: "ГУЗ «Тульская областная клиническая больница»", Level: Organisation, Parent: "RU-TUL", Type: "больница"},
		{Code: oid + "2", Name: "ГУЗ «Городская поликлиника № 2»", Level: Organisation, Parent: "RU-TUL", Type: "поликлиника", Groups: []string{"MO-POL"}},
		{Code: oid + "2.1", Name: "Терапевтическое отделение", Level: Department, Parent: oid + "2"},
		{Code: "1.2.643.5.1.13.13.12.2.31.5", Name: "ОГБУЗ «Белгородская областная больница»", Level: Organisation, Parent: "RU-BEL"},
	} {
		if err := h.Add(u); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func codes(us []*Unit) string {
	s := make([]string, len(us))
	for i, u := range us {
		s[i] = strings.TrimPrefix(u.Code, oid)
	}
	return strings.Join(s, " ")
}

func TestTree(t *testing.T) {
	h := tula(t)
	if got, want := codes(h.Children("RU-TUL")), "2 10"; got != want {
		t.Errorf("Children(RU-TUL) = %q, want %q (numeric OID order)", got, want)
	}
	if got, want := codes(h.Descendants("RU-TUL")), "2 2.1 10"; got != want {
		t.Errorf("Descendants(RU-TUL) = %q, want %q", got, want)
	}
	if got, want := codes(h.Ancestors(oid+"2.1")), "2 RU-TUL FD-CEN RU"; got != want {
		t.Errorf("Ancestors = %q, want %q", got, want)
	}
	if got := h.Ancestors("RU"); len(got) != 0 {
		t.Errorf("Ancestors(RU) = %v", codes(got))
	}
	if got := len(h.Descendants("RU")); got != h.Len()-1 {
		t.Errorf("len(Descendants(RU)) = %d, want %d", got, h.Len()-1)
	}
	if got := len(h.Descendants("FD-CEN")); got != 18+4 {
		t.Errorf("len(Descendants(FD-CEN)) = %d, want 22", got)
	}
	if h.Children("nope") != nil || h.Descendants("nope") != nil || h.Ancestors("nope") != nil {
		t.Error("unknown code has relatives")
	}
	if got, want := codes(h.AtLevel(Organisation)), "1.2.643.5.1.13.13.12.2.31.5 2 10"; got != want {
		t.Errorf("AtLevel(Organisation) = %q, want %q", got, want)
	}
	if got := len(h.AtLevel(Department)); got != 1 {
		t.Errorf("departments = %d, want 1", got)
	}
	if got := h.AtLevel(Level(9)); got != nil {
		t.Errorf("AtLevel(9) = %v", got)
	}
	if u, _ := h.Get(oid + "2.1"); u.ShortName != u.Name {
		t.Errorf("ShortName default = %q", u.ShortName)
	}

	tests := []struct {
		code, ancestor string
		want           bool
	}{
		{oid + "2.1", oid + "2", true},
		{oid + "2.1", "RU-TUL", true},
		{oid + "2.1", "FD-CEN", true},
		{oid + "2.1", "RU", true},
		{oid + "2.1", oid + "2.1", true},
		{"RU-TUL", "RU-TUL", true},
		{"RU", "RU", true},
		{oid + "2.1", oid + "10", false},
		{oid + "2.1", "RU-BEL", false},
		{oid + "2.1", "FD-SOU", false},
		{"RU-TUL", oid + "2", false},
		{"RU", "RU-TUL", false},
		{"nope", "RU", false},
		{"RU-TUL", "nope", false},
	}
	for _, tt := range tests {
		if got := h.IsDescendant(tt.code, tt.ancestor); got != tt.want {
			t.Errorf("IsDescendant(%s, %s) = %v, want %v", tt.code, tt.ancestor, got, tt.want)
		}
	}

	of := []struct{ code, region, district string }{
		{oid + "2.1", "RU-TUL", "FD-CEN"},
		{oid + "10", "RU-TUL", "FD-CEN"},
		{"RU-TUL", "RU-TUL", "FD-CEN"},
		{"RU-KHM", "RU-KHM", "FD-URA"},
		{"FD-SIB", "", "FD-SIB"},
		{"RU", "", ""},
		{"nope", "", ""},
	}
	for _, tt := range of {
		r, okR := h.RegionOf(tt.code)
		d, okD := h.DistrictOf(tt.code)
		gotR, gotD := "", ""
		if okR {
			gotR = r.Code
		}
		if okD {
			gotD = d.Code
		}
		if gotR != tt.region || gotD != tt.district {
			t.Errorf("%s: RegionOf %q DistrictOf %q, want %q %q", tt.code, gotR, gotD, tt.region, tt.district)
		}
	}
}

func TestAddErrors(t *testing.T) {
	tests := []struct {
		name string
		u    Unit
		want string
	}{
		{"unknown parent", Unit{Code: "X1", Name: "x", Level: Organisation, Parent: "RU-ZZZ"}, `add orgunit "X1": unknown parent "RU-ZZZ"`},
		{"duplicate", Unit{Code: "RU-TUL", Name: "x", Level: Region, Parent: "FD-CEN"}, `add orgunit "RU-TUL": duplicate code`},
		{"МО under district", Unit{Code: "X2", Name: "x", Level: Organisation, Parent: "FD-CEN"}, `add orgunit "X2": organisation cannot sit under district "FD-CEN" (want region)`},
		{"department under region", Unit{Code: "X3", Name: "x", Level: Department, Parent: "RU-TUL"}, `add orgunit "X3": department cannot sit under region "RU-TUL" (want organisation)`},
		{"region under RU", Unit{Code: "RU-NEW", Name: "x", Level: Region, Parent: "RU"}, `add orgunit "RU-NEW": region cannot sit under federation "RU" (want district)`},
		{"second federation", Unit{Code: "RU2", Name: "x", Level: Federation}, `add orgunit "RU2": federation "RU" already present`},
		{"orphan", Unit{Code: "X4", Name: "x", Level: Organisation}, `add orgunit "X4": organisation has no parent`},
		{"empty code", Unit{Name: "x", Level: Organisation, Parent: "RU-TUL"}, `add orgunit "": empty code`},
		{"spaces", Unit{Code: " X5", Name: "x", Level: Organisation, Parent: "RU-TUL"}, `add orgunit " X5": code has surrounding spaces`},
		{"empty name", Unit{Code: "X6", Level: Organisation, Parent: "RU-TUL"}, `add orgunit "X6": empty name`},
		{"bad level", Unit{Code: "X7", Name: "x", Level: 7, Parent: "RU-TUL"}, `add orgunit "X7": invalid level 7`},
		{"unknown group", Unit{Code: "X8", Name: "x", Level: Organisation, Parent: "RU-TUL", Groups: []string{"NOPE"}}, `add orgunit "X8": unknown group "NOPE"`},
		{"ISO clash", Unit{Code: "RU-NEW", ISO: "ru-tul", Name: "x", Level: Region, Parent: "FD-CEN"}, `add orgunit "RU-NEW": ISO code "ru-tul" already used by "RU-TUL"`},
		{"ОКАТО clash", Unit{Code: "RU-NEW", Name: "x", Level: Region, Parent: "FD-CEN", OKATO: "70000000000"}, `add orgunit "RU-NEW": ОКАТО 70000000000 already used by "RU-TUL"`},
		{"short ОКАТО", Unit{Code: "RU-NEW", Name: "x", Level: Region, Parent: "FD-CEN", OKATO: "7000"}, `add orgunit "RU-NEW": ОКАТО "7000": want 11 digits`},
		{"number clash", Unit{Code: "RU-NEW", Name: "x", Level: Region, Parent: "FD-CEN", RegionNumber: 71}, `add orgunit "RU-NEW": region number 71 already used by "RU-TUL"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustReference(t)
			n := h.Len()
			err := h.Add(tt.u)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Add error = %v, want %q", err, tt.want)
			}
			if h.Len() != n {
				t.Errorf("Len changed from %d to %d after a failed Add", n, h.Len())
			}
		})
	}
	h := New()
	if err := h.Add(Unit{Code: "RU-TUL", Name: "x", Level: Region, Parent: "FD-CEN"}); err == nil || !strings.Contains(err.Error(), `unknown parent "FD-CEN"`) {
		t.Errorf("Add to empty hierarchy: %v", err)
	}
	if err := h.Add(federationUnit()); err != nil {
		t.Errorf("Add federation to empty hierarchy: %v", err)
	}
}

func TestGroups(t *testing.T) {
	h := tula(t)
	if err := h.AddGroup(Group{Code: "MO-HOSP", Name: "Больницы", Members: []string{oid + "10", "1.2.643.5.1.13.13.12.2.31.5", oid + "10"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.AddToGroup("MO-POL", oid+"10"); err != nil {
		t.Fatal(err)
	}
	g, ok := h.Group("MO-HOSP")
	if !ok || g.Name != "Больницы" || len(g.Members) != 2 {
		t.Errorf("Group(MO-HOSP) = %+v, %v", g, ok)
	}
	g.Members[0] = "changed" // a copy: must not leak into the hierarchy
	if g2, _ := h.Group("MO-HOSP"); g2.Members[0] != oid+"10" {
		t.Error("Group returned shared members")
	}
	pol, _ := h.Group("MO-POL")
	if got := strings.Join(pol.Members, " "); got != oid+"2 "+oid+"10" {
		t.Errorf("MO-POL members = %q", got)
	}
	if u, _ := h.Get(oid + "10"); strings.Join(u.Groups, ",") != "MO-HOSP,MO-POL" {
		t.Errorf("unit groups = %v", u.Groups)
	}
	var all []string
	for _, g := range h.Groups() {
		all = append(all, g.Code)
	}
	if got := strings.Join(all, " "); got != "MO-HOSP MO-POL" {
		t.Errorf("Groups = %q", got)
	}
	bad := []struct {
		g    Group
		want string
	}{
		{Group{Code: "MO-POL", Name: "x"}, `add orgunit group "MO-POL": duplicate code`},
		{Group{Name: "x"}, `add orgunit group: empty code`},
		{Group{Code: "G"}, `add orgunit group "G": empty name`},
		{Group{Code: "G", Name: "x", Members: []string{"nope"}}, `add orgunit group "G": unknown member "nope"`},
	}
	for _, tt := range bad {
		if err := h.AddGroup(tt.g); err == nil || err.Error() != tt.want {
			t.Errorf("AddGroup(%+v) = %v, want %q", tt.g, err, tt.want)
		}
	}
	if err := h.AddToGroup("NOPE", "RU"); err == nil {
		t.Error("AddToGroup unknown group: want error")
	}
	if err := h.AddToGroup("MO-POL", "nope"); err == nil {
		t.Error("AddToGroup unknown unit: want error")
	}
	if _, ok := h.Group("NOPE"); ok {
		t.Error("Group(NOPE) found")
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		in   string
		want Level
	}{
		{"federation", Federation}, {"country", Federation},
		{"district", District}, {"federal_district", District},
		{"region", Region},
		{"organisation", Organisation}, {"mo", Organisation}, {"MO", Organisation}, {"organization", Organisation},
		{"department", Department},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for l := Federation; l <= Department; l++ {
		if back, err := ParseLevel(l.String()); err != nil || back != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l, back, err)
		}
	}
	if _, err := ParseLevel("city"); err == nil {
		t.Error("ParseLevel(city): want error")
	}
	if got := Level(7).String(); got != "Level(7)" {
		t.Errorf("Level(7) = %q", got)
	}
	var l Level
	if err := l.UnmarshalText([]byte("mo")); err != nil || l != Organisation {
		t.Errorf("UnmarshalText(mo) = %v, %v", l, err)
	}
	if b, err := Region.MarshalText(); err != nil || string(b) != "region" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
}

func TestCompareCodes(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.2.10", "1.2.9", 1},
		{"1.2.9", "1.2.10", -1},
		{"1.2", "1.2.1", -1},
		{"1.2.1", "1.2", 1},
		{"1.2.3", "1.2.3", 0},
		{"A.1", "B.1", -1},
		{"1.x", "1.10", 1},
	}
	for _, tt := range tests {
		got := compareCodes(tt.a, tt.b)
		if (got > 0) != (tt.want > 0) || (got < 0) != (tt.want < 0) {
			t.Errorf("compareCodes(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
	if compareRussian("Ёлкино", "Жуково") >= 0 || compareRussian("Ёлкино", "Елово") <= 0 {
		t.Error("ё is not sorted between е and ж")
	}
}

// withOrganisations adds n МО spread over the regions, each with one
// department.
func withOrganisations(tb testing.TB, n int) (*Hierarchy, []string) {
	tb.Helper()
	h := mustReference(tb)
	regions := h.AtLevel(Region)
	deps := make([]string, 0, n)
	for i := range n {
		r := regions[i%len(regions)]
		code := fmt.Sprintf("1.2.643.5.1.13.13.12.2.%d.%d", r.RegionNumber, i)
		if err := h.Add(Unit{Code: code, Name: fmt.Sprintf("МО %d", i), Level: Organisation, Parent: r.Code}); err != nil {
			tb.Fatal(err)
		}
		dep := code + ".1"
		if err := h.Add(Unit{Code: dep, Name: "Отделение", Level: Department, Parent: code}); err != nil {
			tb.Fatal(err)
		}
		deps = append(deps, dep)
	}
	return h, deps
}

func TestManyOrganisations(t *testing.T) {
	h, deps := withOrganisations(t, 2000)
	if h.Len() != 94+4000 {
		t.Errorf("Len = %d", h.Len())
	}
	tulMO := h.Children("RU-TUL")
	for i := 1; i < len(tulMO); i++ {
		if compareCodes(tulMO[i-1].Code, tulMO[i].Code) >= 0 {
			t.Fatalf("МО out of order: %s, %s", tulMO[i-1].Code, tulMO[i].Code)
		}
	}
	for _, d := range deps[:100] {
		r, _ := h.RegionOf(d)
		if !h.IsDescendant(d, r.Code) || !h.IsDescendant(d, r.Parent) || !h.IsDescendant(d, "RU") {
			t.Fatalf("%s not under its ancestors", d)
		}
	}
}

func BenchmarkIsDescendant(b *testing.B) {
	h, deps := withOrganisations(b, 10_000)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := deps[i%len(deps)]
		h.IsDescendant(d, "RU-TUL")
	}
}

func BenchmarkLookup(b *testing.B) {
	h, deps := withOrganisations(b, 10_000)
	keys := []string{"RU-TUL", "ru-tul", "70000000000", "70", "Тульская область", deps[5000]}
	for _, k := range keys {
		b.Run(k, func(b *testing.B) {
			for b.Loop() {
				if _, ok := h.Lookup(k); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}
