package store

import (
	"context"
	"testing"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/store/testdb"
)

// openDialect opens a fresh store of the dialect, closed at cleanup.
func openDialect(tb testing.TB, dialect string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), testdb.DSN(tb, dialect), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// eachStore runs fn on a fresh store of every dialect (testdb.Dialects),
// as subtests named for them.
func eachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, openDialect(t, d)) })
	}
}

// eachFeedStore is eachStore with the feed tests' МО stored.
func eachFeedStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	eachStore(t, func(t *testing.T, s *Store) {
		if err := s.SaveOrgUnits(context.Background(), []orgunit.Unit{{Code: testMO, Parent: "RU-TUL", Level: orgunit.Organisation,
			Name: "Поликлиника № 1", TimeZone: "UTC+3", Population: 20000}}); err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
}

// eachAvailStore is eachStore with availMOs stored.
func eachAvailStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	eachStore(t, func(t *testing.T, s *Store) {
		saveAvailMOs(t, s)
		fn(t, s)
	})
}

// eachDSN runs fn on the address of a fresh database of every dialect, for
// tests that close and open the store themselves.
func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, testdb.DSN(t, d)) })
	}
}
