package workflow

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/stats"
)

// Values are one unit's data values for one period, by data element.
type Values map[string]float64

// Violation is a validation rule that failed for one unit and period.
type Violation struct {
	Rule         string   `json:"rule"`
	Name         string   `json:"name"`
	OrgUnit      string   `json:"org_unit"`
	Period       string   `json:"period"`
	Left         float64  `json:"left"`
	Operator     string   `json:"operator"`
	Right        float64  `json:"right"`
	LeftText     string   `json:"left_expr"`
	RightText    string   `json:"right_expr"`
	DataElements []string `json:"data_elements"`
}

// Validate checks every rule against every unit's values for the period and
// lists the violations by unit, then rule order.
func Validate(rules []method.ValidationRule, periodID string, byUnit map[string]Values) []Violation {
	units := make([]string, 0, len(byUnit))
	for u := range byUnit {
		units = append(units, u)
	}
	sort.Strings(units)
	var out []Violation
	for _, u := range units {
		vals := byUnit[u]
		for i := range rules {
			r := &rules[i]
			l, rv, o := r.Check(func(id string) (float64, bool) { v, ok := vals[id]; return v, ok })
			if o != method.Violated {
				continue
			}
			des := append(append([]string{}, r.Left.Vars()...), r.Right.Vars()...)
			out = append(out, Violation{Rule: r.ID, Name: r.Name, OrgUnit: u, Period: periodID, Left: l, Right: rv,
				Operator: string(r.Operator), LeftText: r.Left.String(), RightText: r.Right.String(), DataElements: des})
		}
	}
	return out
}

// OutlierMethod names an outlier test.
type OutlierMethod string

// Outlier tests.
const (
	ZScore         OutlierMethod = "z_score"          // |x − mean| / sd > threshold (3)
	ModifiedZScore OutlierMethod = "modified_z_score" // 0.6745·|x − median| / MAD > 3.5 (Iglewicz and Hoaglin)
	MinMax         OutlierMethod = "min_max"          // outside set bounds
)

// Label is the Russian name.
func (m OutlierMethod) Label() string {
	switch m {
	case ZScore:
		return "z-оценка"
	case ModifiedZScore:
		return "модифицированная z-оценка"
	case MinMax:
		return "границы min–max"
	}
	return string(m)
}

// Thresholds of the tests.
const (
	ZThreshold         = 3.0
	ModifiedZThreshold = 3.5
)

// Point is one value of a data element for one unit.
type Point struct {
	OrgUnit string
	Value   float64
}

// Outlier is a value flagged for follow-up.
type Outlier struct {
	DataElement string        `json:"data_element"`
	OrgUnit     string        `json:"org_unit"`
	Period      string        `json:"period"`
	Value       float64       `json:"value"`
	Method      OutlierMethod `json:"method"`
	Score       float64       `json:"score"` // the z or modified z; for min-max the bound crossed
	Centre      float64       `json:"centre"`
}

// Bounds are inclusive limits for MinMax; a NaN side is open.
type Bounds struct{ Min, Max float64 }

// Outliers flags the values of one data element in one period by the
// z-score and modified z-score tests (and bounds, when given). A value
// flagged by several tests appears once per test. Fewer than three values
// say nothing about spread, so the statistical tests need at least three.
func Outliers(dataElement, periodID string, pts []Point, bounds *Bounds) []Outlier {
	var out []Outlier
	sorted := append([]Point(nil), pts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].OrgUnit < sorted[j].OrgUnit })
	if bounds != nil {
		for _, p := range sorted {
			switch {
			case !math.IsNaN(bounds.Min) && p.Value < bounds.Min:
				out = append(out, Outlier{dataElement, p.OrgUnit, periodID, p.Value, MinMax, bounds.Min, bounds.Min})
			case !math.IsNaN(bounds.Max) && p.Value > bounds.Max:
				out = append(out, Outlier{dataElement, p.OrgUnit, periodID, p.Value, MinMax, bounds.Max, bounds.Max})
			}
		}
	}
	if len(sorted) < 3 {
		return out
	}
	xs := make([]float64, len(sorted))
	for i, p := range sorted {
		xs[i] = p.Value
	}
	mean, sd := meanSD(xs)
	if sd > 0 {
		for _, p := range sorted {
			if z := (p.Value - mean) / sd; math.Abs(z) > ZThreshold {
				out = append(out, Outlier{dataElement, p.OrgUnit, periodID, p.Value, ZScore, z, mean})
			}
		}
	}
	med := stats.Median(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - med)
	}
	if mad := stats.Median(dev); mad > 0 {
		for _, p := range sorted {
			if mz := 0.6745 * (p.Value - med) / mad; math.Abs(mz) > ModifiedZThreshold {
				out = append(out, Outlier{dataElement, p.OrgUnit, periodID, p.Value, ModifiedZScore, mz, med})
			}
		}
	}
	return out
}

