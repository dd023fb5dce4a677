package formula

import (
	"errors"
	"math"
)

// Eval computes the formula, asking lookup for the value of each data element.
// ok is false when a referenced value is missing, on division by zero and
// when the result is not a finite number: the indicator simply has no value
// for that unit. The error is reserved for misuse (nil formula or lookup).
// Eval does not allocate.
func (e *Expr) Eval(lookup func(id string) (float64, bool)) (float64, bool, error) {
	if e == nil || lookup == nil {
		return 0, false, errors.New("formula: Eval on a nil formula or with a nil lookup")
	}
	var stack [maxStack]float64
	sp := 0
	for _, in := range e.prog {
		switch in.op {
		case opConst:
			stack[sp] = e.consts[in.arg]
			sp++
		case opVar:
			v, ok := lookup(e.vars[in.arg])
			if !ok {
				return 0, false, nil
			}
			stack[sp] = v
			sp++
		default:
			var ok bool
			if sp, ok = apply(&stack, sp, in.op); !ok {
				return 0, false, nil
			}
		}
	}
	return result(stack[0])
}

// EvalVars is Eval for callers that resolve the data elements themselves:
// values[i] is the value of Vars()[i] and NaN marks a missing value. It is
// the fastest way to evaluate one formula over many units.
func (e *Expr) EvalVars(values []float64) (float64, bool) {
	if e == nil || len(values) < len(e.vars) {
		return 0, false
	}
	var stack [maxStack]float64
	sp := 0
	for _, in := range e.prog {
		switch in.op {
		case opConst:
			stack[sp] = e.consts[in.arg]
			sp++
		case opVar:
			v := values[in.arg]
			if math.IsNaN(v) {
				return 0, false
			}
			stack[sp] = v
			sp++
		default:
			var ok bool
			if sp, ok = apply(&stack, sp, in.op); !ok {
				return 0, false
			}
		}
	}
	v, ok, _ := result(stack[0])
	return v, ok
}

// apply runs one operator on the top of the stack; ok is false on division by
// zero.
func apply(stack *[maxStack]float64, sp int, op opcode) (int, bool) {
	if op == opNeg {
		stack[sp-1] = -stack[sp-1]
		return sp, true
	}
	if op == opAbs {
		stack[sp-1] = math.Abs(stack[sp-1])
		return sp, true
	}
	a, b := stack[sp-2], stack[sp-1]
	var r float64
	switch op {
	case opAdd:
		r = a + b
	case opSub:
		r = a - b
	case opMul:
		r = a * b
	case opDiv:
		if b == 0 {
			return sp, false
		}
		r = a / b
	case opMin:
		r = math.Min(a, b)
	case opMax:
		r = math.Max(a, b)
	}
	stack[sp-2] = r
	return sp - 1, true
}

func result(v float64) (float64, bool, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, nil
	}
	return v, true, nil
}
