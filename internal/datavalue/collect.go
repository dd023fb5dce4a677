package datavalue

import (
	"cmp"
	"io"
	"io/fs"
	"slices"
)

// collect gathers a file's values and finds duplicated keys.
//
// Values are gathered in chunks and copied once at the end, or not at all
// when a size hint reserved room for them all, rather than appended to one
// slice that is copied at every doubling: at 128 bytes a value, 1M values
// are 128 MB.
//
// Duplicates are found at the end by sorting the keys rather than with a
// map looked up per value: a map of 1M keys misses the cache at every
// look-up and was a third of the time of ReadCSV.
type collect struct {
	chunks [][]Value // full chunks
	values []Value   // the chunk being filled
	n      int       // values in all chunks

	rows []keyRow  // one per record with valid codes, in file order
	info []rowInfo // indexed by keyRow.seq
	wide map[key]firstSeen
}

const chunkLen = 1 << 13

// key identifies a value for duplicate detection.
type key [3]uint32 // data element, period, org unit

// keyBits is the width of each part of a packed key. Ids come from the
// Resolver and the period calendar, so there are far fewer than 2^21 of
// each; keys that do not fit go to a map (collect.wide).
const keyBits = 21

func (k key) pack() (uint64, bool) {
	const lim = 1 << keyBits
	if k[0] >= lim || k[1] >= lim || k[2] >= lim {
		return 0, false
	}
	return uint64(k[0])<<(2*keyBits) | uint64(k[1])<<keyBits | uint64(k[2]), true
}

type keyRow struct {
	key uint64
	seq uint32 // index in collect.info; rows are numbered in file order
}

type rowInfo struct {
	record int
	sheet  int32 // index in checker.sheets
	value  int32 // index of the kept value, -1 if the row was rejected
}

type firstSeen struct {
	record int
	sheet  int
}

// add registers a record whose codes are valid and keeps its value if ok.
// A record with a bad value still counts as the first of its key.
func (c *checker) add(src Source, de, pe, ou resolved, v float64, comment string, ok bool) {
	k := key{de.idx, pe.idx, ou.idx}
	sheet := c.sheetIndex(src.Sheet)
	packed, fits := k.pack()
	if !fits {
		if c.wide == nil {
			c.wide = make(map[key]firstSeen)
		}
		if first, dup := c.wide[k]; dup {
			c.rejectDuplicate(src, first.record, first.sheet)
			return
		}
		c.wide[k] = firstSeen{record: src.Record, sheet: sheet}
		if ok {
			c.keep(Value{DataElement: de.id, Period: pe.id, OrgUnit: ou.id, Value: v, Comment: comment, Source: src})
		}
		return
	}
	idx := int32(-1)
	if ok {
		idx = int32(c.n + len(c.values))
		c.keep(Value{DataElement: de.id, Period: pe.id, OrgUnit: ou.id, Value: v, Comment: comment, Source: src})
	}
	c.rows = append(c.rows, keyRow{key: packed, seq: uint32(len(c.info))})
	c.info = append(c.info, rowInfo{record: src.Record, sheet: int32(sheet), value: idx})
}

func (c *checker) keep(v Value) {
	if len(c.values) == cap(c.values) {
		c.grow()
	}
	c.values = append(c.values, v)
}

func (c *checker) grow() {
	if len(c.values) < chunkLen {
		c.values = slices.Grow(c.values, max(len(c.values), 64)) // small files: doubling is fine
		return
	}
	c.chunks = append(c.chunks, c.values)
	c.n += len(c.values)
	c.values = make([]Value, 0, max(chunkLen, c.n/2))
}

// reserve makes room for about n more values, when a reader can tell.
func (c *checker) reserve(n int) {
	if len(c.chunks) > 0 || n <= cap(c.values)-len(c.values) {
		return
	}
	c.values = slices.Grow(c.values, n)
	c.rows = slices.Grow(c.rows, n)
	c.info = slices.Grow(c.info, n)
}

func (c *checker) rejectDuplicate(src Source, record, sheet int) {
	prev := Source{Record: record, Sheet: c.sheets[sheet], Format: c.format}
	c.reject(src, "", "", "duplicates "+prev.where(src)+" (same data element, period and org unit)")
}

// finish finds the duplicates, drops their values and returns the batch,
// rejections in file order.
func (c *checker) finish() *Batch {
	var drop []bool
	if len(c.rows) > 1 {
		radixSort(c.rows)
		added := false
		first := c.rows[0]
		for _, r := range c.rows[1:] {
			if r.key != first.key {
				first = r
				continue
			}
			// A stable sort keeps file order among equal keys: first is
			// the earliest.
			f, dup := c.info[first.seq], c.info[r.seq]
			src := Source{File: c.file, Record: dup.record, Sheet: c.sheets[dup.sheet], Format: c.format}
			c.rejectDuplicate(src, f.record, int(f.sheet))
			added = true
			if dup.value >= 0 {
				if drop == nil {
					drop = make([]bool, c.n+len(c.values))
				}
				drop[dup.value] = true
			}
		}
		if added {
			slices.SortStableFunc(c.batch.Rejected, func(a, b Rejection) int {
				return cmp.Or(
					cmp.Compare(c.sheetIndex(a.Source.Sheet), c.sheetIndex(b.Source.Sheet)),
					cmp.Compare(a.Source.Record, b.Source.Record))
			})
		}
	}
	c.rows, c.info, c.wide = nil, nil, nil

	if len(c.chunks) == 0 && drop == nil {
		c.batch.Values = c.values
	} else {
		all := make([]Value, 0, c.n+len(c.values)-count(drop))
		i := 0
		for _, ch := range append(c.chunks, c.values) {
			for j := range ch {
				if drop == nil || !drop[i] {
					all = append(all, ch[j])
				}
				i++
			}
		}
		c.batch.Values = all
	}
	c.chunks, c.values = nil, nil
	return &c.batch
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// radixSort sorts rows by key, stably, one byte a pass; passes where every
// key has the same byte are skipped, so small ids cost few passes.
func radixSort(rows []keyRow) {
	if len(rows) < 2 {
		return
	}
	var counts [8][256]int
	for _, r := range rows {
		for d := range 8 {
			counts[d][byte(r.key>>(8*d))]++
		}
	}
	src, dst := rows, make([]keyRow, len(rows))
	for d := range 8 {
		c := &counts[d]
		if c[byte(src[0].key>>(8*d))] == len(src) {
			continue
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, r := range src {
			b := byte(r.key >> (8 * d))
			dst[c[b]] = r
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &rows[0] {
		copy(rows, src)
	}
}

// sizeHint returns the bytes left to read from r if r can tell cheaply,
// or -1.
func sizeHint(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(v.Len())
	case interface{ Size() int64 }: // io.SectionReader (multipart uploads), sized
		return v.Size()
	case interface{ Stat() (fs.FileInfo, error) }: // os.File
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return -1
}

// hintRecords is how many records a reader reads before it estimates the
// total from sizeHint.
const hintRecords = 1024

// reserveFor reserves room for the rest of a file of size bytes (-1:
// unknown) of which done bytes held records records.
func (c *checker) reserveFor(size, done int64, records int) {
	if size <= 0 || done <= 0 || records == 0 {
		return
	}
	est := float64(size-done) / float64(done) * float64(records) * 1.05
	if est > 0 && est < 1<<28 {
		c.reserve(int(est))
	}
}
