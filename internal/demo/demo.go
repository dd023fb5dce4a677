// Package demo generates deterministic synthetic data: medical
// organisations placed in real settlements and data values for every data
// element that has a demo hint in the methodologies. Nothing it makes is
// statistics; every output built on it says so.
package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

// Options control the size and shape of the demo.
type Options struct {
	Seed uint64
	// AsOf is the day the demo is built for: its quarters are those of
	// TimelineAt(AsOf) unless From and To are set. One of the two is
	// required, so that no demo silently ends in a fixed year.
	AsOf time.Time
	// Quarters to generate, oldest first.
	From, To string
	// PeoplePerMO sets how many medical organisations a region gets: one
	// per this many residents, at least 3 (default 60,000).
	PeoplePerMO int64
	// MissingShare is the share of МО values left unreported (default 0.03;
	// negative for none).
	MissingShare float64
}

func (o *Options) defaults() error {
	if o.From == "" || o.To == "" {
		if o.AsOf.IsZero() {
			return fmt.Errorf("demo: no as-of date and no quarters (From, To)")
		}
		tl := TimelineAt(o.AsOf)
		if o.From == "" {
			o.From = tl.From.String()
		}
		if o.To == "" {
			o.To = tl.To.String()
		}
	}
	if o.PeoplePerMO == 0 {
		o.PeoplePerMO = 60000
	}
	if o.MissingShare == 0 {
		o.MissingShare = 0.03
	}
	return nil
}

// Data is a generated demo.
type Data struct {
	OrgUnits []orgunit.Unit
	Groups   []orgunit.Group
	Values   []datavalue.Value
}

// moTypes are the МО groups; weights say how common each is.
var moTypes = []struct {
	code, name string
	weight     float64
	size       float64 // relative attached population
}{
	{"MO-CRB", "Центральная районная больница", 0.35, 1.0},
	{"MO-POL", "Городская поликлиника", 0.30, 1.3},
	{"MO-HOSP", "Областная (краевая, республиканская) больница", 0.10, 0.6},
	{"MO-CHILD", "Детская поликлиника", 0.15, 0.5},
	{"MO-SPEC", "Специализированный диспансер", 0.10, 0.3},
}

// Leaders and laggards of the published 2020 rating (DOMAIN.md) get a head
// start or a handicap, so that the synthetic table looks like the real one
// without copying any number from it.
var (
	publishedTop    = []string{"RU-TUL", "RU-TAM", "RU-LEN", "RU-BEL", "RU-KIR", "RU-SAK", "RU-PNZ", "RU-CU", "RU-BA", "RU-ALT"}
	publishedBottom = []string{"RU-IVA", "RU-PRI", "RU-SVE", "RU-VLG", "RU-OMS", "RU-ROS", "RU-KAM", "RU-STA", "RU-YEV", "RU-CR"}
)

// Generate makes a demo for the given methodologies over the reference
// hierarchy. The same options give the same data.
func Generate(h *orgunit.Hierarchy, ms []*method.Methodology, opt Options) (*Data, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	from, err := period.Parse(opt.From)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	to, err := period.Parse(opt.To)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	quarters, err := period.Range(from, to)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	settlements, err := orgunit.Settlements()
	if err != nil {
		return nil, err
	}
	g := &gen{rng: rand.New(rand.NewPCG(opt.Seed, 0x63696672)), opt: opt, h: h, baseYear: from.Year()}
	g.latent(h)
	d := &Data{}
	for _, t := range moTypes {
		d.Groups = append(d.Groups, orgunit.Group{Code: t.code, Name: t.name})
	}
	d.OrgUnits = g.organisations(h, settlements)
	lower := lowerIsBetterElements(ms)
	seen := map[string]bool{}
	for _, m := range ms {
		els, err := ordered(m)
		if err != nil {
			return nil, err
		}
		for _, de := range els {
			if seen[de.ID] {
				continue
			}
			seen[de.ID] = true
			d.Values = append(d.Values, g.element(de, lower[de.ID], quarters, d.OrgUnits)...)
		}
	}
	g.outliers(d.Values, ms)
	d.Values = g.dropMissing(d.Values)
	return d, nil
}