// meanSD is the mean and the population standard deviation.
func meanSD(xs []float64) (float64, float64) {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)))
}

// UnitCompleteness is how much of a data set one unit reported for a period
// and when.
type UnitCompleteness struct {
	OrgUnit    string     `json:"org_unit"`
	Expected   int        `json:"expected"`
	Reported   int        `json:"reported"`
	State      State      `json:"state"`
	Timeliness Timeliness `json:"timeliness"`
	// SubmittedAt is the latest submission; zero (and left out) when none.
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
}

// Share is Reported / Expected.
func (u UnitCompleteness) Share() float64 {
	if u.Expected == 0 {
		return 0
	}
	return float64(u.Reported) / float64(u.Expected)
}

// Completeness counts, for every reporting unit, the data set's elements it
// has values for, and classifies its submission time against due.
// submitted holds each unit's (latest) submission time; states its
// approval state (absent: open).
func Completeness(ds *method.DataSet, units []string, byUnit map[string]Values, states map[string]State,
	submitted map[string]timeT, due, now timeT) []UnitCompleteness {
	out := make([]UnitCompleteness, 0, len(units))
	for _, u := range units {
		c := UnitCompleteness{OrgUnit: u, Expected: len(ds.DataElements), State: Open}
		for _, de := range ds.DataElements {
			if _, ok := byUnit[u][de]; ok {
				c.Reported++
			}
		}
		if s, ok := states[u]; ok {
			c.State = s
		}
		c.SubmittedAt = submitted[u]
		c.Timeliness = TimelinessOf(c.SubmittedAt, due, now)
		out = append(out, c)
	}
	return out
}

// DataSetRules are the methodology's validation rules that read only the
// data set's elements: a rule over elements another form collects cannot be
// fixed in this one (and a never_skip rule would count them as 0).
func DataSetRules(m *method.Methodology, ds *method.DataSet) []method.ValidationRule {
	var out []method.ValidationRule
	for _, r := range m.Validation {
		vars := append(append([]string{}, r.Left.Vars()...), r.Right.Vars()...)
		if len(vars) > 0 && !slices.ContainsFunc(vars, func(v string) bool { return !slices.Contains(ds.DataElements, v) }) {
			out = append(out, r)
		}
	}
	return out
}

// Status is a unit's approval state and its latest submission (zero:
// never submitted).
type Status struct {
	State       State
	SubmittedAt time.Time
}

// DefaultBounds are the limits of the min–max test for every element the
// forms collect: each is a count, a share or a duration, none of which can
// be negative; there is no common upper limit.
func DefaultBounds() Bounds { return Bounds{Min: 0, Max: math.NaN()} }

// Report is the outcome of Check.
type Report struct {
	DataSet      string             `json:"data_set"`
	Period       string             `json:"period"`
	Due          time.Time          `json:"due"`
	Violations   []Violation        `json:"violations"`
	Outliers     []Outlier          `json:"outliers"`
	Completeness []UnitCompleteness `json:"completeness"`
}

// Check is the on-demand check of one data set and period, assembled once
// for `cifra workflow check` and the /checks page: the data set's
// validation rules on each unit's values, the outliers of each element
// across the units (z-score, modified z-score, DefaultBounds), and each
// unit's completeness and timeliness against the deadline at now. vals
// and status hold what is stored for the units (absent: nothing, open).
func Check(m *method.Methodology, ds *method.DataSet, p period.Period, units []string, vals map[string]Values, status map[string]Status, now time.Time) Report {
	pid := p.String()
	out := Report{DataSet: ds.ID, Period: pid, Due: Due(ds, p), Violations: []Violation{}, Outliers: []Outlier{}}
	inUnits := make(map[string]Values, len(units))
	for _, u := range units {
		if v, ok := vals[u]; ok {
			inUnits[u] = v
		}
	}
	out.Violations = append(out.Violations, Validate(DataSetRules(m, ds), pid, inUnits)...)
	bounds := DefaultBounds()
	for _, de := range ds.DataElements {
		var pts []Point
		for _, u := range units {
			if x, ok := inUnits[u][de]; ok {
				pts = append(pts, Point{OrgUnit: u, Value: x})
			}
		}
		out.Outliers = append(out.Outliers, Outliers(de, pid, pts, &bounds)...)
	}
	states := make(map[string]State, len(status))
	submitted := make(map[string]time.Time, len(status))
	for u, s := range status {
		states[u], submitted[u] = s.State, s.SubmittedAt
	}
	out.Completeness = Completeness(ds, units, inUnits, states, submitted, out.Due, now)
	return out
}
