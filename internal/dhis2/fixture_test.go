package dhis2

import (
	"sync"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating/ratingtest"
)

// fixture is a real computation of the digital-maturity rating over the
// demo data (see ratingtest).
type fixture struct {
	*ratingtest.Demo
	h *orgunit.Hierarchy
}

// demoOnce computes the results once per test binary; tests only read
// them.
var demoOnce = sync.OnceValues(func() (*ratingtest.Demo, error) {
	return ratingtest.Compute("health-digital-maturity", "2019Q4", "2020Q1", "2020Q2", "2020Q3", "2020Q4", "2019", "2020")
})

func testFixture(t testing.TB) *fixture {
	t.Helper()
	d, err := demoOnce()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{Demo: d, h: d.Hierarchy}
}

func (f *fixture) source() *RatingSource { return NewRatingSource(f.Methodology, f.Demo) }

func (f *fixture) options() Options {
	return Options{Hierarchy: f.h, Today: time.Date(2021, 1, 15, 12, 0, 0, 0, time.UTC), Limits: DefaultLimits()}
}
