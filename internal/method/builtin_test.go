package method

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/index"
)

func builtins(t *testing.T) map[string]*Methodology {
	t.Helper()
	ms, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	byID := map[string]*Methodology{}
	for _, m := range ms {
		byID[m.ID] = m
		if len(m.Raw) == 0 || m.Source == "" {
			t.Errorf("%s: Raw or Source not set", m.ID)
		}
	}
	return byID
}

func TestBuiltinLoads(t *testing.T) {
	byID := builtins(t)
	for _, id := range []string{"health-digital-maturity", "cross-sector-index"} {
		if _, ok := byID[id]; !ok {
			t.Errorf("built-in %s is missing", id)
		}
	}
}

// TestBuiltinContent guards the shape promised for the built-ins: five
// criteria of 3–5 indicators, every data element used and every one that
// is reported has a demo hint and a data set of its level.
func TestBuiltinContent(t *testing.T) {
	byID := builtins(t)
	h := byID["health-digital-maturity"]
	if h == nil {
		t.Fatal("no health-digital-maturity")
	}
	if len(h.Tree.Children) != 5 {
		t.Errorf("health: %d criteria, want 5", len(h.Tree.Children))
	}
	for _, c := range h.Tree.Children {
		if n := len(c.Children); n < 3 || n > 5 {
			t.Errorf("health: criterion %s has %d indicators, want 3..5", c.ID, n)
		}
	}
	if len(h.Uncertainty.Normalisations) == 0 || h.Uncertainty.Draws != 1000 {
		t.Errorf("health: uncertainty defaults %+v", h.Uncertainty)
	}
	for _, m := range byID {
		used := map[string]bool{}
		for _, ind := range m.Indicators {
			for _, e := range []interface{ Vars() []string }{ind.Numerator, ind.Denominator} {
				if e != nil && e != (interface{ Vars() []string })(nil) {
					for _, id := range varsOf(e) {
						used[id] = true
					}
				}
			}
		}
		inputs := map[string]bool{}
		for _, in := range m.Inputs {
			inputs[in.DataElement] = true
		}
		level := map[string]string{} // data element -> level of its data set
		for _, ds := range m.DataSets {
			for _, id := range ds.DataElements {
				level[id] = ds.Level
			}
		}
		for _, de := range m.DataElements {
			if !used[de.ID] {
				t.Errorf("%s: data element %s is used by no indicator", m.ID, de.ID)
			}
			if inputs[de.ID] {
				continue
			}
			if de.Synthetic == nil {
				t.Errorf("%s: data element %s has no demo hint", m.ID, de.ID)
				continue
			}
			want := map[string]string{DemoPerMO: "organisation", DemoPerRegion: "region"}[de.Synthetic.Per]
			if level[de.ID] != want {
				t.Errorf("%s: data element %s is generated per %s but collected at %q", m.ID, de.ID, de.Synthetic.Per, level[de.ID])
			}
		}
		if got := treeIndicators(m.Tree); len(got) != len(m.Indicators) {
			t.Errorf("%s: %d of %d indicators are in the tree", m.ID, len(got), len(m.Indicators))
		}
	}
}

func varsOf(e interface{ Vars() []string }) (ids []string) {
	defer func() {
		if recover() != nil { // a nil *formula.Expr in the interface
			ids = nil
		}
	}()
	return e.Vars()
}

// TestBuiltinPipelineRuns feeds random values through index.Run and the
// uncertainty analysis, so the pipeline settings of every built-in are ones
// the index package accepts.
func TestBuiltinPipelineRuns(t *testing.T) {
	for id, m := range builtins(t) {
		t.Run(id, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			in := &index.Input{Tree: m.Tree, Config: m.Pipeline, Denominators: map[string][]float64{}}
			const units = 85
			for u := range units {
				in.Units = append(in.Units, index.Unit{ID: fmt.Sprintf("RU-%02d", u), Group: fmt.Sprintf("fd%d", u%8)})
			}
			pop := make([]float64, units)
			for u := range pop {
				pop[u] = 2e5 + rng.Float64()*5e6
			}
			in.Denominators["population"] = pop
			for _, ind := range m.Indicators {
				in.Indicators = append(in.Indicators, index.Indicator{ID: ind.ID, Direction: ind.Direction, Target: ind.Target})
				row := make([]float64, units)
				for u := range row {
					row[u] = rng.Float64() * 100
					if _, ok := m.Pipeline.Denominate.By[ind.ID]; ok {
						row[u] *= pop[u] / 100
					}
				}
				in.Values = append(in.Values, row)
			}
			res, err := index.Run(in)
			if err != nil {
				t.Fatalf("index.Run: %v", err)
			}
			if slices.Contains(res.Rank, 0) {
				t.Errorf("some units are unranked: %v", res.Rank)
			}
			if len(res.Leaders) != m.Pipeline.Leaders {
				t.Errorf("%d leaders, want %d", len(res.Leaders), m.Pipeline.Leaders)
			}
			opts := m.Uncertainty.Options(1)
			opts.Draws = 20
			if _, err := index.Uncertainty(context.Background(), in, opts); err != nil {
				t.Errorf("index.Uncertainty: %v", err)
			}
		})
	}
}

// TestBuiltinCareQuality: the quality and satisfaction methodology loads,
// its name says «качеств» (the API contract lists it by that), and it has
// the two parts: four quality-control indicators and the five НОК criteria.
func TestBuiltinCareQuality(t *testing.T) {
	m := builtins(t)["care-quality-satisfaction"]
	if m == nil {
		t.Fatal("care-quality-satisfaction is not built in")
	}
	if !strings.Contains(strings.ToLower(m.Name), "качеств") {
		t.Errorf("name %q", m.Name)
	}
	if len(m.Tree.Children) != 2 || len(m.Tree.Children[0].Children) != 4 || len(m.Tree.Children[1].Children) != 5 {
		t.Errorf("tree shape: %d parts", len(m.Tree.Children))
	}
}
