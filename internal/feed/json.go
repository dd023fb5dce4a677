package feed

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small strict JSON parser in the style of valyala/fastjson: it parses a
// document into a reusable arena of nodes that point into the input, so a
// line of NDJSON costs no allocation once the arena has grown. Only what
// the feed needs is here: objects, arrays, strings (unescaped on demand),
// numbers kept as text and literals. It is strict (RFC 8259) so that a bad
// record is rejected with its position instead of half-read.

type kind uint8

const (
	kNull kind = iota
	kFalse
	kTrue
	kNumber
	kString
	kArray
	kObject
)

func (k kind) String() string {
	return [...]string{"null", "false", "true", "number", "string", "array", "object"}[k]
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 512

type node struct {
	kind   kind
	esc    bool   // string holds escapes
	keyEsc bool   // key holds escapes
	off    int    // byte offset of the value in the input
	raw    []byte // string contents (without quotes) or number literal
	key    []byte // member name when the parent is an object
	first  int32  // first child, -1 if none
	next   int32  // next sibling, -1 if none
}

// jsonParser is reused across documents; nodes refer into the last input.
type jsonParser struct {
	nodes   []node
	data    []byte
	pos     int
	depth   int
	scratch []byte
}

// SyntaxError is a malformed JSON document; Offset is the byte where it was
// noticed.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset+1, e.Msg)
}

func (p *jsonParser) fail(msg string) error { return &SyntaxError{Offset: p.pos, Msg: msg} }

// parse parses one complete document and returns its root node index.
func (p *jsonParser) parse(data []byte) (int32, error) {
	p.nodes = p.nodes[:0]
	p.data, p.pos, p.depth = data, 0, 0
	p.skipWS()
	root, err := p.value()
	if err != nil {
		return -1, err
	}
	p.skipWS()
	if p.pos != len(p.data) {
		return -1, p.fail("unexpected data after the value")
	}
	return root, nil
}

func (p *jsonParser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) add(n node) int32 {
	n.first, n.next = -1, -1
	p.nodes = append(p.nodes, n)
	return int32(len(p.nodes) - 1)
}

func (p *jsonParser) value() (int32, error) {
	if p.pos >= len(p.data) {
		return -1, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		start := p.pos
		s, esc, err := p.str()
		if err != nil {
			return -1, err
		}
		return p.add(node{kind: kString, raw: s, esc: esc, off: start}), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", kTrue)
	case c == 'f':
		return p.literal("false", kFalse)
	case c == 'n':
		return p.literal("null", kNull)
	default:
		return -1, p.fail(fmt.Sprintf("unexpected character %q", c))
	}
}

func (p *jsonParser) literal(word string, k kind) (int32, error) {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return -1, p.fail("invalid literal")
	}
	off := p.pos
	p.pos += len(word)
	return p.add(node{kind: k, off: off}), nil
}

func (p *jsonParser) number() (int32, error) {
	start := p.pos
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		p.pos = i
		return -1, p.fail("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == j {
			p.pos = i
			return -1, p.fail("invalid number: no digits after '.'")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == j {
			p.pos = i
			return -1, p.fail("invalid number: no digits in exponent")
		}
	}
	p.pos = i
	return p.add(node{kind: kNumber, raw: d[start:i], off: start}), nil
}

