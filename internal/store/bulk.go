package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"
)

// bulkLoad creates a temporary table on conn with the given column
// definitions and fills it through DuckDB's appender, which is two orders of
// magnitude faster than prepared inserts. fill calls add once per row.
// The caller moves the rows on with SQL and drops the table.
func bulkLoad(ctx context.Context, conn *sql.Conn, table, columns string, fill func(add func(vals ...driver.Value) error) error) error {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s (%s)`, table, columns)); err != nil {
		return fmt.Errorf("create %s: %w", table, err)
	}
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", table)
		if err != nil {
			return fmt.Errorf("appender %s: %w", table, err)
		}
		n := 0
		err = fill(func(vals ...driver.Value) error {
			n++
			if n%65536 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			return app.AppendRow(vals...)
		})
		return errors.Join(err, app.Close())
	})
}

// execAll runs statements in one transaction on conn.
func execAll(ctx context.Context, conn *sql.Conn, stmts ...stmt) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return errors.Join(fmt.Errorf("%s: %w", st.name, err), tx.Rollback())
		}
	}
	return tx.Commit()
}

type stmt struct {
	name string
	sql  string
	args []any
}

func dropTemp(conn *sql.Conn, table string) {
	_, _ = conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.`+table)
}
