package formula

import (
	"testing"

	"github.com/expr-lang/expr"
)

// The typical indicator: a share of two counts times 100.
const benchSrc = "100 * (arm_equipped + arm_leased) / arm_total"

var benchValues = map[string]float64{"arm_equipped": 180, "arm_leased": 20, "arm_total": 250}

var sink float64

func BenchmarkEval(b *testing.B) {
	e := MustCompile(benchSrc)
	lookup := func(id string) (float64, bool) { v, ok := benchValues[id]; return v, ok }
	b.ReportAllocs()
	for b.Loop() {
		v, _, _ := e.Eval(lookup)
		sink += v
	}
}

func BenchmarkEvalVars(b *testing.B) {
	e := MustCompile(benchSrc)
	values := make([]float64, len(e.Vars()))
	for i, id := range e.Vars() {
		values[i] = benchValues[id]
	}
	b.ReportAllocs()
	for b.Loop() {
		v, _ := e.EvalVars(values)
		sink += v
	}
}

// BenchmarkExprLang is the same formula run by expr-lang/expr, for comparison.
func BenchmarkExprLang(b *testing.B) {
	env := map[string]any{"arm_equipped": 180.0, "arm_leased": 20.0, "arm_total": 250.0}
	prog, err := expr.Compile(benchSrc, expr.Env(env))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		out, err := expr.Run(prog, env)
		if err != nil {
			b.Fatal(err)
		}
		sink += out.(float64)
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(benchSrc); err != nil {
			b.Fatal(err)
		}
	}
}
