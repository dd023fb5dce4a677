package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run with -update after checking the diff):\n%s", path, got)
	}
}

// TestExplainText pins the Russian explanation people read by default, and
// checks that --json still gives the whole tree with unrounded numbers.
func TestExplainText(t *testing.T) {
	db := demoDatabase(t)
	out, stderr, code := cli(t, "explain", "--region", "RU-TUL", "--period", "2020", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.HasPrefix(strings.TrimSpace(out), "{") || strings.Contains(out, `"node"`) {
		t.Fatalf("default output is JSON:\n%s", out[:min(len(out), 300)])
	}
	for _, want := range []string{"Тульская область", "место из", "Сильные стороны:", "Слабые стороны:", "медиана"} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q", want)
		}
	}
	golden(t, "explain-tula-2020.txt", out)

	js, stderr, code := cli(t, "explain", "--region", "RU-TUL", "--period", "2020", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("--json: exit %d: %s", code, stderr)
	}
	var tree struct {
		Unit     string            `json:"unit"`
		Score    float64           `json:"score"`
		Children []json.RawMessage `json:"children"`
	}
	if err := json.Unmarshal([]byte(js), &tree); err != nil {
		t.Fatalf("--json is not JSON: %v", err)
	}
	if tree.Unit != "RU-TUL" || len(tree.Children) == 0 || tree.Score <= 0 {
		t.Fatalf("--json tree: %+v", tree)
	}
}
