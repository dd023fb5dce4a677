package datavalue

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRadixSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 100, 5000} {
		for _, spread := range []uint64{1, 3, 300, 1 << 40, 1 << 63} {
			rows := make([]keyRow, n)
			for i := range rows {
				rows[i] = keyRow{key: rng.Uint64N(spread), seq: uint32(i)}
			}
			want := slices.Clone(rows)
			slices.SortStableFunc(want, func(a, b keyRow) int {
				switch {
				case a.key < b.key:
					return -1
				case a.key > b.key:
					return 1
				}
				return 0
			})
			radixSort(rows)
			if !slices.Equal(rows, want) {
				t.Fatalf("n=%d spread=%d: radix sort differs from a stable sort", n, spread)
			}
		}
	}
}

// TestManyValues crosses chunk boundaries, with and without a size hint,
// with duplicates far apart.
func TestManyValues(t *testing.T) {
	const n = 3*chunkLen + 123
	var buf bytes.Buffer
	buf.WriteString("data_element,period,org_unit,value\n")
	for i := range n {
		fmt.Fprintf(&buf, "BEDS,%d,RU-MOW,%d\n", 1900+i%300, i) // periods repeat every 300 rows
	}
	data := buf.Bytes()
	for name, r := range map[string]func() io.Reader{
		"hint":    func() io.Reader { return bytes.NewReader(data) },
		"no hint": func() io.Reader { return io.MultiReader(bytes.NewReader(data)) },
	} {
		t.Run(name, func(t *testing.T) {
			b, err := ReadCSV(r(), "many.csv", testResolver())
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Values) != 300 {
				t.Errorf("%d values, want 300", len(b.Values))
			}
			for i, v := range b.Values {
				if v.Source.Record != i+2 || v.Value != float64(i) {
					t.Fatalf("value %d = %+v", i, v)
				}
			}
			if len(b.Rejected) != n-300 {
				t.Fatalf("%d rejections, want %d", len(b.Rejected), n-300)
			}
			for i, r := range b.Rejected {
				line := 300 + i + 2
				want := fmt.Sprintf("duplicates line %d ", (line-2)%300+2)
				if r.Source.Record != line || !strings.HasPrefix(r.Reason, want) {
					t.Fatalf("rejection %d = %v, want line %d %q", i, r, line, want)
				}
			}
		})
	}
}

// TestWideKeys takes the map path for ids beyond what a packed key holds.
func TestWideKeys(t *testing.T) {
	c := newChecker("w.csv", CSV, testResolver())
	big := resolved{id: "x", idx: 1 << keyBits}
	small := resolved{id: "y", idx: 1}
	c.add(c.source(2, ""), big, small, small, 1, "", true)
	c.add(c.source(3, ""), small, small, small, 2, "", true)
	c.add(c.source(4, ""), big, small, small, 3, "", true)
	c.add(c.source(5, ""), small, small, small, 4, "", true)
	b := c.finish()
	if len(b.Values) != 2 || b.Values[0].Value != 1 || b.Values[1].Value != 2 {
		t.Errorf("values %+v", b.Values)
	}
	checkRejections(t, b.Rejected, []want{{4, "", "", "duplicates line 2"}, {5, "", "", "duplicates line 3"}})
}

func TestSizeHint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(path, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		r    io.Reader
		want int64
	}{
		{strings.NewReader("abc"), 3},
		{bytes.NewBufferString("abcd"), 4},
		{io.NewSectionReader(strings.NewReader("abcdef"), 1, 4), 4},
		{f, 5},
		{io.MultiReader(), -1},
	}
	for i, tt := range tests {
		if got := sizeHint(tt.r); got != tt.want {
			t.Errorf("%d: sizeHint = %d, want %d", i, got, tt.want)
		}
	}
}
