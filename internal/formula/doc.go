// Package formula compiles the numerator and denominator expressions of
// indicators: arithmetic over data-element ids such as
//
//	arm_total
//	mo_mis_egisz + mo_mis_other
//	100 * a / b
//	min(a, b) - abs(c) / 2
//
// The grammar is deliberately tiny: numbers with a "." decimal point, data
// element ids [a-z][a-z0-9_]*, + - * /, unary minus, parentheses and the
// functions min, max and abs. Everything else is rejected with the column of
// the offending character.
//
// The package has its own recursive-descent parser instead of expr-lang/expr
// because expr's grammar is far larger than ours: its keywords (in, not,
// matches, let, ...) and builtins would collide with data element ids, its
// integer arithmetic differs from ours, its error messages name tokens rather
// than columns a methodologist can act on, and expr.Run allocates on every
// call. The compiled form is a short postfix program evaluated on a fixed-size
// stack, so Eval does not allocate. The tests use expr-lang/expr as an
// independent oracle for the arithmetic.
package formula
