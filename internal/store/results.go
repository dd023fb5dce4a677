package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"time"
)

// MethodologyVersion is one stored version of a methodology file. The
// table only ever grows, so it doubles as the audit log of methodology
// changes.
type MethodologyVersion struct {
	ID, Version, Name, Source string
	Body                      []byte
	LoadedAt                  time.Time
	// LoadedBy is who stored the version: a login, the OS user of a CLI
	// command, or "system" (the default) for the built-ins loaded at start.
	LoadedBy string
}

// SaveMethodology records a methodology version. Saving the same id and
// version again with a different body is refused: a changed file needs a new
// version so that every stored result keeps pointing at what produced it.
func (s *Store) SaveMethodology(ctx context.Context, m MethodologyVersion) (bool, error) {
	if m.LoadedAt.IsZero() {
		m.LoadedAt = time.Now().UTC()
	}
	if m.LoadedBy == "" {
		m.LoadedBy = "system"
	}
	added := false
	_, err := s.write(ctx, famResults, func(w *wtx) error {
		var body string
		err := w.queryRow(ctx, `SELECT body FROM methodologies WHERE id = ? AND version = ?`, m.ID, m.Version).Scan(&body)
		switch {
		case err == nil:
			if body != string(m.Body) {
				return fmt.Errorf("methodology %s version %s is already stored with different content: give the changed file a new version", m.ID, m.Version)
			}
			return errNoWrite
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("save methodology %s: %w", m.ID, err)
		}
		_, err = w.exec(ctx, `INSERT INTO methodologies (id, version, name, source, body, loaded_at, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Version, m.Name, m.Source, string(m.Body), m.LoadedAt, m.LoadedBy)
		if err != nil {
			return fmt.Errorf("save methodology %s: %w", m.ID, err)
		}
		added = true
		return nil
	})
	return added, err
}

// MethodologyVersions lists stored versions, newest load first, of one
// methodology (all when id is empty).
func (s *Store) MethodologyVersions(ctx context.Context, id string) ([]MethodologyVersion, error) {
	q := `SELECT id, version, name, source, body, loaded_at, coalesce(loaded_by, 'system') FROM methodologies`
	var args []any
	if id != "" {
		q += ` WHERE id = ?`
		args = append(args, id)
	}
	q += ` ORDER BY id, loaded_at DESC, version DESC`
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list methodologies: %w", err)
	}
	defer rows.Close()
	var out []MethodologyVersion
	for rows.Next() {
		var m MethodologyVersion
		var body string
		if err := rows.Scan(&m.ID, &m.Version, &m.Name, &m.Source, &body, &m.LoadedAt, &m.LoadedBy); err != nil {
			return nil, err
		}
		m.Body = []byte(body)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ResultDoc is a computed result stored as one JSON document.
type ResultDoc struct {
	Methodology, Version, Period string
	ComputedAt                   time.Time
	Synthetic                    bool
	Body                         []byte
}

// ScoreRow is one unit's score at one node, for analytics.
type ScoreRow struct {
	OrgUnit, Node string
	Score         float64 // NaN stored as NULL
	Rank          int     // 0 stored as NULL
}

var scoreCols = []column{{"org_unit", tText}, {"node", tText}, {"score", tFloat}, {"rank", tInt}}

// SaveResult replaces the result of a methodology for a period.
func (s *Store) SaveResult(ctx context.Context, doc ResultDoc, scores []ScoreRow) error {
	_, err := s.write(ctx, famResults, func(w *wtx) error {
		if err := w.temp(ctx, "score_staging", scoreCols); err != nil {
			return err
		}
		err := w.copyIn(ctx, "temp.score_staging", scoreCols, func(add func(...driver.Value) error) error {
			for _, r := range scores {
				var score, rank any
				if !math.IsNaN(r.Score) {
					score = r.Score
				}
				if r.Rank > 0 {
					rank = int64(r.Rank)
				}
				if err := add(r.OrgUnit, r.Node, score, rank); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, st := range []struct {
			name, sql string
			args      []any
		}{
			{"delete result", `DELETE FROM results WHERE methodology = ? AND period = ?`, []any{doc.Methodology, doc.Period}},
			{"delete scores", `DELETE FROM result_scores WHERE methodology = ? AND period = ?`, []any{doc.Methodology, doc.Period}},
			{"insert result", `INSERT INTO results (methodology, version, period, computed_at, synthetic, body) VALUES (?, ?, ?, ?, ?, ?)`,
				[]any{doc.Methodology, doc.Version, doc.Period, doc.ComputedAt, doc.Synthetic, string(doc.Body)}},
			{"insert scores", `INSERT INTO result_scores (methodology, version, period, org_unit, node, score, rank)
				SELECT ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, org_unit, node, score, rank FROM score_staging`,
				[]any{doc.Methodology, doc.Version, doc.Period}},
		} {
			if _, err := w.exec(ctx, st.sql, st.args...); err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save result %s %s: %w", doc.Methodology, doc.Period, err)
	}
	return nil
}

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// Result reads the stored result of a methodology for a period.
func (s *Store) Result(ctx context.Context, methodology, period string) (ResultDoc, error) {
	var d ResultDoc
	var body string
	err := s.queryRow(ctx, `SELECT methodology, version, period, computed_at, synthetic, body FROM results
		WHERE methodology = ? AND period = ?`, methodology, period).Scan(&d.Methodology, &d.Version, &d.Period, &d.ComputedAt, &d.Synthetic, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("result %s for %s: %w", methodology, period, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("read result %s %s: %w", methodology, period, err)
	}
	d.Body = []byte(body)
	return d, nil
}

// ResultPeriods lists the periods with a stored result of a methodology.
func (s *Store) ResultPeriods(ctx context.Context, methodology string) ([]string, error) {
	rows, err := s.query(ctx, `SELECT period FROM results WHERE methodology = ? ORDER BY period`, methodology)
	if err != nil {
		return nil, fmt.Errorf("list result periods: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
