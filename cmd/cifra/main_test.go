package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cifra-health/cifra/internal/store/testdb"
)

// cli runs the command in-process and returns stdout, stderr and the exit code.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

var (
	demoOnce sync.Once
	demoDB   string
	demoErr  string
)

// demoDatabase builds the demo once for all tests of this package.
func demoDatabase(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cifra-cli-test")
		if err != nil {
			demoErr = err.Error()
			return
		}
		demoDB = filepath.Join(dir, "demo.duckdb")
		_, stderr, code := cli(t, "demo", "--no-serve", "--as-of", "2021-01-15", "--db", demoDB, "--log-level", "warn")
		if code != 0 {
			demoErr = stderr
		}
	})
	if demoErr != "" {
		t.Fatalf("demo --no-serve failed: %s", demoErr)
	}
	return demoDB
}

// eachDB runs fn as a subtest per store (testdb.Dialects) on the --db of
// a fresh database: a DuckDB file, or a PostgreSQL URL (a schema of its
// own in the test cluster; skipped without one, failed in CI).
func eachDB(t *testing.T, fn func(t *testing.T, db string)) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, testdb.DSN(t, d)) })
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDB != "" {
		os.RemoveAll(filepath.Dir(demoDB))
	}
	os.Exit(code)
}

func TestContractRatingJSON(t *testing.T) {
	db := demoDatabase(t)
	out, stderr, code := cli(t, "rating", "--period", "2020", "--format", "json", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out[:min(len(out), 500)])
	}
	if len(rows) != 85 {
		t.Fatalf("%d objects, want 85", len(rows))
	}
	seen := map[string]bool{}
	ranked := 0
	for _, r := range rows {
		for _, k := range []string{"iso_code", "name", "score", "rank", "grade"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("object without %q: %v", k, r)
			}
		}
		iso := r["iso_code"].(string)
		if !strings.HasPrefix(iso, "RU-") || seen[iso] {
			t.Fatalf("bad or repeated iso_code %q", iso)
		}
		seen[iso] = true
		if r["rank"].(float64) > 0 {
			ranked++
			if s, ok := r["score"].(float64); !ok || s < 0 || s > 100 {
				t.Errorf("%s: score %v outside 0..100", iso, r["score"])
			}
			if r["grade"].(string) == "" {
				t.Errorf("%s: ranked without a grade", iso)
			}
		}
		if r["synthetic"] != true {
			t.Fatalf("%s: demo output not marked synthetic", iso)
		}
	}
	if ranked < 80 {
		t.Errorf("only %d regions ranked", ranked)
	}
	// Ranks are ordered and the first is 1.
	if rows[0]["rank"].(float64) != 1 {
		t.Errorf("first row rank = %v", rows[0]["rank"])
	}
}

