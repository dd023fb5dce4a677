package formula

import "fmt"

// parser is a recursive-descent parser that emits the postfix program as it
// goes, tracking the stack depth the program will need.
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = "-" unary | primary
//	primary = number | id | func "(" expr { "," expr } ")" | "(" expr ")"
type parser struct {
	src      string
	toks     []token
	pos      int
	nesting  int
	depth    int // stack depth after the instructions emitted so far
	prog     []instr
	consts   []float64
	varIndex map[string]int32 // id -> index in order of first use
}

// functions are the allowed calls with their minimum and maximum arity
// (0 = unbounded).
var functions = map[string]struct {
	op       opcode
	min, max int
}{
	"min": {opMin, 2, 0},
	"max": {opMax, 2, 0},
	"abs": {opAbs, 1, 1},
}

func (p *parser) parse() *Error {
	if p.toks[0].kind == tEOF {
		return p.errAt(p.toks[0], "empty formula")
	}
	if err := p.expr(); err != nil {
		return err
	}
	if t := p.peek(); t.kind != tEOF {
		return p.unexpected(t, "expected an operator")
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) expr() *Error {
	if err := p.term(); err != nil {
		return err
	}
	for t := p.peek(); t.kind == tOp && (t.text == "+" || t.text == "-"); t = p.peek() {
		p.next()
		if err := p.term(); err != nil {
			return err
		}
		if t.text == "+" {
			p.emit(opAdd, 0)
		} else {
			p.emit(opSub, 0)
		}
	}
	return nil
}

func (p *parser) term() *Error {
	if err := p.unary(); err != nil {
		return err
	}
	for t := p.peek(); t.kind == tOp && (t.text == "*" || t.text == "/"); t = p.peek() {
		p.next()
		if err := p.unary(); err != nil {
			return err
		}
		if t.text == "*" {
			p.emit(opMul, 0)
		} else {
			p.emit(opDiv, 0)
		}
	}
	return nil
}

func (p *parser) unary() *Error {
	t := p.peek()
	if t.kind != tOp || t.text != "-" {
		return p.primary()
	}
	p.next()
	if err := p.enter(t); err != nil {
		return err
	}
	defer p.leave()
	if err := p.unary(); err != nil {
		return err
	}
	p.emit(opNeg, 0)
	return nil
}

func (p *parser) primary() *Error {
	t := p.next()
	switch t.kind {
	case tNum:
		p.consts = append(p.consts, t.num)
		p.emit(opConst, int32(len(p.consts)-1))
		return p.checkDepth(t)
	case tIdent:
		if p.peek().kind == tLParen {
			return p.call(t)
		}
		idx, ok := p.varIndex[t.text]
		if !ok {
			idx = int32(len(p.varIndex))
			p.varIndex[t.text] = idx
		}
		p.emit(opVar, idx)
		return p.checkDepth(t)
	case tLParen:
		if err := p.enter(t); err != nil {
			return err
		}
		defer p.leave()
		if err := p.expr(); err != nil {
			return err
		}
		if c := p.next(); c.kind != tRParen {
			return p.unexpected(c, "expected \")\"")
		}
		return nil
	}
	return p.unexpected(t, "expected a number, a data element id or \"(\"")
}

func (p *parser) call(name token) *Error {
	fn, ok := functions[name.text]
	if !ok {
		return p.errAt(name, fmt.Sprintf("unknown function %q (allowed: min, max, abs)", name.text))
	}
	p.next() // "("
	if err := p.enter(name); err != nil {
		return err
	}
	defer p.leave()
	n := 0
	for {
		if err := p.expr(); err != nil {
			return err
		}
		n++
		if n > 1 { // min and max fold pairwise: min(a, b, c) = min(min(a, b), c)
			p.emit(fn.op, 0)
		}
		t := p.next()
		if t.kind == tRParen {
			break
		}
		if t.kind != tComma {
			return p.unexpected(t, "expected \",\" or \")\"")
		}
	}
	if n < fn.min || fn.max > 0 && n > fn.max {
		return p.errAt(name, fmt.Sprintf("%s takes %s, got %d", name.text, arity(fn.min, fn.max), n))
	}
	if fn.op == opAbs {
		p.emit(opAbs, 0)
	}
	return nil
}

func arity(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return fmt.Sprintf("%d arguments", lo)
	case hi == 0:
		return fmt.Sprintf("%d or more arguments", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

func (p *parser) emit(op opcode, arg int32) {
	switch op {
	case opConst, opVar:
		p.depth++
	case opAdd, opSub, opMul, opDiv, opMin, opMax:
		p.depth--
	}
	// Fold a unary minus on a literal so that "-1" costs nothing at run time.
	if op == opNeg && len(p.prog) > 0 && p.prog[len(p.prog)-1].op == opConst {
		last := p.prog[len(p.prog)-1].arg
		if int(last) == len(p.consts)-1 {
			p.consts[last] = -p.consts[last]
			return
		}
	}
	p.prog = append(p.prog, instr{op: op, arg: arg})
}

// checkDepth is called after every push: only pushes grow the stack.
func (p *parser) checkDepth(t token) *Error {
	if p.depth > maxStack {
		return p.errAt(t, fmt.Sprintf("formula is too complex (needs more than %d intermediate values)", maxStack))
	}
	return nil
}

func (p *parser) enter(t token) *Error {
	p.nesting++
	if p.nesting > maxNesting {
		return p.errAt(t, fmt.Sprintf("formula is nested more than %d levels deep", maxNesting))
	}
	return nil
}

func (p *parser) leave() { p.nesting-- }

func (p *parser) errAt(t token, msg string) *Error {
	return &Error{Formula: p.src, Column: t.col, Msg: msg}
}

func (p *parser) unexpected(t token, expected string) *Error {
	if t.kind == tEOF {
		return p.errAt(t, "unexpected end of formula, "+expected)
	}
	if t.kind == tIdent || t.kind == tNum {
		return p.errAt(t, fmt.Sprintf("unexpected %q, %s", t.text, expected))
	}
	return p.errAt(t, fmt.Sprintf("unexpected %q", t.text))
}