type gen struct {
	rng *rand.Rand
	opt Options
	h   *orgunit.Hierarchy
	// baseYear is the demo's first year: trends start from it.
	baseYear int
	// maturity is each region's latent digital maturity (about N(0,1)) and
	// pace its yearly improvement.
	maturity map[string]float64
	pace     map[string]float64
	// values generated so far: element → unit → period → value.
	made map[string]map[string]map[string]float64
}

func (g *gen) latent(h *orgunit.Hierarchy) {
	g.maturity, g.pace = map[string]float64{}, map[string]float64{}
	g.made = map[string]map[string]map[string]float64{}
	top, bottom := map[string]bool{}, map[string]bool{}
	for _, c := range publishedTop {
		top[c] = true
	}
	for _, c := range publishedBottom {
		bottom[c] = true
	}
	for _, r := range h.AtLevel(orgunit.Region) {
		m := g.rng.NormFloat64() * 0.7
		if top[r.Code] {
			m += 1.8
		}
		if bottom[r.Code] {
			m -= 1.8
		}
		g.maturity[r.Code] = m
		g.pace[r.Code] = g.rng.NormFloat64() * 0.25
	}
}

// organisations places МО in each region's settlements, weighted by
// settlement population, with OID-like codes under the region number.
func (g *gen) organisations(h *orgunit.Hierarchy, all []orgunit.Settlement) []orgunit.Unit {
	byRegion := map[string][]orgunit.Settlement{}
	for _, s := range all {
		byRegion[s.Region] = append(byRegion[s.Region], s)
	}
	var out []orgunit.Unit
	for _, r := range h.AtLevel(orgunit.Region) {
		n := int(max(3, r.Population/g.opt.PeoplePerMO))
		ss := byRegion[r.Code]
		var total float64
		for _, s := range ss {
			total += math.Sqrt(float64(s.Population))
		}
		weights := make([]float64, n)
		var wsum float64
		for i := range n {
			t := g.pickType()
			weights[i] = moTypes[t].size * math.Exp(g.rng.NormFloat64()*0.3)
			wsum += weights[i]
			u := orgunit.Unit{
				Code:   fmt.Sprintf("1.2.643.5.1.13.13.12.2.%d.%d", r.RegionNumber, 1000+i),
				Level:  orgunit.Organisation,
				Parent: r.Code,
				Type:   moTypes[t].name,
				Groups: []string{moTypes[t].code},
			}
			place := r.Name
			u.Lat, u.Lon, u.TimeZone = r.Lat, r.Lon, r.TimeZone
			if len(ss) > 0 {
				// sqrt weighting keeps small towns in the picture.
				x := g.rng.Float64() * total
				for _, s := range ss {
					x -= math.Sqrt(float64(s.Population))
					if x <= 0 {
						place, u.Lat, u.Lon, u.TimeZone, u.OKATO = s.Name, s.Lat, s.Lon, s.TimeZone, s.OKATO
						break
					}
				}
			}
			u.Settlement = place
			u.Name = fmt.Sprintf("%s № %d (%s)", moTypes[t].name, i+1, place)
			u.ShortName = fmt.Sprintf("%s № %d", abbreviation(moTypes[t].code), i+1)
			out = append(out, u)
		}
		// Attached population: the region's population shared by weight.
		for i := range n {
			out[len(out)-n+i].Population = int64(float64(r.Population) * weights[i] / wsum)
		}
	}
	return out
}

func abbreviation(code string) string {
	switch code {
	case "MO-CRB":
		return "ЦРБ"
	case "MO-POL":
		return "ГП"
	case "MO-HOSP":
		return "ОБ"
	case "MO-CHILD":
		return "ДП"
	default:
		return "Дисп."
	}
}

func (g *gen) pickType() int {
	x := g.rng.Float64()
	for i, t := range moTypes {
		x -= t.weight
		if x <= 0 {
			return i
		}
	}
	return len(moTypes) - 1
}

// lowerIsBetterElements lists elements that appear in the numerator of a
// lower-is-better indicator: for them a mature region has smaller values.
func lowerIsBetterElements(ms []*method.Methodology) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for _, ind := range m.Indicators {
			if ind.Direction == index.LowerIsBetter {
				for _, v := range ind.Numerator.Vars() {
					out[v] = true
				}
			}
		}
	}
	return out
}

