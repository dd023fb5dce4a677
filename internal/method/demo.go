package method

// DemoHint tells the demo generator how to invent plausible values of a data
// element, written under `demo:` in the file. Generated values are never
// statistics; the hint only keeps demo screens believable (shares below 100
// %, counts of the right size, slow improvement over the years).
//
// A value is made in one of three ways:
//
//   - from Base: Base × (population / PerPopulation when PerPopulation is
//     set) × a per-unit factor drawn around 1 with relative spread SD;
//   - from ShareOf: a share drawn from N(ShareMean, ShareSD), clipped to
//     0..1, times the value of another element of the same unit;
//   - from Reference: copied from the reference data ("population").
//
// For elements summed over time (aggregation sum, e.g. appointments) Base
// is the yearly value and the generator scales it to the period's length;
// for the other aggregations it is the level at any moment.
//
// Example: `demo: {per: mo, share_of: arm_total, share_mean: 0.85, share_sd: 0.1, trend: 0.03, integer: true}`.
type DemoHint struct {
	// Per is the unit a value is generated for: "mo" (each medical
	// organisation; regions get the aggregate) or "region".
	Per           string  `yaml:"per" json:"per"`
	Base          float64 `yaml:"base" json:"base,omitempty"`
	PerPopulation float64 `yaml:"per_population" json:"per_population,omitempty"`
	SD            float64 `yaml:"sd" json:"sd,omitempty"`
	ShareOf       string  `yaml:"share_of" json:"share_of,omitempty"`
	ShareMean     float64 `yaml:"share_mean" json:"share_mean,omitempty"`
	ShareSD       float64 `yaml:"share_sd" json:"share_sd,omitempty"`
	// Trend is the change per year since 2019: relative for Base (0.05 =
	// +5 % a year), in share points for ShareMean (0.03 = +3 points a year).
	Trend float64 `yaml:"trend" json:"trend,omitempty"`
	// Min and Max clip the generated value.
	Min *float64 `yaml:"min" json:"min,omitempty"`
	Max *float64 `yaml:"max" json:"max,omitempty"`
	// Integer rounds to whole numbers (counts of things and people).
	Integer   bool   `yaml:"integer" json:"integer,omitempty"`
	Reference string `yaml:"reference" json:"reference,omitempty"`
}

// DemoTrendBaseYear is the year in which Trend has no effect yet.
const DemoTrendBaseYear = 2019

// Where a DemoHint generates values.
const (
	DemoPerMO     = "mo"
	DemoPerRegion = "region"
)

// referenceColumns are the reference-data series a DemoHint may copy.
var referenceColumns = []string{"population"}
