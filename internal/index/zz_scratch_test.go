package index

import "testing"

func BenchmarkZCompile(b *testing.B) {
	in := synthetic(85, 25, 1)
	for b.Loop() {
		compile(in)
	}
}
func BenchmarkZPrepare(b *testing.B) {
	in := synthetic(85, 25, 1)
	e, _ := compile(in)
	for b.Loop() {
		e.prepare(ImputeGroupMedian)
	}
}
func BenchmarkZImpute(b *testing.B) {
	in := synthetic(85, 25, 1)
	e, _ := compile(in)
	ids := e.indicatorIDs()
	for b.Loop() {
		impute(e.denom, in.Units, ids, ImputeGroupMedian)
	}
}
func BenchmarkZNorm(b *testing.B) {
	in := synthetic(85, 25, 1)
	e, _ := compile(in)
	st := e.prepare(ImputeGroupMedian)
	for b.Loop() {
		e.normaliseAll(st, NormMinMax)
	}
}
func BenchmarkZAgg(b *testing.B) {
	in := synthetic(85, 25, 1)
	e, _ := compile(in)
	st := e.prepare(ImputeGroupMedian)
	n, _, _ := e.normaliseAll(st, NormMinMax)
	buf := newAggBuf(len(e.nodes), 85, true)
	w := e.nominalWeights()
	for b.Loop() {
		e.aggregate(n, st.screened, w, "", buf)
	}
}
func BenchmarkZSkew(b *testing.B) {
	in := synthetic(85, 25, 1)
	x := in.Values[1][:80]
	for b.Loop() {
		skewKurt(x)
	}
}
