package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrNotSlots stops a parallel Slot read (Blocks) at a resource the
// caller must see in order: anything kept other than a Slot. The caller
// then reads the file again with ReadNDJSON.
var ErrNotSlots = errors.New("not a Slot: the file mixes resource types")

// blockSize is how much of the stream one block holds (whole lines); a
// variable for tests.
var blockSize = 256 << 10

// Blocks reads an NDJSON stream of Slots in blocks of whole lines that
// several goroutines decode at once, each with its own SlotDecoder; a
// store's parallel insert pulls from it on each of its threads. Memory is
// bounded by the block size times the number of decoders. The first error
// by line number wins (Err).
type Blocks struct {
	ctx  context.Context
	name string
	opt  Options

	mu    sync.Mutex
	r     io.Reader
	rest  []byte // the start of a line read past the previous block
	eof   bool
	line  int   // lines handed out so far
	read  int64 // bytes handed out so far
	decs  []*SlotDecoder
	err   error // the error with the smallest line
	errAt int
	stop  bool
}

// NewBlocks reads r; name is used in messages.
func NewBlocks(ctx context.Context, r io.Reader, name string, opt Options) *Blocks {
	return &Blocks{ctx: ctx, r: r, name: name, opt: opt}
}

// block is a run of whole lines of the stream.
type block struct {
	data  []byte
	first int // number of the block's first line
}

// next fills blk with the next lines; false at the end or after an error.
func (b *Blocks) next(blk *block) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop {
		return false
	}
	if err := b.ctx.Err(); err != nil {
		b.failLocked(b.line+1, err)
		return false
	}
	blk.data = append(blk.data[:0], b.rest...)
	b.rest = b.rest[:0]
	need := blockSize
	for !b.eof {
		for len(blk.data) < need && !b.eof {
			if cap(blk.data)-len(blk.data) < 32<<10 {
				blk.data = append(blk.data, make([]byte, max(need, 64<<10))...)[:len(blk.data)]
			}
			n, err := b.r.Read(blk.data[len(blk.data):cap(blk.data)])
			blk.data = blk.data[:len(blk.data)+n]
			if errors.Is(err, io.EOF) {
				b.eof = true
			} else if err != nil {
				b.failLocked(b.line+1, fmt.Errorf("%s line %d: %w", b.name, b.line+1, err))
				return false
			}
		}
		if b.eof {
			break
		}
		i := bytes.LastIndexByte(blk.data, '\n')
		if i >= 0 {
			b.rest = append(b.rest, blk.data[i+1:]...)
			blk.data = blk.data[:i+1]
			break
		}
		if len(blk.data) > maxLine {
			b.failLocked(b.line+1, &RecordError{File: b.name, Line: b.line + 1, Err: fmt.Errorf("line longer than %d MiB", maxLine>>20)})
			return false
		}
		need = 2 * len(blk.data) // one line longer than a block
	}
	if len(blk.data) == 0 {
		return false
	}
	blk.first = b.line + 1
	b.line += bytes.Count(blk.data, []byte{'\n'})
	if blk.data[len(blk.data)-1] != '\n' {
		b.line++ // the last line, without a newline
	}
	b.read += int64(len(blk.data))
	if b.opt.Progress != nil {
		b.opt.Progress(b.read)
	}
	return true
}

func (b *Blocks) fail(line int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failLocked(line, err)
}

func (b *Blocks) failLocked(line int, err error) {
	b.stop = true
	if b.err == nil || line < b.errAt {
		b.err, b.errAt = err, line
	}
}

// Err returns the error of the read (the one with the smallest line), nil
// when it ended normally. It is final once every decoder is done.
func (b *Blocks) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// Stats merges the decoders' counts; call it when every decoder is done.
func (b *Blocks) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := newStats()
	for _, d := range b.decs {
		d.d.flush()
		for k, v := range d.st.Records {
			st.Records[k] += v
		}
		for k, v := range d.st.Ignored {
			st.Ignored[k] += v
		}
	}
	return st
}

// SlotDecoder decodes the Slots of a Blocks stream on one goroutine.
type SlotDecoder struct {
	b    *Blocks
	blk  block
	pos  int // next byte of blk.data
	line int // number of the line at pos
	p    jsonParser
	d    decoder
	st   Stats
	sink slotCapture
	done bool
}

// NewDecoder returns a decoder for one goroutine.
func (b *Blocks) NewDecoder() *SlotDecoder {
	sd := &SlotDecoder{b: b, st: newStats()}
	sd.d = decoder{p: &sd.p, resolve: b.opt.Resolve, sink: &sd.sink, stats: &sd.st}
	b.mu.Lock()
	b.decs = append(b.decs, sd)
	b.mu.Unlock()
	return sd
}

// Next returns the next Slot, valid until the next call; nil at the end
// of the stream or after an error anywhere (see Blocks.Err).
func (sd *SlotDecoder) Next() *Slot {
	for !sd.done {
		if sd.pos >= len(sd.blk.data) {
			if !sd.b.next(&sd.blk) {
				sd.done = true
				return nil
			}
			sd.pos, sd.line = 0, sd.blk.first
		}
		data := sd.blk.data[sd.pos:]
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
			sd.pos += end
		} else {
			sd.pos += end + 1
		}
		line := sd.line
		sd.line++
		t := bytes.TrimSpace(data[:end])
		if len(t) == 0 {
			continue
		}
		sd.sink.got = false
		if err := sd.d.line(t); err != nil {
			sd.b.fail(line, recordError(sd.b.name, line, err))
			sd.done = true
			return nil
		}
		if sd.sink.got {
			return &sd.d.slot
		}
	}
	return nil
}

// slotCapture is the decoders' sink: it flags a Slot and refuses the rest.
type slotCapture struct{ got bool }

func (c *slotCapture) Slot(*Slot) error               { c.got = true; return nil }
func (c *slotCapture) Schedule(*Schedule) error       { return ErrNotSlots }
func (c *slotCapture) Appointment(*Appointment) error { return ErrNotSlots }
func (c *slotCapture) Encounter(*Encounter) error     { return ErrNotSlots }
func (c *slotCapture) Document(*Document) error       { return ErrNotSlots }
func (c *slotCapture) Referral(*Referral) error       { return ErrNotSlots }
