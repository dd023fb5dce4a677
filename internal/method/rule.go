package method

import (
	"math"

	"github.com/cifra-health/cifra/internal/formula"
)

// ValidationRule compares two formulas over the data values of one
// organisation unit and period, e.g. arm_equipped <= arm_total.
type ValidationRule struct {
	ID          string
	Name        string // Russian, shown next to a violation
	Description string
	Left        *formula.Expr
	Operator    Operator
	Right       *formula.Expr
	Missing     MissingStrategy
}

// Operator compares the two sides of a validation rule.
type Operator string

// Operators.
const (
	OpEq Operator = "=="
	OpNe Operator = "!="
	OpLt Operator = "<"
	OpLe Operator = "<="
	OpGt Operator = ">"
	OpGe Operator = ">="
)

var operators = []Operator{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe}

// MissingStrategy says when a rule is skipped because values are missing. A
// rule that is not skipped counts missing values as 0, so that
// never_skip catches "equipped workplaces reported, total not".
type MissingStrategy string

// Missing-value strategies (DHIS2's names).
const (
	SkipIfAnyMissing MissingStrategy = "skip_if_any_missing"
	SkipIfAllMissing MissingStrategy = "skip_if_all_missing"
	NeverSkip        MissingStrategy = "never_skip"
)

var missingStrategies = []MissingStrategy{SkipIfAnyMissing, SkipIfAllMissing, NeverSkip}

// Outcome is the result of checking a rule.
type Outcome int

// Outcomes.
const (
	Passed Outcome = iota
	Violated
	Skipped // values missing per the strategy, or a division by zero
)

// Compare applies the operator. Equality allows a relative error of 1e-9,
// because sums of decimal values are rarely exact in binary.
func (o Operator) Compare(a, b float64) bool {
	eq := a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
	switch o {
	case OpEq:
		return eq
	case OpNe:
		return !eq
	case OpLt:
		return a < b && !eq
	case OpLe:
		return a < b || eq
	case OpGt:
		return a > b && !eq
	case OpGe:
		return a > b || eq
	}
	return false
}

// Check evaluates the rule. left and right are the values compared (0 when
// skipped).
func (r *ValidationRule) Check(lookup func(id string) (float64, bool)) (left, right float64, outcome Outcome) {
	vars := 0
	missing := 0
	for _, side := range []*formula.Expr{r.Left, r.Right} {
		for _, id := range side.Vars() {
			vars++
			if _, ok := lookup(id); !ok {
				missing++
			}
		}
	}
	switch r.Missing {
	case NeverSkip:
	case SkipIfAllMissing:
		if vars > 0 && missing == vars {
			return 0, 0, Skipped
		}
	default:
		if missing > 0 {
			return 0, 0, Skipped
		}
	}
	zeroIfMissing := func(id string) (float64, bool) {
		if v, ok := lookup(id); ok {
			return v, true
		}
		return 0, true
	}
	l, okL, errL := r.Left.Eval(zeroIfMissing)
	rv, okR, errR := r.Right.Eval(zeroIfMissing)
	if errL != nil || errR != nil || !okL || !okR {
		return 0, 0, Skipped
	}
	if r.Operator.Compare(l, rv) {
		return l, rv, Passed
	}
	return l, rv, Violated
}
