package method

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/internal/formula"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

// builder turns a decoded rawFile into a Methodology, reporting every
// problem with the line it was found on.
type builder struct {
	probs  *problems
	lines  map[string]int  // path -> line, from the decoder
	failed map[string]bool // paths the decoder already complained about
	m      *Methodology
	des    map[string]int // data element id -> line
	inds   map[string]int // indicator id -> line
	// nodePaths locates every tree node by id, for the warnings.
	nodePaths map[string]string
}

var (
	// Data element ids appear in formulas, so they follow the formula
	// grammar; other ids follow it too so that every id reads the same.
	idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// Methodology ids are file-name-like: health-digital-maturity.
	methodologyIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

func (b *builder) build(raw *rawFile) *Methodology {
	b.m = &Methodology{
		ID: raw.ID, Version: raw.Version, Name: raw.Name, Description: raw.Description,
		Pipeline: raw.Pipeline, Uncertainty: raw.Uncertainty,
	}
	b.header(raw)
	b.dataElements(raw.DataElements)
	b.indicators(raw.Indicators)
	b.m.Tree = b.tree(raw.Index)
	b.pipeline()
	b.uncertainty()
	b.positiveScores()
	b.dataSets(raw.DataSets)
	b.rules(raw.ValidationRules)
	b.inputs(raw.Inputs)
	b.lint()
	return b.m
}

// line is the line of the value at path, or of its nearest written parent.
func (b *builder) line(path string) int {
	for {
		if l, ok := b.lines[path]; ok {
			return l
		}
		if path == "" {
			return 1
		}
		path = path[:max(strings.LastIndexAny(path, ".["), 0)]
	}
}

func (b *builder) add(path, format string, args ...any) {
	b.probs.add(b.line(path), format, args...)
}

// prefix starts a message with its context, if any.
func prefix(ctx string) string {
	if ctx == "" {
		return ""
	}
	return ctx + ": "
}

// require reports an empty key unless the decoder already complained.
func (b *builder) require(path, ctx, key, value string) bool {
	if value != "" {
		return true
	}
	if !b.failed[join(path, key)] {
		b.add(path, "%s%s is required", prefix(ctx), key)
	}
	return false
}

// checkID validates an id against pattern and records it in seen (id ->
// line) unless it is a duplicate.
func (b *builder) checkID(path, ctx, id string, seen map[string]int) {
	if !b.require(path, ctx, "id", id) {
		return
	}
	if !idPattern.MatchString(id) {
		b.add(join(path, "id"), "%sid must be lowercase latin letters, digits and \"_\", starting with a letter", prefix(ctx))
		return
	}
	if first, dup := seen[id]; dup {
		b.add(path, "%sduplicate id (first at line %d)", prefix(ctx), first)
		return
	}
	seen[id] = b.line(path)
}

// itemName names a list item in messages the way the decoder does.
func itemName(kind, id string, i int) string {
	if id != "" {
		return fmt.Sprintf("%s %q", kind, id)
	}
	return fmt.Sprintf("%s #%d", kind, i+1)
}

func (b *builder) header(raw *rawFile) {
	m := b.m
	if b.require("", "", "id", raw.ID) && !methodologyIDPattern.MatchString(raw.ID) {
		b.add("id", "id must be lowercase latin letters, digits, \"_\" and \"-\", starting with a letter")
	}
	b.require("", "", "version", raw.Version)
	b.require("", "", "name", raw.Name)

	if len(raw.Periods) == 0 && !b.failed["periods"] {
		b.add("", "periods is required: the period types it is computed for, e.g. [yearly, quarterly]")
	}
	for i, t := range raw.Periods {
		if slices.Contains(raw.Periods[:i], t) {
			b.add(fmt.Sprintf("periods[%d]", i), "periods: %s is listed twice", t)
			continue
		}
		if t.Valid() {
			m.PeriodTypes = append(m.PeriodTypes, t)
		}
	}
	m.ValidFrom, m.validFrom = b.periodID("valid_from", raw.ValidFrom)
	m.ValidTo, m.validTo = b.periodID("valid_to", raw.ValidTo)
	if !m.validFrom.IsZero() && !m.validTo.IsZero() && !m.validFrom.Start().Before(m.validTo.End()) {
		b.add("valid_to", "valid_to %s ends before valid_from %s begins", m.ValidTo, m.ValidFrom)
	}

	m.UnitLevel = orgunit.Region.String()
	if raw.UnitLevel != "" {
		if l, err := orgunit.ParseLevel(raw.UnitLevel); err != nil {
			b.add("unit_level", "unit_level: unknown level %q (want region or organisation)", raw.UnitLevel)
		} else {
			m.UnitLevel = l.String()
		}
	}
}

func (b *builder) periodID(key, id string) (string, period.Period) {
	if id == "" {
		return "", period.Period{}
	}
	p, err := period.Parse(id)
	if err != nil {
		b.add(key, "%s: %v", key, err)
		return id, period.Period{}
	}
	return p.String(), p
}

func (b *builder) dataElements(raw []rawDataElement) {
	b.des = map[string]int{}
	if len(raw) == 0 && !b.failed["data_elements"] {
		b.add("", "data_elements is required: at least one data element")
	}
	for i, r := range raw {
		path, ctx := fmt.Sprintf("data_elements[%d]", i), itemName("data element", r.ID, i)
		b.checkID(path, ctx, r.ID, b.des)
		b.require(path, ctx, "name", r.Name)
		de := DataElement{ID: r.ID, Name: r.Name, Unit: r.Unit, Description: r.Description, Aggregation: AggSum, Synthetic: r.Demo}
		if r.Aggregation != "" {
			de.Aggregation = AggType(r.Aggregation)
			if !slices.Contains(aggTypes, de.Aggregation) {
				b.add(join(path, "aggregation"), "%s: aggregation: unknown method %q (want %s)", ctx, r.Aggregation, list(aggTypes))
			}
		}
		b.m.DataElements = append(b.m.DataElements, de)
	}
	// Demo hints refer to other elements, so check them once all are known.
	for i, r := range raw {
		if r.Demo != nil {
			b.demo(fmt.Sprintf("data_elements[%d].demo", i), itemName("data element", r.ID, i)+": demo", r.ID, r.Demo, raw)
		}
	}
}

func (b *builder) indicators(raw []rawIndicator) {
	b.inds = map[string]int{}
	if len(raw) == 0 && !b.failed["indicators"] {
		b.add("", "indicators is required: at least one indicator")
	}
	for i, r := range raw {
		path, ctx := fmt.Sprintf("indicators[%d]", i), itemName("indicator", r.ID, i)
		b.checkID(path, ctx, r.ID, b.inds)
		b.require(path, ctx, "name", r.Name)
		ind := Indicator{
			ID: r.ID, Name: r.Name, Description: r.Description, Unit: r.Unit,
			Factor: 1, Direction: index.HigherIsBetter, Target: r.Target,
			AverageOfUnits: r.AverageOfUnits, Source: r.Source,
		}
		if b.require(path, ctx, "numerator", r.Numerator) {
			ind.Numerator = b.formula(join(path, "numerator"), ctx+": numerator", r.Numerator)
		}
		if r.Denominator != "" {
			ind.Denominator = b.formula(join(path, "denominator"), ctx+": denominator", r.Denominator)
		}
		if r.Factor != nil {
			if *r.Factor == 0 {
				b.add(join(path, "factor"), "%s: factor must not be zero", ctx)
			}
			ind.Factor = *r.Factor
		}
		switch r.Direction {
		case "", "higher":
		case "lower":
			ind.Direction = index.LowerIsBetter
		default:
			b.add(join(path, "direction"), "%s: direction: unknown value %q (want higher or lower)", ctx, r.Direction)
		}
		if r.AverageOfUnits && b.m.UnitLevel == orgunit.Organisation.String() {
			b.add(join(path, "average_of_units"), "%s: average_of_units needs units above the organisation level", ctx)
		}
		b.m.Indicators = append(b.m.Indicators, ind)
	}
}

// formula compiles src and checks that it only uses known data elements.
func (b *builder) formula(path, ctx, src string) *formula.Expr {
	e, err := formula.Compile(src)
	if err != nil {
		b.add(path, "%s: %v", ctx, err)
		return nil
	}
	for _, id := range e.Vars() {
		if _, ok := b.des[id]; !ok {
			b.add(path, "%s: unknown data element %q", ctx, id)
		}
	}
	return e
}

// list formats allowed values for a message: "a, b or c".
func list[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
