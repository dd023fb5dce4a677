package method

import (
	"os"
	"slices"
	"testing"
)

func TestLintWarnings(t *testing.T) {
	data, err := os.ReadFile("testdata/warn/lint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse("lint.yaml", data)
	if err != nil {
		t.Fatalf("warnings must not fail Parse: %v", err)
	}
	var got []string
	for _, w := range m.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		// The index's own children weigh 0.5 + 0.5 = 1: no warning.
		`lint.yaml:9: data element "unused" is unreachable: no indicator of the index, denomination, validation rule or input uses it`,
		`lint.yaml:13: indicator "y" has no data: no data set collects and no input fills "b"`,
		`lint.yaml:15: indicator "outside" is not in the index tree: it is computed but does not count`,
		`lint.yaml:22: node "shares": the weights of its children (0.5, 0.6, 0.5) look like shares but sum to 1.6, not 1; they count as their share of 1.6`,
		`lint.yaml:34: node "v0" has weight 0: it never counts`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings\n got %q\nwant %q", got, want)
	}
}

func TestBuiltinsHaveNoWarnings(t *testing.T) {
	ms, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, w := range m.Warnings {
			t.Errorf("%s", w)
		}
	}
}
