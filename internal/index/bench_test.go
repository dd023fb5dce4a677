package index

import (
	"context"
	"testing"
)

// 85 regions × 25 indicators, root → 3 pillars → 8 sub-pillars → indicators,
// every step on (denominate, group-median imputation, screening, outliers).
func BenchmarkRun(b *testing.B) {
	in := synthetic(85, 25, 1)
	if _, err := Run(in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUncertainty1000(b *testing.B) {
	in := synthetic(85, 25, 1)
	opts := UncertaintyOptions{
		Draws: 1000, Seed: 1, WeightJitter: 0.25,
		Normalisations: []NormaliseMethod{NormMinMax, NormZScore, NormRank, NormPercentileRank},
		Aggregations:   []AggregateMethod{AggArithmetic, AggGeometric},
		Imputations:    []ImputeMethod{ImputeGroupMedian, ImputeMean},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Uncertainty(context.Background(), in, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWhatIf(b *testing.B) {
	in := synthetic(85, 25, 1)
	r, err := Run(in)
	if err != nil {
		b.Fatal(err)
	}
	unit := r.Laggards[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WhatIf(in, unit, WhatIfOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
