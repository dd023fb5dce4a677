package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// groupFiles writes a methodology that imputes by the group mean of an
// attribute, data in which one unit lacks a value, and a units file.
func groupFiles(t *testing.T) (method, data, units string) {
	t.Helper()
	dir := t.TempDir()
	method = filepath.Join(dir, "m.yaml")
	data = filepath.Join(dir, "d.csv")
	units = filepath.Join(dir, "u.csv")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(method, `id: groups
version: "1"
name: Группы
periods: [yearly]
data_elements:
  - {id: a, name: А, aggregation: sum}
  - {id: b, name: Б, aggregation: sum}
indicators:
  - {id: ia, name: А, numerator: a, direction: higher}
  - {id: ib, name: Б, numerator: b, direction: higher}
index:
  id: index
  name: Индекс
  children:
    - id: pillar
      name: Опора
      weight: 1
      children:
        - {indicator: ia, weight: 1}
        - {indicator: ib, weight: 1}
pipeline:
  impute: {method: group_mean, group_by: income}
  normalise: {method: minmax, range: [0, 100]}
  ranks: {within: [income]}
uncertainty:
  weight_jitter: 0.5
  normalisations: [rank]
`)
	write(data, `data_element,period,org_unit,value
a,2021,AUT,10
a,2021,BEL,30
a,2021,IND,1
a,2021,PAK,3
b,2021,AUT,5
b,2021,BEL,4
b,2021,CHE,3
b,2021,IND,2
b,2021,PAK,1
`)
	write(units, "code,name,income\nAUT,Австрия,high\nBEL,Бельгия,high\nCHE,Швейцария,high\nIND,Индия,low\nPAK,Пакистан,low\n")
	return method, data, units
}

// TestContractComputeUnitsJSON is the contract: one object per unit
// with code, score, rank and nodes — every node and indicator with a score
// and an integer rank — and a missing value filled with the mean of the
// unit's own group of the units file.
func TestContractComputeUnitsJSON(t *testing.T) {
	m, d, u := groupFiles(t)
	out, stderr, code := cli(t, "compute", "--method", m, "--data", d, "--units", u, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d objects, want 5", len(rows))
	}
	byCode := map[string]map[string]struct {
		Score *float64 `json:"score"`
		Rank  *int     `json:"rank"`
	}{}
	for _, r := range rows {
		for _, k := range []string{"code", "score", "rank", "nodes"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("object without %q: %s", k, out)
			}
		}
		var c string
		json.Unmarshal(r["code"], &c)
		nodes := byCode[c]
		if err := json.Unmarshal(r["nodes"], &nodes); err != nil {
			t.Fatalf("%s: nodes: %v", c, err)
		}
		for _, id := range []string{"index", "pillar", "ia", "ib"} {
			if n, ok := nodes[id]; !ok || n.Score == nil || n.Rank == nil {
				t.Errorf("%s: node %s missing a score or an integer rank: %+v", c, id, n)
			}
		}
		byCode[c] = nodes
	}
	// CHE has no a: the high group's mean (10+30)/2 = 20, not all units' 11.
	// Normalised (20−1)/(30−1)·100.
	if got, want := *byCode["CHE"]["ia"].Score, 19.0/29*100; math.Abs(got-want) > 1e-9 {
		t.Errorf("CHE ia = %v, want %v (imputed with its own group's mean)", got, want)
	}
	if got := *byCode["CHE"]["ia"].Rank; got != 2 {
		t.Errorf("CHE ia rank = %d, want 2", got)
	}
}

func TestComputeStagesUncertaintyCSV(t *testing.T) {
	m, d, u := groupFiles(t)
	stages := filepath.Join(t.TempDir(), "stages")
	out, stderr, code := cli(t, "compute", "--method", m, "--data", d, "--units", u, "--stages", stages,
		"--uncertainty", "200", "--seed", "7", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"income", "rank_within:income", "pillar.rank", "ia.rank", "index.rank_median", "index.rank_p05", "index.rank_p95", "ib.rank_p95"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("CSV header lacks %q: %q", h, recs[0])
		}
	}
	for _, rec := range recs[1:] {
		rank, _ := strconv.Atoi(rec[col["rank"]])
		lo, _ := strconv.Atoi(rec[col["index.rank_p05"]])
		hi, _ := strconv.Atoi(rec[col["index.rank_p95"]])
		if lo < 1 || hi > 5 || lo > hi {
			t.Errorf("%s: rank %d, 5–95 %% interval %d–%d", rec[col["code"]], rank, lo, hi)
		}
	}
	b, err := os.ReadFile(filepath.Join(stages, "imputed.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "CHE,Швейцария,20,3,ia") {
		t.Errorf("imputed.csv lacks CHE's group-mean value:\n%s", b)
	}
	// Same seed, same intervals.
	again, _, _ := cli(t, "compute", "--method", m, "--data", d, "--units", u, "--uncertainty", "200", "--seed", "7", "--format", "csv")
	if again != out {
		t.Error("same seed gave different output")
	}
}

func TestComputeUnitsErrors(t *testing.T) {
	m, d, _ := groupFiles(t)
	short := filepath.Join(t.TempDir(), "short.csv")
	os.WriteFile(short, []byte("code,name,income\nAUT,,high\n"), 0o644)
	_, stderr, code := cli(t, "compute", "--method", m, "--data", d, "--units", short, "--format", "json")
	if code == 0 || !strings.Contains(stderr, `единицы "BEL" из данных нет в файле единиц`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("code,name,income\nAUT,,high\nAUT,,low\n"), 0o644)
	_, stderr, code = cli(t, "compute", "--method", m, "--data", d, "--units", bad)
	if code == 0 || !strings.Contains(stderr, "bad.csv, строка 3, столбец code") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestExplainFile(t *testing.T) {
	m, d, u := groupFiles(t)
	out, stderr, code := cli(t, "explain", "--method", m, "--data", d, "--units", u, "--region", "CHE", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"pillar"`) || !strings.Contains(out, `"ia"`) {
		t.Errorf("explanation lacks the tree:\n%s", out)
	}
}
