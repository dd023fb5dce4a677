package orgunit

// Unit is one organisation unit: the federation, a federal district, a
// region, a medical organisation (МО) or one of its departments.
type Unit struct {
	Code      string // unique key: "RU", "FD-CEN", "RU-TUL", an МО OID
	Name      string // Russian name
	NameEn    string
	ShortName string // short Russian label for tiles and tables
	Level     Level
	Parent    string // parent code; "" for the federation
	ISO       string // ISO 3166-2:RU for regions
	OKATO     string // 11 digits for regions
	// RegionNumber is the number of a region as on car plates and in
	// legislation (Тульская область is 71).
	RegionNumber int
	Type         string // region type (обл, Респ, край…) or МО type (поликлиника, больница, ФАП…)
	Population   int64
	Lat, Lon     float64
	TimeZone     string // "UTC+3"
	Settlement   string // МО: settlement name
	// Russian case forms for sentences: genitive, dative and the locative
	// form used after "в" ("в Тульской области").
	NameGen, NameDat, NameLoc string
	Groups                    []string // organisation-unit group codes
	// Attributes are named properties a methodology may group units by
	// (income group, urban or rural…), attribute name → value; see
	// Hierarchy.Attribute for the ones every unit has.
	Attributes map[string]string
}

// In returns the phrase "в <locative>", e.g. "в Тульской области". Units
// without a locative form fall back to their name.
func (u *Unit) In() string {
	if u.NameLoc != "" {
		return "в " + u.NameLoc
	}
	return "в " + u.Name
}

// Label returns the short name when there is one and the name otherwise.
func (u *Unit) Label() string {
	if u.ShortName != "" {
		return u.ShortName
	}
	return u.Name
}
