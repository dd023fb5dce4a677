package index

// Config is the composite-index pipeline of one methodology. Every step is
// optional: a zero value switches it off (normalisation defaults to min-max
// 0–100 and aggregation to the weighted arithmetic mean). Field names are the
// YAML keys a methodologist writes under `pipeline:`.
type Config struct {
	// Order is when screening happens relative to imputation; the zero
	// value is ScreenThenImpute.
	Order      Order            `yaml:"order" json:"order,omitempty"`
	Denominate DenominateConfig `yaml:"denominate" json:"denominate"`
	Impute     ImputeConfig     `yaml:"impute" json:"impute"`
	Screen     ScreenConfig     `yaml:"screen" json:"screen"`
	Outliers   OutlierConfig    `yaml:"outliers" json:"outliers"`
	Normalise  NormaliseConfig  `yaml:"normalise" json:"normalise"`
	Aggregate  AggregateConfig  `yaml:"aggregate" json:"aggregate"`
	Ranks      RankConfig       `yaml:"ranks" json:"ranks"`
	Grades     []Grade          `yaml:"grades" json:"grades"`
	// Leaders and Laggards are how many units to name at each end.
	Leaders  int `yaml:"leaders" json:"leaders"`
	Laggards int `yaml:"laggards" json:"laggards"`
}

// Order says whether units are screened out before imputation or after.
type Order string

// Orders. ScreenThenImpute is the Handbook's and COINr's: a unit dropped for
// too little data neither gets imputed values nor contributes its observed
// values to the statistics imputed from. ImputeThenScreen lets every unit's
// observed values feed the statistics (Cifra before 2025).
const (
	ScreenThenImpute Order = "screen_then_impute"
	ImputeThenScreen Order = "impute_then_screen"
)

// DenominateConfig divides an indicator by a per-unit denominator (e.g.
// population) before anything else. Map key: indicator id; value: the name of
// a series in Input.Denominators. The quotient is multiplied by the
// indicator's entry in Scales, else by Scale (e.g. 1000 for "per 1,000
// people"); COINr's ScaleFactor is the same per-indicator factor.
type DenominateConfig struct {
	By     map[string]string  `yaml:"by" json:"by,omitempty"`
	Scale  float64            `yaml:"scale" json:"scale,omitempty"`
	Scales map[string]float64 `yaml:"scales" json:"scales,omitempty"`
}

