package datavalue

import (
	"bytes"
	"fmt"
	"io"
)

// posReader counts what passes through it so that a byte offset reported by
// encoding/json can be turned into a line and column without keeping the
// file. It keeps only the last two reads: json.Decoder examines all it has
// buffered before it reads again, so an error always lies in one of them.
type posReader struct {
	r   io.Reader
	off int64 // bytes read so far

	// Everything before winStart is summarised by lines and lastNL.
	winStart int64
	lines    int   // newlines before winStart
	lastNL   int64 // offset of the last newline before winStart, -1 if none
	prev     []byte
	cur      []byte
}

func newPosReader(r io.Reader) *posReader {
	return &posReader{r: r, lastNL: -1}
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
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

// position renders offset off as "line L, column C" (1-based; the column
// counts bytes), or as a byte offset if it is no longer in the window.
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
