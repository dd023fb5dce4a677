// Package store keeps Cifra's data: organisation units below the region
// level, data values with their audit trail, the collection workflow,
// accounts, methodology versions, computed results and the scheduling
// feeds. It runs on an embedded DuckDB file (the default: one process, one
// machine) or on a PostgreSQL server shared by several processes; the
// methods are the same, and what differs between the two databases lives in
// the dialect (dialect.go, duckdb.go, postgres.go).
//
// Every write runs in one transaction that also advances the data
// generation (Generation): caches and recomputation follow it.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
	"github.com/jackc/pgx/v5"
)

//go:embed migrations/duckdb/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// Store is an open Cifra database.
type Store struct {
	db   *sql.DB
	d    dialect
	path string // the DuckDB file, "" in memory; the DSN on PostgreSQL
	log  *slog.Logger
	// pgCfg is the parsed PostgreSQL address, for connections outside the
	// pool (WatchGeneration's LISTEN); nil on DuckDB.
	pgCfg *pgx.ConnConfig
}

// OpenError says in plain words why a database could not be opened, for
// the operator; Err is the driver's error.
type OpenError struct {
	Message string
	Err     error
}

func (e *OpenError) Error() string { return e.Message + " (" + e.Err.Error() + ")" }
func (e *OpenError) Unwrap() error { return e.Err }

// Open opens the database dsn names and applies any pending schema
// migrations: a postgres:// URL or libpq key=value string (IsPostgres)
// opens PostgreSQL, anything else is the path of a DuckDB file, created if
// needed; an empty path opens an in-memory DuckDB database. Errors an
// operator can act on are *OpenError.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var s *Store
	if IsPostgres(dsn) {
		db, cfg, err := openPostgres(ctx, dsn)
		if err != nil {
			return nil, err
		}
		s = &Store{db: db, d: pgDialect{}, path: dsn, log: log, pgCfg: cfg}
	} else {
		db, err := sql.Open("duckdb", dsn)
		if err != nil {
			return nil, duckOpenError(dsn, err)
		}
		s = &Store{db: db, d: &duckDialect{}, path: dsn, log: log}
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		if s.d.name() == "duckdb" {
			return nil, duckOpenError(dsn, err)
		}
		return nil, &OpenError{Message: "база PostgreSQL открылась, но её схему не удалось обновить: проверьте права пользователя (нужно создавать таблицы)", Err: err}
	}
	return s, nil
}

// duckOpenError explains why a DuckDB file did not open.
func duckOpenError(path string, err error) error {
	var oe *OpenError
	if errors.As(err, &oe) {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Conflicting lock") || strings.Contains(msg, "Could not set lock"):
		return &OpenError{Message: fmt.Sprintf("файл базы %s занят другим процессом (например, запущенным cifra serve): "+
			"файл DuckDB открывает только один процесс — остановите его или используйте общую базу PostgreSQL (--db postgres://…)", path), Err: err}
	case strings.Contains(msg, "migration"):
		return &OpenError{Message: fmt.Sprintf("схему базы %s не удалось обновить", path), Err: err}
	}
	if dir := filepath.Dir(path); path != "" {
		if _, serr := os.Stat(dir); serr != nil {
			return &OpenError{Message: fmt.Sprintf("не удалось открыть базу %s: папки %s нет", path, dir), Err: err}
		}
	}
	return &OpenError{Message: fmt.Sprintf("не удалось открыть файл базы %s: проверьте путь и права на файл", path), Err: err}
}

// Close closes the database; on DuckDB it checkpoints the write-ahead log
// first.
func (s *Store) Close() error {
	if s.d.name() == "duckdb" {
		if _, err := s.db.Exec("CHECKPOINT"); err != nil {
			s.log.Warn("checkpoint failed", "err", err)
		}
	}
	return s.db.Close()
}

// DB exposes the handle to adapters that need raw SQL (benchmarks): its
// SQL is the dialect's own (Dialect).
func (s *Store) DB() *sql.DB { return s.db }

// Dialect is "duckdb" or "postgres".
func (s *Store) Dialect() string { return s.d.name() }

