package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/cifra-health/cifra/internal/orgunit"
)

// SaveOrgUnits inserts or replaces units below the region level in one
// transaction. Reference units (federation, districts, regions) are rejected:
// they come from the embedded reference data.
func (s *Store) SaveOrgUnits(ctx context.Context, units []orgunit.Unit) error {
	for _, u := range units {
		if u.Level < orgunit.Organisation {
			return fmt.Errorf("save org unit %s: level %s comes from reference data and cannot be stored", u.Code, u.Level)
		}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	defer dropTemp(conn, "ou_staging")
	err = bulkLoad(ctx, conn, "ou_staging", `code VARCHAR, parent VARCHAR, level INTEGER, name VARCHAR, short_name VARCHAR,
		type VARCHAR, okato VARCHAR, population BIGINT, lat DOUBLE, lon DOUBLE, time_zone VARCHAR, settlement VARCHAR, groups VARCHAR`,
		func(add func(...driver.Value) error) error {
			for _, u := range units {
				if err := add(u.Code, u.Parent, int32(u.Level), u.Name, u.ShortName, u.Type, u.OKATO, u.Population,
					u.Lat, u.Lon, u.TimeZone, u.Settlement, strings.Join(u.Groups, ",")); err != nil {
					return fmt.Errorf("save org unit %s: %w", u.Code, err)
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	var dup sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT any_value(code) FROM (SELECT code FROM ou_staging GROUP BY code HAVING count(*) > 1)`).Scan(&dup); err != nil {
		return err
	}
	if dup.Valid {
		return fmt.Errorf("save org units: code %s appears twice", dup.String)
	}
	return execAll(ctx, conn,
		stmt{"replace org units", `DELETE FROM org_units WHERE code IN (SELECT code FROM ou_staging)`, nil},
		stmt{"insert org units", `INSERT INTO org_units SELECT * FROM ou_staging`, nil})
}

// SaveGroups inserts or replaces organisation-unit groups (membership is
// stored on the units).
func (s *Store) SaveGroups(ctx context.Context, groups []orgunit.Group) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, g := range groups {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO org_unit_groups VALUES (?, ?)`, g.Code, g.Name); err != nil {
				return fmt.Errorf("save group %s: %w", g.Code, err)
			}
		}
		return nil
	})
}

// Hierarchy is the reference hierarchy with every stored group and unit
// added, parents before children.
func (s *Store) Hierarchy(ctx context.Context) (*orgunit.Hierarchy, error) {
	h, err := orgunit.Reference()
	if err != nil {
		return nil, err
	}
	grows, err := s.db.QueryContext(ctx, `SELECT code, name FROM org_unit_groups ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	for grows.Next() {
		var g orgunit.Group
		if err := grows.Scan(&g.Code, &g.Name); err != nil {
			grows.Close()
			return nil, err
		}
		if err := h.AddGroup(g); err != nil {
			grows.Close()
			return nil, fmt.Errorf("read groups: %w", err)
		}
	}
	grows.Close()
	if err := grows.Err(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT code, parent, level, name, coalesce(short_name,''), coalesce(type,''),
		coalesce(okato,''), coalesce(population,0), coalesce(lat,0), coalesce(lon,0), coalesce(time_zone,''),
		coalesce(settlement,''), coalesce(groups,'') FROM org_units ORDER BY level, code`)
	if err != nil {
		return nil, fmt.Errorf("read org units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u orgunit.Unit
		var level int
		var groups string
		if err := rows.Scan(&u.Code, &u.Parent, &level, &u.Name, &u.ShortName, &u.Type, &u.OKATO, &u.Population,
			&u.Lat, &u.Lon, &u.TimeZone, &u.Settlement, &groups); err != nil {
			return nil, fmt.Errorf("read org units: %w", err)
		}
		u.Level = orgunit.Level(level)
		if groups != "" {
			u.Groups = strings.Split(groups, ",")
		}
		if err := h.Add(u); err != nil {
			return nil, fmt.Errorf("read org units: %w", err)
		}
	}
	return h, rows.Err()
}
