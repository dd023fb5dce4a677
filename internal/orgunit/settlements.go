package orgunit

import (
	"bytes"
	"io"
	"regexp"

	"github.com/cifra-health/cifra/reference"
)

// Settlement is a populated place where demo МО can be placed.
type Settlement struct {
	Region     string // ISO code of the region
	Name       string
	NameEn     string
	Type       string // "г", "пгт"
	Population int64
	OKATO      string // 11 digits; may be empty
	OKTMO      string // 8 or 11 digits; may be empty
	Lat, Lon   float64
	TimeZone   string // "UTC+3"
}

var settlementColumns = []string{"region_iso_code", "name_ru", "name_en", "type_ru", "population",
	"okato", "oktmo", "lat", "lon", "tz"}

var utcOffset = regexp.MustCompile(`^UTC[+-]\d{1,2}$`)

// Settlements returns the embedded reference settlements.
func Settlements() ([]Settlement, error) {
	return ParseSettlements(bytes.NewReader(reference.SettlementsCSV), "settlements.csv")
}

// ParseSettlements reads a settlements.csv table (see package reference).
// name labels errors, which give the line and column of the first bad
// field.
func ParseSettlements(r io.Reader, name string) ([]Settlement, error) {
	var out []Settlement
	err := readCSV(r, name, settlementColumns, func(row *csvRow) error {
		s := Settlement{
			Region:     row.required("region_iso_code"),
			Name:       row.required("name_ru"),
			NameEn:     row.str("name_en"),
			Type:       row.str("type_ru"),
			Population: row.int("population", 0, 1e9),
			OKATO:      row.code("okato", 11),
			OKTMO:      row.code("oktmo", 8, 11),
			Lat:        row.float("lat", -90, 90),
			Lon:        row.float("lon", -180, 180),
			TimeZone:   row.required("tz"),
		}
		if s.Region != "" && !isoRegion.MatchString(s.Region) {
			row.fail("region_iso_code", "%q is not an ISO 3166-2:RU code", s.Region)
		}
		if s.TimeZone != "" && !utcOffset.MatchString(s.TimeZone) {
			row.fail("tz", "%q is not a UTC offset like UTC+3", s.TimeZone)
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
