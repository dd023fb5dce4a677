package formula

import (
	"math"
	"testing"
)

func TestEval(t *testing.T) {
	vals := map[string]float64{"a": 6, "b": 3, "c": -2, "zero": 0, "arm_total": 250, "arm_equipped": 200}
	lookup := func(id string) (float64, bool) { v, ok := vals[id]; return v, ok }
	tests := []struct {
		src    string
		want   float64
		wantOK bool
	}{
		{"a", 6, true},
		{"42", 42, true},
		{"0.25", 0.25, true},
		{"a + b", 9, true},
		{"a - b - c", 5, true}, // left-associative
		{"a / b / 2", 1, true}, // left-associative
		{"a + b * c", 0, true}, // precedence
		{"(a + b) * c", -18, true},
		{"(a - b) / 2", 1.5, true},
		{"100 * arm_equipped / arm_total", 80, true},
		{"-a + b", -3, true},
		{"- -a", 6, true},
		{"a * -b", -18, true},
		{"-(a + b)", -9, true},
		{"min(a, b)", 3, true},
		{"max(a, b, 10)", 10, true},
		{"min(a, b, c)", -2, true},
		{"abs(c)", 2, true},
		{"abs(b - a) * 2", 6, true},
		{"a / zero", 0, false},
		{"min(a / zero, 1)", 0, false}, // division by zero anywhere means no value
		{"zero / a", 0, true},
		{"a + missing", 0, false},
		{"missing * 0", 0, false},
		{"\ta\n+\tb", 9, true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := MustCompile(tt.src)
			got, ok, err := e.Eval(lookup)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("Eval(%q) = %v, %v; want %v, %v", tt.src, got, ok, tt.want, tt.wantOK)
			}
			values := make([]float64, len(e.Vars()))
			for i, id := range e.Vars() {
				v, found := vals[id]
				if !found {
					v = math.NaN()
				}
				values[i] = v
			}
			got2, ok2 := e.EvalVars(values)
			if got2 != got || ok2 != ok {
				t.Errorf("EvalVars(%q) = %v, %v; Eval = %v, %v", tt.src, got2, ok2, got, ok)
			}
		})
	}
}

func TestEvalNonFinite(t *testing.T) {
	e := MustCompile("a * a")
	if _, ok, _ := e.Eval(func(string) (float64, bool) { return 1e200, true }); ok {
		t.Error("overflow to +Inf: ok = true")
	}
	if _, ok, _ := e.Eval(func(string) (float64, bool) { return math.NaN(), true }); ok {
		t.Error("NaN input: ok = true")
	}
}

func TestEvalMisuse(t *testing.T) {
	var e *Expr
	if _, _, err := e.Eval(func(string) (float64, bool) { return 0, true }); err == nil {
		t.Error("nil Expr: no error")
	}
	if _, _, err := MustCompile("a").Eval(nil); err == nil {
		t.Error("nil lookup: no error")
	}
	if _, ok := MustCompile("a + b").EvalVars([]float64{1}); ok {
		t.Error("EvalVars with too few values: ok")
	}
}

func TestEvalAllocs(t *testing.T) {
	e := MustCompile("100 * min(a, b) / (c + abs(d - a))")
	vals := map[string]float64{"a": 1, "b": 2, "c": 3, "d": 4}
	lookup := func(id string) (float64, bool) { v, ok := vals[id]; return v, ok }
	if n := testing.AllocsPerRun(100, func() { _, _, _ = e.Eval(lookup) }); n != 0 {
		t.Errorf("Eval allocates %v times per run", n)
	}
	values := []float64{1, 2, 3, 4}
	if n := testing.AllocsPerRun(100, func() { _, _ = e.EvalVars(values) }); n != 0 {
		t.Errorf("EvalVars allocates %v times per run", n)
	}
}
