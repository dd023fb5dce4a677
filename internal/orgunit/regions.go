package orgunit

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"

	"github.com/cifra-health/cifra/reference"
)

var regionColumns = []string{"iso_code", "region_code", "okato", "name_ru", "name_en", "type_ru",
	"federal_district_ru", "federal_district_en", "population", "lat", "lon",
	"name_ru_gent", "name_ru_datv", "name_ru_loct"}

var isoRegion = regexp.MustCompile(`^RU-[A-Z]{2,3}$`)

// ParseRegions reads a regions.csv table (see package reference) into
// region units whose Parent is their federal district code. name labels
// errors, which give the line and column of the first bad field.
func ParseRegions(r io.Reader, name string) ([]Unit, error) {
	var out []Unit
	err := readCSV(r, name, regionColumns, func(row *csvRow) error {
		u := Unit{
			Level:        Region,
			Code:         row.required("iso_code"),
			RegionNumber: int(row.int("region_code", 1, 99)),
			OKATO:        row.code("okato", 11),
			Name:         row.required("name_ru"),
			NameEn:       row.str("name_en"),
			Type:         row.str("type_ru"),
			Population:   row.int("population", 0, 1e9),
			Lat:          row.float("lat", -90, 90),
			Lon:          row.float("lon", -180, 180),
			NameGen:      row.required("name_ru_gent"),
			NameDat:      row.required("name_ru_datv"),
			NameLoc:      row.required("name_ru_loct"),
		}
		u.ISO = u.Code
		if u.Code != "" && !isoRegion.MatchString(u.Code) {
			row.fail("iso_code", "%q is not an ISO 3166-2:RU code", u.Code)
		}
		if u.OKATO == "" {
			row.fail("okato", "empty")
		}
		u.ShortName = ShortRegionName(u.Name)
		en := row.str("federal_district_en")
		d, ok := districtByEn[en]
		if !ok {
			row.fail("federal_district_en", "unknown federal district %q", en)
		} else if ru := row.str("federal_district_ru"); ru != districts[d].Adjective {
			row.fail("federal_district_ru", "%q does not match %q (%s)", ru, districts[d].Adjective, en)
		} else {
			u.Parent = districts[d].Code
		}
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Reference builds the hierarchy of the federation, its 8 federal
// districts and 85 regions from the embedded reference data, with region
// time zones derived from the settlements (see setTimeZones).
func Reference() (*Hierarchy, error) {
	regions, err := ParseRegions(bytes.NewReader(reference.RegionsCSV), "regions.csv")
	if err != nil {
		return nil, fmt.Errorf("reference regions: %w", err)
	}
	settlements, err := Settlements()
	if err != nil {
		return nil, fmt.Errorf("reference regions: %w", err)
	}
	setTimeZones(regions, settlements)
	h, err := FromRegions(regions)
	if err != nil {
		return nil, fmt.Errorf("reference regions: %w", err)
	}
	return h, nil
}

// FromRegions builds a hierarchy of the federation, all 8 federal
// districts and the given regions, whose Parent must name a district.
// District and federation populations are the sums over their regions.
func FromRegions(regions []Unit) (*Hierarchy, error) {
	sorted := make([]Unit, len(regions))
	copy(sorted, regions)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Parent < sorted[j].Parent })

	root := federationUnit()
	byDistrict := make(map[string]int64)
	for _, r := range sorted {
		byDistrict[r.Parent] += r.Population
		root.Population += r.Population
	}
	h := New()
	if err := h.Add(root); err != nil {
		return nil, err
	}
	for _, d := range districts {
		u := d.unit()
		u.Population = byDistrict[d.Code]
		if err := h.Add(u); err != nil {
			return nil, err
		}
	}
	for _, r := range sorted {
		if err := h.Add(r); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// setTimeZones gives each region the zone of its largest settlement,
// normally the capital whose clock the regional government keeps. The
// federal cities have no settlement rows; they take the zone where most
// of their district's settlement population lives.
func setTimeZones(regions []Unit, settlements []Settlement) {
	largest := make(map[string]Settlement)
	for _, s := range settlements {
		if cur, ok := largest[s.Region]; !ok || s.Population > cur.Population {
			largest[s.Region] = s
		}
	}
	district := make(map[string]string, len(regions))
	for _, r := range regions {
		district[r.Code] = r.Parent
	}
	people := make(map[string]map[string]int64) // district → zone → population
	for _, s := range settlements {
		d := district[s.Region]
		if people[d] == nil {
			people[d] = make(map[string]int64)
		}
		people[d][s.TimeZone] += s.Population
	}
	for i := range regions {
		r := &regions[i]
		if s, ok := largest[r.Code]; ok {
			r.TimeZone = s.TimeZone
			continue
		}
		var best int64 = -1
		for zone, n := range people[r.Parent] {
			if n > best || (n == best && zone < r.TimeZone) {
				r.TimeZone, best = zone, n
			}
		}
	}
}
