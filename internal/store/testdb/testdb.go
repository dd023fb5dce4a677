// Package testdb provides fresh, empty databases for tests: a DuckDB file
// in the test's temporary directory, or a schema of its own in the
// PostgreSQL test cluster named by CIFRA_TEST_PG (.ci/run starts one
// with .ci/postgres). It does not import the store, so the store's own
// tests can use it.
package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// EnvPostgres names the PostgreSQL test cluster: a URL such as
// postgres:///cifra?host=/tmp/cifra-pg&user=cifra.
const EnvPostgres = "CIFRA_TEST_PG"

// EnvRequire set to 1 (or CI=true) makes a missing cluster fail the tests
// that need it instead of skipping them: CI must run both stores.
const EnvRequire = "CIFRA_REQUIRE_POSTGRES"

// Dialects are the stores every store-dependent test runs on.
var Dialects = []string{"duckdb", "postgres"}

// PostgresURL is the test cluster's URL, "" when none is configured.
func PostgresURL() string { return strings.TrimSpace(os.Getenv(EnvPostgres)) }

// Required reports whether a missing PostgreSQL cluster is a failure.
func Required() bool {
	return os.Getenv(EnvRequire) == "1" || os.Getenv("CI") == "true"
}

// NeedPostgres returns the cluster URL, or skips the test (fails it in
// CI) when there is none.
func NeedPostgres(tb testing.TB) string {
	tb.Helper()
	u := PostgresURL()
	if u != "" {
		return u
	}
	msg := "PostgreSQL leg not run: " + EnvPostgres + " is not set (start a cluster with `.ci/postgres start DIR` and export " +
		EnvPostgres + "=postgres:///cifra?host=DIR&user=cifra)"
	if Required() {
		tb.Fatal(msg + "; CI requires it")
	}
	tb.Skip(msg)
	return ""
}

var seq atomic.Int64

// DSN returns the address of a fresh, empty database of the dialect that
// lives as long as the test: a DuckDB file in tb.TempDir(), or on
// PostgreSQL a new schema (dropped at cleanup) that the returned URL puts
// first on the search path. It skips (or, in CI, fails) a PostgreSQL test
// without a cluster.
func DSN(tb testing.TB, dialect string) string {
	tb.Helper()
	switch dialect {
	case "duckdb":
		return filepath.Join(tb.TempDir(), "test.duckdb")
	case "postgres":
	default:
		tb.Fatalf("unknown dialect %q", dialect)
	}
	base := NeedPostgres(tb)
	schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, seq.Add(1))
	db, err := admin(base)
	if err != nil {
		tb.Fatalf("PostgreSQL test cluster %s: %v", base, err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := admin(base)
		if err != nil {
			tb.Logf("drop test schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Logf("drop test schema %s: %v", schema, err)
		}
	})
	return WithSchema(base, schema)
}

// WithSchema returns the URL u with search_path set to schema.
func WithSchema(u, schema string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" {
		return strings.TrimSpace(u) + " search_path=" + schema
	}
	q := p.Query()
	q.Set("search_path", schema)
	p.RawQuery = q.Encode()
	return p.String()
}

func admin(u string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
