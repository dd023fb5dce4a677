package fhirmeasure

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidatorAcceptsOfficialExamples: the validator passes every
// official R4 Measure and MeasureReport example kept in testdata, so what
// it refuses in Cifra's output is a real departure from R4.
func TestValidatorAcceptsOfficialExamples(t *testing.T) {
	s := loadStructure(t)
	files, err := filepath.Glob(filepath.Join("testdata", "r4", "examples", "*.json"))
	if err != nil || len(files) < 6 {
		t.Fatalf("%d examples: %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if probs := s.validate(b); len(probs) > 0 {
			t.Errorf("%s:\n  %s", filepath.Base(f), strings.Join(probs, "\n  "))
		}
	}
}

// TestValidatorRefusesBrokenExamples: each mutation of an official
// example is caught, with the path of the problem.
func TestValidatorRefusesBrokenExamples(t *testing.T) {
	s := loadStructure(t)
	b, err := os.ReadFile(filepath.Join("testdata", "r4", "examples", "MeasureReport-hiv-indicators.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		mut  func(m map[string]any)
		want string
	}{
		{"unknown element", func(m map[string]any) { m["score"] = 1 }, "MeasureReport.score: no such element"},
		{"missing status", func(m map[string]any) { delete(m, "status") }, "required element status missing"},
		{"status outside the value set", func(m map[string]any) { m["status"] = "final" }, `"final" is not in the required value set`},
		{"type outside the value set", func(m map[string]any) { m["type"] = "aggregate" }, `"aggregate" is not in the required value set`},
		{"group not an array", func(m map[string]any) { m["group"] = m["group"].([]any)[0] }, "a single value where FHIR writes an array"},
		{"period as array", func(m map[string]any) { m["period"] = []any{m["period"]} }, "MeasureReport.period: an array where at most one"},
		{"bad date", func(m map[string]any) { m["period"].(map[string]any)["start"] = "01.01.2018" }, `"01.01.2018" is not a valid dateTime`},
		{"count not an integer", func(m map[string]any) {
			g := m["group"].([]any)[0].(map[string]any)
			g["population"] = []any{map[string]any{"count": 2.5}}
		}, "2.5 is not an integer"},
		{"score value as string", func(m map[string]any) {
			g := m["group"].([]any)[0].(map[string]any)
			g["measureScore"] = map[string]any{"value": "0"}
		}, "want a JSON number for decimal"},
		{"unknown element deep inside", func(m map[string]any) {
			g := m["group"].([]any)[0].(map[string]any)
			g["measureScore"] = map[string]any{"value": 1, "precision": 2}
		}, "measureScore.precision: no such element in Quantity"},
	}
	for _, c := range cases {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		c.mut(m)
		mb, _ := json.Marshal(m)
		probs := s.validate(mb)
		if !strings.Contains(strings.Join(probs, "\n"), c.want) {
			t.Errorf("%s: problems %v, want one with %q", c.name, probs, c.want)
		}
	}
}
