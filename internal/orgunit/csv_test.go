package orgunit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"regions_missing_column.csv", `regions_missing_column.csv line 1: missing column "okato"`},
		{"regions_bad_population.csv", `regions_bad_population.csv line 3 field population: invalid integer "много"`},
		{"regions_unknown_district.csv", `regions_unknown_district.csv line 3 field federal_district_en: unknown federal district "Arctic"`},
		{"regions_district_mismatch.csv", `regions_district_mismatch.csv line 3 field federal_district_ru: "Южный" does not match "Центральный" (Central)`},
		{"regions_wrong_fields.csv", `regions_wrong_fields.csv line 3: wrong number of fields`},
		{"regions_bad_okato.csv", `regions_bad_okato.csv line 3 field okato: "1400000000X" is not all digits`},
		{"regions_bad_lat.csv", `regions_bad_lat.csv line 3 field lat: 150.6 out of range -90..90`},
		{"regions_bad_iso.csv", `regions_bad_iso.csv line 3 field iso_code: "Belgorod" is not an ISO 3166-2:RU code`},
		{"regions_empty_name.csv", `regions_empty_name.csv line 3 field name_ru: empty`},
		{"regions_bad_number.csv", `regions_bad_number.csv line 3 field region_code: 131 out of range 1..99`},
		{"regions_bad_quote.csv", `regions_bad_quote.csv line 3: extraneous or missing " in quoted-field`},
		{"regions_empty.csv", `regions_empty.csv: empty file`},
		{"settlements_bad_tz.csv", `settlements_bad_tz.csv line 3 field tz: "MSK" is not a UTC offset like UTC+3`},
		{"settlements_bad_lon.csv", `settlements_bad_lon.csv line 3 field lon: invalid number "east"`},
		{"settlements_bad_oktmo.csv", `settlements_bad_oktmo.csv line 3 field oktmo: "707050" has 6 digits, want [8 11]`},
		{"settlements_no_region.csv", `settlements_no_region.csv line 3 field region_iso_code: empty`},
		{"settlements_bad_population.csv", `settlements_bad_population.csv line 3 field population: -5 out of range 0..1000000000`},
		{"settlements_missing_tz.csv", `settlements_missing_tz.csv line 1: missing column "tz"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if strings.HasPrefix(tt.file, "regions") {
				_, err = ParseRegions(f, tt.file)
			} else {
				_, err = ParseSettlements(f, tt.file)
			}
			if err == nil {
				t.Fatal("want error")
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
		})
	}
}

func TestDuplicateRegion(t *testing.T) {
	f, err := os.Open("testdata/regions_duplicate.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	regions, err := ParseRegions(f, "regions_duplicate.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = FromRegions(regions)
	if want := `add orgunit "RU-TUL": duplicate code`; err == nil || err.Error() != want {
		t.Errorf("FromRegions error = %v, want %q", err, want)
	}
}

func TestSettlements(t *testing.T) {
	all, err := Settlements()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1117 {
		t.Errorf("len = %d, want 1117", len(all))
	}
	h, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	var tula *Settlement
	for i, s := range all {
		if n := len(s.OKATO); n != 0 && n != 11 { // Запрудня has none
			t.Errorf("%s: ОКАТО %q is not 11 digits", s.Name, s.OKATO)
		}
		if n := len(s.OKTMO); n != 0 && n != 8 && n != 11 {
			t.Errorf("%s: ОКТМО %q is not 8 or 11 digits", s.Name, s.OKTMO)
		}
		if u, ok := h.Get(s.Region); !ok || u.Level != Region {
			t.Errorf("%s: unknown region %q", s.Name, s.Region)
		}
		if s.Name == "Тула" {
			tula = &all[i]
		}
	}
	if tula == nil || tula.Region != "RU-TUL" || tula.TimeZone != "UTC+3" || tula.Population == 0 {
		t.Errorf("Тула = %+v", tula)
	}
	for _, s := range all {
		if s.Name == "Абинск" && s.OKATO != "03201501000" {
			t.Errorf("Абинск ОКАТО = %q, want leading zero restored", s.OKATO)
		}
	}
}
