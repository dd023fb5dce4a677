package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrationReports run in a migration's transaction before its SQL, by
// "<dialect>/<version>", to tell the operator what the migration changes
// in the data (not only the schema).
var migrationReports = map[string]func(ctx context.Context, s *Store, c *sql.Conn) error{
	"duckdb/8": reportDuplicates,
}

// duplicateKeys are the keys migration 008 makes unique (feed_slots keeps
// no index but loses its duplicates too).
var duplicateKeys = []struct{ table, key string }{
	{"data_values", "data_element, period, org_unit"},
	{"feed_schedules", "id"},
	{"feed_slots", "snapshot, id"},
	{"feed_appointments", "id"},
	{"feed_encounters", "id"},
	{"feed_documents", "id"},
	{"feed_referrals", "id"},
}

// reportDuplicates counts the rows migration 008 removes, and logs them: a
// warning when there are any (concurrent writes had stored a key twice).
func reportDuplicates(ctx context.Context, s *Store, c *sql.Conn) error {
	var found []string
	var args []any
	for _, k := range duplicateKeys {
		var n int64
		if err := c.QueryRowContext(ctx, fmt.Sprintf(`SELECT coalesce(sum(n - 1), 0) FROM (
			SELECT count(*) AS n FROM %s GROUP BY %s HAVING count(*) > 1) d`, k.table, k.key)).Scan(&n); err != nil {
			return fmt.Errorf("count duplicates in %s: %w", k.table, err)
		}
		args = append(args, k.table, n)
		if n > 0 {
			found = append(found, fmt.Sprintf("%s: %d", k.table, n))
		}
	}
	if len(found) == 0 {
		s.log.Info("migration 008: one row per key; no duplicated rows", args...)
		return nil
	}
	s.log.Warn("migration 008: duplicated rows removed, the newest kept (data values: latest update; feed: last stored) — "+
		strings.Join(found, ", "), args...)
	return nil
}
