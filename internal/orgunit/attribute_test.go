package orgunit

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func readAttributesFile(t *testing.T, path string) *AttributeTable {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ReadAttributes(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestReadAttributes(t *testing.T) {
	tab := readAttributesFile(t, "testdata/units.csv")
	if want := []string{"income_group", "continent"}; !reflect.DeepEqual(tab.Names, want) {
		t.Errorf("Names = %q, want %q", tab.Names, want)
	}
	want := []Unit{
		{Code: "AUT", Name: "Austria", Attributes: map[string]string{"income_group": "high", "continent": "Europe"}},
		{Code: "BGD", Name: "Bangladesh", Attributes: map[string]string{"income_group": "lower-middle", "continent": "Asia"}},
		{Code: "CHN", Name: "China, People's Republic", Attributes: map[string]string{"income_group": "upper-middle", "continent": "Asia"}},
		{Code: "XXX", Name: "XXX"}, // no name: the code; no attributes: none
	}
	if !reflect.DeepEqual(tab.Units, want) {
		t.Errorf("Units = %+v,\nwant %+v", tab.Units, want)
	}
	if want := []int{2, 3, 4, 5}; !reflect.DeepEqual(tab.Lines, want) {
		t.Errorf("Lines = %v, want %v", tab.Lines, want)
	}
	if u, ok := tab.Unit("BGD"); !ok || u.Attributes["continent"] != "Asia" {
		t.Errorf("Unit(BGD) = %+v, %v", u, ok)
	}
	if _, ok := tab.Unit("FRA"); ok {
		t.Error("Unit(FRA) found")
	}
}

func TestReadAttributesSemicolon(t *testing.T) {
	tab := readAttributesFile(t, "testdata/units_semicolon.csv")
	if len(tab.Units) != 2 || tab.Units[1].Attributes["тип_МО"] != "ФАП" || tab.Units[0].Name != "Поликлиника № 1" {
		t.Errorf("got %+v", tab)
	}
}

func TestReadAttributesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "u.csv: пустой файл"},
		{"header only", "code,name,g\n", "нет ни одной единицы"},
		{"no code column", "id,name\nA,a\n", "u.csv, строка 1: первые столбцы заголовка должны быть code и name"},
		{"one column", "code\nA\n", "первые столбцы"},
		{"empty attribute name", "code,name,\nA,a,1\n", "строка 1, столбец 3: пустое имя атрибута"},
		{"bad attribute name", "code,name,income group\nA,a,1\n", `столбец 3: имя атрибута "income group"`},
		{"attribute named code", "code,name,Code\nA,a,1\n", `атрибут не может называться "Code"`},
		{"repeated attribute", "code,name,g,g\nA,a,1,2\n", `столбец 4: атрибут "g" повторяется`},
		{"short row", "code,name,g\nA,a,1\nB,b\n", "u.csv, строка 3: 2 полей, в заголовке 3"},
		{"empty code", "code,name,g\nA,a,1\n ,b,2\n", "строка 3, столбец code: пустой код"},
		{"duplicate code", "code,name,g\nA,a,1\nB,b,2\nA,c,3\n", `строка 4, столбец code: код "A" уже был в строке 2`},
		{"bad quote", "code,name,g\nA,a\"b,1\n", "u.csv, строка 2, позиция 4: кавычка не на месте"},
		{"not utf-8", "code,name,g\nA,\xff,1\n", "строка 2, столбец name: значение длиннее 1024 байт или не в UTF-8"},
		{"long value", "code,name,g\nA,a," + strings.Repeat("x", 1025) + "\n", "столбец g"},
		{"too many attributes", "code,name" + strings.Repeat(",a", 65) + "\n", "65 атрибутов, допустимо не больше 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ReadAttributes(strings.NewReader(tc.in), "u.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if tab != nil {
				t.Errorf("table %+v returned with the error", tab)
			}
		})
	}
}

