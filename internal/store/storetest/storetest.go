// Package storetest runs tests on every store Cifra supports: DuckDB
// always, PostgreSQL when the test cluster is configured (testdb).
//
//	storetest.Each(t, func(t *testing.T, st *store.Store) { … })
package storetest

import (
	"context"
	"testing"

	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/store/testdb"
)

// Each runs fn once per dialect, as the subtests "duckdb" and "postgres",
// each on a fresh, empty, migrated store closed when the subtest ends.
// Without a PostgreSQL cluster the postgres subtest is skipped with a
// message (in CI it fails).
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	EachDialect(t, func(t *testing.T, dialect string) {
		fn(t, Open(t, dialect))
	})
}

// EachDialect runs fn once per dialect as a subtest, for tests that open
// stores themselves (DSN gives fresh ones).
func EachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// Open opens a fresh, empty store of the dialect, closed at cleanup.
func Open(tb testing.TB, dialect string) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), DSN(tb, dialect), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// DSN is the address of a fresh, empty database of the dialect (see
// testdb.DSN), for tests that hand it to a command line.
func DSN(tb testing.TB, dialect string) string {
	tb.Helper()
	return testdb.DSN(tb, dialect)
}
