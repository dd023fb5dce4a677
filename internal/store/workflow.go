package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/workflow"
)

// Approval is where one data set stands for one organisation unit and
// period.
type Approval struct {
	DataSet, OrgUnit, Period string
	State                    workflow.State // workflow.Open when no row
	Actor                    string
	ChangedAt                time.Time
	Reason                   string
	SubmittedAt              time.Time // zero when never submitted
}

// ApprovalEvent is one row of the append-only approval history. A period
// closing has Action CloseAction and empty DataSet, OrgUnit, From and To.
type ApprovalEvent struct {
	At                       time.Time
	DataSet, OrgUnit, Period string
	Action                   workflow.Action
	From, To                 workflow.State
	Actor, Reason            string
}

// ApprovalFilter selects history events; "" (and Limit 0) means any.
type ApprovalFilter struct {
	DataSet, OrgUnit, Period, Actor string
	Limit                           int
}

// ClosedPeriod is a frozen period.
type ClosedPeriod struct {
	Period   string
	ClosedAt time.Time
	Actor    string
	Reason   string
}

// CloseAction is the history action of ClosePeriod (workflow.Action.Label
// knows it: "Закрытие периода"). It is not a transition of one data set,
// so workflow.Next does not take it.
const CloseAction workflow.Action = "close"

// ErrLocked is wrapped by ImportValues errors for values locked by an
// accepted approval or a closed period.
var ErrLocked = errors.New("values are locked")

// querier reads with `?` placeholders: *Store (the pool) or *wtx (a
// write transaction).
type querier interface {
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

const approvalCols = `data_set, org_unit, period, state, actor, changed_at, coalesce(reason, ''), submitted_at`

func scanApproval(sc interface{ Scan(...any) error }) (Approval, error) {
	var a Approval
	var sub sql.NullTime
	var state string
	if err := sc.Scan(&a.DataSet, &a.OrgUnit, &a.Period, &state, &a.Actor, &a.ChangedAt, &a.Reason, &sub); err != nil {
		return a, err
	}
	a.State = workflow.State(state)
	if sub.Valid {
		a.SubmittedAt = sub.Time
	}
	return a, nil
}

// Approval reads the state of a data set for a unit and period (open when
// it never left that state).
func (s *Store) Approval(ctx context.Context, dataSet, orgUnit, periodID string) (Approval, error) {
	return approvalIn(ctx, s, dataSet, orgUnit, periodID)
}

func approvalIn(ctx context.Context, q querier, dataSet, orgUnit, periodID string) (Approval, error) {
	a, err := scanApproval(q.queryRow(ctx, `SELECT `+approvalCols+` FROM approvals
		WHERE data_set = ? AND org_unit = ? AND period = ?`, dataSet, orgUnit, periodID))
	if errors.Is(err, sql.ErrNoRows) {
		return Approval{DataSet: dataSet, OrgUnit: orgUnit, Period: periodID, State: workflow.Open}, nil
	}
	if err != nil {
		return a, fmt.Errorf("read approval %s %s %s: %w", dataSet, orgUnit, periodID, err)
	}
	return a, nil
}

// Approvals reads the states of a data set for a period, by org unit. Units
// without a row are open and absent from the map.
func (s *Store) Approvals(ctx context.Context, dataSet, periodID string) (map[string]Approval, error) {
	rows, err := s.query(ctx, `SELECT `+approvalCols+` FROM approvals WHERE data_set = ? AND period = ?`, dataSet, periodID)
	if err != nil {
		return nil, fmt.Errorf("read approvals %s %s: %w", dataSet, periodID, err)
	}
	defer rows.Close()
	out := map[string]Approval{}
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, fmt.Errorf("read approvals %s %s: %w", dataSet, periodID, err)
		}
		out[a.OrgUnit] = a
	}
	return out, rows.Err()
}

