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
	_, err := s.write(ctx, famUnits, func(w *wtx) error {
		if err := w.temp(ctx, "ou_staging", orgUnitCols); err != nil {
			return err
		}
		err := w.copyIn(ctx, "temp.ou_staging", orgUnitCols, func(add func(...driver.Value) error) error {
			for _, u := range units {
				if err := add(u.Code, u.Parent, int64(u.Level), u.Name, u.ShortName, u.Type, u.OKATO, u.Population,
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
		if err := w.queryRow(ctx, `SELECT min(code) FROM (SELECT code FROM ou_staging GROUP BY code HAVING count(*) > 1) d`).Scan(&dup); err != nil {
			return err
		}
		if dup.Valid {
			return fmt.Errorf("save org units: code %s appears twice", dup.String)
		}
		cols := colNames(orgUnitCols)
		var set []string
		for _, c := range orgUnitCols[1:] {
			set = append(set, c.name+" = excluded."+c.name)
		}
		_, err = w.exec(ctx, `INSERT INTO org_units (`+cols+`) SELECT `+cols+` FROM ou_staging
			ON CONFLICT (code) DO UPDATE SET `+strings.Join(set, ", "))
		return err
	})
	return err
}

var orgUnitCols = []column{{"code", tText}, {"parent", tText}, {"level", tInt}, {"name", tText}, {"short_name", tText},
	{"type", tText}, {"okato", tText}, {"population", tInt}, {"lat", tFloat}, {"lon", tFloat}, {"time_zone", tText},
	{"settlement", tText}, {"groups", tText}}

// SaveGroups inserts or replaces organisation-unit groups (membership is
// stored on the units).
func (s *Store) SaveGroups(ctx context.Context, groups []orgunit.Group) error {
	_, err := s.write(ctx, famUnits, func(w *wtx) error {
		for _, g := range groups {
			if _, err := w.exec(ctx, `INSERT INTO org_unit_groups (code, name) VALUES (?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name`, g.Code, g.Name); err != nil {
				return fmt.Errorf("save group %s: %w", g.Code, err)
			}
		}
		return nil
	})
	return err
}

// Hierarchy is the reference hierarchy with every stored group and unit
// added, parents before children.
func (s *Store) Hierarchy(ctx context.Context) (*orgunit.Hierarchy, error) {
	h, err := orgunit.Reference()
	if err != nil {
		return nil, err
	}
	grows, err := s.query(ctx, `SELECT code, name FROM org_unit_groups ORDER BY code`)
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
	rows, err := s.query(ctx, `SELECT code, parent, level, name, coalesce(short_name,''), coalesce(type,''),
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