func TestHierarchyAttribute(t *testing.T) {
	h := mustReference(t)
	tab, err := ReadAttributes(strings.NewReader("code,name,income,urban\nRU-TUL,,high,\nТверская область,,low,yes\n"), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetAttributes(tab); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code, name, want string
	}{
		{"RU-TUL", "income", "high"},
		{"RU-TUL", "urban", ""}, // empty cell: no value
		{"RU-TVE", "income", "low"},
		{"RU-TVE", "urban", "yes"},
		{"RU-MOW", "income", ""},
		{"RU-TUL", AttrFederalDistrict, "FD-CEN"},
		{"RU-TUL", AttrRegion, "RU-TUL"},
		{"RU-TUL", AttrLevel, "region"},
		{"RU-TUL", AttrParent, "FD-CEN"},
		{"RU-TUL", AttrType, "обл"},
		{"RU-TUL", AttrTimeZone, "UTC+3"},
		{"RU", AttrFederalDistrict, ""},
	} {
		got, ok := h.Attribute(tc.code, tc.name)
		if !ok || got != tc.want {
			t.Errorf("Attribute(%s, %s) = %q, %v; want %q", tc.code, tc.name, got, ok, tc.want)
		}
	}
	if _, ok := h.Attribute("RU-XXX", "income"); ok {
		t.Error("Attribute of an unknown unit: ok")
	}
	if got, want := h.AttributeNames(), []string{"income", "urban"}; !reflect.DeepEqual(got, want) {
		t.Errorf("AttributeNames = %q, want %q", got, want)
	}
	// An own attribute named like a built-in one wins over it.
	tab, _ = ReadAttributes(strings.NewReader("code,name,type\nRU-TUL,,промышленный\n"), "b.csv")
	if err := h.SetAttributes(tab); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Attribute("RU-TUL", AttrType); got != "промышленный" {
		t.Errorf("own type = %q", got)
	}
	// Clearing a value removes it.
	tab, _ = ReadAttributes(strings.NewReader("code,name,income\nRU-TUL,,\n"), "c.csv")
	if err := h.SetAttributes(tab); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Attribute("RU-TUL", "income"); got != "" {
		t.Errorf("cleared income = %q", got)
	}
}

func TestSetAttributesUnknownUnitChangesNothing(t *testing.T) {
	h := mustReference(t)
	tab, err := ReadAttributes(strings.NewReader("code,name,income\nRU-TUL,,high\nATLANTIS,,low\n"), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	err = h.SetAttributes(tab)
	if err == nil || !strings.Contains(err.Error(), `a.csv, строка 3: организационная единица "ATLANTIS" неизвестна`) {
		t.Fatalf("err = %v", err)
	}
	if got, _ := h.Attribute("RU-TUL", "income"); got != "" {
		t.Errorf("RU-TUL got income %q from a refused table", got)
	}
}

func TestAddCopiesAttributes(t *testing.T) {
	h := mustReference(t)
	attrs := map[string]string{"kind": "city"}
	if err := h.Add(Unit{Code: "MO-1", Name: "Поликлиника", Level: Organisation, Parent: "RU-TUL", Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	attrs["kind"] = "changed"
	if got, _ := h.Attribute("MO-1", "kind"); got != "city" {
		t.Errorf("kind = %q: the hierarchy shares the caller's map", got)
	}
	if got, _ := h.Attribute("MO-1", AttrRegion); got != "RU-TUL" {
		t.Errorf("region of MO-1 = %q", got)
	}
	if got, _ := h.Attribute("MO-1", AttrFederalDistrict); got != "FD-CEN" {
		t.Errorf("federal district of MO-1 = %q", got)
	}
}

func TestIsBuiltinAttribute(t *testing.T) {
	if !IsBuiltinAttribute(AttrFederalDistrict) || IsBuiltinAttribute("income") {
		t.Error("IsBuiltinAttribute wrong")
	}
	BuiltinAttributes()[0] = "x"
	if !IsBuiltinAttribute(AttrFederalDistrict) {
		t.Error("BuiltinAttributes shares its list")
	}
}

func FuzzReadAttributes(f *testing.F) {
	for _, p := range []string{"testdata/units.csv", "testdata/units_semicolon.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("code,name,g\nA,a,1\nA,b,2\n"))
	f.Add([]byte("code,name\n\"A\nB\",x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadAttributes(strings.NewReader(string(b)), "f.csv")
		if err != nil {
			if tab != nil {
				t.Fatal("table with an error")
			}
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for i, u := range tab.Units {
			if u.Code == "" || u.Name == "" || seen[u.Code] {
				t.Fatalf("unit %d: %+v", i, u)
			}
			seen[u.Code] = true
			for k, v := range u.Attributes {
				if v == "" || !validAttrName(k) {
					t.Fatalf("unit %s: attribute %q = %q", u.Code, k, v)
				}
			}
		}
		if len(tab.Lines) != len(tab.Units) {
			t.Fatal("lines and units differ")
		}
	})
}
