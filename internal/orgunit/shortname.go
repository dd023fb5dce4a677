package orgunit

import (
	"strings"
	"unicode/utf8"
)

// maxShortName is the tile width the short names aim for.
const maxShortName = 14

// shortNameExceptions holds the regions whose usual short name is not a
// mechanical abbreviation of the official one.
var shortNameExceptions = map[string]string{
	"Удмуртская Республика": "Удмуртия",
	"Чеченская Республика":  "Чечня",
	"Санкт-Петербург":       "Петербург",
}

// ShortRegionName derives a short label from a region's Russian name:
// "Тульская область" → "Тульская", "Республика Саха (Якутия)" → "Якутия",
// "Ямало-Ненецкий АО" → "ЯНАО". The result stays within 14 runes where a
// readable abbreviation exists.
func ShortRegionName(name string) string {
	if s, ok := shortNameExceptions[name]; ok {
		return s
	}
	s := name
	if i, j := strings.Index(s, "("), strings.LastIndex(s, ")"); i >= 0 && j > i {
		s = s[i+1 : j] // the common name in brackets
	}
	s, _, _ = strings.Cut(s, " - ") // "Северная Осетия - Алания"
	s = strings.TrimPrefix(s, "Республика ")
	s = strings.TrimSuffix(s, " Республика")
	s = strings.Replace(s, " автономный округ", " АО", 1)
	s = strings.Replace(s, " автономная область", " АО", 1)
	s = strings.TrimSuffix(s, " область")
	s = strings.TrimSuffix(s, " край")
	if utf8.RuneCountInString(s) <= maxShortName {
		return s
	}
	// "Ханты-Мансийский АО" → "ХМАО".
	if head, ok := strings.CutSuffix(s, " АО"); ok && strings.Contains(head, "-") {
		var b strings.Builder
		for part := range strings.SplitSeq(head, "-") {
			r, _ := utf8.DecodeRuneInString(part)
			b.WriteRune(r)
		}
		return b.String() + "АО"
	}
	// "Северная Осетия" → "Сев. Осетия", "Кабардино-Балкария" → "Каб.-Балкария".
	for _, sep := range []string{" ", "-"} {
		if head, tail, ok := strings.Cut(s, sep); ok && utf8.RuneCountInString(head) > 4 {
			return string([]rune(head)[:3]) + "." + sep + tail
		}
	}
	return s
}