// Transition applies action by actor (with role) through workflow.Next,
// atomically writing the new state, an approval_audit row and — on accept —
// lock rows for ds.DataElements × orgUnit × period (unlock removes them).
// It returns the new Approval. An illegal move returns an error wrapping
// workflow's error (workflow.ErrForbidden, ErrWrongState, ErrNeedReason,
// ErrPeriodClosed) and writes nothing.
func (s *Store) Transition(ctx context.Context, ds *method.DataSet, orgUnit, periodID string, action workflow.Action,
	actor string, role auth.Role, reason string) (Approval, error) {
	if ds == nil || ds.ID == "" {
		return Approval{}, errors.New("workflow transition: no data set")
	}
	what := fmt.Sprintf("%s %s %s %s", action, ds.ID, orgUnit, periodID)
	if strings.TrimSpace(orgUnit) == "" {
		return Approval{}, fmt.Errorf("%s: no organisation unit", what)
	}
	p, err := period.Parse(periodID)
	if err != nil {
		return Approval{}, fmt.Errorf("%s: %w", what, err)
	}
	if p.String() != periodID {
		// Lock rows must match data_values.period exactly, which holds
		// canonical ids; a differently spelt id would lock nothing.
		return Approval{}, fmt.Errorf("%s: period must be written as %s", what, p)
	}
	if ds.PeriodType.Valid() && p.Type() != ds.PeriodType {
		return Approval{}, fmt.Errorf("%s: data set %s is reported per %s period, not %s", what, ds.ID, ds.PeriodType, p.Type())
	}
	if actor == "" {
		actor = "unknown"
	}
	reason = strings.TrimSpace(reason)
	var out Approval
	_, err = s.write(ctx, famValues, func(tx *wtx) error {
		cur, err := approvalIn(ctx, tx, ds.ID, orgUnit, periodID)
		if err != nil {
			return err
		}
		closed, err := periodClosedIn(ctx, tx, p)
		if err != nil {
			return err
		}
		to, err := workflow.Next(cur.State, action, role, reason, closed)
		if err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Microsecond) // as both databases keep it
		out = cur
		out.State, out.Actor, out.ChangedAt = to, actor, now
		switch {
		case reason != "":
			out.Reason = reason
		case action != workflow.Save:
			// A save keeps the reason the data were returned with, so the
			// form still shows it; moving on clears it.
			out.Reason = ""
		}
		if action == workflow.Submit {
			out.SubmittedAt = now
		}
		var sub any
		if !out.SubmittedAt.IsZero() {
			sub = out.SubmittedAt
		}
		if _, err := tx.exec(ctx, `INSERT INTO approvals (data_set, org_unit, period, state, actor, changed_at, reason, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (data_set, org_unit, period) DO UPDATE SET state = excluded.state, actor = excluded.actor,
			changed_at = excluded.changed_at, reason = excluded.reason, submitted_at = excluded.submitted_at`,
			ds.ID, orgUnit, periodID, string(to), actor, now, nullable(out.Reason), sub); err != nil {
			return fmt.Errorf("write state: %w", err)
		}
		if err := insertAudit(ctx, tx, now, ds.ID, orgUnit, periodID, action, cur.State, to, actor, reason); err != nil {
			return err
		}
		switch action {
		case workflow.Accept:
			if err := insertLocks(ctx, tx, ds, orgUnit, periodID); err != nil {
				return err
			}
		case workflow.Unlock:
			if _, err := tx.exec(ctx, `DELETE FROM value_locks WHERE data_set = ? AND org_unit = ? AND period = ?`,
				ds.ID, orgUnit, periodID); err != nil {
				return fmt.Errorf("remove locks: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Approval{}, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

func insertAudit(ctx context.Context, tx *wtx, at time.Time, dataSet, orgUnit, periodID string, action workflow.Action,
	from, to workflow.State, actor, reason string) error {
	_, err := tx.exec(ctx, `INSERT INTO approval_audit (occurred_at, data_set, org_unit, period, action, from_state, to_state, actor, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		at, dataSet, orgUnit, periodID, string(action), nullable(string(from)), nullable(string(to)), actor, nullable(reason))
	if err != nil {
		return fmt.Errorf("write approval audit: %w", err)
	}
	return nil
}

// insertLocks writes one lock row per data element of ds, in one statement
// (a data set has tens of elements).
func insertLocks(ctx context.Context, tx *wtx, ds *method.DataSet, orgUnit, periodID string) error {
	if len(ds.DataElements) == 0 {
		return nil
	}
	// A data set accepted again after an unlock had its rows removed, so
	// clearing first only guards against a database edited by hand.
	if _, err := tx.exec(ctx, `DELETE FROM value_locks WHERE data_set = ? AND org_unit = ? AND period = ?`,
		ds.ID, orgUnit, periodID); err != nil {
		return fmt.Errorf("write locks: %w", err)
	}
	var b strings.Builder
	args := make([]any, 0, 4*len(ds.DataElements))
	b.WriteString(`INSERT INTO value_locks (data_element, org_unit, period, data_set) VALUES `)
	for i, de := range ds.DataElements {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
		args = append(args, de, orgUnit, periodID, ds.ID)
	}
	if _, err := tx.exec(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("write locks: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ApprovalHistory lists approval events matching f, newest first.
func (s *Store) ApprovalHistory(ctx context.Context, f ApprovalFilter) ([]ApprovalEvent, error) {
	q := `SELECT occurred_at, data_set, org_unit, period, action, coalesce(from_state, ''), coalesce(to_state, ''), actor, coalesce(reason, '')
		FROM approval_audit`
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"data_set", f.DataSet}, {"org_unit", f.OrgUnit}, {"period", f.Period}, {"actor", f.Actor}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read approval history: %w", err)
	}
	defer rows.Close()
	var out []ApprovalEvent
	for rows.Next() {
		var e ApprovalEvent
		var action, from, to string
		if err := rows.Scan(&e.At, &e.DataSet, &e.OrgUnit, &e.Period, &action, &from, &to, &e.Actor, &e.Reason); err != nil {
			return nil, fmt.Errorf("read approval history: %w", err)
		}
		e.Action, e.From, e.To = workflow.Action(action), workflow.State(from), workflow.State(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ClosePeriod freezes a period: no value whose period overlaps it may
// change afterwards (ImportValues refuses it), no approval within it may
// move, and the current stored results of every methodology for the period
// and the periods inside it are copied as the published rating. A reason
// is required: closing cannot be undone.
func (s *Store) ClosePeriod(ctx context.Context, periodID, actor, reason string) error {
	p, err := period.Parse(periodID)
	if err != nil {
		return fmt.Errorf("close period: %w", err)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("close period %s: %w", p, workflow.ErrNeedReason)
	}
	if len([]rune(reason)) > workflow.MaxReason {
		return fmt.Errorf("close period %s: reason over %d characters", p, workflow.MaxReason)
	}
	if actor == "" {
		actor = "unknown"
	}
	_, err = s.write(ctx, famValues, func(tx *wtx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM closed_periods WHERE period = ?`, p.String()).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errors.New("already closed")
		}
		now := time.Now().UTC().Truncate(time.Microsecond) // as both databases keep it
		if _, err := tx.exec(ctx, `INSERT INTO closed_periods (period, period_start, period_end, closed_at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)`,
			p.String(), p.Start(), p.End(), now, actor, reason); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		if err := insertAudit(ctx, tx, now, "", "", p.String(), CloseAction, "", "", actor, reason); err != nil {
			return err
		}
		inside, err := resultPeriodsWithin(ctx, tx, p)
		if err != nil {
			return err
		}
		if len(inside) == 0 {
			return nil
		}
		args := []any{now}
		for _, id := range inside {
			args = append(args, id)
		}
		// A period inside one closed earlier keeps the rating published
		// then: that is the version people have seen.
		if _, err := tx.exec(ctx, `INSERT INTO published_results (methodology, version, period, computed_at, published_at, body)
			SELECT methodology, version, period, computed_at, ?::TIMESTAMP, body FROM results WHERE period IN (`+placeholders(len(inside))+`)
			ON CONFLICT (methodology, period) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("publish results: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("close period %s: %w", p, err)
	}
	return nil
}

// resultPeriodsWithin lists the periods with stored results that lie inside
// p (p itself included). Results hold only period ids, and there are few
// distinct ones, so they are parsed here rather than in SQL.
func resultPeriodsWithin(ctx context.Context, q querier, p period.Period) ([]string, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT period FROM results`)
	if err != nil {
		return nil, fmt.Errorf("list result periods: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if r, err := period.Parse(id); err == nil && !r.Start().Before(p.Start()) && !r.End().After(p.End()) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// ClosedPeriods lists the closed periods by start.
func (s *Store) ClosedPeriods(ctx context.Context) ([]ClosedPeriod, error) {
	rows, err := s.query(ctx, `SELECT period, closed_at, actor, coalesce(reason, '') FROM closed_periods
		ORDER BY period_start, period_end DESC`)
	if err != nil {
		return nil, fmt.Errorf("list closed periods: %w", err)
	}
	defer rows.Close()
	var out []ClosedPeriod
	for rows.Next() {
		var c ClosedPeriod
		if err := rows.Scan(&c.Period, &c.ClosedAt, &c.Actor, &c.Reason); err != nil {
			return nil, fmt.Errorf("list closed periods: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PeriodClosed reports whether the period overlaps a closed period.
func (s *Store) PeriodClosed(ctx context.Context, periodID string) (bool, error) {
	p, err := period.Parse(periodID)
	if err != nil {
		return false, fmt.Errorf("period closed: %w", err)
	}
	return periodClosedIn(ctx, s, p)
}

func periodClosedIn(ctx context.Context, q querier, p period.Period) (bool, error) {
	var n int
	if err := q.queryRow(ctx, `SELECT count(*) FROM closed_periods WHERE period_start < ? AND period_end > ?`,
		p.End(), p.Start()).Scan(&n); err != nil {
		return false, fmt.Errorf("period %s closed: %w", p, err)
	}
	return n > 0, nil
}

// PublishedResult returns the frozen result body (encoded as results are
// stored) when the period was closed; ok is false otherwise.
func (s *Store) PublishedResult(ctx context.Context, methodology, periodID string) ([]byte, bool, error) {
	var body string
	err := s.queryRow(ctx, `SELECT body FROM published_results WHERE methodology = ? AND period = ?`,
		methodology, periodID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read published result %s %s: %w", methodology, periodID, err)
	}
	return []byte(body), true, nil
}

// maxLockedShown bounds the rows an ErrLocked message names.
const maxLockedShown = 5

// checkLocks refuses the staged import when any value it would change (the
// merged table) is locked by an accepted approval or lies in a period
// overlapping a closed one. It
// runs as set operations on the staging tables: the common case (no locks,
// no closed periods) costs two tiny queries, and otherwise one join whose
// build side is the small lock table.
func checkLocks(ctx context.Context, w *wtx) error {
	var found bool
	if err := w.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM value_locks) OR EXISTS (
		SELECT 1 FROM staging_periods sp JOIN closed_periods c ON sp.period_start < c.period_end AND sp.period_end > c.period_start)`).Scan(&found); err != nil {
		return fmt.Errorf("check locks: %w", err)
	}
	if !found {
		return nil
	}
	rows, err := w.query(ctx, `WITH closed AS (
			SELECT DISTINCT sp.period FROM staging_periods sp
			JOIN closed_periods c ON sp.period_start < c.period_end AND sp.period_end > c.period_start),
		bad AS (
			SELECT s.seq AS n, s.data_element, s.org_unit, s.period, 'принято' AS why
			FROM merged s JOIN (SELECT DISTINCT data_element, org_unit, period FROM value_locks) l USING (data_element, org_unit, period)
			WHERE s.changed
			UNION ALL
			SELECT s.seq, s.data_element, s.org_unit, s.period, 'период закрыт'
			FROM merged s JOIN closed USING (period)
			WHERE s.changed),
		keyed AS (
			SELECT min(n) AS n, data_element, org_unit, period, string_agg(why, ', ' ORDER BY why DESC) AS why
			FROM bad GROUP BY data_element, org_unit, period)
		SELECT data_element, org_unit, period, why, count(*) OVER () FROM keyed ORDER BY n LIMIT ?`, maxLockedShown)
	if err != nil {
		return fmt.Errorf("check locks: %w", err)
	}
	defer rows.Close()
	var shown []string
	var total int64
	for rows.Next() {
		var de, ou, pe, why string
		if err := rows.Scan(&de, &ou, &pe, &why, &total); err != nil {
			return fmt.Errorf("check locks: %w", err)
		}
		shown = append(shown, fmt.Sprintf("%s %s %s (%s)", de, ou, pe, why))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check locks: %w", err)
	}
	if total == 0 {
		return nil
	}
	more := ""
	if total > int64(len(shown)) {
		more = fmt.Sprintf(" и ещё %d", total-int64(len(shown)))
	}
	return fmt.Errorf("%w: изменение запрещено, значений: %d — %s%s; ничего не записано",
		ErrLocked, total, strings.Join(shown, "; "), more)
}

// dropLocked removes from the merged import the changes to locked values
// (see checkLocks) and returns how many there were.
func dropLocked(ctx context.Context, w *wtx) (int64, error) {
	res, err := w.exec(ctx, `DELETE FROM merged m WHERE m.changed AND (
		EXISTS (SELECT 1 FROM value_locks l WHERE l.data_element = m.data_element AND l.org_unit = m.org_unit AND l.period = m.period)
		OR m.period IN (SELECT sp.period FROM staging_periods sp
			JOIN closed_periods c ON sp.period_start < c.period_end AND sp.period_end > c.period_start))`)
	if err != nil {
		return 0, fmt.Errorf("leave locked values: %w", err)
	}
	return res.RowsAffected()
}
