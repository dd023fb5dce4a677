package method

import (
	"io/fs"
	"testing"

	"github.com/cifra-health/cifra/methodologies"
)

func BenchmarkParseHealth(b *testing.B) {
	data, _ := fs.ReadFile(methodologies.FS, "health-digital-maturity.yaml")
	for b.Loop() {
		if _, err := Parse("h.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
