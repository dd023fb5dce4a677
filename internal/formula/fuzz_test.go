package formula

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"arm_total", "mo_mis_egisz + mo_mis_other", "(a - b) / 2", "100 * a / b",
		"min(a, b)", "max(a, abs(b - c), 3.5)", "-a", "a +* b", "a == b", "a.b", "f(x)",
		"((a))", "1.5e3", "арм", "min(", "abs(-(a))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Compile(%q): error %T, want *Error", src, err)
			}
			if fe.Column < 1 || fe.Column > utf8.RuneCountInString(src)+1 {
				t.Fatalf("Compile(%q): column %d out of range", src, fe.Column)
			}
			return
		}
		if e.String() != src {
			t.Fatalf("String() = %q, want %q", e.String(), src)
		}
		again, err := Compile(e.String())
		if err != nil {
			t.Fatalf("recompiling %q: %v", src, err)
		}
		if !slices.Equal(again.prog, e.prog) || !slices.Equal(again.Vars(), e.Vars()) {
			t.Fatalf("recompiling %q gives a different program", src)
		}
		ones := make([]float64, len(e.Vars()))
		for i := range ones {
			ones[i] = 1
		}
		v1, ok1, err := e.Eval(func(string) (float64, bool) { return 1, true })
		if err != nil {
			t.Fatalf("Eval(%q): %v", src, err)
		}
		if v2, ok2 := e.EvalVars(ones); v1 != v2 || ok1 != ok2 {
			t.Fatalf("Eval(%q) = %v, %v; EvalVars = %v, %v", src, v1, ok1, v2, ok2)
		}
		checkOracle(t, e)
	})
}
