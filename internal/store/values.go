package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/period"
)

// ImportOptions describe one import.
type ImportOptions struct {
	Actor  string // who imports: a login, or the OS user on the CLI
	Source string // file name, "form", "api", "demo"
	Format string
	DryRun bool // compute the summary, write nothing
	// SkipLocked leaves locked values (accepted, or in a closed period) as
	// they are and counts them, instead of refusing the import: for values
	// derived automatically, such as the feed's measures, which must not
	// override accepted data nor stop at it.
	SkipLocked bool
}

// ImportSummary counts what an import did (or would do, on a dry run).
type ImportSummary struct {
	Imported int64 `json:"imported"`         // new values
	Updated  int64 `json:"updated"`          // existing values whose value or comment changed
	Ignored  int64 `json:"ignored"`          // values equal to what is stored
	Locked   int64 `json:"locked,omitempty"` // changes to locked values left out (SkipLocked)
	DryRun   bool  `json:"dry_run"`
}

// ImportValues merges values into the store atomically: either every value
// is written (with an audit row per change) or none is. The values must have
// been validated (datavalue readers do that); duplicates within vals are an
// error.
func (s *Store) ImportValues(ctx context.Context, vals []datavalue.Value, opt ImportOptions) (ImportSummary, error) {
	sum := ImportSummary{DryRun: opt.DryRun}
	t0 := time.Now()
	lap := func(step string) {
		s.log.Debug("import step", "source", opt.Source, "step", step, "values", len(vals), "elapsed", time.Since(t0))
	}
	if opt.Actor == "" {
		opt.Actor = "unknown"
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return sum, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	defer conn.Close()
	// Values go to a staging table through the appender; one join against
	// data_values then classifies every value (new, changed, unchanged) and
	// the summary, audit and merge all read that one result.
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE staging (
		data_element VARCHAR, period VARCHAR, org_unit VARCHAR, value DOUBLE, comment VARCHAR)`); err != nil {
		return sum, fmt.Errorf("import %s: staging: %w", opt.Source, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.staging`)         //nolint:errcheck // best effort
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.staging_periods`) //nolint:errcheck // best effort
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.merged`)          //nolint:errcheck // best effort
	if err := appendStaging(ctx, conn, vals); err != nil {
		return sum, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	lap("staged")
	var dups int64
	var dupKey sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT count(*), any_value(data_element || ' ' || period || ' ' || org_unit) FROM (
		SELECT data_element, period, org_unit FROM staging GROUP BY ALL HAVING count(*) > 1)`).Scan(&dups, &dupKey); err != nil {
		return sum, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	if dups > 0 {
		return sum, fmt.Errorf("import %s: %d duplicated values (e.g. %s)", opt.Source, dups, dupKey.String)
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE merged AS
		SELECT s.*, d.value AS old_value, d.value IS NULL AS is_new,
			(d.value IS NULL OR d.value <> s.value OR coalesce(d.comment,'') <> coalesce(s.comment,'')) AS changed
		FROM staging s LEFT JOIN data_values d USING (data_element, period, org_unit)`); err != nil {
		return sum, fmt.Errorf("import %s: compare: %w", opt.Source, err)
	}
	// A change to a value locked by an accepted approval or a closed period
	// refuses the whole import, dry run included; values sent again
	// unchanged are merely ignored, so a full file can be re-sent. The gate
	// keeps a lock from being committed between this check and the commit
	// below (see lockGate).
	lockGate.RLock()
	defer lockGate.RUnlock()
	if opt.SkipLocked {
		if sum.Locked, err = dropLocked(ctx, conn, opt.Source); err != nil {
			return sum, err
		}
	} else if err := checkLocks(ctx, conn, opt.Source); err != nil {
		return sum, err
	}
	lap("lock-checked")
	if err := conn.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE is_new),
		count(*) FILTER (WHERE changed AND NOT is_new),
		count(*) FILTER (WHERE NOT changed)
		FROM merged`).Scan(&sum.Imported, &sum.Updated, &sum.Ignored); err != nil {
		return sum, fmt.Errorf("import %s: summary: %w", opt.Source, err)
	}
	lap("summarised")
	if opt.DryRun || sum.Imported+sum.Updated == 0 {
		return sum, nil
	}
	now := time.Now().UTC()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return sum, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	steps := []struct {
		name string
		sql  string
		args []any
	}{
		{"audit", `INSERT INTO data_value_audit SELECT ?, ?, ?, data_element, period, org_unit, old_value, value
			FROM merged WHERE changed`, []any{now, opt.Actor, opt.Source}},
		{"insert", `INSERT INTO data_values SELECT m.data_element, m.period, m.org_unit, m.value, m.comment,
			p.period_start, p.period_end, ?, ?
			FROM merged m JOIN staging_periods p USING (period) WHERE m.is_new`, []any{opt.Source, now}},
		{"log", `INSERT INTO imports (imported_at, actor, source, format, imported, updated, ignored) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			[]any{now, opt.Actor, opt.Source, opt.Format, sum.Imported, sum.Updated, sum.Ignored}},
	}
	if sum.Updated > 0 {
		steps = append(steps, struct {
			name string
			sql  string
			args []any
		}{"update", `UPDATE data_values d SET value = m.value, comment = m.comment, source = ?, updated_at = ?
			FROM merged m WHERE m.changed AND NOT m.is_new
			AND d.data_element = m.data_element AND d.period = m.period AND d.org_unit = m.org_unit`, []any{opt.Source, now}})
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return sum, errors.Join(fmt.Errorf("import %s: %s: %w", opt.Source, st.name, err), tx.Rollback())
		}
		lap(st.name)
	}
	if err := tx.Commit(); err != nil {
		return sum, fmt.Errorf("import %s: commit: %w", opt.Source, err)
	}
	lap("committed")
	return sum, nil
}

