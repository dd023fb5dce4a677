package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

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
	// Generation is the data generation the import committed (0 when it
	// wrote nothing).
	Generation int64 `json:"-"`
}

var stagingCols = []column{{"seq", tInt}, {"data_element", tText}, {"period", tText}, {"org_unit", tText}, {"value", tFloat}, {"comment", tText}}

// ImportValues merges values into the store atomically: either every value
// is written (with an audit row per change) or none is. The values must have
// been validated (datavalue readers do that); duplicates within vals are an
// error. What is new, changed or unchanged is decided inside the write
// transaction, after the imports before it have committed, and values are
// upserted on their key (element, period, unit): concurrent imports of the
// same keys leave one row per key with the value of the last to commit,
// and each change once in the audit.
func (s *Store) ImportValues(ctx context.Context, vals []datavalue.Value, opt ImportOptions) (ImportSummary, error) {
	sum := ImportSummary{DryRun: opt.DryRun}
	t0 := time.Now()
	lap := func(step string) {
		s.log.Debug("import step", "source", opt.Source, "step", step, "values", len(vals), "elapsed", time.Since(t0))
	}
	if opt.Actor == "" {
		opt.Actor = "unknown"
	}
	periods, err := valuePeriods(vals)
	if err != nil {
		return sum, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	gen, err := s.write(ctx, famValues, func(w *wtx) error {
		// Values go to a staging table through the bulk loader; one join
		// against data_values then classifies every value (new, changed,
		// unchanged) and the summary, audit and merge all read that one
		// result.
		if err := w.temp(ctx, "staging", stagingCols); err != nil {
			return err
		}
		if err := w.copyIn(ctx, "temp.staging", stagingCols, func(add func(...driver.Value) error) error {
			for i, v := range vals {
				var comment any
				if v.Comment != "" {
					comment = v.Comment
				}
				if err := add(int64(i+1), v.DataElement, v.Period, v.OrgUnit, v.Value, comment); err != nil {
					return fmt.Errorf("value %d: %w", i+1, err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if err := stagePeriods(ctx, w, periods); err != nil {
			return err
		}
		lap("staged")
		var dups int64
		var dupKey sql.NullString
		if err := w.queryRow(ctx, `SELECT count(*), min(data_element || ' ' || period || ' ' || org_unit) FROM (
			SELECT data_element, period, org_unit FROM staging GROUP BY data_element, period, org_unit HAVING count(*) > 1) d`).Scan(&dups, &dupKey); err != nil {
			return err
		}
		if dups > 0 {
			return fmt.Errorf("%d duplicated values (e.g. %s)", dups, dupKey.String)
		}
		if err := w.tempAs(ctx, "merged", `SELECT s.seq, s.data_element, s.period, s.org_unit, s.value, s.comment,
				d.value AS old_value, d.value IS NULL AS is_new,
				(d.value IS NULL OR d.value <> s.value OR coalesce(d.comment,'') <> coalesce(s.comment,'')) AS changed
			FROM staging s LEFT JOIN data_values d USING (data_element, period, org_unit)`); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
		// A change to a value locked by an accepted approval or a closed
		// period refuses the whole import, dry run included; values sent
		// again unchanged are merely ignored, so a full file can be
		// re-sent. Locks are written by the same family of writers, so
		// none can appear between this check and the commit.
		if opt.SkipLocked {
			n, err := dropLocked(ctx, w)
			if err != nil {
				return err
			}
			sum.Locked = n
		} else if err := checkLocks(ctx, w); err != nil {
			return err
		}
		lap("lock-checked")
		if err := w.queryRow(ctx, `SELECT
			count(*) FILTER (WHERE is_new),
			count(*) FILTER (WHERE changed AND NOT is_new),
			count(*) FILTER (WHERE NOT changed)
			FROM merged`).Scan(&sum.Imported, &sum.Updated, &sum.Ignored); err != nil {
			return fmt.Errorf("summary: %w", err)
		}
		lap("summarised")
		if opt.DryRun || sum.Imported+sum.Updated == 0 {
			return errNoWrite
		}
		now := time.Now().UTC()
		if _, err := w.exec(ctx, `INSERT INTO data_values (data_element, period, org_unit, value, comment, period_start, period_end, source, updated_at)
			SELECT m.data_element, m.period, m.org_unit, m.value, m.comment, p.period_start, p.period_end, ?::VARCHAR, ?::TIMESTAMP
			FROM merged m JOIN staging_periods p USING (period) WHERE m.changed
			ON CONFLICT (data_element, period, org_unit) DO UPDATE SET value = excluded.value, comment = excluded.comment,
				source = excluded.source, updated_at = excluded.updated_at`, opt.Source, now); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		lap("merged")
		if _, err := w.exec(ctx, `INSERT INTO imports (imported_at, actor, source, format, imported, updated, ignored) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			now, opt.Actor, opt.Source, opt.Format, sum.Imported, sum.Updated, sum.Ignored); err != nil {
			return fmt.Errorf("log: %w", err)
		}
		gen, err := w.generation(ctx)
		if err != nil {
			return err
		}
		if _, err := w.exec(ctx, `INSERT INTO data_value_audit (changed_at, actor, source, data_element, period, org_unit, old_value, new_value, generation)
			SELECT ?::TIMESTAMP, ?::VARCHAR, ?::VARCHAR, data_element, period, org_unit, old_value, value, ?::BIGINT FROM merged WHERE changed`,
			now, opt.Actor, opt.Source, gen); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		lap("audited")
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	sum.Generation = gen
	lap("committed")
	return sum, nil
}

// valuePeriods parses each distinct period of vals once.
func valuePeriods(vals []datavalue.Value) (map[string]period.Period, error) {
	out := map[string]period.Period{}
	for i, v := range vals {
		if _, ok := out[v.Period]; ok {
			continue
		}
		p, err := period.Parse(v.Period)
		if err != nil {
			return nil, fmt.Errorf("value %d: %w", i+1, err)
		}
		out[v.Period] = p
	}
	return out, nil
}

var stagingPeriodCols = []column{{"period", tText}, {"period_start", tDate}, {"period_end", tDate}}

// stagePeriods records each distinct period's date range in
// staging_periods (a handful of rows, so the dates are not converted once
// per value).
func stagePeriods(ctx context.Context, w *wtx, periods map[string]period.Period) error {
	if err := w.temp(ctx, "staging_periods", stagingPeriodCols); err != nil {
		return err
	}
	return w.copyIn(ctx, "temp.staging_periods", stagingPeriodCols, func(add func(...driver.Value) error) error {
		for id, p := range periods {
			if err := add(id, p.Start(), p.End()); err != nil {
				return err
			}
		}
		return nil
	})
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
	rows, err := s.query(ctx, q, args...)
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
	rows, err := s.query(ctx, `SELECT DISTINCT period, period_start, period_end FROM data_values ORDER BY period_start, period_end`)
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
	err := s.queryRow(ctx, `SELECT count(*) FROM data_values`).Scan(&n)
	return n, err
}

// AuditEntry is one recorded change of a data value.
type AuditEntry struct {
	At                           time.Time
	Actor, Source                string
	DataElement, Period, OrgUnit string
	Old                          *float64
	New                          float64
	Generation                   int64 // of the write that made the change; 0 before migration 008
}

// Audit lists the recorded changes for one org unit (all when empty), newest first.
func (s *Store) Audit(ctx context.Context, orgUnit string, limit int) ([]AuditEntry, error) {
	q := `SELECT changed_at, actor, source, data_element, period, org_unit, old_value, new_value, coalesce(generation, 0) FROM data_value_audit`
	var args []any
	if orgUnit != "" {
		q += ` WHERE org_unit = ?`
		args = append(args, orgUnit)
	}
	q += ` ORDER BY changed_at DESC, data_element, period LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var old sql.NullFloat64
		if err := rows.Scan(&e.At, &e.Actor, &e.Source, &e.DataElement, &e.Period, &e.OrgUnit, &old, &e.New, &e.Generation); err != nil {
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
