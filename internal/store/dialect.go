package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"
	"strings"
)

// dialect is everything that differs between the two databases Cifra
// stores its data in: DuckDB (an embedded file, one process) and PostgreSQL
// (a server shared by processes). The store's methods are written once over
// database/sql with `?` placeholders and SQL both understand; what they
// cannot share goes through this interface, implemented in duckdb.go and
// postgres.go and nowhere else:
//
//   - placeholders (rebind: `?` for DuckDB, `$n` for PostgreSQL);
//   - column types of temporary tables (typeName) and how temporary tables
//     are made and dropped (createTemp, dropTemp);
//   - bulk loads (copyIn: DuckDB's appender, PostgreSQL's COPY through pgx);
//   - how writers are serialised (beginWrite: a mutex of the Store on
//     DuckDB, whose one process is the only writer; a transaction-scoped
//     advisory lock per family of tables on PostgreSQL, shared by every
//     process) and how a write advances the data generation
//     (bumpGeneration; PostgreSQL also notifies listeners at commit);
//   - the few statements written twice (stmt), such as the per-post slot
//     summary, which DuckDB computes with a top-N aggregate PostgreSQL
//     lacks;
//   - migrations (each dialect has its own embedded directory) and the
//     sequences a copied database must catch up (catchUpSequence).
type dialect interface {
	// name is "duckdb" or "postgres".
	name() string
	rebind(q string) string
	typeName(t colType) string
	createTemp(ctx context.Context, c *sql.Conn, name string, cols []column) error
	createTempAs(ctx context.Context, c *sql.Conn, name, query string, args ...any) error
	dropTemp(c *sql.Conn, name string)
	copyIn(ctx context.Context, c *sql.Conn, table string, cols []column, fill fillFunc) error
	copyMulti(ctx context.Context, c *sql.Conn, targets []copyTarget, fill multiFill) error
	beginWrite(ctx context.Context, c *sql.Conn, fam family) (release func(), err error)
	bumpGeneration(ctx context.Context, c *sql.Conn) (generation int64, err error)
	stmt(id stmtID) string
	catchUpSequence(ctx context.Context, c *sql.Conn, seq, table, col string) error
	migrationDir() string
	// isUniqueViolation reports a duplicate key error.
	isUniqueViolation(err error) bool
}

// family names a group of tables whose writers must not interleave: on
// PostgreSQL each family has its own advisory lock, so a feed load and a
// form save run side by side while two imports take turns.
type family int

const (
	famValues  family = iota + 1 // data values, their audit, approvals, locks, closed periods
	famFeed                      // feed tables and their summaries
	famResults                   // methodologies, results, published results
	famUnits                     // organisation units and groups
	famAuth                      // accounts, sessions, tokens
	famMeta                      // settings
	famCopy                      // a whole-database copy (cifra store copy)
)

// colType is the type of a column of a bulk load.
type colType int

const (
	tText colType = iota
	tFloat
	tInt // BIGINT: Go int64
	tBool
	tTime // TIMESTAMP (UTC): Go time.Time
	tDate // DATE: Go time.Time at midnight UTC
)

// column is a column of a bulk load or a temporary table.
type column struct {
	name string
	t    colType
}

// fillFunc produces the rows of a bulk load by calling add once a row with
// the values in column order: string, float64, int64, bool, time.Time or
// nil for NULL. The slice passed to add is not kept.
type fillFunc func(add func(vals ...driver.Value) error) error

// copyTarget is one table of a bulk load into several tables.
type copyTarget struct {
	table string
	cols  []column
}

// multiFill produces the rows of a load into several tables: add takes the
// index of the target and the row.
type multiFill func(add func(target int, vals ...driver.Value) error) error

// stmtID names a statement written once per dialect.
type stmtID int

const (
	// stmtSlotSummary inserts the per-post summary of snapshot ?1 for the
	// schedules in the temporary table summary_schedules (all when the
	// table is not used: stmtSlotSummaryAll).
	stmtSlotSummary stmtID = iota
	stmtSlotSummaryAll
	// stmtAvailRows reads the per-post summary of snapshot ? with starts
	// as epoch microseconds (FeedAvailability).
	stmtAvailRows
)

// colDefs renders columns as a column list of CREATE TABLE.
func colDefs(d dialect, cols []column) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.name)
		b.WriteByte(' ')
		b.WriteString(d.typeName(c.t))
	}
	return b.String()
}

// colNames renders the names of columns, comma-separated.
func colNames(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// rebindDollar rewrites `?` placeholders as `$1`, `$2`, … outside quoted
// strings, quoted identifiers and comments.
func rebindDollar(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
