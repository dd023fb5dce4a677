package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/workflow"
)

// SeedApproval is one unit's approval state written by SeedApprovals.
type SeedApproval struct {
	OrgUnit     string
	State       workflow.State // draft, submitted, approved or accepted
	At          time.Time      // when the state was reached
	SubmittedAt time.Time      // zero for a draft
}

// seedStep is the step that reaches each seeded state, for its history row.
var seedStep = map[workflow.State]struct {
	action workflow.Action
	from   workflow.State
}{
	workflow.Draft:     {workflow.Save, workflow.Open},
	workflow.Submitted: {workflow.Submit, workflow.Draft},
	workflow.Approved:  {workflow.Approve, workflow.Submitted},
	workflow.Accepted:  {workflow.Accept, workflow.Approved},
}

// seedChunk bounds the rows of one multi-row INSERT.
const seedChunk = 500

// SeedApprovals writes the approval states of many units of one data set
// and period at once, in one transaction: the state, one history row for
// the step that reached it (by actor) and, for accepted units, the locks.
// The demo uses it to show a collection in progress; Transition, one unit
// and step at a time, is the way for everything else. The units must have
// no state yet.
func (s *Store) SeedApprovals(ctx context.Context, ds *method.DataSet, periodID, actor string, rows []SeedApproval) error {
	for _, r := range rows {
		if _, ok := seedStep[r.State]; !ok {
			return fmt.Errorf("seed approvals %s %s: state %q of %s cannot be seeded", ds.ID, periodID, r.State, r.OrgUnit)
		}
	}
	_, err := s.write(ctx, famValues, func(tx *wtx) error {
		for start := 0; start < len(rows); start += seedChunk {
			part := rows[start:min(start+seedChunk, len(rows))]
			var st, au strings.Builder
			st.WriteString(`INSERT INTO approvals (data_set, org_unit, period, state, actor, changed_at, reason, submitted_at) VALUES `)
			au.WriteString(`INSERT INTO approval_audit (occurred_at, data_set, org_unit, period, action, from_state, to_state, actor, reason) VALUES `)
			var sa, aa []any
			for i, r := range part {
				if i > 0 {
					st.WriteString(", ")
					au.WriteString(", ")
				}
				st.WriteString("(?, ?, ?, ?, ?, ?, NULL, ?)")
				au.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, NULL)")
				var sub any
				if !r.SubmittedAt.IsZero() {
					sub = r.SubmittedAt.UTC()
				}
				step := seedStep[r.State]
				sa = append(sa, ds.ID, r.OrgUnit, periodID, string(r.State), actor, r.At.UTC(), sub)
				aa = append(aa, r.At.UTC(), ds.ID, r.OrgUnit, periodID, string(step.action), string(step.from), string(r.State), actor)
			}
			if _, err := tx.exec(ctx, st.String(), sa...); err != nil {
				return fmt.Errorf("seed approvals %s %s: %w", ds.ID, periodID, err)
			}
			if _, err := tx.exec(ctx, au.String(), aa...); err != nil {
				return fmt.Errorf("seed approval history %s %s: %w", ds.ID, periodID, err)
			}
		}
		if len(ds.DataElements) == 0 {
			return nil
		}
		// One statement for every lock: the data set's elements × its
		// accepted units.
		elems := make([]string, len(ds.DataElements))
		for i, de := range ds.DataElements {
			elems[i] = "('" + strings.ReplaceAll(de, "'", "''") + "')"
		}
		_, err := tx.exec(ctx, `INSERT INTO value_locks (data_element, org_unit, period, data_set)
			SELECT e.de, a.org_unit, a.period, a.data_set
			FROM approvals a CROSS JOIN (VALUES `+strings.Join(elems, ", ")+`) AS e(de)
			WHERE a.data_set = ? AND a.period = ? AND a.state = 'accepted'`, ds.ID, periodID)
		if err != nil {
			return fmt.Errorf("seed locks %s %s: %w", ds.ID, periodID, err)
		}
		return nil
	})
	return err
}
