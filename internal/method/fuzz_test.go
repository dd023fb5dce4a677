package method

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cifra-health/cifra/methodologies"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and every
// failure must be an *Error whose problems have a line.
func FuzzParse(f *testing.F) {
	names, _ := fs.Glob(methodologies.FS, "*.yaml")
	for _, n := range names {
		data, _ := fs.ReadFile(methodologies.FS, n)
		f.Add(data)
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	bad, _ := filepath.Glob("testdata/bad/*.yaml")
	for _, p := range append(files, bad...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
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
	})
}