// ordered returns the elements with demo hints, each after the element its
// share is taken of.
func ordered(m *method.Methodology) ([]method.DataElement, error) {
	var out []method.DataElement
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(id string) error
	visit = func(id string) error {
		de, ok := m.DataElement(id)
		if !ok || de.Synthetic == nil {
			return nil
		}
		switch state[id] {
		case 1:
			return fmt.Errorf("demo: methodology %s: demo hints of %s form a cycle", m.ID, id)
		case 2:
			return nil
		}
		state[id] = 1
		if de.Synthetic.ShareOf != "" {
			if err := visit(de.Synthetic.ShareOf); err != nil {
				return err
			}
		}
		state[id] = 2
		out = append(out, *de)
		return nil
	}
	for _, de := range m.DataElements {
		if err := visit(de.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// element generates one data element for every unit and quarter.
func (g *gen) element(de method.DataElement, lower bool, quarters []period.Period, mos []orgunit.Unit) []datavalue.Value {
	hint := de.Synthetic
	type target struct {
		code, region string
		population   float64
	}
	var targets []target
	if hint.Per == method.DemoPerRegion {
		for _, r := range g.h.AtLevel(orgunit.Region) {
			targets = append(targets, target{r.Code, r.Code, float64(r.Population)})
		}
	} else {
		for _, u := range mos {
			targets = append(targets, target{u.Code, u.Parent, float64(u.Population)})
		}
	}
	made := map[string]map[string]float64{}
	g.made[de.ID] = made
	sign := 1.0
	if lower {
		sign = -1
	}
	// Each element draws from its own stream, so that adding a
	// methodology (or an element) leaves every other element's values as
	// they were.
	rng := rand.New(rand.NewPCG(g.opt.Seed, elementStream(de.ID)))
	var out []datavalue.Value
	for _, t := range targets {
		// A unit keeps its own level over time, plus the region's drift.
		unitFactor := math.Exp(rng.NormFloat64() * orDefault(hint.SD, 0.15))
		unitShare := rng.NormFloat64() * orDefault(hint.ShareSD, 0.1)
		mat := g.maturity[t.region]
		made[t.code] = map[string]float64{}
		for _, q := range quarters {
			years := float64(q.Year()-g.baseYear) + float64(q.Start().YearDay())/365
			progress := mat + g.pace[t.region]*years
			var v float64
			switch {
			case hint.Reference == "population":
				v = t.population
			case hint.ShareOf != "":
				base, ok := g.made[hint.ShareOf][t.code][q.String()]
				if !ok {
					continue
				}
				share := hint.ShareMean + hint.Trend*years + unitShare + sign*progress*orDefault(hint.ShareSD, 0.1)*0.8
				share += rng.NormFloat64() * orDefault(hint.ShareSD, 0.1) * 0.15
				v = base * math.Min(1, math.Max(0, share))
			default:
				v = hint.Base * unitFactor * math.Pow(1+hint.Trend, years) * math.Exp(sign*progress*0.15)
				if hint.PerPopulation > 0 {
					v *= t.population / hint.PerPopulation
				}
				if de.Aggregation == method.AggSum {
					v /= 4 // Base is yearly; a quarter is a quarter of it
				}
				v *= math.Exp(rng.NormFloat64() * 0.03)
			}
			if hint.Min != nil {
				v = math.Max(v, *hint.Min)
			}
			if hint.Max != nil {
				v = math.Min(v, *hint.Max)
			}
			if hint.Integer {
				v = math.Round(v)
			}
			made[t.code][q.String()] = v
			out = append(out, datavalue.Value{DataElement: de.ID, Period: q.String(), OrgUnit: t.code, Value: v})
		}
	}
	return out
}

// dropMissing makes the gaps real data has, so that imputation and
// screening act: a few МО reports missing at random (whole reports, so a
// share never loses its base), two regions that reported about half of their
// data elements not at all, and five with one or two elements missing.
func (g *gen) dropMissing(vals []datavalue.Value) []datavalue.Value {
	regions := g.regionCodes()
	var des []string
	seenDE := map[string]bool{}
	for _, v := range vals {
		if !seenDE[v.DataElement] {
			seenDE[v.DataElement] = true
			des = append(des, v.DataElement)
		}
	}
	sort.Strings(des)
	// Every choice is a draw of its own (region, element, …), so that a new
	// element changes nothing that was missing before.
	silent := map[[2]string]bool{}
	perm := rand.New(rand.NewPCG(g.opt.Seed, elementStream("missing regions"))).Perm(len(regions))
	for i, ri := range perm[:7] {
		r := regions[ri]
		share := 0.08 // one or two of twenty elements
		if i < 2 {
			share = 0.55
		}
		for _, de := range des {
			if g.draw("silent", r, de) < share {
				silent[[2]string{r, de}] = true
			}
		}
	}
	dropReport := map[[2]string]bool{}
	out := vals[:0]
	for _, v := range vals {
		region := g.regionOf(v.OrgUnit)
		if silent[[2]string{region, v.DataElement}] {
			continue
		}
		if region != v.OrgUnit {
			key := [2]string{v.OrgUnit, v.Period}
			drop, ok := dropReport[key]
			if !ok {
				// By the quarter's place in the demo, not its name: the
				// same demo moved in time leaves the same gaps.
				drop = g.draw("unreported", v.OrgUnit, g.quarterIndex(v.Period)) < g.opt.MissingShare
				dropReport[key] = drop
			}
			if drop {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

// outliers multiplies, in one region each, the values of elements that
// are an indicator's whole numerator (counts per resident, days) several
// times over, as a data-entry slip or a one-off campaign would, so that the
// outlier treatment has something to treat. Shares are left alone: they
// cannot leave [0, 1].
func (g *gen) outliers(vals []datavalue.Value, ms []*method.Methodology) {
	var candidates []string
	for _, m := range ms {
		for _, ind := range m.Indicators {
			if ind.Denominator != nil {
				continue
			}
			vars := ind.Numerator.Vars()
			if len(vars) == 1 && !slices.Contains(candidates, vars[0]) {
				if de, ok := m.DataElement(vars[0]); ok && de.Synthetic != nil && de.Synthetic.Reference == "" {
					candidates = append(candidates, vars[0])
				}
			}
		}
	}
	sort.Strings(candidates)
	regions := g.regionCodes()
	hit := map[[2]string]float64{}
	for _, id := range candidates {
		r := regions[int(g.draw("outlier region", id)*float64(len(regions)))]
		hit[[2]string{r, id}] = 4 + 3*g.draw("outlier factor", id)
	}
	for i, v := range vals {
		if f, ok := hit[[2]string{g.regionOf(v.OrgUnit), v.DataElement}]; ok {
			vals[i].Value = math.Round(v.Value * f)
		}
	}
}

func (g *gen) regionCodes() []string {
	regions := g.h.AtLevel(orgunit.Region)
	codes := make([]string, len(regions))
	for i, r := range regions {
		codes[i] = r.Code
	}
	sort.Strings(codes)
	return codes
}

// regionOf is the region of a unit code, generated МО included.
func (g *gen) regionOf(code string) string {
	if u, ok := g.h.RegionOf(code); ok {
		return u.Code
	}
	if r := regionFromOID(code, g.h); r != "" {
		return r
	}
	return code
}

// regionFromOID recovers the region of a generated МО code from its region
// number (the generated units are not in h yet).
func regionFromOID(code string, h *orgunit.Hierarchy) string {
	const prefix = "1.2.643.5.1.13.13.12.2."
	if len(code) <= len(prefix) || code[:len(prefix)] != prefix {
		return ""
	}
	rest := code[len(prefix):]
	for i := 0; i < len(rest); i++ {
		if rest[i] == '.' {
			n, err := strconv.Atoi(rest[:i])
			if err != nil {
				return ""
			}
			if u, ok := h.LookupRegionNumber(n); ok {
				return u.Code
			}
			return ""
		}
	}
	return ""
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// quarterIndex is a period's quarter counted from the demo's first year.
func (g *gen) quarterIndex(id string) string {
	p, err := period.Parse(id)
	if err != nil {
		return id
	}
	return strconv.Itoa((p.Year()-g.baseYear)*4 + p.Quarter())
}

// draw is a uniform number in [0, 1) fixed by the seed and parts.
func (g *gen) draw(parts ...string) float64 {
	h := fnv.New64a()
	fmt.Fprint(h, g.opt.Seed)
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return float64(h.Sum64()>>11) / (1 << 53)
}

// elementStream is the random stream of a data element's values.
func elementStream(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}
