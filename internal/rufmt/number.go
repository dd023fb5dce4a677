package rufmt

import (
	"math"
	"strconv"
	"strings"
)

// GroupSep separates groups of thousands: a narrow no-break space, the
// typographic thin space that never breaks a number across lines.
const GroupSep = "\u202f"

// Minus is the minus sign (not the hyphen).
const Minus = "−"

// Number writes v with prec decimals (prec < 0: every digit needed to read
// v back exactly): a decimal comma, the integer part split into groups of
// three by GroupSep when it has five digits or more (four-digit numbers
// stay whole, as Russian typography writes them), Minus for negative
// values, and Dash for NaN and infinities. It rounds half away from zero
// on the decimal digits people see (81,25 → 81,3; 1,005 → 1,01), not on
// the binary value; a value that rounds to zero has no sign.
func Number(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Dash
	}
	digits := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	if prec >= 0 {
		digits = roundHalfUp(digits, prec)
	}
	whole, frac, _ := strings.Cut(digits, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(digits, "0.") != "" {
		b.WriteString(Minus)
	}
	b.WriteString(group(whole))
	if frac != "" {
		b.WriteString(",")
		b.WriteString(frac)
	}
	return b.String()
}

// Int writes an integer as Number does.
func Int(n int) string { return Number(float64(n), 0) }

// Percent writes a share (0.125) as a percentage with prec decimals and a
// no-break space before the sign: "12,5 %"; Dash for NaN.
func Percent(share float64, prec int) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return Dash
	}
	return Number(share*100, prec) + "\u00a0%"
}

// roundHalfUp rounds a non-negative decimal "123.456" to prec decimals,
// half away from zero, padding with zeros to exactly prec decimals.
func roundHalfUp(s string, prec int) string {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) <= prec {
		frac += strings.Repeat("0", prec-len(frac))
		if prec == 0 {
			return whole
		}
		return whole + "." + frac
	}
	up := frac[prec] >= '5'
	keep := []byte(whole + frac[:prec])
	if up {
		i := len(keep) - 1
		for ; i >= 0; i-- {
			if keep[i] == '9' {
				keep[i] = '0'
				continue
			}
			keep[i]++
			break
		}
		if i < 0 {
			keep = append([]byte{'1'}, keep...)
		}
	}
	n := len(keep) - prec
	if prec == 0 {
		return string(keep)
	}
	return string(keep[:n]) + "." + string(keep[n:])
}

// group splits an integer's digits into groups of three when it has five
// digits or more.
func group(whole string) string {
	if len(whole) < 5 {
		return whole
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(GroupSep)
		}
		b.WriteRune(c)
	}
	return b.String()
}
