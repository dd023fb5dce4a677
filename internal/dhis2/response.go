package dhis2

import (
	"math"
	"strconv"
	"strings"
)

// Response is DHIS2's analytics answer. Rows hold strings, as DHIS2 writes
// them; a cell with no value is left out rather than written empty.
type Response struct {
	Headers     []Header   `json:"headers"`
	MetaData    *MetaData  `json:"metaData,omitempty"`
	Rows        [][]string `json:"rows"`
	HeaderWidth int        `json:"headerWidth"`
	Width       int        `json:"width"`
	Height      int        `json:"height"`
	// Cifra's own fields, ignored by DHIS2 clients: whose values these
	// are and whether any of them are demo data.
	Methodology string `json:"methodology,omitempty"`
	Synthetic   bool   `json:"synthetic"`
}

// Header describes one column of Rows.
type Header struct {
	Name      string `json:"name"`
	Column    string `json:"column"`
	ValueType string `json:"valueType"`
	Type      string `json:"type"`
	Hidden    bool   `json:"hidden"`
	Meta      bool   `json:"meta"`
}

// MetaData names every item of the answer and lists each dimension's
// items in order.
type MetaData struct {
	Items      map[string]MetaItem `json:"items"`
	Dimensions map[string][]string `json:"dimensions"`
}

// MetaItem is one named thing: a dimension, a data item, a period, a unit,
// a level, a group or a relative period.
type MetaItem struct {
	UID               string `json:"uid,omitempty"`
	Code              string `json:"code,omitempty"`
	Name              string `json:"name"`
	Description       string `json:"description,omitempty"`
	DimensionType     string `json:"dimensionType,omitempty"`
	DimensionItemType string `json:"dimensionItemType,omitempty"`
	ValueType         string `json:"valueType,omitempty"`
	// AggregationType is DHIS2's totalAggregationType; Cifra's values are
	// never re-aggregated, so it says how the source aggregated them.
	AggregationType string `json:"totalAggregationType,omitempty"`
	StartDate       string `json:"startDate,omitempty"`
	EndDate         string `json:"endDate,omitempty"`
}

func dimHeader(name, column string) Header {
	return Header{Name: name, Column: column, ValueType: "TEXT", Type: "java.lang.String", Meta: true}
}

var valueHeader = Header{Name: "value", Column: "Значение", ValueType: "NUMBER", Type: "java.lang.Double"}

// dimNames are the Russian column names of the dimensions.
var dimNames = map[string]string{DimData: "Данные", DimPeriod: "Период", DimUnit: "Организационная единица"}

var dimTypes = map[string]string{DimData: "DATA_X", DimPeriod: "PERIOD", DimUnit: "ORGANISATION_UNIT"}

// formatValue writes v as DHIS2 does: rounded to one decimal, or two when
// |v| < 1 (DHIS2's MathUtils.getRounded, half up on the shortest decimal
// form of the double), unless skipRounding; either way with at least one
// decimal, as Java's Double.toString writes 12.0.
func formatValue(v float64, skipRounding bool) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if skipRounding {
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	scale := 1
	if v > -1 && v < 1 {
		scale = 2
	}
	return roundHalfUp(s, scale)
}

// roundHalfUp rounds a plain decimal string (as FormatFloat 'f' writes it)
// to scale decimals, half away from zero, keeping at least one decimal
// like Java's Double.toString ("12.0").
func roundHalfUp(s string, scale int) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) > scale {
		up := frac[scale] >= '5'
		digits := []byte(intPart + frac[:scale])
		if up {
			i := len(digits) - 1
			for ; i >= 0; i-- {
				if digits[i] == '9' {
					digits[i] = '0'
					continue
				}
				digits[i]++
				break
			}
			if i < 0 {
				digits = append([]byte{'1'}, digits...)
			}
		}
		intPart, frac = string(digits[:len(digits)-scale]), string(digits[len(digits)-scale:])
	}
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		frac = "0"
	}
	out := intPart + "." + frac
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