// str scans a string starting at the opening quote and returns its raw
// contents.
func (p *jsonParser) str() ([]byte, bool, error) {
	d := p.data
	i := p.pos + 1
	start := i
	esc := false
	for {
		// Fast path over plain bytes.
		for i < len(d) && d[i] != '"' && d[i] != '\\' && d[i] >= 0x20 {
			i++
		}
		if i >= len(d) {
			p.pos = i
			return nil, false, p.fail("unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			p.pos = i + 1
			return d[start:i], esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(d) {
				p.pos = i
				return nil, false, p.fail("unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex4(d[i+2:i+6]) {
					p.pos = i
					return nil, false, p.fail("invalid \\u escape")
				}
				i += 6
			default:
				p.pos = i
				return nil, false, p.fail("invalid escape")
			}
		default:
			p.pos = i
			return nil, false, p.fail("control character in string")
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (p *jsonParser) array() (int32, error) {
	if p.depth++; p.depth > maxDepth {
		return -1, p.fail("nesting too deep")
	}
	self := p.add(node{kind: kArray, off: p.pos})
	p.pos++
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return self, nil
	}
	last := int32(-1)
	for {
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return -1, err
		}
		if last < 0 {
			p.nodes[self].first = v
		} else {
			p.nodes[last].next = v
		}
		last = v
		p.skipWS()
		if p.pos >= len(p.data) {
			return -1, p.fail("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return self, nil
		default:
			return -1, p.fail("expected ',' or ']'")
		}
	}
}

func (p *jsonParser) object() (int32, error) {
	if p.depth++; p.depth > maxDepth {
		return -1, p.fail("nesting too deep")
	}
	self := p.add(node{kind: kObject, off: p.pos})
	p.pos++
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return self, nil
	}
	last := int32(-1)
	for {
		p.skipWS()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return -1, p.fail("expected a member name")
		}
		k, kesc, err := p.str()
		if err != nil {
			return -1, err
		}
		p.skipWS()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return -1, p.fail("expected ':'")
		}
		p.pos++
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return -1, err
		}
		p.nodes[v].key, p.nodes[v].keyEsc = k, kesc
		if last < 0 {
			p.nodes[self].first = v
		} else {
			p.nodes[last].next = v
		}
		last = v
		p.skipWS()
		if p.pos >= len(p.data) {
			return -1, p.fail("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return self, nil
		default:
			return -1, p.fail("expected ',' or '}'")
		}
	}
}

// get returns the member named key of object o, or -1. Keys with escapes
// are compared after unescaping.
func (p *jsonParser) get(o int32, key string) int32 {
	if o < 0 || p.nodes[o].kind != kObject {
		return -1
	}
	for c := p.nodes[o].first; c >= 0; c = p.nodes[c].next {
		n := &p.nodes[c]
		if !n.keyEsc {
			if string(n.key) == key {
				return c
			}
		} else if k, err := unescape(nil, n.key); err == nil && string(k) == key {
			return c
		}
	}
	return -1
}

// path follows object members; -1 when any is missing.
func (p *jsonParser) path(o int32, keys ...string) int32 {
	for _, k := range keys {
		o = p.get(o, k)
		if o < 0 {
			return -1
		}
	}
	return o
}

// each calls fn for every element of array a (nothing when a is not an
// array).
func (p *jsonParser) each(a int32, fn func(int32)) {
	if a < 0 || p.nodes[a].kind != kArray {
		return
	}
	for c := p.nodes[a].first; c >= 0; c = p.nodes[c].next {
		fn(c)
	}
}

var errNotString = errors.New("not a string")

// text returns the string value of node n as a new string.
func (p *jsonParser) text(n int32) (string, error) {
	if n < 0 {
		return "", nil
	}
	nd := &p.nodes[n]
	if nd.kind != kString {
		return "", fmt.Errorf("%w: got %s", errNotString, nd.kind)
	}
	if !nd.esc {
		return string(nd.raw), nil
	}
	var err error
	p.scratch, err = unescape(p.scratch[:0], nd.raw)
	if err != nil {
		return "", err
	}
	return string(p.scratch), nil
}

// bytes is like text but returns a view valid until the next call; it
// avoids an allocation for values that are parsed further (dates, codes).
func (p *jsonParser) bytes(n int32) ([]byte, error) {
	if n < 0 {
		return nil, nil
	}
	nd := &p.nodes[n]
	if nd.kind != kString {
		return nil, fmt.Errorf("%w: got %s", errNotString, nd.kind)
	}
	if !nd.esc {
		return nd.raw, nil
	}
	var err error
	p.scratch, err = unescape(p.scratch[:0], nd.raw)
	return p.scratch, err
}

// unescape decodes JSON string escapes in s (already validated by str).
func unescape(dst, s []byte) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i >= len(s) {
			return dst, errors.New("truncated escape")
		}
		switch s[i] {
		case '"', '\\', '/':
			dst = append(dst, s[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if i+5 > len(s) {
				return dst, errors.New("truncated \\u escape")
			}
			r, err := strconv.ParseUint(string(s[i+1:i+5]), 16, 32)
			if err != nil {
				return dst, err
			}
			i += 4
			ru := rune(r)
			if utf16.IsSurrogate(ru) {
				if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r2, err := strconv.ParseUint(string(s[i+3:i+7]), 16, 32)
					if err == nil {
						if dec := utf16.DecodeRune(ru, rune(r2)); dec != utf8.RuneError {
							ru = dec
							i += 6
						}
					}
				}
				if utf16.IsSurrogate(ru) {
					ru = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, ru)
		default:
			return dst, fmt.Errorf("invalid escape \\%c", s[i])
		}
	}
	return dst, nil
}
