package method

import (
	"testing"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/period"
)

func TestCheckInputs(t *testing.T) {
	health := &Methodology{ID: "health", Source: "health.yaml", PeriodTypes: []period.Type{period.Yearly},
		Tree: treeOf("index", "infra")}
	mk := func(id string, in ...Input) *Methodology {
		for i := range in {
			in[i].line = 10 + i
		}
		return &Methodology{ID: id, Source: id + ".yaml", PeriodTypes: []period.Type{period.Yearly}, Inputs: in, Tree: treeOf("index")}
	}
	tests := []struct {
		name string
		ms   []*Methodology
		want string // "" = no error
	}{
		{"ok", []*Methodology{health, mk("cross", Input{DataElement: "h", Methodology: "health"})}, ""},
		{"ok with node", []*Methodology{health, mk("cross", Input{DataElement: "h", Methodology: "health", Node: "infra"})}, ""},
		{"unknown methodology", []*Methodology{mk("cross", Input{DataElement: "h", Methodology: "nope"})},
			`cross.yaml:10: input "h": unknown methodology "nope"`},
		{"unknown node", []*Methodology{health, mk("cross", Input{DataElement: "h", Methodology: "health", Node: "x"})},
			`cross.yaml:10: input "h": methodology "health" has no node "x"`},
		{"period type", []*Methodology{health, {ID: "q", Source: "q.yaml", PeriodTypes: []period.Type{period.Quarterly},
			Inputs: []Input{{DataElement: "h", Methodology: "health", line: 3}}}},
			`q.yaml:3: input "h": methodology "health" is not computed for quarterly periods`},
		{"cycle", []*Methodology{mk("a", Input{DataElement: "x", Methodology: "b"}), mk("b", Input{DataElement: "y", Methodology: "a"})},
			"a.yaml:10: input \"x\": inputs go round in a circle: a → b → a\nb.yaml:10: input \"y\": inputs go round in a circle: b → a → b"},
		{"twice", []*Methodology{health, health}, `methodology "health" is loaded twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckInputs(tt.ms)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("CheckInputs:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func treeOf(ids ...string) *index.Node {
	root := &index.Node{ID: ids[0]}
	for _, id := range ids[1:] {
		root.Children = append(root.Children, &index.Node{ID: id})
	}
	return root
}
