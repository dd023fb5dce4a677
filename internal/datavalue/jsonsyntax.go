package datavalue

import "fmt"

// jsonSyntax checks JSON syntax incrementally, byte by byte, only to learn
// the line and column of the first error; json.Decoder still does the
// decoding and words the error. It accepts a stream of top-level values, as
// json.Decoder does.
type jsonSyntax struct {
	state  synState
	stack  []byte // open '{' and '['
	isKey  bool   // the string being read is an object key
	lit    string // rest of the literal being read (true, false, null)
	hex    int    // hex digits still expected in a \u escape
	failed bool

	line      int   // current line, 1-based
	lineStart int64 // offset of the first byte of the current line
	cont      int64 // UTF-8 continuation bytes since lineStart
	off       int64 // offset of the next byte

	errLine, errCol int   // position of the first error, 1-based
	errOff          int64 // offset of the offending byte
}

type synState uint8

const (
	synValue        synState = iota // a value must start (or top level: whitespace)
	synValueOrClose                 // just after '['
	synKeyOrClose                   // just after '{'
	synKey                          // after ',' in an object
	synColon                        // after a key
	synAfter                        // after a value
	synString
	synEscape
	synLiteral
	synMinus    // after '-'
	synZero     // after a leading 0
	synInt      // in integer digits
	synDot      // after '.'
	synFrac     // in fraction digits
	synExp      // after 'e'
	synExpSign  // after the exponent sign
	synExpDigit // in exponent digits
)

// maxJSONDepth is json.Decoder's nesting limit.
const maxJSONDepth = 10000

func newJSONSyntax() jsonSyntax {
	return jsonSyntax{line: 1}
}

// position returns "line L, column C" of the first error (the column counts
// characters), and whether there was one.
func (s *jsonSyntax) position() (string, bool) {
	if !s.failed {
		return "", false
	}
	return fmt.Sprintf("line %d, column %d", s.errLine, s.errCol), true
}

// end returns the position just past the last byte, for truncated input.
func (s *jsonSyntax) end() string {
	return fmt.Sprintf("line %d, column %d", s.line, s.off-s.lineStart-s.cont+1)
}

func (s *jsonSyntax) fail() {
	s.failed = true
	s.errOff = s.off
	s.errLine = s.line
	s.errCol = int(s.off - s.lineStart - s.cont + 1)
}

func (s *jsonSyntax) feed(b []byte) {
	for i := 0; i < len(b) && !s.failed; i++ {
		c := b[i]
		if s.state == synString {
			// Fast path through the bulk of a JSON file.
			for c != '"' && c != '\\' && c >= 0x20 {
				if c&0xC0 == 0x80 {
					s.cont++
				}
				s.off++
				i++
				if i == len(b) {
					return
				}
				c = b[i]
			}
		}
		s.step(c)
		if s.failed {
			return
		}
		if c == '\n' {
			s.line++
			s.lineStart = s.off + 1
			s.cont = 0
		} else if c&0xC0 == 0x80 {
			s.cont++
		}
		s.off++
	}
}

func isJSONSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func (s *jsonSyntax) step(c byte) {
	switch s.state {
	case synString:
		switch {
		case c == '"':
			if s.isKey {
				s.state = synColon
			} else {
				s.state = synAfter
			}
		case c == '\\':
			s.state = synEscape
		case c < 0x20:
			s.fail()
		}
		return
	case synEscape:
		if s.hex > 0 {
			if !isHex(c) {
				s.fail()
				return
			}
			s.hex--
			if s.hex == 0 {
				s.state = synString
			}
			return
		}
		switch c {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.state = synString
		case 'u':
			s.hex = 4
		default:
			s.fail()
		}
		return
	case synLiteral:
		if c != s.lit[0] {
			s.fail()
			return
		}
		s.lit = s.lit[1:]
		if s.lit == "" {
			s.state = synAfter
		}
		return
	case synMinus:
		switch {
		case c == '0':
			s.state = synZero
		case c >= '1' && c <= '9':
			s.state = synInt
		default:
			s.fail()
		}
		return
	case synZero, synInt, synFrac, synExpDigit:
		switch {
		case c >= '0' && c <= '9' && s.state != synZero:
			return
		case c == '.' && (s.state == synZero || s.state == synInt):
			s.state = synDot
			return
		case (c == 'e' || c == 'E') && s.state != synExpDigit:
			s.state = synExp
			return
		}
		s.state = synAfter // the number ended; c belongs to what follows
	case synDot:
		if c < '0' || c > '9' {
			s.fail()
			return
		}
		s.state = synFrac
		return
	case synExp:
		switch {
		case c == '+' || c == '-':
			s.state = synExpSign
		case c >= '0' && c <= '9':
			s.state = synExpDigit
		default:
			s.fail()
		}
		return
	case synExpSign:
		if c < '0' || c > '9' {
			s.fail()
			return
		}
		s.state = synExpDigit
		return
	}

	if isJSONSpace(c) {
		return
	}
	switch s.state {
	case synValue, synValueOrClose:
		if c == ']' && s.state == synValueOrClose {
			s.close(c)
			return
		}
		s.value(c)
	case synKeyOrClose, synKey:
		switch {
		case c == '"':
			s.state, s.isKey = synString, true
		case c == '}' && s.state == synKeyOrClose:
			s.close(c)
		default:
			s.fail()
		}
	case synColon:
		if c != ':' {
			s.fail()
			return
		}
		s.state = synValue
	case synAfter:
		if len(s.stack) == 0 {
			s.value(c) // the next top-level value
			return
		}
		top := s.stack[len(s.stack)-1]
		switch {
		case c == ',' && top == '{':
			s.state = synKey
		case c == ',' && top == '[':
			s.state = synValue
		case c == '}' || c == ']':
			s.close(c)
		default:
			s.fail()
		}
	}
}

// value starts a value with c.
func (s *jsonSyntax) value(c byte) {
	switch {
	case c == '{' || c == '[':
		if len(s.stack) >= maxJSONDepth {
			s.fail()
			return
		}
		s.stack = append(s.stack, c)
		if c == '{' {
			s.state = synKeyOrClose
		} else {
			s.state = synValueOrClose
		}
	case c == '"':
		s.state, s.isKey = synString, false
	case c == '-':
		s.state = synMinus
	case c == '0':
		s.state = synZero
	case c >= '1' && c <= '9':
		s.state = synInt
	case c == 't':
		s.state, s.lit = synLiteral, "rue"
	case c == 'f':
		s.state, s.lit = synLiteral, "alse"
	case c == 'n':
		s.state, s.lit = synLiteral, "ull"
	default:
		s.fail()
	}
}

// close handles '}' or ']' where a closer may come.
func (s *jsonSyntax) close(c byte) {
	want := byte('{')
	if c == ']' {
		want = '['
	}
	if len(s.stack) == 0 || s.stack[len(s.stack)-1] != want {
		s.fail()
		return
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.state = synAfter
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
