package index

// Config is the composite-index pipeline of one methodology. Every step is
// optional: a zero value switches it off (normalisation defaults to min-max
// 0–100 and aggregation to the weighted arithmetic mean). Field names are the
// YAML keys a methodologist writes under `pipeline:`.
type Config struct {
	Denominate DenominateConfig `yaml:"denominate" json:"denominate"`
	Impute     ImputeConfig     `yaml:"impute" json:"impute"`
	Screen     ScreenConfig     `yaml:"screen" json:"screen"`
	Outliers   OutlierConfig    `yaml:"outliers" json:"outliers"`
	Normalise  NormaliseConfig  `yaml:"normalise" json:"normalise"`
	Aggregate  AggregateConfig  `yaml:"aggregate" json:"aggregate"`
	Grades     []Grade          `yaml:"grades" json:"grades"`
	// Leaders and Laggards are how many units to name at each end.
	Leaders  int `yaml:"leaders" json:"leaders"`
	Laggards int `yaml:"laggards" json:"laggards"`
}

// DenominateConfig divides an indicator by a per-unit denominator (e.g.
// population) before anything else. Map key: indicator id; value: the name of
// a series in Input.Denominators; Scale multiplies the quotient (e.g. 1000 for
// "per 1,000 people").
type DenominateConfig struct {
	By    map[string]string `yaml:"by" json:"by,omitempty"`
	Scale float64           `yaml:"scale" json:"scale,omitempty"`
}

// ImputeMethod names an imputation method.
type ImputeMethod string

// Imputation methods.
const (
	ImputeNone        ImputeMethod = "none"
	ImputeMean        ImputeMethod = "mean"         // indicator mean over all units
	ImputeMedian      ImputeMethod = "median"       // indicator median over all units
	ImputeGroupMean   ImputeMethod = "group_mean"   // mean within the unit's group (e.g. federal district)
	ImputeGroupMedian ImputeMethod = "group_median" // median within the unit's group
)

// ImputeConfig fills missing indicator values. Group methods fall back to the
// all-unit statistic when the whole group is missing.
type ImputeConfig struct {
	Method ImputeMethod `yaml:"method" json:"method,omitempty"`
}

// ScreenConfig drops units whose share of available (non-imputed) indicator
// values is below MinAvailability (0..1). Screened units get no score or rank.
type ScreenConfig struct {
	MinAvailability float64 `yaml:"min_availability" json:"min_availability,omitempty"`
}

// OutlierConfig controls the outlier treatment of the OECD/JRC Handbook as
// implemented in COINr: an indicator is treated when |skewness| > Skewness and
// kurtosis > Kurtosis; winsorise at most MaxPoints points, else log-transform.
// Skewness and kurtosis are the sample estimators of Excel's SKEW and KURT
// (bias-adjusted G1, and G2 as excess kurtosis: 0 for a normal sample).
type OutlierConfig struct {
	Enabled   bool    `yaml:"enabled" json:"enabled"`
	Skewness  float64 `yaml:"skewness" json:"skewness,omitempty"`     // default 2
	Kurtosis  float64 `yaml:"kurtosis" json:"kurtosis,omitempty"`     // default 3.5
	MaxPoints int     `yaml:"max_points" json:"max_points,omitempty"` // default 5
}

// NormaliseMethod names a normalisation method.
type NormaliseMethod string

// Normalisation methods.
const (
	NormMinMax         NormaliseMethod = "minmax"             // (x-min)/(max-min) scaled to Range
	NormZScore         NormaliseMethod = "zscore"             // (x-mean)/sd, then *Scale+Centre (defaults 10 and 100)
	NormRank           NormaliseMethod = "rank"               // rank, 1 = worst, ties averaged
	NormPercentileRank NormaliseMethod = "percentile_rank"    // share of units below, 0..1 scaled to Range
	NormBorda          NormaliseMethod = "borda"              // number of units beaten
	NormDistanceMax    NormaliseMethod = "distance_to_max"    // 1 - (max-x)/(max-min), scaled to Range
	NormDistanceRef    NormaliseMethod = "distance_to_ref"    // x / x_ref (Reference unit), *100
	NormDistanceTarget NormaliseMethod = "distance_to_target" // min(x/target, 1) scaled to Range
	NormFractionMax    NormaliseMethod = "fraction_of_max"    // x / max scaled to Range
	NormGoalposts      NormaliseMethod = "goalposts"          // (x-lo)/(hi-lo) clipped to 0..1, scaled to Range
)

// NormaliseConfig selects the normalisation. Range is the output range for
// methods that have one (default [0, 100]). Goalposts holds fixed bounds per
// indicator id so that scores stay comparable across periods.
type NormaliseConfig struct {
	Method    NormaliseMethod       `yaml:"method" json:"method,omitempty"`
	Range     [2]float64            `yaml:"range" json:"range"`
	Reference string                `yaml:"reference" json:"reference,omitempty"`
	Goalposts map[string][2]float64 `yaml:"goalposts" json:"goalposts,omitempty"`
	// Centre and Scale shape z-scores: z*Scale + Centre (defaults 100 and
	// 10). Centre is a pointer because 0 (plain z-scores) is a valid choice.
	Centre *float64 `yaml:"centre" json:"centre,omitempty"`
	Scale  float64  `yaml:"scale" json:"scale,omitempty"`
}

// AggregateMethod names a weighted mean.
type AggregateMethod string

// Aggregation methods.
const (
	AggArithmetic  AggregateMethod = "arithmetic"
	AggGeometric   AggregateMethod = "geometric"
	AggHarmonic    AggregateMethod = "harmonic"
	AggGeneralised AggregateMethod = "generalised" // power mean with exponent P
)

// AggregateConfig is the default aggregation for every tree node; a node may
// override it.
type AggregateConfig struct {
	Method AggregateMethod `yaml:"method" json:"method,omitempty"`
	P      float64         `yaml:"p" json:"p,omitempty"`
}

// Grade is a named band of the final score: a unit gets the first grade (in
// the order written) whose Min it reaches.
type Grade struct {
	Name  string  `yaml:"name" json:"name"`
	Label string  `yaml:"label" json:"label"`
	Min   float64 `yaml:"min" json:"min"`
}
