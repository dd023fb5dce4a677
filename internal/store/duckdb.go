package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
)

// duckDialect is the embedded store: one process owns the file.
type duckDialect struct {
	// writer serialises write transactions. DuckDB's optimistic
	// concurrency fails one of two transactions that touch the same row
	// (the generation counter is touched by every write), and a
	// transaction must see every commit before it when it decides what is
	// new: so a write takes this before it begins. Only this process can
	// write the file, so a mutex is the whole lock.
	writer sync.Mutex
}

func (*duckDialect) name() string              { return "duckdb" }
func (*duckDialect) rebind(q string) string    { return q }
func (*duckDialect) migrationDir() string      { return "migrations/duckdb" }
func (*duckDialect) stmt(id stmtID) string     { return duckStmts[id] }
func (*duckDialect) typeName(t colType) string { return duckTypes[t] }

var duckTypes = map[colType]string{tText: "VARCHAR", tFloat: "DOUBLE", tInt: "BIGINT", tBool: "BOOLEAN", tTime: "TIMESTAMP", tDate: "DATE"}

func (d *duckDialect) createTemp(ctx context.Context, c *sql.Conn, name string, cols []column) error {
	_, err := c.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s (%s)`, name, colDefs(d, cols)))
	return err
}

func (*duckDialect) createTempAs(ctx context.Context, c *sql.Conn, name, query string, args ...any) error {
	_, err := c.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS %s`, name, query), args...)
	return err
}

func (*duckDialect) dropTemp(c *sql.Conn, name string) {
	_, _ = c.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.`+name)
}

// copyIn appends through DuckDB's appender, two orders of magnitude faster
// than prepared inserts.
func (d *duckDialect) copyIn(ctx context.Context, c *sql.Conn, table string, cols []column, fill fillFunc) error {
	return d.copyMulti(ctx, c, []copyTarget{{table, cols}}, func(add func(int, ...driver.Value) error) error {
		return fill(func(vals ...driver.Value) error { return add(0, vals...) })
	})
}

// copyMulti keeps one appender open per table. A table named temp.x is
// the temporary table x.
func (*duckDialect) copyMulti(ctx context.Context, c *sql.Conn, targets []copyTarget, fill multiFill) error {
	return c.Raw(func(dc any) error {
		apps := make([]*duckdb.Appender, len(targets))
		closeAll := func() error {
			var errs []error
			for i, a := range apps {
				if a != nil {
					errs = append(errs, a.Close())
					apps[i] = nil
				}
			}
			return errors.Join(errs...)
		}
		for i, t := range targets {
			catalog, name := "", t.table
			if tn, ok := strings.CutPrefix(t.table, "temp."); ok {
				catalog, name = "temp", tn
			}
			app, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), catalog, "main", name, columnNames(t.cols))
			if err != nil {
				return errors.Join(fmt.Errorf("appender %s: %w", t.table, err), closeAll())
			}
			apps[i] = app
		}
		n := 0
		err := fill(func(i int, vals ...driver.Value) error {
			n++
			if n%65536 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			return apps[i].AppendRow(vals...)
		})
		return errors.Join(err, closeAll())
	})
}

func columnNames(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

func (d *duckDialect) beginWrite(ctx context.Context, c *sql.Conn, _ family) (func(), error) {
	d.writer.Lock()
	if _, err := c.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		d.writer.Unlock()
		return nil, err
	}
	return d.writer.Unlock, nil
}

func (*duckDialect) bumpGeneration(ctx context.Context, c *sql.Conn) (int64, error) {
	var gen int64
	if err := c.QueryRowContext(ctx, `UPDATE data_generation SET generation = generation + 1 RETURNING generation`).Scan(&gen); err != nil {
		return 0, fmt.Errorf("advance generation: %w", err)
	}
	return gen, nil
}

// catchUpSequence draws the sequence up to the column's maximum: DuckDB
// has no setval, and a fresh sequence (the only kind a copy writes into)
// returns 1, 2, … so n draws leave it at n.
func (*duckDialect) catchUpSequence(ctx context.Context, c *sql.Conn, seq, table, col string) error {
	_, err := c.ExecContext(ctx, fmt.Sprintf(`SELECT max(nextval('%s')) FROM range((SELECT coalesce(max(%s), 0) FROM %s))`, seq, col, table))
	return err
}

func (*duckDialect) isUniqueViolation(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeConstraint
}

var duckStmts = map[stmtID]string{
	stmtSlotSummary: `INSERT INTO feed_slot_posts (snapshot, schedule, total, free, epgu, third_free, last_free, first_free)
		SELECT snapshot, schedule, count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu),
			min(start_at, 3) FILTER (WHERE status = 'free')[3], max(start_at) FILTER (WHERE status = 'free'),
			min(start_at) FILTER (WHERE status = 'free')
		FROM feed_slots WHERE snapshot = ? AND start_at >= snapshot AND status <> 'entered-in-error'
			AND schedule IN (SELECT schedule FROM summary_schedules)
		GROUP BY snapshot, schedule`,
	stmtSlotSummaryAll: `INSERT INTO feed_slot_posts (snapshot, schedule, total, free, epgu, third_free, last_free, first_free)
		SELECT snapshot, schedule, count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu),
			min(start_at, 3) FILTER (WHERE status = 'free')[3], max(start_at) FILTER (WHERE status = 'free'),
			min(start_at) FILTER (WHERE status = 'free')
		FROM feed_slots WHERE snapshot = ? AND start_at >= snapshot AND status <> 'entered-in-error'
		GROUP BY snapshot, schedule`,
	stmtAvailRows: `SELECT p.schedule, coalesce(sc.org_unit, ''), coalesce(sc.specialty, ''), coalesce(sc.active, true),
			p.total, p.free, p.epgu, epoch_us(p.first_free), epoch_us(p.third_free), epoch_us(p.last_free)
		FROM feed_slot_posts p LEFT JOIN feed_schedules sc ON sc.id = p.schedule
		WHERE p.snapshot = ?`,
}
