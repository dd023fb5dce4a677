// Package catalogtest builds small demo databases for tests of the packages
// that read ratings (web, report, catalog itself).
package catalogtest

import (
	"context"
	"testing"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/store/testdb"
)

// Demo builds a demo database in a temporary directory (one МО per 400,000
// residents, seed 1, 2019Q1–2020Q4), computes every built-in methodology and
// returns the catalog over it. The store closes when the test ends.
func Demo(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	c, _ := DemoStore(tb)
	return c
}

// DemoStore is Demo that also returns the store, for tests that open other
// services over the same database (accounts).
func DemoStore(tb testing.TB) (*catalog.Catalog, *store.Store) {
	tb.Helper()
	return DemoOn(tb, "duckdb")
}

// DemoOn is DemoStore on a fresh database of the dialect ("duckdb" or
// "postgres", testdb.Dialects): on PostgreSQL it skips the test, or fails it
// in CI, when no test cluster is configured (testdb).
func DemoOn(tb testing.TB, dialect string) (*catalog.Catalog, *store.Store) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testdb.DSN(tb, dialect), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.SetMeta(ctx, "synthetic", "true"); err != nil {
		tb.Fatal(err)
	}
	c, err := catalog.Open(ctx, st, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ms, err := method.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	d, err := demo.Generate(c.Hierarchy(), ms, demo.Options{Seed: 1, From: "2019Q1", To: "2020Q4", PeoplePerMO: 400000})
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.SaveGroups(ctx, d.Groups); err != nil {
		tb.Fatal(err)
	}
	if err := st.SaveOrgUnits(ctx, d.OrgUnits); err != nil {
		tb.Fatal(err)
	}
	if err := c.ReloadHierarchy(ctx); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.ImportValues(ctx, d.Values, store.ImportOptions{Source: "demo"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Recompute(ctx, nil); err != nil {
		tb.Fatal(err)
	}
	return c, st
}
