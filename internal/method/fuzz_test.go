package method

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuzzInput bounds the inputs FuzzParse looks at. The built-in
// methodologies (20 KB and more) made a poor corpus: every new input the
// worker found was minimised for seconds, and the fuzzer ran at about 35
// executions a minute. Everything Parse checks fits in a few hundred bytes.
const maxFuzzInput = 2 << 10

// fuzzSections is how many pieces FuzzParse's input comes in. Go's
// minimiser tries removing every span of an argument, quadratic in its
// length: a new input of 1 KB in one piece kept both workers minimising
// (0 executions a second) for a third of every run. Four pieces of a
// quarter each cost a quarter as much to minimise, and the mutator still
// changes each piece, so the document changes everywhere.
const fuzzSections = 4

// splitSections cuts a YAML document into fuzzSections pieces of about
// equal size at line starts; joined, the pieces are the document.
func splitSections(doc string) [fuzzSections]string {
	var cuts []int // offsets where a line starts
	for i := 0; i < len(doc); i++ {
		if i > 0 && doc[i-1] == '\n' {
			cuts = append(cuts, i)
		}
	}
	var out [fuzzSections]string
	from := 0
	for k := 1; k < fuzzSections; k++ {
		want := len(doc) * k / fuzzSections
		to := from
		for _, c := range cuts {
			if c > from && (to == from || abs(c-want) < abs(to-want)) {
				to = c
			}
		}
		out[k-1] = doc[from:to]
		from = to
	}
	out[fuzzSections-1] = doc[from:]
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestSplitSections(t *testing.T) {
	for _, doc := range []string{"", "id: a\n", "id: a\nname: b\nindex:\n  id: i\n  children: []\npipeline: {}\nx: 1\ny: 2\n"} {
		parts := splitSections(doc)
		if got := strings.Join(parts[:], ""); got != doc {
			t.Errorf("split of %q joins to %q", doc, got)
		}
		for _, p := range parts[:len(parts)-1] {
			if p != "" && !strings.HasSuffix(p, "\n") {
				t.Errorf("%q: a piece ends inside a line: %q", doc, p)
			}
		}
	}
	if parts := splitSections("a: 1\nb: 2\nc: 3\nd: 4\n"); parts != [4]string{"a: 1\n", "b: 2\n", "c: 3\n", "d: 4\n"} {
		t.Errorf("four keys split as %q", parts)
	}
}

// FuzzParse feeds arbitrary YAML to Parse, in fuzzSections pieces joined:
// it must never panic, and every failure must be an *Error whose problems
// have a line. Its seeds are the files of testdata/bad (one per rule),
// testdata/warn and testdata/fuzz/FuzzParse (small files that between them
// use every key), cut by splitSections; testdata/valid.yaml and the
// built-in files are above the bound and checked by their own tests.
//
// Rate, 45 s runs with a fresh cache on the shared 2-core machine (load
// 16–19), alternating with the one-piece target this replaced:
//
//	go test ./internal/method -run XXX -fuzz '^FuzzParse$' -fuzztime 45s -test.fuzzcachedir $(mktemp -d)
//
// in four pieces 249–488 k executions (5.4–10.6 k/s) finding 69–99 new
// inputs, 3 of 16 status lines with both workers minimising; in one piece
// 392–409 k executions finding 20–23, 7–12 of 16 lines minimising.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, glob := range []string{"testdata/bad/*.yaml", "testdata/warn/*.yaml"} {
		files, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, files...)
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > maxFuzzInput {
			f.Fatalf("seed %s is %d bytes, above the %d the fuzzer looks at", p, len(data), maxFuzzInput)
		}
		parts := splitSections(string(data))
		f.Add(parts[0], parts[1], parts[2], parts[3])
	}
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		if len(a)+len(b)+len(c)+len(d) > maxFuzzInput {
			return
		}
		data := []byte(a + b + c + d)
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			var merr *Error
			if !errors.As(err, &merr) || len(merr.Problems) == 0 {
				t.Fatalf("error %T %v, want *Error with problems", err, err)
			}
			for _, p := range merr.Problems {
				if p.Line < 1 || p.File != "fuzz.yaml" || p.Msg == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		if m.Tree == nil || len(m.Indicators) == 0 || len(m.PeriodTypes) == 0 {
			t.Fatalf("parsed without a tree, indicators or period types")
		}
		for _, ind := range m.Indicators {
			if ind.Numerator == nil {
				t.Fatalf("indicator %s parsed without a numerator", ind.ID)
			}
		}
		for _, w := range m.Warnings {
			if w.Line < 1 || w.Msg == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
	})
}
