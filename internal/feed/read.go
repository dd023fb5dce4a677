package feed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format of a feed file.
type Format string

const (
	NDJSON Format = "ndjson" // FHIR bulk data: one resource per line
	JSON   Format = "json"   // a Bundle or a single resource
	CSV    Format = "csv"    // docs/feed-csv.md
)

// Options for the readers.
type Options struct {
	Resolve Resolver
	// Progress, when set, is called now and then with the bytes read so far.
	Progress func(read int64)
}

// maxLine bounds one NDJSON line (a resource); longer lines are an error
// rather than unbounded memory.
const maxLine = 64 << 20

// DetectFormat picks the format from the name (.ndjson, .jsonl, .json,
// .csv, each optionally .gz).
func DetectFormat(name string) (Format, error) {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch filepath.Ext(n) {
	case ".ndjson", ".jsonl":
		return NDJSON, nil
	case ".json":
		return JSON, nil
	case ".csv":
		return CSV, nil
	}
	return "", fmt.Errorf("%s: unknown feed format (want .ndjson, .jsonl, .json or .csv, optionally .gz)", name)
}

// ReadFile reads a feed file of any format into sink.
func ReadFile(ctx context.Context, path string, opt Options, sink Sink) (Stats, error) {
	format, err := DetectFormat(path)
	if err != nil {
		return newStats(), err
	}
	r, err := Open(path)
	if err != nil {
		return newStats(), err
	}
	defer r.Close()
	return Read(ctx, r, filepath.Base(path), format, opt, sink)
}

// Open opens a feed file, decompressing a .gz one.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return f, nil
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return gzFile{gz, f}, nil
}

type gzFile struct {
	*gzip.Reader
	f *os.File
}

func (g gzFile) Close() error { return errors.Join(g.Reader.Close(), g.f.Close()) }

// Read reads one feed stream; name is used in messages.
func Read(ctx context.Context, r io.Reader, name string, format Format, opt Options, sink Sink) (Stats, error) {
	switch format {
	case NDJSON:
		return ReadNDJSON(ctx, r, name, opt, sink)
	case JSON:
		return ReadJSON(ctx, r, name, opt, sink)
	case CSV:
		return ReadCSV(ctx, r, name, opt, sink)
	}
	return newStats(), fmt.Errorf("%s: unknown format %q", name, format)
}

// ReadNDJSON streams resources, one per line, in bounded memory.
func ReadNDJSON(ctx context.Context, r io.Reader, name string, opt Options, sink Sink) (Stats, error) {
	st := newStats()
	p := &jsonParser{}
	d := &decoder{p: p, resolve: opt.Resolve, sink: sink, stats: &st}
	defer d.flush() // Records is a map: the returned copy sees the counts
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte // a line longer than the buffer
	var read int64
	for line := 1; ; line++ {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				if len(long) > maxLine {
					return st, &RecordError{File: name, Line: line, Err: fmt.Errorf("line longer than %d MiB", maxLine>>20)}
				}
				b, err = br.ReadSlice('\n')
				long = append(long, b...)
			}
			b = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return st, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		read += int64(len(b))
		if line&0xffff == 0 {
			if cerr := ctx.Err(); cerr != nil {
				return st, cerr
			}
			if opt.Progress != nil {
				opt.Progress(read)
			}
		}
		if t := bytes.TrimSpace(b); len(t) > 0 {
			if perr := d.line(t); perr != nil {
				return st, recordError(name, line, perr)
			}
		}
		if err != nil { // io.EOF
			break
		}
	}
	if opt.Progress != nil {
		opt.Progress(read)
	}
	return st, nil
}

func recordError(name string, line int, err error) error {
	var fe *fieldError
	if errors.As(err, &fe) {
		return &RecordError{File: name, Line: line, Field: fe.field, Err: fe.err}
	}
	return &RecordError{File: name, Line: line, Err: err}
}

// maxDocument bounds a Bundle read whole; bulk data belongs in NDJSON.
const maxDocument = 1 << 30

// ReadJSON reads a Bundle (its entries' resources) or a single resource.
// The document is read whole: Bundles are meant for small pushes.
func ReadJSON(ctx context.Context, r io.Reader, name string, opt Options, sink Sink) (Stats, error) {
	st := newStats()
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxDocument {
		return st, fmt.Errorf("%s: larger than %d MiB: use NDJSON for bulk data", name, maxDocument>>20)
	}
	p := &jsonParser{}
	d := &decoder{p: p, resolve: opt.Resolve, sink: sink, stats: &st}
	lines := lineCounter{data: data}
	root, err := p.parse(data)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return st, &RecordError{File: name, Line: lines.at(se.Offset), Err: err}
		}
		return st, fmt.Errorf("%s: %w", name, err)
	}
	if p.nodes[root].kind != kObject {
		return st, &RecordError{File: name, Line: lines.at(p.nodes[root].off), Err: errors.New("want a FHIR resource or Bundle (a JSON object)")}
	}
	rt, _ := p.text(p.get(root, "resourceType"))
	if rt != "Bundle" {
		if err := d.resource(root); err != nil {
			return st, recordError(name, lines.at(p.nodes[root].off), err)
		}
		return st, nil
	}
	if st.Snapshot, err = d.time(root, "meta.lastUpdated", "meta", "lastUpdated"); err != nil {
		return st, recordError(name, lines.at(p.nodes[root].off), err)
	}
	if st.Snapshot.IsZero() {
		if st.Snapshot, err = d.time(root, "timestamp", "timestamp"); err != nil {
			return st, recordError(name, lines.at(p.nodes[root].off), err)
		}
	}
	var ferr error
	i := 0
	p.each(p.get(root, "entry"), func(e int32) {
		i++
		if ferr != nil {
			return
		}
		if i&0xfff == 0 {
			if ferr = ctx.Err(); ferr != nil {
				return
			}
		}
		res := p.get(e, "resource")
		if res < 0 {
			return // a request-only entry (e.g. DELETE) carries no resource
		}
		if err := d.resource(res); err != nil {
			ferr = recordError(name, lines.at(p.nodes[res].off), err)
		}
	})
	if opt.Progress != nil {
		opt.Progress(int64(len(data)))
	}
	return st, ferr
}

// lineCounter turns increasing byte offsets into 1-based line numbers.
type lineCounter struct {
	data []byte
	off  int
	line int
}

func (c *lineCounter) at(off int) int {
	if off < c.off {
		c.off, c.line = 0, 0
	}
	off = min(off, len(c.data))
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line + 1
}
