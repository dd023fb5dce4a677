package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/workflow"
)

// Seeded states read back like states reached step by step: the state,
// one history event, locks on accepted units only; and the workflow goes
// on from them.
func TestSeedApprovals(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2021, 4, 5, 9, 0, 0, 0, time.UTC)
		if err := s.SeedApprovals(ctx, testDS, "2021Q1", "demo", []SeedApproval{{OrgUnit: "MO-1", State: workflow.Open, At: at}}); err == nil {
			t.Fatal("an open state was seeded")
		}
		rows := []SeedApproval{
			{OrgUnit: "MO-1", State: workflow.Accepted, At: at, SubmittedAt: at.Add(-48 * time.Hour)},
			{OrgUnit: "MO-2", State: workflow.Submitted, At: at, SubmittedAt: at},
			{OrgUnit: "MO-3", State: workflow.Draft, At: at},
		}
		for i := range 1200 { // more than one chunk
			rows = append(rows, SeedApproval{OrgUnit: "MO-x" + string(rune('a'+i%26)) + string(rune('a'+i/26)), State: workflow.Approved, At: at, SubmittedAt: at})
		}
		if err := s.SeedApprovals(ctx, testDS, "2021Q1", "demo", rows); err != nil {
			t.Fatal(err)
		}
		got, err := s.Approvals(ctx, testDS.ID, "2021Q1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(rows) || got["MO-1"].State != workflow.Accepted || got["MO-2"].State != workflow.Submitted ||
			got["MO-3"].State != workflow.Draft || !got["MO-1"].SubmittedAt.Equal(at.Add(-48*time.Hour)) || !got["MO-3"].SubmittedAt.IsZero() {
			t.Fatalf("states: %d, %+v %+v %+v", len(got), got["MO-1"], got["MO-2"], got["MO-3"])
		}
		if n := historyLen(t, s); n != len(rows) {
			t.Fatalf("%d history events, want %d", n, len(rows))
		}
		ev, err := s.ApprovalHistory(ctx, ApprovalFilter{OrgUnit: "MO-1"})
		if err != nil || len(ev) != 1 || ev[0].Action != workflow.Accept || ev[0].From != workflow.Approved || ev[0].Actor != "demo" {
			t.Fatalf("MO-1 history %+v, %v", ev, err)
		}
		// Accepted values are locked; the others are not.
		if _, err := s.ImportValues(ctx, []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-1", Value: 1}}, ImportOptions{Source: "t"}); !errors.Is(err, ErrLocked) {
			t.Fatalf("accepted unit: %v, want ErrLocked", err)
		}
		if _, err := s.ImportValues(ctx, []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-2", Value: 1}}, ImportOptions{Source: "t"}); err != nil {
			t.Fatalf("submitted unit: %v", err)
		}
		// The workflow goes on from a seeded state.
		if _, err := s.Transition(ctx, testDS, "MO-2", "2021Q1", workflow.Approve, "reg", auth.RegionalOperator, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, testDS, "MO-1", "2021Q1", workflow.Unlock, "fed", auth.FederalAdmin, "исправление"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportValues(ctx, []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-1", Value: 1}}, ImportOptions{Source: "t"}); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
	})
}

// SkipLocked leaves changes to locked values out and counts them, and
// writes the rest.
func TestImportSkipLocked(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2021, 4, 5, 9, 0, 0, 0, time.UTC)
		vals := []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-1", Value: 1}, {DataElement: "a", Period: "2021Q1", OrgUnit: "MO-2", Value: 1}}
		if _, err := s.ImportValues(ctx, vals, ImportOptions{Source: "first"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SeedApprovals(ctx, testDS, "2021Q1", "demo", []SeedApproval{{OrgUnit: "MO-1", State: workflow.Accepted, At: at, SubmittedAt: at}}); err != nil {
			t.Fatal(err)
		}
		next := []datavalue.Value{
			{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-1", Value: 5}, // locked: left out
			{DataElement: "b", Period: "2021Q1", OrgUnit: "MO-1", Value: 5}, // locked too (the data set's element)
			{DataElement: "z", Period: "2021Q1", OrgUnit: "MO-1", Value: 5}, // not in the data set: written
			{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-2", Value: 5}, // not accepted: updated
		}
		sum, err := s.ImportValues(ctx, next, ImportOptions{Source: "feed", SkipLocked: true})
		if err != nil || sum.Locked != 2 || sum.Imported != 1 || sum.Updated != 1 {
			t.Fatalf("%+v, %v", sum, err)
		}
		got := map[string]float64{}
		if err := s.EachValue(ctx, ValueFilter{}, func(v StoredValue) error { got[v.DataElement+" "+v.OrgUnit] = v.Value; return nil }); err != nil {
			t.Fatal(err)
		}
		if got["a MO-1"] != 1 || got["z MO-1"] != 5 || got["a MO-2"] != 5 {
			t.Fatalf("values %v", got)
		}
		if _, ok := got["b MO-1"]; ok {
			t.Fatal("a locked new value was written")
		}
	})
}
