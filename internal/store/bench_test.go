package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cifra-health/cifra/internal/datavalue"
)

// benchStore holds 1,000,000 values: 40 elements × 20 quarters × 1,250 units.
func benchStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "b.duckdb"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	vals := make([]datavalue.Value, 0, 1_000_000)
	for de := range 40 {
		for q := range 20 {
			pe := fmt.Sprintf("%dQ%d", 2016+q/4, q%4+1)
			for ou := range 1250 {
				vals = append(vals, datavalue.Value{DataElement: fmt.Sprintf("de%02d", de), Period: pe,
					OrgUnit: fmt.Sprintf("1.2.643.5.1.13.13.12.2.%d.%d", ou%85, ou), Value: float64(de*ou + q)})
			}
		}
	}
	b.ResetTimer()
	if _, err := s.ImportValues(ctx, vals, ImportOptions{Source: "bench"}); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkImport1M times ImportValues of 1,000,000 new values into an
// empty store (staging, comparison, audit, insert, commit).
func BenchmarkImport1M(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "i.duckdb"), nil)
		if err != nil {
			b.Fatal(err)
		}
		vals := make([]datavalue.Value, 0, 1_000_000)
		for i := range 1_000_000 {
			vals = append(vals, datavalue.Value{DataElement: fmt.Sprintf("de%02d", i%40), Period: fmt.Sprintf("%dQ%d", 2016+i/40%20/4, i/40%4+1),
				OrgUnit: fmt.Sprintf("ou%d", i/800), Value: float64(i)})
		}
		b.StartTimer()
		if _, err := s.ImportValues(context.Background(), vals, ImportOptions{Source: "bench"}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkLoadValues reads 1,000,000 values back.
func BenchmarkLoadValues(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		n := 0
		if err := s.EachValue(ctx, ValueFilter{}, func(StoredValue) error { n++; return nil }); err != nil || n != 1_000_000 {
			b.Fatal(n, err)
		}
	}
}
