package period

import (
	"fmt"
	"strings"
)

// Type is the granularity of a period.
type Type int

// Period types, finest first so that a larger value is a coarser period.
const (
	Daily Type = iota + 1
	Weekly
	Monthly
	Quarterly
	Yearly
)

// Types lists every valid period type, finest first.
var Types = []Type{Daily, Weekly, Monthly, Quarterly, Yearly}

var typeNames = map[Type]string{
	Daily:     "daily",
	Weekly:    "weekly",
	Monthly:   "monthly",
	Quarterly: "quarterly",
	Yearly:    "yearly",
}

var typeAliases = map[string]Type{
	"daily": Daily, "day": Daily,
	"weekly": Weekly, "week": Weekly,
	"monthly": Monthly, "month": Monthly,
	"quarterly": Quarterly, "quarter": Quarterly,
	"yearly": Yearly, "year": Yearly, "annual": Yearly,
}

// String returns the lower-case English name used in files and URLs.
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Valid reports whether t is one of the defined period types.
func (t Type) Valid() bool {
	_, ok := typeNames[t]
	return ok
}

// ParseType accepts the names returned by String and the singular forms
// ("year", "quarter", "month", "week", "day"), case-insensitively.
func ParseType(s string) (Type, error) {
	if t, ok := typeAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return t, nil
	}
	return 0, fmt.Errorf("period type %q: want daily, weekly, monthly, quarterly or yearly", s)
}

// MarshalText lets a Type sit in JSON and YAML as its name.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("marshal period type: invalid value %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText parses a name accepted by ParseType.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
