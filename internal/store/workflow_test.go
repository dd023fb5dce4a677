package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/workflow"
)

var testDS = &method.DataSet{ID: "mo_q", Name: "Отчёт", DataElements: []string{"a", "b", "c"},
	Level: "organisation", PeriodType: period.Quarterly, DeadlineDays: 8}

func historyLen(t *testing.T, s *Store) int {
	t.Helper()
	h, err := s.ApprovalHistory(context.Background(), ApprovalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(h)
}

// TestTransitionsPersisted walks one unit through every state and back,
// with illegal moves in between that must change nothing.
func TestTransitionsPersisted(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		steps := []struct {
			action  workflow.Action
			role    auth.Role
			reason  string
			want    workflow.State // "" = refused
			wantErr error
		}{
			{workflow.Approve, auth.RegionalOperator, "", "", workflow.ErrWrongState},
			{workflow.Accept, auth.MOOperator, "", "", workflow.ErrForbidden},
			{workflow.Save, auth.MOOperator, "", workflow.Draft, nil},
			{workflow.Save, auth.MOOperator, "", workflow.Draft, nil},
			{workflow.Submit, auth.MOOperator, "", workflow.Submitted, nil},
			{workflow.Submit, auth.MOOperator, "", "", workflow.ErrWrongState},
			{workflow.Return, auth.RegionalOperator, " ", "", workflow.ErrNeedReason},
			{workflow.Return, auth.RegionalOperator, "нет данных по ФАП", workflow.Open, nil},
			{workflow.Save, auth.MOOperator, "", workflow.Draft, nil},
			{workflow.Submit, auth.MOOperator, "", workflow.Submitted, nil},
			{workflow.Approve, auth.RegionalOperator, "", workflow.Approved, nil},
			{workflow.Reject, auth.FederalAnalyst, "", "", workflow.ErrNeedReason},
			{workflow.Reject, auth.FederalAnalyst, "расхождение", workflow.Open, nil},
			{workflow.Submit, auth.RegionalOperator, "", workflow.Submitted, nil},
			{workflow.Approve, auth.FederalAdmin, "", workflow.Approved, nil},
			{workflow.Accept, auth.RegionalOperator, "", "", workflow.ErrForbidden},
			{workflow.Accept, auth.FederalAnalyst, "", workflow.Accepted, nil},
			{workflow.Save, auth.MOOperator, "", "", workflow.ErrWrongState},
			{workflow.Unlock, auth.FederalAdmin, "", "", workflow.ErrNeedReason},
			{workflow.Unlock, auth.FederalAdmin, "исправление", workflow.Open, nil},
		}
		state := workflow.Open
		events := 0
		var lastSubmit Approval
		for i, st := range steps {
			name := fmt.Sprintf("step %d %s by %s", i, st.action, st.role)
			before, err := s.Approval(ctx, "mo_q", "MO-1", "2021Q1")
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Transition(ctx, testDS, "MO-1", "2021Q1", st.action, "user"+fmt.Sprint(i), st.role, st.reason)
			if st.want == "" {
				if !errors.Is(err, st.wantErr) {
					t.Fatalf("%s: err %v, want %v", name, err, st.wantErr)
				}
				after, _ := s.Approval(ctx, "mo_q", "MO-1", "2021Q1")
				if after != before || historyLen(t, s) != events {
					t.Fatalf("%s: refused but wrote: %+v -> %+v", name, before, after)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			events++
			stored, err := s.Approval(ctx, "mo_q", "MO-1", "2021Q1")
			if err != nil {
				t.Fatal(err)
			}
			if got.State != st.want || stored.State != st.want || stored.Actor != "user"+fmt.Sprint(i) || !stored.ChangedAt.Equal(got.ChangedAt) {
				t.Fatalf("%s: returned %+v, stored %+v, want %s", name, got, stored, st.want)
			}
			if st.action == workflow.Submit {
				if stored.SubmittedAt.IsZero() {
					t.Fatalf("%s: no submission time", name)
				}
				lastSubmit = stored
			} else if !stored.SubmittedAt.Equal(lastSubmit.SubmittedAt) {
				t.Fatalf("%s: submission time changed to %v", name, stored.SubmittedAt)
			}
			if st.reason != "" && stored.Reason != st.reason {
				t.Fatalf("%s: reason %q", name, stored.Reason)
			}
			h, err := s.ApprovalHistory(ctx, ApprovalFilter{DataSet: "mo_q", OrgUnit: "MO-1", Period: "2021Q1", Limit: 1})
			if err != nil || len(h) != 1 {
				t.Fatalf("%s: history %v, %v", name, h, err)
			}
			if e := h[0]; e.Action != st.action || e.From != state || e.To != st.want || e.Actor != "user"+fmt.Sprint(i) || e.Reason != strings.TrimSpace(st.reason) {
				t.Fatalf("%s: newest event %+v", name, e)
			}
			state = st.want
		}
		if n := historyLen(t, s); n != events {
			t.Fatalf("%d events, want %d", n, events)
		}
		// The return reason stays through the following save (the form shows it).
		h, _ := s.ApprovalHistory(ctx, ApprovalFilter{Actor: "user8"})
		if len(h) != 1 || h[0].Action != workflow.Save {
			t.Fatalf("history by actor: %+v", h)
		}
		all, err := s.Approvals(ctx, "mo_q", "2021Q1")
		if err != nil || len(all) != 1 || all["MO-1"].State != workflow.Open {
			t.Fatalf("approvals %v, %v", all, err)
		}
		if a, _ := s.Approval(ctx, "mo_q", "MO-2", "2021Q1"); a.State != workflow.Open || !a.ChangedAt.IsZero() {
			t.Fatalf("a unit without a row: %+v", a)
		}
		if _, err := s.Transition(ctx, testDS, "MO-1", "2021", workflow.Save, "x", auth.FederalAdmin, ""); err == nil {
			t.Fatal("an annual period accepted for a quarterly data set")
		}
		if _, err := s.Transition(ctx, testDS, "MO-1", "2021q1", workflow.Save, "x", auth.FederalAdmin, ""); err == nil {
			t.Fatal("a non-canonical period id accepted")
		}
	})
}

func accept(t *testing.T, s *Store, unit, pe string) {
	t.Helper()
	for _, a := range []workflow.Action{workflow.Submit, workflow.Approve, workflow.Accept} {
		if _, err := s.Transition(context.Background(), testDS, unit, pe, a, "fed", auth.FederalAdmin, ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAcceptLocksValues(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var vals []datavalue.Value
		for u := range 50 {
			for _, de := range []string{"a", "b", "c", "z"} {
				vals = append(vals, datavalue.Value{DataElement: de, Period: "2021Q1", OrgUnit: fmt.Sprintf("MO-%d", u), Value: float64(u)})
			}
		}
		if _, err := s.ImportValues(ctx, vals, ImportOptions{Actor: "t", Source: "first.csv"}); err != nil {
			t.Fatal(err)
		}
		accept(t, s, "MO-7", "2021Q1")
		before := values(t, s, ValueFilter{})
		auditBefore, _ := s.Audit(ctx, "", 10000)

		// Every value changes; one of them (b MO-7 2021Q1) is locked.
		changed := make([]datavalue.Value, len(vals))
		for i, v := range vals {
			v.Value += 100
			changed[i] = v
		}
		for _, dry := range []bool{true, false} {
			_, err := s.ImportValues(ctx, changed, ImportOptions{Actor: "t", Source: "second.csv", DryRun: dry})
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("dry run %v: err %v, want ErrLocked", dry, err)
			}
			for _, want := range []string{"second.csv", "a MO-7 2021Q1 (принято)", "b MO-7 2021Q1 (принято)", "значений: 3"} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("error %q does not name %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "z MO-7") {
				t.Fatalf("an element outside the data set reported locked: %v", err)
			}
		}
		// One changed locked value among many refuses the whole batch.
		one := []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-1", Value: 1000}, {DataElement: "b", Period: "2021Q1", OrgUnit: "MO-7", Value: 70}}
		if _, err := s.ImportValues(ctx, one, ImportOptions{Source: "form"}); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "b MO-7 2021Q1 (принято)") {
			t.Fatalf("one locked value: %v", err)
		}
		if got := values(t, s, ValueFilter{}); fmt.Sprint(got) != fmt.Sprint(before) {
			t.Fatal("a refused import wrote values")
		}
		if a, _ := s.Audit(ctx, "", 10000); len(a) != len(auditBefore) {
			t.Fatalf("a refused import wrote %d audit rows", len(a)-len(auditBefore))
		}
		// Locked values sent again unchanged are ignored, so a full file can be re-sent.
		if sum, err := s.ImportValues(ctx, vals[:60], ImportOptions{Source: "again.csv"}); err != nil || sum.Ignored != 60 {
			t.Fatalf("unchanged locked values: %+v, %v", sum, err)
		}
		// Elements outside the data set, other units and periods are free.
		free := []datavalue.Value{{DataElement: "z", Period: "2021Q1", OrgUnit: "MO-7", Value: 1}, {DataElement: "a", Period: "2021Q2", OrgUnit: "MO-7", Value: 1},
			{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-8", Value: 1}}
		if _, err := s.ImportValues(ctx, free, ImportOptions{Source: "api"}); err != nil {
			t.Fatal(err)
		}

		// Unlocking needs a reason and the federal role; then the import goes through.
		for _, tc := range []struct {
			role   auth.Role
			reason string
			want   error
		}{
			{auth.FederalAdmin, "", workflow.ErrNeedReason},
			{auth.RegionalOperator, "ошибка", workflow.ErrForbidden},
			{auth.FederalAnalyst, "ошибка в АРМ", nil},
		} {
			_, err := s.Transition(ctx, testDS, "MO-7", "2021Q1", workflow.Unlock, "fed2", tc.role, tc.reason)
			if !errors.Is(err, tc.want) {
				t.Fatalf("unlock by %s with %q: %v, want %v", tc.role, tc.reason, err, tc.want)
			}
			if tc.want != nil {
				if _, err := s.ImportValues(ctx, one, ImportOptions{Source: "form", DryRun: true}); !errors.Is(err, ErrLocked) {
					t.Fatalf("a refused unlock unlocked: %v", err)
				}
			}
		}
		sum, err := s.ImportValues(ctx, changed, ImportOptions{Actor: "t", Source: "second.csv"})
		if err != nil || sum.Updated != int64(len(changed)) {
			t.Fatalf("after unlock: %+v, %v", sum, err)
		}
		audit, _ := s.Audit(ctx, "MO-7", 1)
		if len(audit) != 1 || audit[0].Source != "second.csv" || audit[0].Actor != "t" {
			t.Fatalf("audit keeps the source: %+v", audit)
		}
	})
}

func TestClosePeriod(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		v := func(de, pe string, x float64) datavalue.Value {
			return datavalue.Value{DataElement: de, Period: pe, OrgUnit: "MO-1", Value: x}
		}
		if _, err := s.ImportValues(ctx, []datavalue.Value{v("a", "2021Q1", 1), v("a", "2021Q2", 2), v("y", "2021", 3)}, ImportOptions{Source: "x"}); err != nil {
			t.Fatal(err)
		}
		for _, pe := range []string{"2021Q1", "2021", "2022Q1"} {
			doc := ResultDoc{Methodology: "m", Version: "1", Period: pe, Body: []byte(`{"p":"` + pe + `"}`)}
			if err := s.SaveResult(ctx, doc, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ClosePeriod(ctx, "2021Q1", "fed", " "); !errors.Is(err, workflow.ErrNeedReason) {
			t.Fatalf("close without a reason: %v", err)
		}
		if err := s.ClosePeriod(ctx, "2021Q1", "fed", "рейтинг опубликован"); err != nil {
			t.Fatal(err)
		}
		if err := s.ClosePeriod(ctx, "2021Q1", "fed", "ещё раз"); err == nil || !strings.Contains(err.Error(), "already closed") {
			t.Fatalf("closing twice: %v", err)
		}
		for pe, want := range map[string]bool{"2021Q1": true, "202102": true, "2021": true, "2021Q2": false, "2020": false} {
			if got, err := s.PeriodClosed(ctx, pe); err != nil || got != want {
				t.Errorf("PeriodClosed(%s) = %v, %v; want %v", pe, got, err, want)
			}
		}
		cps, err := s.ClosedPeriods(ctx)
		if err != nil || len(cps) != 1 || cps[0].Period != "2021Q1" || cps[0].Actor != "fed" || cps[0].Reason != "рейтинг опубликован" || cps[0].ClosedAt.IsZero() {
			t.Fatalf("closed periods %+v, %v", cps, err)
		}

		// Values overlapping the closed quarter are frozen, others are not.
		for _, tc := range []struct {
			val    datavalue.Value
			locked bool
		}{
			{v("a", "2021Q1", 10), true},
			{v("new", "202103", 1), true},
			{v("y", "2021", 30), true},
			{v("a", "2021Q2", 20), false},
		} {
			_, err := s.ImportValues(ctx, []datavalue.Value{tc.val}, ImportOptions{Source: "late.csv"})
			if tc.locked != errors.Is(err, ErrLocked) || (!tc.locked && err != nil) {
				t.Errorf("import %+v: %v (locked %v)", tc.val, err, tc.locked)
			}
			if tc.locked && !strings.Contains(err.Error(), tc.val.DataElement+" MO-1 "+tc.val.Period+" (период закрыт)") {
				t.Errorf("error does not name the row: %v", err)
			}
		}

		// No approval moves in a closed period.
		if _, err := s.Transition(ctx, testDS, "MO-1", "2021Q1", workflow.Save, "x", auth.FederalAdmin, ""); !errors.Is(err, workflow.ErrPeriodClosed) {
			t.Fatalf("transition in a closed period: %v", err)
		}

		// The results inside the period are published and stay as they were.
		if err := s.SaveResult(ctx, ResultDoc{Methodology: "m", Version: "2", Period: "2021Q1", Body: []byte(`{"recomputed":true}`)}, nil); err != nil {
			t.Fatal(err)
		}
		body, ok, err := s.PublishedResult(ctx, "m", "2021Q1")
		if err != nil || !ok || string(body) != `{"p":"2021Q1"}` {
			t.Fatalf("published 2021Q1 = %s, %v, %v", body, ok, err)
		}
		for _, pe := range []string{"2021", "2022Q1"} {
			if _, ok, err := s.PublishedResult(ctx, "m", pe); ok || err != nil {
				t.Fatalf("published %s: %v, %v", pe, ok, err)
			}
		}
		// Closing the year publishes the year but keeps the quarter's first publication.
		if err := s.ClosePeriod(ctx, "2021", "fed", "год закрыт"); err != nil {
			t.Fatal(err)
		}
		if body, ok, _ := s.PublishedResult(ctx, "m", "2021"); !ok || string(body) != `{"p":"2021"}` {
			t.Fatalf("published 2021 = %s, %v", body, ok)
		}
		if body, _, _ := s.PublishedResult(ctx, "m", "2021Q1"); string(body) != `{"p":"2021Q1"}` {
			t.Fatalf("republished 2021Q1 = %s", body)
		}
		h, err := s.ApprovalHistory(ctx, ApprovalFilter{Period: "2021"})
		if err != nil || len(h) != 1 || h[0].Action != CloseAction || h[0].Reason != "год закрыт" || h[0].DataSet != "" {
			t.Fatalf("close in history: %+v, %v", h, err)
		}
	})
}

// BenchmarkImport1MWithLocks is BenchmarkImport1M with accepted data and a
// closed period in the store, so the lock check runs its join rather than
// the short cut for a store without locks.
func BenchmarkImport1MWithLocks(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "i.duckdb"), nil)
		if err != nil {
			b.Fatal(err)
		}
		ds := &method.DataSet{ID: "ds", PeriodType: period.Quarterly}
		for i := range 40 {
			ds.DataElements = append(ds.DataElements, fmt.Sprintf("de%02d", i))
		}
		for u := range 200 {
			for _, a := range []workflow.Action{workflow.Submit, workflow.Approve, workflow.Accept} {
				if _, err := s.Transition(ctx, ds, fmt.Sprintf("other%d", u), "2019Q1", a, "b", auth.FederalAdmin, ""); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := s.ClosePeriod(ctx, "2015", "b", "bench"); err != nil {
			b.Fatal(err)
		}
		vals := make([]datavalue.Value, 0, 1_000_000)
		for i := range 1_000_000 {
			vals = append(vals, datavalue.Value{DataElement: fmt.Sprintf("de%02d", i%40), Period: fmt.Sprintf("%dQ%d", 2016+i/40%20/4, i/40%4+1),
				OrgUnit: fmt.Sprintf("ou%d", i/800), Value: float64(i)})
		}
		b.StartTimer()
		if _, err := s.ImportValues(ctx, vals, ImportOptions{Source: "bench"}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
