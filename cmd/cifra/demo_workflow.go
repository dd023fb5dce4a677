package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

// seedDemoWorkflow gives the demo a collection in progress, so that the
// workflow, checks and rating pages have something to show: quarters
// before the last two accepted (a few late), the one before last mostly
// accepted, the last one at every stage; and the timeline's first full year
// closed and published, its data accepted and its ratings frozen as a
// finished collection leaves them. The states depend only on the seed, the
// unit and the period.
func seedDemoWorkflow(ctx context.Context, c *catalog.Catalog, st *store.Store, seed uint64, tl demo.Timeline) error {
	first, last := tl.From, tl.To
	quarters, err := period.Range(first, last)
	if err != nil {
		return err
	}
	h := c.Hierarchy()
	for _, d := range c.DataSets() {
		lvl, err := orgunit.ParseLevel(d.DS.Level)
		if err != nil || d.DS.PeriodType != first.Type() {
			continue
		}
		units := h.AtLevel(lvl)
		for qi, q := range quarters {
			due := workflow.Due(d.DS, q)
			var rows []store.SeedApproval
			for _, u := range units {
				r := demoDraw(seed, d.DS.ID, u.Code, q.String())
				state := demoState(r, len(quarters)-1-qi)
				if state == workflow.Open {
					continue
				}
				// Most submit in the last week before the deadline; one in
				// twenty is late by up to ten days.
				sub := due.Add(-time.Duration(1+r%7*24) * time.Hour)
				if r%20 == 0 {
					sub = due.Add(time.Duration(1+r%10) * 24 * time.Hour)
				}
				row := store.SeedApproval{OrgUnit: u.Code, State: state, At: sub, SubmittedAt: sub}
				switch state {
				case workflow.Draft:
					row.SubmittedAt = time.Time{}
					row.At = due.Add(-72 * time.Hour)
				case workflow.Approved:
					row.At = sub.Add(48 * time.Hour)
				case workflow.Accepted:
					row.At = sub.Add(7 * 24 * time.Hour)
				}
				rows = append(rows, row)
			}
			if err := st.SeedApprovals(ctx, d.DS, q.String(), "demo", rows); err != nil {
				return err
			}
		}
	}
	// Close the year only when the demo runs past it, so that a later
	// quarter stays open.
	closed := tl.ClosedYear
	if yearEnd := closed.Children(period.Quarterly)[3]; !yearEnd.Before(first) && yearEnd.Before(last) {
		year := strconv.Itoa(closed.Year())
		if err := st.ClosePeriod(ctx, closed.String(), "demo", "демонстрационные данные: рейтинг за "+year+" год опубликован"); err != nil {
			return fmt.Errorf("close %s: %w", closed, err)
		}
	}
	return nil
}

// demoState is the state of a unit's report age quarters before the last
// one, r being the unit's draw.
func demoState(r uint64, age int) workflow.State {
	p := r % 100
	switch {
	case age >= 2:
		return workflow.Accepted
	case age == 1:
		switch {
		case p < 85:
			return workflow.Accepted
		case p < 95:
			return workflow.Approved
		}
		return workflow.Submitted
	}
	switch {
	case p < 35:
		return workflow.Accepted
	case p < 60:
		return workflow.Approved
	case p < 82:
		return workflow.Submitted
	case p < 92:
		return workflow.Draft
	}
	return workflow.Open
}

// demoDraw is a deterministic draw for one unit's report.
func demoDraw(seed uint64, parts ...string) uint64 {
	f := fnv.New64a()
	fmt.Fprint(f, seed)
	for _, p := range parts {
		f.Write([]byte{0})
		f.Write([]byte(p))
	}
	return f.Sum64()
}
