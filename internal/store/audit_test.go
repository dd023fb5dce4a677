package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/workflow"
)

// auditTables are the append-only logs: the code only ever inserts there.
var auditTables = []string{"data_value_audit", "approval_audit", "security_audit", "methodologies", "imports"}

// auditRows reads every row of table as text, keyed by row, with a count
// per row (the value log has no key: two identical changes in one
// microsecond are two rows).
func auditRows(t *testing.T, s *Store, table string) map[string]int {
	t.Helper()
	rows, err := s.query(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		cells := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%v", cells)]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAuditAppendOnly runs a sequence of changes of every audited kind and
// checks after each that every audit log kept all its earlier rows
// unchanged and grew where the step is audited: no code path rewrites or
// drops audit rows.
func TestAuditAppendOnly(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		h, err := s.Hierarchy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		svc := auth.New(s, func() *orgunit.Hierarchy { return h }, nil)
		val := func(v float64) []datavalue.Value {
			return []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "MO-1", Value: v}}
		}
		steps := []struct {
			name  string
			grows []string // the logs the step must add to
			run   func() error
		}{
			{"import new", []string{"data_value_audit", "imports"}, func() error {
				_, err := s.ImportValues(ctx, val(1), ImportOptions{Actor: "ivanov", Source: "a.csv", Format: "csv"})
				return err
			}},
			{"import change", []string{"data_value_audit", "imports"}, func() error {
				_, err := s.ImportValues(ctx, val(2), ImportOptions{Actor: "petrov", Source: "api", Format: "json"})
				return err
			}},
			{"import same", nil, func() error { // nothing changed: nothing to log
				_, err := s.ImportValues(ctx, val(2), ImportOptions{Actor: "petrov", Source: "form", Format: "form"})
				return err
			}},
			{"save", []string{"approval_audit"}, func() error {
				_, err := s.Transition(ctx, testDS, "MO-1", "2021Q1", workflow.Save, "ivanov", auth.MOOperator, "")
				return err
			}},
			{"submit", []string{"approval_audit"}, func() error {
				_, err := s.Transition(ctx, testDS, "MO-1", "2021Q1", workflow.Submit, "ivanov", auth.MOOperator, "")
				return err
			}},
			{"return", []string{"approval_audit"}, func() error {
				_, err := s.Transition(ctx, testDS, "MO-1", "2021Q1", workflow.Return, "sidorov", auth.RegionalOperator, "ошибка")
				return err
			}},
			{"methodology", []string{"methodologies"}, func() error {
				_, err := s.SaveMethodology(ctx, MethodologyVersion{ID: "m", Version: "1", Name: "М", Source: "m.yaml", Body: []byte("x"), LoadedBy: "ivanov"})
				return err
			}},
			{"methodology again", nil, func() error {
				_, err := s.SaveMethodology(ctx, MethodologyVersion{ID: "m", Version: "1", Name: "М", Source: "m.yaml", Body: []byte("x")})
				return err
			}},
			{"methodology changed in place (refused)", nil, func() error {
				if _, err := s.SaveMethodology(ctx, MethodologyVersion{ID: "m", Version: "1", Name: "М", Source: "m.yaml", Body: []byte("y")}); err == nil {
					return fmt.Errorf("a changed file under the same version was stored")
				}
				return nil
			}},
			{"create user", []string{"security_audit"}, func() error {
				_, _, err := svc.CreateUser(ctx, "admin", "ivanov", auth.FederalAnalyst, "RU", "пароль ivanov 1")
				return err
			}},
			{"login failure", []string{"security_audit"}, func() error {
				if _, _, err := svc.Login(ctx, "ivanov", "wrong", "10.0.0.1"); err == nil {
					return fmt.Errorf("wrong password accepted")
				}
				return nil
			}},
			{"login", []string{"security_audit"}, func() error {
				_, _, err := svc.Login(ctx, "ivanov", "пароль ivanov 1", "10.0.0.1")
				return err
			}},
			{"role change", []string{"security_audit"}, func() error {
				return svc.SetRole(ctx, "admin", "ivanov", auth.Auditor, "RU")
			}},
			{"disable", []string{"security_audit"}, func() error {
				return svc.SetDisabled(ctx, "admin", "ivanov", true)
			}},
			{"close period", []string{"approval_audit"}, func() error {
				return s.ClosePeriod(ctx, "2021Q1", "admin", "кампания завершена")
			}},
			{"import into the closed period (refused)", nil, func() error {
				if _, err := s.ImportValues(ctx, val(3), ImportOptions{Actor: "petrov", Source: "api"}); err == nil {
					return fmt.Errorf("a value of a closed period was written")
				}
				return nil
			}},
		}
		prev := map[string]map[string]int{}
		for _, tbl := range auditTables {
			prev[tbl] = auditRows(t, s, tbl)
		}
		for _, st := range steps {
			if err := st.run(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			for _, tbl := range auditTables {
				cur := auditRows(t, s, tbl)
				for row, n := range prev[tbl] {
					if cur[row] < n {
						t.Errorf("%s: %s lost or changed the row %s", st.name, tbl, row)
					}
				}
				grew := total(cur) > total(prev[tbl])
				if want := contains(st.grows, tbl); grew != want {
					t.Errorf("%s: %s grew %v, want %v (%d → %d rows)", st.name, tbl, grew, want, total(prev[tbl]), total(cur))
				}
				prev[tbl] = cur
			}
		}
	})
}