// appendStaging bulk-loads values through DuckDB's appender, which is an
// order of magnitude faster than prepared inserts, and records each
// distinct period's date range in staging_periods (a handful of rows, so
// the dates are not converted once per value).
func appendStaging(ctx context.Context, conn *sql.Conn, vals []datavalue.Value) error {
	periods := map[string][2]time.Time{}
	err := conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "staging")
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		for i, v := range vals {
			if i%65536 == 0 && ctx.Err() != nil {
				app.Close()
				return ctx.Err()
			}
			if _, ok := periods[v.Period]; !ok {
				p, err := period.Parse(v.Period)
				if err != nil {
					app.Close()
					return fmt.Errorf("value %d: %w", i+1, err)
				}
				periods[v.Period] = [2]time.Time{p.Start(), p.End()}
			}
			var comment any
			if v.Comment != "" {
				comment = v.Comment
			}
			if err := app.AppendRow(v.DataElement, v.Period, v.OrgUnit, v.Value, comment); err != nil {
				app.Close()
				return fmt.Errorf("append value %d: %w", i+1, err)
			}
		}
		return app.Close()
	})
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE staging_periods (period VARCHAR, period_start DATE, period_end DATE)`); err != nil {
		return fmt.Errorf("staging periods: %w", err)
	}
	for id, se := range periods {
		if _, err := conn.ExecContext(ctx, `INSERT INTO staging_periods VALUES (?, ?, ?)`, id, se[0], se[1]); err != nil {
			return fmt.Errorf("staging period %s: %w", id, err)
		}
	}
	return nil
}

// ValueFilter selects data values. Empty fields select everything.
type ValueFilter struct {
	DataElements []string
	OrgUnits     []string
	Within       *period.Period // values whose period lies inside this one
}

// StoredValue is a data value as read back.
type StoredValue struct {
	DataElement, Period, OrgUnit string
	Value                        float64
	Comment                      string
}

// EachValue streams the values matching f to fn in no particular order.
func (s *Store) EachValue(ctx context.Context, f ValueFilter, fn func(StoredValue) error) error {
	var where []string
	var args []any
	if len(f.DataElements) > 0 {
		where = append(where, "data_element IN ("+placeholders(len(f.DataElements))+")")
		for _, d := range f.DataElements {
			args = append(args, d)
		}
	}
	if len(f.OrgUnits) > 0 {
		where = append(where, "org_unit IN ("+placeholders(len(f.OrgUnits))+")")
		for _, o := range f.OrgUnits {
			args = append(args, o)
		}
	}
	if f.Within != nil {
		where = append(where, "period_start >= ? AND period_end <= ?")
		args = append(args, f.Within.Start(), f.Within.End())
	}
	q := `SELECT data_element, period, org_unit, value, coalesce(comment, '') FROM data_values`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v StoredValue
		if err := rows.Scan(&v.DataElement, &v.Period, &v.OrgUnit, &v.Value, &v.Comment); err != nil {
			return fmt.Errorf("read values: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Periods lists the distinct periods that have data, sorted by start.
func (s *Store) Periods(ctx context.Context) ([]period.Period, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT period, period_start, period_end FROM data_values ORDER BY period_start, period_end`)
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	defer rows.Close()
	var out []period.Period
	for rows.Next() {
		var id string
		var a, b time.Time
		if err := rows.Scan(&id, &a, &b); err != nil {
			return nil, err
		}
		p, err := period.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("stored period %q: %w", id, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountValues is the number of stored data values.
func (s *Store) CountValues(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM data_values`).Scan(&n)
	return n, err
}

// AuditEntry is one recorded change of a data value.
type AuditEntry struct {
	At                           time.Time
	Actor, Source                string
	DataElement, Period, OrgUnit string
	Old                          *float64
	New                          float64
}

// Audit lists the recorded changes for one org unit (all when empty), newest first.
func (s *Store) Audit(ctx context.Context, orgUnit string, limit int) ([]AuditEntry, error) {
	q := `SELECT changed_at, actor, source, data_element, period, org_unit, old_value, new_value FROM data_value_audit`
	var args []any
	if orgUnit != "" {
		q += ` WHERE org_unit = ?`
		args = append(args, orgUnit)
	}
	q += ` ORDER BY changed_at DESC, data_element, period LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var old sql.NullFloat64
		if err := rows.Scan(&e.At, &e.Actor, &e.Source, &e.DataElement, &e.Period, &e.OrgUnit, &old, &e.New); err != nil {
			return nil, err
		}
		if old.Valid {
			e.Old = &old.Float64
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
