package formula

import (
	"math"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

// oracle evaluates src with expr-lang/expr, an independent implementation of
// the same arithmetic. Ids are prefixed (so none collides with expr's keywords
// such as "in" or "not") and integer literals get ".0" (expr divides and
// overflows integers differently). ok is false when expr cannot run it.
func oracle(t testing.TB, src string, values map[string]float64) (float64, bool) {
	t.Helper()
	toks, err := lex(src)
	if err != nil {
		t.Fatalf("oracle: lex(%q): %v", src, err)
	}
	var b strings.Builder
	env := map[string]any{}
	for i, tok := range toks {
		switch {
		case tok.kind == tIdent && toks[i+1].kind != tLParen:
			b.WriteString("v_" + tok.text)
			env["v_"+tok.text] = values[tok.text]
		case tok.kind == tNum && !strings.Contains(tok.text, "."):
			b.WriteString(tok.text + ".0")
		default:
			b.WriteString(tok.text)
		}
		b.WriteByte(' ')
	}
	prog, cerr := expr.Compile(b.String(), expr.Env(env))
	if cerr != nil {
		return 0, false
	}
	out, rerr := expr.Run(prog, env)
	if rerr != nil {
		return 0, false
	}
	f, ok := out.(float64)
	return f, ok
}

// checkOracle compares Eval with the oracle, giving the i-th id the value
// i+1.5 so that swapped operands show up.
func checkOracle(t testing.TB, e *Expr) {
	t.Helper()
	values := map[string]float64{}
	for i, id := range e.Vars() {
		values[id] = float64(i) + 1.5
	}
	got, ok, err := e.Eval(func(id string) (float64, bool) { v, found := values[id]; return v, found })
	if err != nil || !ok {
		return // division by zero or overflow: nothing to compare
	}
	want, wok := oracle(t, e.String(), values)
	if !wok {
		return
	}
	if diff := math.Abs(got - want); diff > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("Eval(%q) = %v, expr-lang gives %v", e.String(), got, want)
	}
}

func TestOracle(t *testing.T) {
	for _, src := range []string{
		"a - b - c", "a / b / c", "a - b * c + d / e", "-a * -b - -c",
		"min(a, b - c, d) * max(a / b, c)", "abs(a - b * c) / (d - e)",
		"100 * (a + b) / (c + d + e)", "a - (b - (c - (d - e)))", "2 * -3 - -a",
	} {
		checkOracle(t, MustCompile(src))
	}
}
