package index

import (
	"fmt"
	"math"
	"testing"
)

var nan = math.NaN()

const tol = 1e-9

// units makes units u0, u1, … in the given groups (all "g" when none given).
func units(n int, groups ...string) []Unit {
	out := make([]Unit, n)
	for i := range out {
		g := "g"
		if i < len(groups) {
			g = groups[i]
		}
		out[i] = Unit{ID: fmt.Sprintf("u%d", i), Group: g}
	}
	return out
}

// flatTree is a root over one equally weighted leaf per indicator id.
func flatTree(ids ...string) *Node {
	root := &Node{ID: "root", Weight: 1}
	for _, id := range ids {
		root.Children = append(root.Children, &Node{ID: "n_" + id, Weight: 1, Indicator: id})
	}
	return root
}

func hib(ids ...string) []Indicator {
	out := make([]Indicator, len(ids))
	for i, id := range ids {
		out[i] = Indicator{ID: id, Direction: HigherIsBetter}
	}
	return out
}

func closeTo(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

func assertFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range got {
		if !closeTo(got[i], want[i]) {
			t.Errorf("%s[%d] = %.12g, want %.12g (all: %v)", what, i, got[i], want[i], got)
		}
	}
}

func assertFloat(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !closeTo(got, want) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

func mustRun(t *testing.T, in *Input) *Result {
	t.Helper()
	r, err := Run(in)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}
