package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/catalog/catalogtest"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/store/testdb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestDemo builds the demo once per store and runs the checks over it:
// both stores give the same golden league tables.
func TestDemo(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			c, _ := catalogtest.DemoOn(t, d)
			t.Run("golden", func(t *testing.T) { testGoldenBuiltins(t, c) })
			t.Run("shape", func(t *testing.T) { testDemoRatingShape(t, c) })
			t.Run("cache", func(t *testing.T) { testResultCacheAndUnknown(t, c) })
			t.Run("closed period", func(t *testing.T) { testClosedPeriodServesPublished(t, c) }) // last: it freezes 2020Q4
		})
	}
}

// testClosedPeriodServesPublished: once a period is closed, the rating
// served for it is the one published at closing, whatever is saved later.
func testClosedPeriodServesPublished(t *testing.T, c *catalog.Catalog) {
	ctx := context.Background()
	const m, pe = "health-digital-maturity", "2020Q4"
	pub, err := c.Result(ctx, m, pe)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ClosePeriod(ctx, pe, "test", "рейтинг опубликован"); err != nil {
		t.Fatal(err)
	}
	// A later computation (say, a corrected methodology) is saved...
	later := *pub
	later.ComputedAt = pub.ComputedAt.Add(time.Hour)
	if err := c.Save(ctx, &later); err != nil {
		t.Fatal(err)
	}
	// ...but the published one is served, from the cache and from the store.
	for _, fresh := range []bool{false, true} {
		if fresh {
			if err := c.ReloadHierarchy(ctx); err != nil { // empties the result cache
				t.Fatal(err)
			}
		}
		got, err := c.Result(ctx, m, pe)
		if err != nil {
			t.Fatal(err)
		}
		if !got.ComputedAt.Equal(pub.ComputedAt) {
			t.Errorf("fresh=%v: served the result computed at %v, published %v", fresh, got.ComputedAt, pub.ComputedAt)
		}
	}
	// An open period serves what was saved last.
	open, err := c.Result(ctx, m, "2020Q3")
	if err != nil {
		t.Fatal(err)
	}
	again := *open
	again.ComputedAt = open.ComputedAt.Add(time.Hour)
	if err := c.Save(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Result(ctx, m, "2020Q3"); !got.ComputedAt.Equal(again.ComputedAt) {
		t.Errorf("open period: served %v, saved %v", got.ComputedAt, again.ComputedAt)
	}
}

// TestGoldenBuiltins pins the league tables the built-in methodologies
// produce on the demo data (seed 1): any change to the methodologies, the
// demo generator or the pipeline that moves a score or a rank shows up here
// and must be accepted on purpose with -update.
func testGoldenBuiltins(t *testing.T, c *catalog.Catalog) {
	ctx := context.Background()
	cases := []struct{ methodology, period string }{
		{"health-digital-maturity", "2020"},
		{"health-digital-maturity", "2020Q4"},
		{"cross-sector-index", "2020Q4"},
	}
	for _, tc := range cases {
		t.Run(tc.methodology+"-"+tc.period, func(t *testing.T) {
			r, err := c.Result(ctx, tc.methodology, tc.period)
			if err != nil {
				t.Fatal(err)
			}
			got := leagueText(r)
			path := filepath.Join("testdata", "golden", tc.methodology+"-"+tc.period+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/catalog -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("league table differs from %s (run with -update if the change is intended)\n%s", path, firstDiff(got, want))
			}
		})
	}
}

// leagueText prints a result's table with scores to 3 decimals: enough to
// catch real changes, few enough to ignore floating-point noise.
func leagueText(r *rating.Result) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s %s %s (%d units)\n", r.Methodology, r.Version, r.Period, len(r.Rows))
	fmt.Fprintf(&b, "# leaders %v\n# laggards %v\n", r.Leaders, r.Laggards)
	for _, row := range r.Sorted() {
		score := "—"
		if row.Score.Valid() {
			score = fmt.Sprintf("%.3f", float64(row.Score))
		}
		fmt.Fprintf(&b, "%2d %2d %-8s %-7s %8s %-6s %+d\n", row.Rank, row.GroupRank, row.Code, row.Group, score, row.Grade, row.RankChange)
	}
	return b.Bytes()
}

