package review

import (
	"fmt"
	"strings"
)

// cyrLatin maps Cyrillic capitals that look like Latin ones: ICD-10 codes
// typed on a Russian keyboard often mix them (a Cyrillic «А» in «А15»).
var cyrLatin = strings.NewReplacer(
	"А", "A", "В", "B", "Е", "E", "К", "K", "М", "M", "Н", "H",
	"О", "O", "Р", "P", "С", "C", "Т", "T", "Х", "X", "І", "I",
)

// NormICD10 returns the canonical form of an ICD-10 code — a Latin capital,
// two digits and optionally a dot with one or two digits (I21, I21.0) — or
// an error in Russian. Cyrillic look-alikes, lower case, spaces and the
// dagger-asterisk marks (+, *) are accepted and removed.
func NormICD10(code string) (string, error) {
	c := cyrLatin.Replace(strings.ToUpper(strings.TrimSpace(code)))
	c = strings.TrimRight(c, "+*")
	if (len(c) == 4 || len(c) == 5) && !strings.Contains(c, ".") {
		c = c[:3] + "." + c[3:] // I210 → I21.0
	}
	ok := len(c) >= 3 && c[0] >= 'A' && c[0] <= 'Z' && digits(c[1:3])
	switch {
	case !ok:
	case len(c) == 3:
	case len(c) >= 5 && len(c) <= 6 && c[3] == '.' && digits(c[4:]):
	default:
		ok = false
	}
	if !ok {
		return "", fmt.Errorf("«%s» — не код МКБ-10 (ожидается буква и две цифры, например I21 или I21.0)", code)
	}
	return c, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// icdPattern is a code (matching itself and its subcodes) or an inclusive
// range lo-hi of codes at any precision (I20-I25, I20.0-I20.9).
type icdPattern struct{ lo, hi string }

// parseICDPattern reads one pattern of a checklist's context.
func parseICDPattern(s string) (icdPattern, error) {
	lo, hi, isRange := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	a, err := NormICD10(lo)
	if err != nil {
		return icdPattern{}, err
	}
	if !isRange {
		return icdPattern{a, a}, nil
	}
	b, err := NormICD10(hi)
	if err != nil {
		return icdPattern{}, err
	}
	if b < a {
		return icdPattern{}, fmt.Errorf("диапазон МКБ-10 «%s»: начало больше конца", s)
	}
	return icdPattern{a, b}, nil
}

// match reports whether a canonical code falls in the pattern. Each end
// compares at its own precision: I21.4 lies in I20-I25 and in I21.
func (p icdPattern) match(code string) bool {
	return trunc(code, len(p.lo)) >= p.lo && trunc(code, len(p.hi)) <= p.hi
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
