package formula

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"a +* b", `formula "a +* b": column 4: unexpected "*"`},
		{"", `formula "": column 1: empty formula`},
		{"   ", `formula "   ": column 4: empty formula`},
		{"a +", `formula "a +": column 4: unexpected end of formula, expected a number, a data element id or "("`},
		{"a b", `formula "a b": column 3: unexpected "b", expected an operator`},
		{"(a + b", `formula "(a + b": column 7: unexpected end of formula, expected ")"`},
		{"a + b)", `formula "a + b)": column 6: unexpected ")"`},
		{"a == b", `formula "a == b": column 3: unexpected "=": comparisons are not allowed`},
		{"a < b", `formula "a < b": column 3: unexpected "<": comparisons are not allowed`},
		{"a && b", `formula "a && b": column 3: unexpected "&": logical operators are not allowed`},
		{`"a"`, `formula "\"a\"": column 1: unexpected "\"": strings are not allowed`},
		{"a ? b : c", `formula "a ? b : c": column 3: unexpected "?": conditions are not allowed`},
		{"a % b", `formula "a % b": column 3: unexpected "%": only + - * / are allowed`},
		{"a.b", `formula "a.b": column 2: unexpected ".": member access is not allowed`},
		{"Arm_total", `formula "Arm_total": column 1: unexpected "A": data element ids are lowercase latin letters, digits and "_"`},
		{"arm_Total", `formula "arm_Total": column 5: unexpected "T": data element ids are lowercase latin letters, digits and "_"`},
		{"_a", `formula "_a": column 1: unexpected "_": data element ids are lowercase latin letters, digits and "_"`},
		{"арм + b", `formula "арм + b": column 1: unexpected "а": data element ids are lowercase latin letters, digits and "_"`},
		{"a + арм", `formula "a + арм": column 5: unexpected "а": data element ids are lowercase latin letters, digits and "_"`},
		{".5", `formula ".5": column 1: unexpected ".": a number must start with a digit`},
		{"1.", `formula "1.": column 3: expected a digit after the decimal point`},
		{"1.5.2", `formula "1.5.2": column 1: malformed number "1.5."`},
		{"2a", `formula "2a": column 1: malformed number "2a"`},
		{"1e5", `formula "1e5": column 1: malformed number "1e"`},
		{"1,5", `formula "1,5": column 2: unexpected ","`},
		{"sqrt(a)", `formula "sqrt(a)": column 1: unknown function "sqrt" (allowed: min, max, abs)`},
		{"len(a)", `formula "len(a)": column 1: unknown function "len" (allowed: min, max, abs)`},
		{"min(a)", `formula "min(a)": column 1: min takes 2 or more arguments, got 1`},
		{"abs(a, b)", `formula "abs(a, b)": column 1: abs takes 1 argument, got 2`},
		{"min(a b)", `formula "min(a b)": column 7: unexpected "b", expected "," or ")"`},
		{"min()", `formula "min()": column 5: unexpected ")"`},
		{"a[0]", `formula "a[0]": column 2: unexpected "["`},
		{"+a", `formula "+a": column 1: unexpected "+"`},
		{"a ++ b", `formula "a ++ b": column 4: unexpected "+"`},
		{"a * (", `formula "a * (": column 6: unexpected end of formula, expected a number, a data element id or "("`},
		{strings.Repeat("(", 33) + "a" + strings.Repeat(")", 33), `formula "` + strings.Repeat("(", 33) + "a" + strings.Repeat(")", 33) + `": column 33: formula is nested more than 32 levels deep`},
		{strings.Repeat("-", 33) + "a", `formula "` + strings.Repeat("-", 33) + `a": column 33: formula is nested more than 32 levels deep`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src)
			if err == nil {
				t.Fatalf("Compile(%q) = %v, want error", tt.src, e.prog)
			}
			if err.Error() != tt.want {
				t.Errorf("Compile(%q) error\n got: %s\nwant: %s", tt.src, err, tt.want)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Errorf("error is %T, want *formula.Error", err)
			}
		})
	}
}

func TestCompileTooComplex(t *testing.T) {
	// "a+a*(" leaves two values on the stack per level, so 32 levels (the
	// nesting limit) need 65 slots: one more than Eval's fixed stack.
	nested := func(levels int) string {
		return strings.Repeat("a+a*(", levels) + "a" + strings.Repeat(")", levels)
	}
	if _, err := Compile(nested(31)); err != nil {
		t.Fatalf("31 levels: %v", err)
	}
	_, err := Compile(nested(32))
	if err == nil || !strings.Contains(err.Error(), "too complex") {
		t.Fatalf("32 levels: err = %v, want too complex", err)
	}
}

func TestVars(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"arm_total", []string{"arm_total"}},
		{"mo_mis_egisz + mo_mis_other", []string{"mo_mis_egisz", "mo_mis_other"}},
		{"b / a + a * b - c2", []string{"a", "b", "c2"}},
		{"100 * 2", []string{}},
		{"min(x, max(y, abs(x)))", []string{"x", "y"}},
		{"min", []string{"min"}}, // a function name alone is an id
	}
	for _, tt := range tests {
		e, err := Compile(tt.src)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		if !slices.Equal(e.Vars(), tt.want) {
			t.Errorf("Vars(%q) = %q, want %q", tt.src, e.Vars(), tt.want)
		}
		if e.String() != tt.src {
			t.Errorf("String() = %q, want %q", e.String(), tt.src)
		}
	}
}

func TestText(t *testing.T) {
	var e Expr
	if err := e.UnmarshalText([]byte("a / b")); err != nil {
		t.Fatal(err)
	}
	b, _ := e.MarshalText()
	if string(b) != "a / b" || !slices.Equal(e.Vars(), []string{"a", "b"}) {
		t.Errorf("round trip: %q %q", b, e.Vars())
	}
	if err := e.UnmarshalText([]byte("a /")); err == nil {
		t.Error("UnmarshalText of a bad formula: no error")
	}
}
