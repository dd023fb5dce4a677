package datavalue

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// mapResolver is the Resolver of the tests: codes (and ids, which resolve
// to themselves) in maps.
type mapResolver struct {
	des map[string]string // code or id -> id
	ous map[string]string // any code -> canonical code
}

func (m mapResolver) DataElement(code string) (string, bool) {
	id, ok := m.des[code]
	return id, ok
}

func (m mapResolver) OrgUnit(code string) (string, bool) {
	c, ok := m.ous[code]
	return c, ok
}

// testResolver knows three data elements and three regions; Moscow and
// St Petersburg also by OKATO code.
func testResolver() mapResolver {
	m := mapResolver{
		des: map[string]string{
			"BEDS":      "DEbeds0001",
			"DOCTORS":   "DEdoct0001",
			"EMR_SHARE": "DEemr00001",
		},
		ous: map[string]string{
			"RU-MOW":   "RU-MOW",
			"45000000": "RU-MOW",
			"RU-SPE":   "RU-SPE",
			"40000000": "RU-SPE",
			"RU-TA":    "RU-TA",
		},
	}
	for _, id := range []string{"DEbeds0001", "DEdoct0001", "DEemr00001"} {
		m.des[id] = id
	}
	return m
}

// openResolver accepts any printable code except those starting with "x",
// so that fuzzing reaches past code resolution; ids are the codes.
type openResolver struct{}

func openCode(code string) (string, bool) {
	if code == "" || strings.HasPrefix(code, "x") || !utf8.ValidString(code) {
		return "", false
	}
	for _, r := range code {
		if !unicode.IsPrint(r) {
			return "", false
		}
	}
	return code, true
}

func (openResolver) DataElement(code string) (string, bool) { return openCode(code) }
func (openResolver) OrgUnit(code string) (string, bool)     { return openCode(code) }
