package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// wtx is a write transaction on one connection. Statements take `?`
// placeholders; temporary tables made through it are dropped when it ends.
type wtx struct {
	s     *Store
	c     *sql.Conn
	temps []string
	gen   int64 // the generation this write commits, once taken
}

// errNoWrite from a write's function rolls it back without error: a dry
// run, or nothing to change.
var errNoWrite = errors.New("nothing to write")

// generation advances the data generation now and returns the one this
// transaction commits, for rows that record it (the audit). Writes call it
// last: on PostgreSQL it holds the generation's row lock to the commit.
func (w *wtx) generation(ctx context.Context) (int64, error) {
	if w.gen == 0 {
		g, err := w.s.d.bumpGeneration(ctx, w.c)
		if err != nil {
			return 0, err
		}
		w.gen = g
	}
	return w.gen, nil
}

func (w *wtx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return w.c.ExecContext(ctx, w.s.d.rebind(q), w.s.args(args)...)
}

func (w *wtx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return w.c.QueryContext(ctx, w.s.d.rebind(q), w.s.args(args)...)
}

func (w *wtx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return w.c.QueryRowContext(ctx, w.s.d.rebind(q), w.s.args(args)...)
}

// temp creates (replacing) a temporary table.
func (w *wtx) temp(ctx context.Context, name string, cols []column) error {
	w.temps = append(w.temps, name)
	if err := w.s.d.createTemp(ctx, w.c, name, cols); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// tempAs creates (replacing) a temporary table from a query.
func (w *wtx) tempAs(ctx context.Context, name, query string, args ...any) error {
	w.temps = append(w.temps, name)
	if err := w.s.d.createTempAs(ctx, w.c, name, query, args...); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// copyIn bulk-loads rows into table (temp.x for a temporary table).
func (w *wtx) copyIn(ctx context.Context, table string, cols []column, fill fillFunc) error {
	if err := w.s.d.copyIn(ctx, w.c, table, cols, fill); err != nil {
		return fmt.Errorf("load %s: %w", strings.TrimPrefix(table, "temp."), err)
	}
	return nil
}

// write runs fn in a write transaction of family fam and commits it with
// the next data generation, which it returns. The transaction begins
// after the writers of the family before it have committed (see
// dialect.beginWrite), so what fn reads is what it writes over. Nothing is
// written when fn fails.
func (s *Store) write(ctx context.Context, fam family, fn func(w *wtx) error) (int64, error) {
	return s.writeTx(ctx, fam, true, nil, fn)
}

// writeTx is write; before, when set, runs on the connection before the
// transaction begins (and before the writers ahead have committed), for
// what must not run inside one.
func (s *Store) writeTx(ctx context.Context, fam family, bump bool, before, fn func(w *wtx) error) (gen int64, err error) {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	w := &wtx{s: s, c: c}
	defer func() {
		for _, t := range w.temps {
			s.d.dropTemp(c, t)
		}
	}()
	if before != nil {
		if err := before(w); err != nil {
			return 0, err
		}
	}
	release, err := s.d.beginWrite(ctx, c, fam)
	if err != nil {
		return 0, err
	}
	defer release()
	done := false
	defer func() {
		if !done {
			_, _ = c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	if err := fn(w); errors.Is(err, errNoWrite) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if bump {
		if _, err := w.generation(ctx); err != nil {
			return 0, err
		}
	}
	if _, err := c.ExecContext(ctx, `COMMIT`); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	done = true
	return w.gen, nil
}

// readConn runs fn on one connection of the pool (temporary tables are per
// connection), dropping the temporary tables it made.
func (s *Store) readConn(ctx context.Context, fn func(w *wtx) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	w := &wtx{s: s, c: c}
	defer func() {
		for _, t := range w.temps {
			s.d.dropTemp(c, t)
		}
	}()
	return fn(w)
}

// writeLoose runs fn in a plain transaction: no writers' lock, no new
// data generation. For rows no other write reads to decide what it writes
// (accounts, sessions), whose collisions the tables' keys catch.
func (s *Store) writeLoose(ctx context.Context, fn func(w *wtx) error) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `BEGIN`); err != nil {
		return err
	}
	if err := fn(&wtx{s: s, c: c}); err != nil {
		_, rerr := c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		return errors.Join(err, rerr)
	}
	if _, err := c.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