// ScaleOf is the factor the quotient of indicator id is multiplied by.
func (d DenominateConfig) ScaleOf(id string) float64 {
	if s, ok := d.Scales[id]; ok {
		return s
	}
	if d.Scale == 0 {
		return 1
	}
	return d.Scale
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

// EmptyGroup says what group imputation does for a unit whose group has no
// observed value of the indicator (or that belongs to no group: it lacks the
// attribute). Either way the result carries a warning naming the group.
type EmptyGroup string

// Empty-group rules. EmptyGroupMissing is COINr's i_mean_grp behaviour.
const (
	EmptyGroupMissing  EmptyGroup = "missing"   // the value stays missing
	EmptyGroupAllUnits EmptyGroup = "all_units" // the statistic over all units is used
)

// ImputeConfig fills missing indicator values. GroupBy names the unit
// attribute that forms the groups of the group methods ("" = Unit.Group, the
// federal district for regions).
type ImputeConfig struct {
	Method     ImputeMethod `yaml:"method" json:"method,omitempty"`
	GroupBy    string       `yaml:"group_by" json:"group_by,omitempty"`
	EmptyGroup EmptyGroup   `yaml:"empty_group" json:"empty_group,omitempty"`
}

// ScreenConfig drops units whose share of available (non-imputed) indicator
// values is below MinAvailability (0..1). Screened units get no score or rank.
type ScreenConfig struct {
	MinAvailability float64 `yaml:"min_availability" json:"min_availability,omitempty"`
}

// SecondStep is the transformation applied when winsorisation cannot bring
// an indicator within the thresholds.
type SecondStep string

// Second steps. SecondLog is COINr's default log_CT, log(x − min + 0.01·(max
// − min)), whatever the sign of the skew; SecondLogMirrored mirrors it for
// negative skew, −log(max − x + 0.01·(max − min)), so that a long low tail
// is compressed instead of stretched; SecondBoxCox is COINr's boxcox with
// makepos: x' = x − min + 1, then (x'^λ − 1)/λ (log x' for λ = 0).
// SecondNone keeps the winsorised values even though they still fail.
const (
	SecondLog         SecondStep = "log"
	SecondLogMirrored SecondStep = "log_mirrored"
	SecondBoxCox      SecondStep = "boxcox"
	SecondNone        SecondStep = "none"
)

// Thresholds says how skewness and kurtosis are compared with their limits.
type Thresholds string

// Threshold rules. ThresholdsInclusive is COINr's check_SkewKurt: an
// indicator passes when |skew| < Skewness or kurt < Kurtosis, so it is
// treated when both reach their limit (≥). ThresholdsStrict treats only
// when both exceed it (>).
const (
	ThresholdsInclusive Thresholds = "inclusive"
	ThresholdsStrict    Thresholds = "strict"
)

// OutlierConfig controls the outlier treatment of the OECD/JRC Handbook as
// implemented in COINr: an indicator is treated when |skewness| ≥ Skewness and
// kurtosis ≥ Kurtosis (see Thresholds); it is winsorised until it passes or
// MaxPoints points are clipped, else the Second step is applied to the
// original values (to the winsorised ones with Combine, COINr's
// combine_treat). Skewness and kurtosis are the sample estimators of Excel's
// SKEW and KURT (bias-adjusted G1, and G2 as excess kurtosis: 0 for a normal
// sample). Indicators overrides any of these for single indicators.
type OutlierConfig struct {
	Enabled    bool       `yaml:"enabled" json:"enabled"`
	Skewness   float64    `yaml:"skewness" json:"skewness,omitempty"`     // default 2
	Kurtosis   float64    `yaml:"kurtosis" json:"kurtosis,omitempty"`     // default 3.5
	MaxPoints  int        `yaml:"max_points" json:"max_points,omitempty"` // default 5
	Second     SecondStep `yaml:"second" json:"second,omitempty"`         // default log
	Lambda     *float64   `yaml:"lambda" json:"lambda,omitempty"`         // Box-Cox λ, required for boxcox
	Thresholds Thresholds `yaml:"thresholds" json:"thresholds,omitempty"` // default inclusive
	Combine    bool       `yaml:"combine" json:"combine,omitempty"`
	// Indicators holds per-indicator changes, by indicator id.
	Indicators map[string]OutlierOverride `yaml:"indicators" json:"indicators,omitempty"`
}

// OutlierOverride changes the outlier treatment of one indicator; unset
// fields keep the methodology's setting. MaxPoints 0 here means "do not
// winsorise, go straight to the second step".
type OutlierOverride struct {
	Enabled    *bool      `yaml:"enabled" json:"enabled,omitempty"`
	Skewness   *float64   `yaml:"skewness" json:"skewness,omitempty"`
	Kurtosis   *float64   `yaml:"kurtosis" json:"kurtosis,omitempty"`
	MaxPoints  *int       `yaml:"max_points" json:"max_points,omitempty"`
	Second     SecondStep `yaml:"second" json:"second,omitempty"`
	Lambda     *float64   `yaml:"lambda" json:"lambda,omitempty"`
	Thresholds Thresholds `yaml:"thresholds" json:"thresholds,omitempty"`
	Combine    *bool      `yaml:"combine" json:"combine,omitempty"`
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

// Constant says what a normalisation that compares units with each other
// (minmax, distance_to_max, zscore, rank, percentile_rank, borda) gives an
// indicator whose values are all equal. Either way the indicator is reported
// as constant in the result and its warnings.
type Constant string

// Constant-indicator rules. ConstantMissing is COINr's (its min-max and
// z-score divide by a zero spread): the indicator has no value for anyone,
// so it drops out of its parent and its siblings' weights are re-scaled.
// ConstantMidpoint gives everyone the middle of the method's scale (the
// middle of Range, the z-score centre, the average rank).
const (
	ConstantMissing  Constant = "missing"
	ConstantMidpoint Constant = "midpoint"
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
	// Constant is the rule for an indicator without spread (default missing).
	Constant Constant `yaml:"constant" json:"constant,omitempty"`
}

// RankConfig lists the groupings (unit attributes; "" is Unit.Group) within
// which every node is also ranked, e.g. [federal_district, income_group].
type RankConfig struct {
	Within []string `yaml:"within" json:"within,omitempty"`
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
