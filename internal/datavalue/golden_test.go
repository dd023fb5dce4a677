package datavalue

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

// render prints a batch (or the error) one line per value or rejection,
// in the form the .golden files hold.
func render(b *Batch, err error) string {
	var s strings.Builder
	if err != nil {
		fmt.Fprintf(&s, "error: %v\n", err)
		return s.String()
	}
	for _, v := range b.Values {
		fmt.Fprintf(&s, "value %s: %s %s %s %s %q\n", v.Source, v.DataElement, v.Period, v.OrgUnit,
			strconv.FormatFloat(v.Value, 'g', -1, 64), v.Comment)
	}
	for _, r := range b.Rejected {
		fmt.Fprintf(&s, "rejected %s\n", r.Error())
	}
	return s.String()
}

// TestGolden reads every input file in testdata and compares the values,
// rejections or error with its .golden file (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		n++
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b, readErr := Read(bytes.NewReader(data), name, "", testResolver(), "")
			got := render(b, readErr)
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n got:\n%s\nwant:\n%s", name, golden, got, want)
			}
			good := strings.HasPrefix(name, "good")
			if good && (readErr != nil || len(b.Rejected) > 0) {
				t.Errorf("good file %s has problems:\n%s", name, got)
			}
			if !good && readErr == nil && len(b.Rejected) == 0 {
				t.Errorf("bad file %s passed", name)
			}
		})
	}
	if n == 0 {
		t.Fatal("no test files")
	}
}