// Path is the DuckDB file ("" for in-memory) or the PostgreSQL DSN.
func (s *Store) Path() string { return s.path }

// SetMemoryLimit bounds DuckDB's memory (it spills beyond); PostgreSQL's
// memory is the server's configuration, so there it does nothing.
func (s *Store) SetMemoryLimit(ctx context.Context, limit string) error {
	if s.d.name() != "duckdb" {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `SET memory_limit = '`+strings.ReplaceAll(limit, "'", "")+`'`)
	return err
}

// exec, query and queryRow run SQL written with `?` placeholders on the
// pool.
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.d.rebind(q), s.args(args)...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.d.rebind(q), s.args(args)...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.d.rebind(q), s.args(args)...)
}

func (s *Store) args(args []any) []any {
	if s.d.name() == "postgres" {
		return pgArgs(args)
	}
	return args
}

// Generation is the data generation: it advances with every committed
// write, in the write's transaction, and is the same for every process on
// the database. Reading it costs one single-row query.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := s.queryRow(ctx, `SELECT generation FROM data_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("read data generation: %w", err)
	}
	return g, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number and '_'", name)
		}
		body, err := migrationFS.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %q and %q share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// migrate applies, in order and each in its own transaction, the embedded
// migrations of the dialect the database has not seen yet. On PostgreSQL
// an advisory lock keeps two processes starting at once from both
// applying one.
func (s *Store) migrate(ctx context.Context) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration: connect: %w", err)
	}
	defer c.Close()
	if s.d.name() == "postgres" {
		if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1, 0)`, int32(pgLockClass)); err != nil {
			return fmt.Errorf("migration: lock: %w", err)
		}
		defer c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, 0)`, int32(pgLockClass)) //nolint:errcheck // released with the session anyway
	}
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := loadMigrations(s.d.migrationDir())
	if err != nil {
		return err
	}
	applied := map[int]bool{}
	rows, err := c.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := s.applyMigration(ctx, c, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		s.log.Debug("applied migration", "name", m.name)
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, c *sql.Conn, m migration) error {
	if _, err := c.ExecContext(ctx, `BEGIN`); err != nil {
		return err
	}
	err := func() error {
		if report := migrationReports[s.d.name()+"/"+strconv.Itoa(m.version)]; report != nil {
			if err := report(ctx, s, c); err != nil {
				return err
			}
		}
		if _, err := c.ExecContext(ctx, m.sql); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, s.d.rebind(`INSERT INTO schema_migrations VALUES (?, ?, ?)`), m.version, m.name, time.Now().UTC())
		return err
	}()
	if err != nil {
		_, rerr := c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return errors.Join(err, rerr)
	}
	_, err = c.ExecContext(ctx, `COMMIT`)
	return err
}

// SchemaVersion is the highest applied migration of the dialect.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.queryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), err
}

// SetMeta stores a key/value setting (e.g. "synthetic" = "true").
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.write(ctx, famMeta, func(w *wtx) error {
		_, err := w.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	return nil
}

// Meta reads a setting; ok is false when it was never set.
func (s *Store) Meta(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read meta %s: %w", key, err)
	}
	return v, true, nil
}

// Synthetic reports whether the database holds generated demo data.
func (s *Store) Synthetic(ctx context.Context) bool {
	v, _, err := s.Meta(ctx, "synthetic")
	return err == nil && v == "true"
}

// Clear deletes every row of Cifra's tables, keeping the schema, in one
// transaction that advances the data generation (servers on the database
// drop what they cached). It is how `cifra demo` replaces a PostgreSQL
// database; a DuckDB file is simply removed instead. Tables are those of
// the store's schema (the search path's first), not the whole database.
func (s *Store) Clear(ctx context.Context) error {
	var q string
	switch s.d.name() {
	case "postgres":
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	default:
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'`
	}
	_, err := s.write(ctx, famCopy, func(w *wtx) error {
		var tables []string
		rows, err := w.query(ctx, q)
		if err != nil {
			return err
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			if t != "schema_migrations" && t != "data_generation" {
				tables = append(tables, t)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Strings(tables)
		for _, t := range tables {
			if _, err := w.exec(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("clear database: %w", err)
	}
	return nil
}