func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

// TestDemoRatingShape checks what every consumer relies on: 85 ranked
// regions, ranks 1..85 with ties sharing the best rank, scores within the
// normalisation range, and leaders better than laggards.
func testDemoRatingShape(t *testing.T, c *catalog.Catalog) {
	ctx := context.Background()
	periods, err := c.Periods(ctx, "health-digital-maturity")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2019", "2020", "2019Q1", "2020Q4"} {
		if !slices.Contains(periods, want) {
			t.Errorf("periods %v lack %s", periods, want)
		}
	}
	r, err := c.Result(ctx, "health-digital-maturity", "2020")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 85 {
		t.Fatalf("%d rows, want 85", len(r.Rows))
	}
	if !r.Synthetic {
		t.Error("demo result is not marked synthetic")
	}
	if r.Previous != "2019" {
		t.Errorf("previous period %q, want 2019", r.Previous)
	}
	rows := r.Sorted()
	for i, row := range rows {
		if row.Rank == 0 {
			continue // screened out
		}
		s := float64(row.Score)
		if math.IsNaN(s) || s < 1 || s > 100 {
			t.Errorf("%s: score %v outside [1, 100]", row.Code, s)
		}
		if i > 0 && rows[i-1].Rank > 0 {
			prev := rows[i-1]
			switch {
			case prev.Score == row.Score && prev.Rank != row.Rank:
				t.Errorf("tie %s/%s has ranks %d and %d", prev.Code, row.Code, prev.Rank, row.Rank)
			case prev.Score > row.Score && row.Rank != i+1:
				t.Errorf("%s: rank %d at position %d", row.Code, row.Rank, i+1)
			}
		}
	}
	// The demo must give every pipeline step work: gaps to impute, skewed
	// indicators to treat.
	var imputed, treated int
	for _, tr := range r.Treatments {
		imputed += tr.Imputed
		if tr.Treated {
			treated++
		}
	}
	if imputed == 0 || treated == 0 {
		t.Errorf("demo 2020: %d imputed values, %d treated indicators; want both > 0", imputed, treated)
	}
	t.Logf("demo 2020: %d imputed values, %d of %d indicators treated for outliers", imputed, treated, len(r.Treatments))
	score := map[string]float64{}
	for _, row := range r.Rows {
		score[row.Code] = float64(row.Score)
	}
	for _, lead := range r.Leaders {
		for _, lag := range r.Laggards {
			if score[lead] <= score[lag] {
				t.Errorf("leader %s (%.2f) not above laggard %s (%.2f)", lead, score[lead], lag, score[lag])
			}
		}
	}
}

// TestResultCacheAndUnknown checks that results are read back equal to what
// was computed and that an unknown period is ErrNoResult.
func testResultCacheAndUnknown(t *testing.T, c *catalog.Catalog) {
	ctx := context.Background()
	a, err := c.Result(ctx, "health-digital-maturity", "2020Q3")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Result(ctx, "health-digital-maturity", "2020Q3")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("second read did not come from the cache")
	}
	if _, err := c.Result(ctx, "health-digital-maturity", "2031"); !errors.Is(err, catalog.ErrNoResult) {
		t.Errorf("unknown period: err %v, want ErrNoResult", err)
	}
	// A result read back explains itself: the explanation's score is the row's.
	code := a.Sorted()[0].Code
	ex, err := a.Explain(code, a.Root, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(ex.Score)-float64(a.Sorted()[0].Score)) > 1e-9 {
		t.Errorf("explanation score %v, row score %v", ex.Score, a.Sorted()[0].Score)
	}
}
