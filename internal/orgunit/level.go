package orgunit

import (
	"fmt"
	"strings"
)

// Level is the depth of a unit in the hierarchy; a child is always exactly
// one level below its parent.
type Level int

// Hierarchy levels, from the federation down.
const (
	Federation   Level = 0
	District     Level = 1
	Region       Level = 2
	Organisation Level = 3
	Department   Level = 4
)

var levelNames = [...]string{"federation", "district", "region", "organisation", "department"}

var levelAliases = map[string]Level{
	"federation": Federation, "country": Federation,
	"district": District, "federal_district": District,
	"region":       Region,
	"organisation": Organisation, "organization": Organisation, "mo": Organisation,
	"department": Department,
}

// String returns the English name used in files and URLs.
func (l Level) String() string {
	if l.Valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Valid reports whether l is one of the defined levels.
func (l Level) Valid() bool { return l >= Federation && l <= Department }

// ParseLevel accepts the names returned by String and the aliases "mo",
// "federal_district" and "country", case-insensitively.
func ParseLevel(s string) (Level, error) {
	if l, ok := levelAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return l, nil
	}
	return 0, fmt.Errorf("orgunit level %q: want federation, district, region, organisation or department", s)
}

// MarshalText lets a Level sit in JSON and YAML as its name.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("marshal orgunit level: invalid value %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText parses a name accepted by ParseLevel.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
