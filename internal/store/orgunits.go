package store

import (
	"context"
	"database/sql"
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
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO org_units
			(code, parent, level, name, short_name, type, okato, population, lat, lon, time_zone, settlement, groups)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, u := range units {
			if _, err := stmt.ExecContext(ctx, u.Code, u.Parent, int(u.Level), u.Name, u.ShortName, u.Type, u.OKATO,
				u.Population, u.Lat, u.Lon, u.TimeZone, u.Settlement, strings.Join(u.Groups, ",")); err != nil {
				return fmt.Errorf("save org unit %s: %w", u.Code, err)
			}
		}
		return nil
	})
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
