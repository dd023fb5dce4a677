package method

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// maxFuzzInput bounds the inputs FuzzParse looks at. The built-in
// methodologies (20 KB and more) made a poor corpus: every new input the
// worker found was minimised for seconds, and the fuzzer ran at about 35
// executions a minute. Everything Parse checks fits in a few hundred bytes.
const maxFuzzInput = 2 << 10

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and every
// failure must be an *Error whose problems have a line. Its seeds are the
// files of testdata/bad (one per rule) and testdata/fuzz/FuzzParse (three
// small files that between them use every key); testdata/valid.yaml and
// the built-in files are above the bound and checked by their own tests.
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
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
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
