package method

import (
	"testing"

	"github.com/cifra-health/cifra/internal/formula"
)

func TestOperatorCompare(t *testing.T) {
	tests := []struct {
		op   Operator
		a, b float64
		want bool
	}{
		{OpEq, 0.1 + 0.2, 0.3, true}, // equal within rounding
		{OpNe, 0.1 + 0.2, 0.3, false},
		{OpEq, 1, 2, false},
		{OpNe, 1, 2, true},
		{OpLt, 1, 2, true},
		{OpLt, 2, 2, false},
		{OpLe, 2, 2, true},
		{OpLe, 3, 2, false},
		{OpGt, 3, 2, true},
		{OpGt, 0.1 + 0.2, 0.3, false},
		{OpGe, 0.3, 0.1 + 0.2, true},
		{OpGe, 1, 2, false},
		{Operator("=<"), 1, 2, false},
	}
	for _, tt := range tests {
		if got := tt.op.Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("%v %s %v = %v, want %v", tt.a, tt.op, tt.b, got, tt.want)
		}
	}
}

func TestRuleCheck(t *testing.T) {
	rule := func(missing MissingStrategy) *ValidationRule {
		return &ValidationRule{ID: "r", Left: formula.MustCompile("equipped + leased"), Operator: OpLe,
			Right: formula.MustCompile("total"), Missing: missing}
	}
	tests := []struct {
		name        string
		missing     MissingStrategy
		values      map[string]float64
		wantOutcome Outcome
		left, right float64
	}{
		{"pass", SkipIfAnyMissing, map[string]float64{"equipped": 5, "leased": 1, "total": 10}, Passed, 6, 10},
		{"violate", SkipIfAnyMissing, map[string]float64{"equipped": 9, "leased": 2, "total": 10}, Violated, 11, 10},
		{"any missing skips", SkipIfAnyMissing, map[string]float64{"equipped": 9, "total": 1}, Skipped, 0, 0},
		{"default is skip if any", "", map[string]float64{"equipped": 9, "total": 1}, Skipped, 0, 0},
		{"all missing skips", SkipIfAllMissing, map[string]float64{}, Skipped, 0, 0},
		{"some missing counts as zero", SkipIfAllMissing, map[string]float64{"equipped": 9}, Violated, 9, 0},
		{"never skip", NeverSkip, map[string]float64{"equipped": 3}, Violated, 3, 0},
		{"never skip, nothing", NeverSkip, map[string]float64{}, Passed, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(id string) (float64, bool) { v, ok := tt.values[id]; return v, ok }
			l, r, o := rule(tt.missing).Check(lookup)
			if o != tt.wantOutcome || l != tt.left || r != tt.right {
				t.Errorf("Check = %v, %v, %v; want %v, %v, %v", l, r, o, tt.left, tt.right, tt.wantOutcome)
			}
		})
	}
	div := &ValidationRule{Left: formula.MustCompile("a / b"), Operator: OpLe, Right: formula.MustCompile("1"), Missing: NeverSkip}
	if _, _, o := div.Check(func(string) (float64, bool) { return 0, true }); o != Skipped {
		t.Errorf("division by zero: outcome %v, want Skipped", o)
	}
}
