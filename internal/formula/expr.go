package formula

import (
	"slices"
)

// Limits that keep Eval on a fixed-size stack. Real formulas are a handful of
// terms deep; anything near these limits is a mistake or an attack.
const (
	maxStack   = 64
	maxNesting = 32
)

type opcode uint8

const (
	opConst opcode = iota // push consts[arg]
	opVar                 // push the value of vars[arg]
	opAdd
	opSub
	opMul
	opDiv
	opNeg
	opMin
	opMax
	opAbs
)

type instr struct {
	op  opcode
	arg int32
}

// Expr is a compiled formula. It is immutable and safe for concurrent use.
type Expr struct {
	src    string
	prog   []instr
	consts []float64
	vars   []string // sorted, unique; opVar args index this slice
}

// Compile parses src. The error, an *Error, names the column of the first
// problem: formula "a +* b": column 4: unexpected "*".
func Compile(src string) (*Expr, error) {
	toks, lerr := lex(src)
	if lerr != nil {
		return nil, lerr
	}
	p := parser{src: src, toks: toks, varIndex: map[string]int32{}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.finish(), nil
}

// MustCompile is Compile for formulas written in Go code; it panics on error.
func MustCompile(src string) *Expr {
	e, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the formula as written.
func (e *Expr) String() string { return e.src }

// Vars returns the referenced data element ids, sorted and unique. The slice
// is shared: do not modify it.
func (e *Expr) Vars() []string { return e.vars }

// MarshalText returns the source, so an Expr is written to JSON as a string.
func (e *Expr) MarshalText() ([]byte, error) { return []byte(e.src), nil }

// UnmarshalText compiles text.
func (e *Expr) UnmarshalText(text []byte) error {
	c, err := Compile(string(text))
	if err != nil {
		return err
	}
	*e = *c
	return nil
}

// finish renumbers variables in sorted order so that Vars and EvalVars agree.
func (p *parser) finish() *Expr {
	vars := make([]string, 0, len(p.varIndex))
	for id := range p.varIndex {
		vars = append(vars, id)
	}
	slices.Sort(vars)
	newIndex := make([]int32, len(vars))
	for i, id := range vars {
		newIndex[p.varIndex[id]] = int32(i)
	}
	for i := range p.prog {
		if p.prog[i].op == opVar {
			p.prog[i].arg = newIndex[p.prog[i].arg]
		}
	}
	return &Expr{src: p.src, prog: p.prog, consts: p.consts, vars: vars}
}
