package orgunit

import (
	"testing"
	"unicode/utf8"
)

func mustReference(t testing.TB) *Hierarchy {
	t.Helper()
	h, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestReference(t *testing.T) {
	h := mustReference(t)
	if h.Len() != 1+8+85 {
		t.Errorf("Len = %d, want 94", h.Len())
	}
	if n := len(h.AtLevel(Region)); n != 85 {
		t.Errorf("regions = %d, want 85", n)
	}
	ds := h.AtLevel(District)
	if len(ds) != 8 {
		t.Fatalf("districts = %d, want 8", len(ds))
	}
	root, ok := h.Root()
	if !ok || root.Code != "RU" {
		t.Fatalf("Root = %v, %v", root, ok)
	}
	var regions int
	var population int64
	for _, d := range ds {
		kids := h.Children(d.Code)
		if len(kids) == 0 {
			t.Errorf("%s has no regions", d.Code)
		}
		var sum int64
		for _, r := range kids {
			sum += r.Population
		}
		if sum != d.Population {
			t.Errorf("%s population %d, regions sum to %d", d.Code, d.Population, sum)
		}
		regions += len(kids)
		population += d.Population
	}
	if regions != 85 {
		t.Errorf("districts hold %d regions, want 85", regions)
	}
	if population != root.Population || population < 140_000_000 {
		t.Errorf("RU population %d, districts sum to %d", root.Population, population)
	}
	wantDistricts := []string{"FD-CEN", "FD-NW", "FD-SOU", "FD-NC", "FD-VOL", "FD-URA", "FD-SIB", "FD-FE"}
	for i, d := range h.Children("RU") {
		if d.Code != wantDistricts[i] {
			t.Errorf("district %d = %s, want %s", i, d.Code, wantDistricts[i])
		}
	}
	if n := len(h.Children("FD-CEN")); n != 18 {
		t.Errorf("ЦФО regions = %d, want 18", n)
	}
	for _, r := range h.AtLevel(Region) {
		if r.TimeZone == "" || len(r.OKATO) != 11 || r.RegionNumber == 0 || r.NameLoc == "" || r.ISO != r.Code {
			t.Errorf("%s incomplete: %+v", r.Code, r)
		}
		if n := utf8.RuneCountInString(r.ShortName); n > maxShortName && r.Code != "RU-KGD" {
			t.Errorf("%s short name %q has %d runes", r.Code, r.ShortName, n)
		}
	}
	regionsInOrder := h.AtLevel(Region)
	if first, last := regionsInOrder[0].Name, regionsInOrder[84].Name; first != "Алтайский край" || last != "Ярославская область" {
		t.Errorf("regions run %s..%s, want Алтайский край..Ярославская область", first, last)
	}
	for i := 1; i < len(regionsInOrder); i++ {
		if compareRussian(regionsInOrder[i-1].Name, regionsInOrder[i].Name) >= 0 {
			t.Errorf("regions out of order: %s, %s", regionsInOrder[i-1].Name, regionsInOrder[i].Name)
		}
	}
	if u, _ := h.Get("RU-MOW"); u.TimeZone != "UTC+3" {
		t.Errorf("Москва time zone %q, want UTC+3", u.TimeZone)
	}
	if u, _ := h.Get("RU-KGD"); u.TimeZone != "UTC+2" {
		t.Errorf("Калининградская область time zone %q, want UTC+2", u.TimeZone)
	}
}

func TestCaseForms(t *testing.T) {
	h := mustReference(t)
	tests := []struct {
		code, in, gen, dat string
	}{
		{"RU-TUL", "в Тульской области", "Тульской области", "Тульской области"},
		{"RU-MOW", "в Москве", "Москвы", "Москве"},
		{"RU-KDA", "в Краснодарском крае", "Краснодарского края", "Краснодарскому краю"},
		{"FD-CEN", "в Центральном федеральном округе", "Центрального федерального округа", "Центральному федеральному округу"},
		{"FD-NC", "в Северо-Кавказском федеральном округе", "Северо-Кавказского федерального округа", "Северо-Кавказскому федеральному округу"},
		{"FD-FE", "в Дальневосточном федеральном округе", "Дальневосточного федерального округа", "Дальневосточному федеральному округу"},
		{"RU", "в Российской Федерации", "Российской Федерации", "Российской Федерации"},
	}
	for _, tt := range tests {
		u, ok := h.Get(tt.code)
		if !ok {
			t.Fatalf("%s missing", tt.code)
		}
		if u.In() != tt.in || u.NameGen != tt.gen || u.NameDat != tt.dat {
			t.Errorf("%s: In %q gen %q dat %q; want %q %q %q", tt.code, u.In(), u.NameGen, u.NameDat, tt.in, tt.gen, tt.dat)
		}
	}
	mo := Unit{Name: "ГУЗ «Тульская областная больница»"}
	if got := mo.In(); got != "в ГУЗ «Тульская областная больница»" {
		t.Errorf("In without NameLoc = %q", got)
	}
	if d, _ := h.Get("FD-CEN"); d.Name != "Центральный федеральный округ" || d.ShortName != "ЦФО" || d.NameEn != "Central Federal District" {
		t.Errorf("FD-CEN = %+v", d)
	}
}

func TestShortRegionName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Тульская область", "Тульская"},
		{"Москва", "Москва"},
		{"Башкортостан", "Башкортостан"},
		{"Краснодарский край", "Краснодарский"},
		{"Республика Адыгея", "Адыгея"},
		{"Республика Саха (Якутия)", "Якутия"},
		{"Удмуртская Республика", "Удмуртия"},
		{"Чеченская Республика", "Чечня"},
		{"Санкт-Петербург", "Петербург"},
		{"Северная Осетия - Алания", "Сев. Осетия"},
		{"Кабардино-Балкария", "Каб.-Балкария"},
		{"Карачаево-Черкесия", "Кар.-Черкесия"},
		{"Ханты-Мансийский АО", "ХМАО"},
		{"Ямало-Ненецкий АО", "ЯНАО"},
		{"Чукотский автономный округ", "Чукотский АО"},
		{"Ненецкий автономный округ", "Ненецкий АО"},
		{"Еврейская автономная область", "Еврейская АО"},
		{"Калининградская область", "Калининградская"}, // one word: no readable abbreviation
	}
	for _, tt := range tests {
		if got := ShortRegionName(tt.name); got != tt.want {
			t.Errorf("ShortRegionName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	h := mustReference(t)
	tests := []struct {
		key, want string // want "" means not found
	}{
		{"RU-TUL", "RU-TUL"},
		{"ru-tul", "RU-TUL"},
		{" RU-TUL ", "RU-TUL"},
		{"Тульская область", "RU-TUL"},
		{"70000000000", "RU-TUL"},
		{"70", "RU-TUL"},
		{"03000000000", "RU-KDA"},
		{"3000000000", "RU-KDA"}, // leading zero lost in a spreadsheet
		{"03", "RU-KDA"},
		{"45000000000", "RU-MOW"},
		{"11100000000", "RU-NEN"},
		{"71140000000", "RU-YAN"},
		{"FD-CEN", "FD-CEN"},
		{"fd-cen", "FD-CEN"},
		{"Центральный федеральный округ", "FD-CEN"},
		{"RU", "RU"},
		{"ru", "RU"},
		{"Российская Федерация", "RU"},
		{"Москва", "RU-MOW"},
		{"Республика Саха (Якутия)", "RU-SA"},
		// Not found or ambiguous.
		{"71", ""},          // ОКАТО prefix of Тюменская область, ХМАО and ЯНАО
		{"11", ""},          // Архангельская область and НАО
		{"11000000000", ""}, // Архангельская область with НАО: no single unit
		{"71000000000", ""},
		{"тульская область", ""},
		{"Тульская", ""},
		{"RU-XXX", ""},
		{"", ""},
		{"7", ""},
		{"700000000000", ""},
	}
	for _, tt := range tests {
		u, ok := h.Lookup(tt.key)
		got := ""
		if ok {
			got = u.Code
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
	numbers := []struct {
		n    int
		want string
	}{{71, "RU-TUL"}, {77, "RU-MOW"}, {1, "RU-AD"}, {92, "RU-SEV"}, {0, ""}, {100, ""}, {-1, ""}}
	for _, tt := range numbers {
		u, ok := h.LookupRegionNumber(tt.n)
		got := ""
		if ok {
			got = u.Code
		}
		if got != tt.want {
			t.Errorf("LookupRegionNumber(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