func total(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestNoAuditRewrites: no statement in the code or the migrations may
// update, delete from, truncate or drop an audit table. A statement built
// at run time could slip past; TestAuditAppendOnly covers the real paths.
func TestNoAuditRewrites(t *testing.T) {
	names := strings.Join(auditTables, "|")
	re := regexp.MustCompile(`(?is)\b(update|delete\s+from|truncate(\s+table)?|drop\s+table(\s+if\s+exists)?)\s+(` + names + `)\b`)
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, m := range re.FindAllString(string(b), -1) {
			t.Errorf("%s: %q rewrites an append-only audit table", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("only %d files checked: is the module root %s?", checked, root)
	}
}

// TestMethodologyLoadedBy: the actor is stored with each version, "system"
// when none is given, and versions stored before migration 005 read as
// "system" too.
func TestMethodologyLoadedBy(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, m := range []MethodologyVersion{
			{ID: "m", Version: "1", Name: "М", Source: "builtin", Body: []byte("a")},
			{ID: "m", Version: "2", Name: "М", Source: "m2.yaml", Body: []byte("b"), LoadedBy: "ivanov"},
		} {
			if _, err := s.SaveMethodology(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		vs, err := s.MethodologyVersions(ctx, "m")
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]string{}
		for _, v := range vs {
			by[v.Version] = v.LoadedBy
		}
		if by["1"] != "system" || by["2"] != "ivanov" {
			t.Fatalf("loaded by %v", by)
		}

		// A DuckDB database from before the migration (PostgreSQL has
		// loaded_by from its first schema): the old table with a row, then 005.
		if s.Dialect() != "duckdb" {
			return
		}
		if _, err := s.exec(ctx, `CREATE TABLE old_m (id VARCHAR NOT NULL, version VARCHAR NOT NULL, name VARCHAR NOT NULL,
		source VARCHAR NOT NULL, body VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL, PRIMARY KEY (id, version));
		INSERT INTO old_m VALUES ('x', '1', 'X', 'builtin', 'b', now())`); err != nil {
			t.Fatal(err)
		}
		mig, err := migrationFS.ReadFile("migrations/duckdb/005_methodology_audit.sql")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.exec(ctx, strings.ReplaceAll(string(mig), "methodologies", "old_m")); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := s.queryRow(ctx, `SELECT loaded_by FROM old_m`).Scan(&got); err != nil || got != "system" {
			t.Fatalf("old row loaded by %q, %v", got, err)
		}
	})
}