func TestContractRatingTable(t *testing.T) {
	db := demoDatabase(t)
	out, stderr, code := cli(t, "rating", "--period", "2020", "--format", "table", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Место", "Субъект РФ", "Лидеры", "Отстающие", "синтетические", "Тульская область"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestContractComputeFromFile(t *testing.T) {
	dir := t.TempDir()
	method := filepath.Join(dir, "m.yaml")
	data := filepath.Join(dir, "d.csv")
	os.WriteFile(method, []byte(`id: tiny
version: "1"
name: Малая методика
periods: [yearly]
data_elements:
  - {id: done, name: Сделано, aggregation: sum}
  - {id: total, name: Всего, aggregation: sum}
  - {id: delay, name: Задержка, aggregation: average}
indicators:
  - {id: share, name: Доля, numerator: done, denominator: total, factor: 100, direction: higher}
  - {id: wait, name: Ожидание, numerator: delay, direction: lower}
index:
  id: index
  name: Индекс
  children:
    - {indicator: share, weight: 3}
    - {indicator: wait, weight: 1}
pipeline:
  normalise: {method: minmax, range: [0, 100]}
`), 0o644)
	os.WriteFile(data, []byte(`data_element,period,org_unit,value
done,2021Q1,alpha,40
done,2021Q2,alpha,40
total,2021,alpha,100
delay,2021,alpha,2
done,2021,beta,10
total,2021,beta,100
delay,2021,beta,1
done,2021,gamma,50
total,2021,gamma,100
delay,2021,gamma,5
`), 0o644)
	out, stderr, code := cli(t, "compute", "--method", method, "--data", data, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []struct {
		Code  string  `json:"code"`
		Score float64 `json:"score"`
		Rank  int     `json:"rank"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	// share: alpha 80, beta 10, gamma 50 → minmax 100, 0, 57.142857
	// wait (lower is better): alpha 2, beta 1, gamma 5 → 75, 100, 0
	// index = (3·share + 1·wait) / 4: alpha 93.75, beta 25, gamma 42.857143
	want := map[string]struct {
		score float64
		rank  int
	}{"alpha": {93.75, 1}, "gamma": {42.857142857, 2}, "beta": {25, 3}}
	if len(rows) != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	for _, r := range rows {
		w := want[r.Code]
		if r.Rank != w.rank || abs(r.Score-w.score) > 1e-6 {
			t.Errorf("%s: score %v rank %d, want %v %d", r.Code, r.Score, r.Rank, w.score, w.rank)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestImportBadFileWritesNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		bad := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(bad, []byte("data_element,period,org_unit,value\narm_total,2020Q1,RU-TUL,10\narm_total,2020Q5,RU-TUL,11\nno_such,2020Q1,RU-TUL,1\n"), 0o644)
		_, stderr, code := cli(t, "import", bad, "--db", db)
		if code == 0 {
			t.Fatal("bad file imported")
		}
		for _, want := range []string{"bad.csv", "line 3", "line 4", "nothing imported"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("error lacks %q: %s", want, stderr)
			}
		}
		out, _, code := cli(t, "export", "--what", "values", "--format", "csv", "--db", db)
		if code != 0 || strings.Count(out, "\n") != 1 {
			t.Fatalf("values after a rejected import:\n%s", out)
		}
	})
}

func TestImportDryRunThenImport(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		good := filepath.Join(t.TempDir(), "good.csv")
		os.WriteFile(good, []byte("data_element,period,org_unit,value,comment\narm_total,2020Q1,RU-TUL,10,\narm_total,2020Q1,Тамбовская область,12,оценка\n"), 0o644)
		out, stderr, code := cli(t, "import", good, "--dry-run", "--json", "--db", db)
		if code != 0 {
			t.Fatalf("dry run: %s", stderr)
		}
		if !strings.Contains(out, `"imported": 2`) || !strings.Contains(out, `"dry_run": true`) {
			t.Fatalf("dry-run summary: %s", out)
		}
		out, _, _ = cli(t, "export", "--what", "values", "--format", "csv", "--db", db)
		if strings.Count(out, "\n") != 1 {
			t.Fatalf("dry run wrote values:\n%s", out)
		}
		if _, stderr, code := cli(t, "import", good, "--db", db, "--no-recompute"); code != 0 {
			t.Fatalf("import: %s", stderr)
		}
		out, _, _ = cli(t, "export", "--what", "values", "--format", "csv", "--db", db)
		if !strings.Contains(out, "RU-TAM") || strings.Count(out, "\n") != 3 {
			t.Fatalf("values after import:\n%s", out)
		}
	})
}

func TestExplainWhatIfUncertainty(t *testing.T) {
	db := demoDatabase(t)
	out, stderr, code := cli(t, "explain", "--region", "RU-TUL", "--period", "2020", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("explain: %s", stderr)
	}
	var ex struct {
		Score    float64 `json:"score"`
		Children []struct {
			Contribution float64 `json:"contribution"`
		} `json:"children"`
	}
	if err := json.Unmarshal([]byte(out), &ex); err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, c := range ex.Children {
		sum += c.Contribution
	}
	if len(ex.Children) != 5 || abs(sum-ex.Score) > 1e-6 {
		t.Errorf("5 criteria contributions sum to %v, score %v (%d children)", sum, ex.Score, len(ex.Children))
	}
	out, stderr, code = cli(t, "whatif", "--region", "RU-IVA", "--period", "2020", "--db", db)
	if code != 0 || !strings.Contains(out, "Новое место") {
		t.Fatalf("whatif: %s %s", out, stderr)
	}
	a, _, code := cli(t, "uncertainty", "--period", "2020", "--draws", "200", "--seed", "3", "--db", db)
	b, _, _ := cli(t, "uncertainty", "--period", "2020", "--draws", "200", "--seed", "3", "--db", db)
	if code != 0 || a != b || !strings.Contains(a, "Тульская область") {
		t.Fatalf("uncertainty not reproducible or failed:\n%s\n%s", a, b)
	}
}

func TestDemoRefusesRealDatabase(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		good := filepath.Join(t.TempDir(), "good.csv")
		os.WriteFile(good, []byte("data_element,period,org_unit,value\narm_total,2020Q1,RU-TUL,10\n"), 0o644)
		if _, stderr, code := cli(t, "import", good, "--db", db, "--no-recompute"); code != 0 {
			t.Fatalf("import: %s", stderr)
		}
		_, stderr, code := cli(t, "demo", "--no-serve", "--as-of", "2021-01-15", "--db", db)
		if code == 0 || !strings.Contains(stderr, "refusing") {
			t.Fatalf("demo replaced real data: exit %d, %s", code, stderr)
		}
	})
}
