package datavalue

import (
	"bytes"
	"fmt"
	"io"
)

// posReader sits between the file and json.Decoder so that errors can say
// where they are without the file being kept:
//
//   - a syntax checker sees every byte and notes the line and column of the
//     first syntax error. json.SyntaxError.Offset cannot be used for this:
//     when Token and Decode are mixed it counts only the bytes Decode
//     scanned.
//   - the last two reads are kept, to place offsets from
//     Decoder.InputOffset (well-formed JSON of the wrong shape).
//     json.Decoder examines all it has buffered before it reads again, so
//     its current offset lies in one of them.
type posReader struct {
	r   io.Reader
	off int64 // bytes read so far
	syn jsonSyntax

	// Everything before winStart is summarised by lines and lastNL.
	winStart int64
	lines    int   // newlines before winStart
	lastNL   int64 // offset of the last newline before winStart, -1 if none
	prev     []byte
	cur      []byte
}

func newPosReader(r io.Reader) *posReader {
	return &posReader{r: r, lastNL: -1, syn: newJSONSyntax()}
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.syn.feed(b[:n])
		p.winStart += int64(len(p.prev))
		if i := bytes.LastIndexByte(p.prev, '\n'); i >= 0 {
			p.lines += bytes.Count(p.prev, []byte{'\n'})
			p.lastNL = p.winStart - int64(len(p.prev)) + int64(i)
		}
		p.prev, p.cur = p.cur, append(p.prev[:0], b[:n]...)
		p.off += int64(n)
	}
	return n, err
}

// position renders the 0-based byte offset off as "line L, column C"
// (1-based; the column counts bytes), or as a byte offset if it is no
// longer in the window.
func (p *posReader) position(off int64) string {
	if off < p.winStart || off > p.off {
		return fmt.Sprintf("byte %d", off)
	}
	lines, lastNL := p.lines, p.lastNL
	at := p.winStart
	for _, chunk := range [][]byte{p.prev, p.cur} {
		end := min(int64(len(chunk)), off-at)
		if end > 0 {
			part := chunk[:end]
			if i := bytes.LastIndexByte(part, '\n'); i >= 0 {
				lines += bytes.Count(part, []byte{'\n'})
				lastNL = at + int64(i)
			}
		}
		at += int64(len(chunk))
	}
	return fmt.Sprintf("line %d, column %d", lines+1, off-lastNL)
}

// skipSeparators returns the offset of the first byte at or after off that
// is neither white space nor ':' or ',' (the start of the next token), as
// far as the window shows.
func (p *posReader) skipSeparators(off int64) int64 {
	at := p.winStart
	for _, chunk := range [][]byte{p.prev, p.cur} {
		for i := max(off-at, 0); i < int64(len(chunk)); i++ {
			switch chunk[i] {
			case ' ', '\t', '\r', '\n', ':', ',':
			default:
				return at + i
			}
		}
		at += int64(len(chunk))
	}
	return off
}
