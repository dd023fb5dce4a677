package formula

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tOp // + - * /
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string
	col  int // 1-based column in characters
	num  float64
}

// lex splits src into tokens. It rejects characters outside the grammar here,
// where the message can say what the methodologist probably meant.
func lex(src string) ([]token, *Error) {
	var toks []token
	col := 1
	fail := func(c int, format string, args ...any) ([]token, *Error) {
		return nil, &Error{Formula: src, Column: c, Msg: fmt.Sprintf(format, args...)}
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			col++
		case c >= '0' && c <= '9':
			start, startCol := i, col
			for i < len(src) && isDigit(src[i]) {
				i++
			}
			if i < len(src) && src[i] == '.' {
				i++
				if i == len(src) || !isDigit(src[i]) {
					return fail(col+(i-start), "expected a digit after the decimal point")
				}
				for i < len(src) && isDigit(src[i]) {
					i++
				}
			}
			col += i - start
			if i < len(src) && (isIdentChar(src[i]) || src[i] == '.' || src[i] >= 'A' && src[i] <= 'Z') {
				return fail(startCol, "malformed number %q", src[start:i+1])
			}
			v, err := strconv.ParseFloat(src[start:i], 64)
			if err != nil {
				return fail(startCol, "number %s is out of range", src[start:i])
			}
			toks = append(toks, token{kind: tNum, text: src[start:i], col: startCol, num: v})
		case c >= 'a' && c <= 'z':
			start, startCol := i, col
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			col += i - start
			toks = append(toks, token{kind: tIdent, text: src[start:i], col: startCol})
			if i < len(src) && src[i] == '.' {
				return fail(col, "unexpected \".\": member access is not allowed")
			}
		case c == '+' || c == '-' || c == '*' || c == '/':
			toks = append(toks, token{kind: tOp, text: src[i : i+1], col: col})
			i++
			col++
		case c == '(':
			toks = append(toks, token{kind: tLParen, text: "(", col: col})
			i++
			col++
		case c == ')':
			toks = append(toks, token{kind: tRParen, text: ")", col: col})
			i++
			col++
		case c == ',':
			toks = append(toks, token{kind: tComma, text: ",", col: col})
			i++
			col++
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return fail(col, "unexpected %q%s", string(r), hint(r))
		}
	}
	return append(toks, token{kind: tEOF, col: col}), nil
}

// hint explains why a character is not allowed.
func hint(r rune) string {
	switch {
	case r == '<' || r == '>' || r == '=' || r == '!':
		return ": comparisons are not allowed"
	case r == '&' || r == '|':
		return ": logical operators are not allowed"
	case r == '"' || r == '\'' || r == '`':
		return ": strings are not allowed"
	case r == '?' || r == ':':
		return ": conditions are not allowed"
	case r == '%' || r == '^':
		return ": only + - * / are allowed"
	case r == '.':
		return ": a number must start with a digit"
	case r >= 'A' && r <= 'Z' || r == '_' || r == '$' || r == '#' || r >= utf8.RuneSelf:
		return ": data element ids are lowercase latin letters, digits and \"_\""
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}
