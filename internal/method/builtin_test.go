package method

import (
	"testing"
)

func TestBuiltin(t *testing.T) {
	ms, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	if len(ms) != 2 {
		t.Fatalf("got %d methodologies, want 2", len(ms))
	}
	for _, m := range ms {
		t.Logf("%s %s: %d data elements, %d indicators", m.ID, m.Version, len(m.DataElements), len(m.Indicators))
	}
}
