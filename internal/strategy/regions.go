package strategy

import (
	"strings"
	"unicode"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// Regions resolves the ways files name a region to its code: an ISO
// 3166-2:RU code in any case ("ru-tul"), an 11-digit ОКАТО (also with the
// leading zero lost) or the Russian name, folded for case, «ё» and spaces
// and with «обл.», «респ.» and «АО» spelled out. Two-digit codes are
// refused: "71" is the region number of Тульская область and the ОКАТО
// prefix of Тюменская, and guessing would put targets on the wrong region.
type Regions struct {
	h     *orgunit.Hierarchy
	names map[string]string // folded name -> code; "" when shared
}

// NewRegions indexes the regions of h.
func NewRegions(h *orgunit.Hierarchy) *Regions {
	r := &Regions{h: h, names: map[string]string{}}
	for _, u := range h.AtLevel(orgunit.Region) {
		for _, n := range []string{u.Name, u.ShortName} {
			k := foldName(n)
			if k == "" {
				continue
			}
			if old, ok := r.names[k]; ok && old != u.Code {
				r.names[k] = ""
				continue
			}
			r.names[k] = u.Code
		}
	}
	return r
}

// Resolve returns the region code for s. why, when not ok, is a Russian
// reason to show after the value.
func (r *Regions) Resolve(s string) (code string, why string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "не указан субъект", false
	}
	if isDigits(s) && len(s) <= 2 {
		return "", "двузначный код неоднозначен (номер региона или префикс ОКАТО): укажите код ISO 3166-2:RU, например RU-TUL, или 11-значный код ОКАТО", false
	}
	if u, found := r.h.Lookup(s); found {
		if u.Level == orgunit.Region {
			return u.Code, "", true
		}
		return "", "это не субъект РФ, а " + levelWord(u.Level), false
	}
	if c, found := r.names[foldName(s)]; found {
		if c == "" {
			return "", "название подходит к нескольким субъектам: укажите код ISO 3166-2:RU", false
		}
		return c, "", true
	}
	return "", "субъект не найден: укажите код ISO 3166-2:RU (например, RU-TUL), 11-значный код ОКАТО или название («Тульская область»)", false
}

func levelWord(l orgunit.Level) string {
	switch l {
	case orgunit.Federation:
		return "Российская Федерация в целом"
	case orgunit.District:
		return "федеральный округ"
	case orgunit.Organisation:
		return "медицинская организация"
	}
	return "подразделение"
}

var nameAbbreviations = strings.NewReplacer(
	" обл.", " область", " обл ", " область ",
	"респ. ", "республика ", "респ ", "республика ",
	" ао", " автономный округ",
)

// foldName lower-cases a name, writes «е» for «ё», turns dashes and runs
// of spaces into one space and spells out common abbreviations.
func foldName(s string) string {
	var b strings.Builder
	space := true
	for _, c := range strings.ToLower(s) {
		switch {
		case c == 'ё':
			c = 'е'
		case c == '«' || c == '»' || c == '"':
			continue
		case unicode.IsSpace(c) || c == '—' || c == '–':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(c)
		space = false
	}
	out := strings.TrimSpace(b.String())
	if strings.HasSuffix(out, " обл") {
		out += "."
	}
	return strings.TrimSpace(nameAbbreviations.Replace(out + " "))
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
