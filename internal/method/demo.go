package method

import (
	"slices"
	"strings"
)

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
	// Trend is the change per year since the demo's first year: relative
	// for Base (0.05 = +5 % a year), in share points for ShareMean (0.03 =
	// +3 points a year).
	Trend float64 `yaml:"trend" json:"trend,omitempty"`
	// Min and Max clip the generated value.
	Min *float64 `yaml:"min" json:"min,omitempty"`
	Max *float64 `yaml:"max" json:"max,omitempty"`
	// Integer rounds to whole numbers (counts of things and people).
	Integer   bool   `yaml:"integer" json:"integer,omitempty"`
	Reference string `yaml:"reference" json:"reference,omitempty"`
}

// Where a DemoHint generates values.
const (
	DemoPerMO     = "mo"
	DemoPerRegion = "region"
)

// referenceColumns are the reference-data series a DemoHint may copy.
var referenceColumns = []string{"population"}

// demo checks a data element's demo hint; raw holds all data elements so
// that share_of can be followed.
func (b *builder) demo(path, ctx, id string, h *DemoHint, raw []rawDataElement) {
	switch h.Per {
	case DemoPerMO, DemoPerRegion:
	case "":
		if !b.failed[join(path, "per")] {
			b.add(path, "%s: per is required (mo or region)", ctx)
		}
	default:
		b.add(join(path, "per"), "%s: per: unknown value %q (want mo or region)", ctx, h.Per)
	}
	ways := 0
	for _, set := range []bool{h.Base != 0, h.ShareOf != "", h.Reference != ""} {
		if set {
			ways++
		}
	}
	if ways != 1 {
		b.add(path, "%s: set exactly one of base, share_of and reference", ctx)
	}
	if h.Base < 0 || h.PerPopulation < 0 || h.SD < 0 || h.ShareSD < 0 {
		b.add(path, "%s: base, per_population, sd and share_sd must not be negative", ctx)
	}
	if h.ShareMean < 0 || h.ShareMean > 1 {
		b.add(join(path, "share_mean"), "%s: share_mean must be within 0..1, got %g", ctx, h.ShareMean)
	}
	if h.Min != nil && h.Max != nil && *h.Min > *h.Max {
		b.add(join(path, "min"), "%s: min %g is above max %g", ctx, *h.Min, *h.Max)
	}
	if h.Reference != "" && !slices.Contains(referenceColumns, h.Reference) {
		b.add(join(path, "reference"), "%s: reference: unknown series %q (want %s)", ctx, h.Reference, strings.Join(referenceColumns, ", "))
	}
	if h.ShareOf != "" {
		b.shareOf(path, ctx, id, h, raw)
	}
}

// shareOf follows the share_of chain: it must reach a known element of the
// same unit level without coming back to where it started.
func (b *builder) shareOf(path, ctx, id string, h *DemoHint, raw []rawDataElement) {
	byID := map[string]*DemoHint{}
	for _, r := range raw {
		if r.Demo != nil {
			byID[r.ID] = r.Demo
		}
	}
	p := join(path, "share_of")
	if _, ok := b.des[h.ShareOf]; !ok {
		b.add(p, "%s: share_of: unknown data element %q", ctx, h.ShareOf)
		return
	}
	whole, ok := byID[h.ShareOf]
	if !ok {
		b.add(p, "%s: share_of: data element %q has no demo hint to take a share of", ctx, h.ShareOf)
		return
	}
	if whole.Per != h.Per {
		b.add(p, "%s: share_of: %q is generated per %s, this element per %s", ctx, h.ShareOf, whole.Per, h.Per)
	}
	// Report a circular chain on the elements that are part of it.
	chain := []string{id, h.ShareOf}
	for cur := whole; cur != nil && cur.ShareOf != "" && len(chain) <= len(raw); cur = byID[cur.ShareOf] {
		chain = append(chain, cur.ShareOf)
		if cur.ShareOf == id {
			b.add(p, "%s: share_of: circular chain %s", ctx, strings.Join(chain, " → "))
			return
		}
	}
}
