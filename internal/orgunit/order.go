package orgunit

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// compareUnits orders siblings and units of one level: districts in the
// official order, regions by Russian name, МО and departments by code.
func compareUnits(a, b *Unit) int {
	if a.Level != b.Level {
		return int(a.Level) - int(b.Level)
	}
	switch a.Level {
	case District:
		if c := districtRank(a.Code) - districtRank(b.Code); c != 0 {
			return c
		}
		fallthrough
	case Region:
		if c := compareRussian(a.Name, b.Name); c != 0 {
			return c
		}
	}
	return compareCodes(a.Code, b.Code)
}

// compareRussian compares case-insensitively in Russian alphabetical
// order; plain code-point order would put ё after я.
func compareRussian(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ka, kb := russianKey(ra), russianKey(rb); ka != kb {
			if ka < kb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func russianKey(r rune) int {
	r = unicode.ToLower(r)
	if r == 'ё' {
		return 2*int('е') + 1
	}
	return 2 * int(r)
}

// compareCodes orders dotted codes component by component, numerically
// where both components are numbers, so that OID "…71.2" sorts before
// "…71.10".
func compareCodes(a, b string) int {
	for {
		ha, ta, moreA := strings.Cut(a, ".")
		hb, tb, moreB := strings.Cut(b, ".")
		if c := compareComponent(ha, hb); c != 0 {
			return c
		}
		switch {
		case !moreA && !moreB:
			return 0
		case !moreA:
			return -1
		case !moreB:
			return 1
		}
		a, b = ta, tb
	}
}

func compareComponent(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	if errA == nil && errB == nil && na != nb {
		if na < nb {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
