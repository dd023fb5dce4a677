package store

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
)

func values(t *testing.T, s *Store, f ValueFilter) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	if err := s.EachValue(context.Background(), f, func(v StoredValue) error {
		out[v.DataElement+"|"+v.Period+"|"+v.OrgUnit] = v.Value
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrationsApplyOnceAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("schema version = %d, %v", v, err)
	}
	if err := s.SetMeta(ctx, "k", "v1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, ok, err := s.Meta(ctx, "k")
	if err != nil || !ok || got != "v1" {
		t.Fatalf("meta after reopen = %q %v %v", got, ok, err)
	}
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != v {
		t.Fatalf("schema_migrations rows = %d (err %v), want %d", n, err, v)
	}
}

func TestImportSummaryAuditAndDryRun(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		first := []datavalue.Value{
			{DataElement: "a", Period: "2020Q1", OrgUnit: "RU-TUL", Value: 1},
			{DataElement: "a", Period: "2020Q2", OrgUnit: "RU-TUL", Value: 2},
			{DataElement: "b", Period: "2020", OrgUnit: "RU-TAM", Value: 3, Comment: "оценка"},
		}
		sum, err := s.ImportValues(ctx, first, ImportOptions{Actor: "t", Source: "first.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Imported != 3 || sum.Updated != 0 || sum.Ignored != 0 {
			t.Fatalf("first import = %+v", sum)
		}
		second := []datavalue.Value{
			{DataElement: "a", Period: "2020Q1", OrgUnit: "RU-TUL", Value: 1},                  // same
			{DataElement: "a", Period: "2020Q2", OrgUnit: "RU-TUL", Value: 5},                  // changed
			{DataElement: "b", Period: "2020", OrgUnit: "RU-TAM", Value: 3, Comment: "другое"}, // comment changed
			{DataElement: "c", Period: "202003", OrgUnit: "RU-TUL", Value: 9},                  // new
		}
		dry, err := s.ImportValues(ctx, second, ImportOptions{Actor: "t", Source: "second.csv", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if dry.Imported != 1 || dry.Updated != 2 || dry.Ignored != 1 || !dry.DryRun {
			t.Fatalf("dry run = %+v", dry)
		}
		if got := values(t, s, ValueFilter{}); len(got) != 3 || got["a|2020Q2|RU-TUL"] != 2 {
			t.Fatalf("dry run wrote: %v", got)
		}
		sum, err = s.ImportValues(ctx, second, ImportOptions{Actor: "t", Source: "second.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Generation == 0 {
			t.Errorf("the import committed no generation")
		}
		sum.Generation = 0
		if sum != (ImportSummary{Imported: 1, Updated: 2, Ignored: 1}) {
			t.Fatalf("second import = %+v", sum)
		}
		got := values(t, s, ValueFilter{})
		if len(got) != 4 || got["a|2020Q2|RU-TUL"] != 5 || got["c|202003|RU-TUL"] != 9 {
			t.Fatalf("after second import: %v", got)
		}
		// Importing the same file again changes nothing and audits nothing.
		again, err := s.ImportValues(ctx, second, ImportOptions{Actor: "t", Source: "second.csv"})
		if err != nil || again.Ignored != 4 || again.Imported+again.Updated != 0 {
			t.Fatalf("re-import = %+v, %v", again, err)
		}
		audit, err := s.Audit(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		// 3 new + 1 new + 2 changed.
		if len(audit) != 6 {
			t.Fatalf("audit rows = %d, want 6: %+v", len(audit), audit)
		}
		var changed *AuditEntry
		for i := range audit {
			if audit[i].DataElement == "a" && audit[i].Period == "2020Q2" && audit[i].Old != nil {
				changed = &audit[i]
			}
		}
		if changed == nil || *changed.Old != 2 || changed.New != 5 || changed.Actor != "t" || changed.Source != "second.csv" {
			t.Fatalf("audit of the change = %+v", changed)
		}
	})
}

func TestImportRejectsDuplicatesAndWritesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		vals := []datavalue.Value{
			{DataElement: "a", Period: "2020", OrgUnit: "RU-TUL", Value: 1},
			{DataElement: "a", Period: "2020", OrgUnit: "RU-TUL", Value: 2},
		}
		_, err := s.ImportValues(ctx, vals, ImportOptions{Source: "dup.csv"})
		if err == nil || !strings.Contains(err.Error(), "dup.csv") || !strings.Contains(err.Error(), "duplicated") {
			t.Fatalf("err = %v", err)
		}
		if n, _ := s.CountValues(ctx); n != 0 {
			t.Fatalf("%d values written", n)
		}
		_, err = s.ImportValues(ctx, []datavalue.Value{{DataElement: "a", Period: "2020Q9", OrgUnit: "RU-TUL"}}, ImportOptions{Source: "bad.csv"})
		if err == nil {
			t.Fatal("bad period accepted")
		}
	})
}

func TestValueFilterWithin(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		vals := []datavalue.Value{
			{DataElement: "a", Period: "2020Q1", OrgUnit: "RU-TUL", Value: 1},
			{DataElement: "a", Period: "202005", OrgUnit: "RU-TUL", Value: 2},
			{DataElement: "a", Period: "2021Q1", OrgUnit: "RU-TUL", Value: 3},
			{DataElement: "b", Period: "2020", OrgUnit: "RU-TAM", Value: 4},
		}
		if _, err := s.ImportValues(ctx, vals, ImportOptions{Source: "t"}); err != nil {
			t.Fatal(err)
		}
		p := period.MustParse("2020")
		got := values(t, s, ValueFilter{Within: &p, DataElements: []string{"a"}})
		if len(got) != 2 || got["a|2020Q1|RU-TUL"] != 1 || got["a|202005|RU-TUL"] != 2 {
			t.Fatalf("within 2020: %v", got)
		}
		got = values(t, s, ValueFilter{OrgUnits: []string{"RU-TAM"}})
		if len(got) != 1 {
			t.Fatalf("by org unit: %v", got)
		}
		ps, err := s.Periods(ctx)
		if err != nil || len(ps) != 4 || ps[0].String() != "2020" && ps[0].String() != "2020Q1" {
			t.Fatalf("periods = %v, %v", ps, err)
		}
	})
}

func TestOrgUnitsRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SaveGroups(ctx, []orgunit.Group{{Code: "POL", Name: "Поликлиники"}}); err != nil {
			t.Fatal(err)
		}
		mo := orgunit.Unit{Code: "1.2.643.5.1.13.13.12.2.71.1", Name: "Поликлиника № 1", Level: orgunit.Organisation, Parent: "RU-TUL",
			Population: 12000, Lat: 54.2, Lon: 37.6, Settlement: "Тула", TimeZone: "UTC+3", Groups: []string{"POL"}}
		dep := orgunit.Unit{Code: "1.2.643.5.1.13.13.12.2.71.1.1", Name: "Отделение", Level: orgunit.Department, Parent: mo.Code}
		if err := s.SaveOrgUnits(ctx, []orgunit.Unit{dep, mo}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveOrgUnits(ctx, []orgunit.Unit{{Code: "RU-XX", Name: "x", Level: orgunit.Region, Parent: "FD-CEN"}}); err == nil {
			t.Fatal("a region was stored")
		}
		h, err := s.Hierarchy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := h.Get(mo.Code)
		if !ok || got.Name != mo.Name || got.Population != 12000 || got.Settlement != "Тула" || got.Parent != "RU-TUL" {
			t.Fatalf("stored МО = %+v", got)
		}
		if !h.IsDescendant(dep.Code, "FD-CEN") {
			t.Fatal("department is not under its district")
		}
		g, ok := h.Group("POL")
		if !ok || len(g.Members) != 1 || g.Members[0] != mo.Code {
			t.Fatalf("group = %+v", g)
		}
	})
}

func TestMethodologyVersionsAndResults(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mv := MethodologyVersion{ID: "m", Version: "1", Name: "M", Source: "m.yaml", Body: []byte("id: m")}
		if added, err := s.SaveMethodology(ctx, mv); err != nil || !added {
			t.Fatalf("save = %v %v", added, err)
		}
		if added, err := s.SaveMethodology(ctx, mv); err != nil || added {
			t.Fatalf("save again = %v %v", added, err)
		}
		mv.Body = []byte("id: m # changed")
		if _, err := s.SaveMethodology(ctx, mv); err == nil || !strings.Contains(err.Error(), "new version") {
			t.Fatalf("changed body under the same version: %v", err)
		}
		doc := ResultDoc{Methodology: "m", Version: "1", Period: "2020", Body: []byte(`{"x":1}`), Synthetic: true}
		scores := []ScoreRow{{OrgUnit: "RU-TUL", Node: "index", Score: 71.5, Rank: 1}, {OrgUnit: "RU-TAM", Node: "index", Score: math.NaN()}}
		if err := s.SaveResult(ctx, doc, scores); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveResult(ctx, doc, scores); err != nil { // replaces
			t.Fatal(err)
		}
		got, err := s.Result(ctx, "m", "2020")
		if err != nil || string(got.Body) != `{"x":1}` || !got.Synthetic {
			t.Fatalf("result = %+v, %v", got, err)
		}
		var n int
		if err := s.queryRow(ctx, `SELECT count(*) FROM result_scores WHERE score IS NOT NULL`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("scores with a value = %d, %v", n, err)
		}
		if _, err := s.Result(ctx, "m", "2021"); err == nil {
			t.Fatal("missing result found")
		}
	})
}
