package orgunit

import "strings"

// CodeRU is the code of the federation, the root of the hierarchy.
const CodeRU = "RU"

// districtDef describes one federal district. Regions name their district
// by its Russian adjective and English name in regions.csv.
type districtDef struct {
	Code, Adjective, NameEn, ShortName string
}

// districts is in the official order used by Росстат tables.
var districts = []districtDef{
	{"FD-CEN", "Центральный", "Central Federal District", "ЦФО"},
	{"FD-NW", "Северо-Западный", "Northwestern Federal District", "СЗФО"},
	{"FD-SOU", "Южный", "Southern Federal District", "ЮФО"},
	{"FD-NC", "Северо-Кавказский", "North Caucasian Federal District", "СКФО"},
	{"FD-VOL", "Приволжский", "Volga Federal District", "ПФО"},
	{"FD-URA", "Уральский", "Ural Federal District", "УФО"},
	{"FD-SIB", "Сибирский", "Siberian Federal District", "СФО"},
	{"FD-FE", "Дальневосточный", "Far Eastern Federal District", "ДФО"},
}

// districtByEn maps the federal_district_en column of regions.csv.
var districtByEn = map[string]int{
	"Central": 0, "North-West": 1, "South": 2, "North Caucasian": 3,
	"Volga": 4, "Ural": 5, "Siberian": 6, "Far Eastern": 7,
}

// districtRank places known districts in the official order and any
// other district after them.
func districtRank(code string) int {
	for i, d := range districts {
		if d.Code == code {
			return i
		}
	}
	return len(districts)
}

// unit builds the district unit with its Russian case forms; every
// district adjective ends in -ый or -ий and declines the same way.
func (d districtDef) unit() Unit {
	stem := strings.TrimSuffix(strings.TrimSuffix(d.Adjective, "ый"), "ий")
	return Unit{
		Code:      d.Code,
		Name:      d.Adjective + " федеральный округ",
		NameEn:    d.NameEn,
		ShortName: d.ShortName,
		Level:     District,
		Parent:    CodeRU,
		Type:      "федеральный округ",
		NameGen:   stem + "ого федерального округа",
		NameDat:   stem + "ому федеральному округу",
		NameLoc:   stem + "ом федеральном округе",
	}
}

func federationUnit() Unit {
	return Unit{
		Code:      CodeRU,
		Name:      "Российская Федерация",
		NameEn:    "Russian Federation",
		ShortName: "Россия",
		Level:     Federation,
		ISO:       "RU",
		NameGen:   "Российской Федерации",
		NameDat:   "Российской Федерации",
		NameLoc:   "Российской Федерации",
	}
}
