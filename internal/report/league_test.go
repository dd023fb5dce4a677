package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
)

// smallResult computes a two-pillar methodology over four units of a units
// file, in memory.
func smallResult(t *testing.T) *rating.Result {
	t.Helper()
	m, err := method.Parse("small.yaml", []byte(`id: small
version: "1"
name: Малая
periods: [yearly]
data_elements:
  - {id: a, name: А, aggregation: sum}
  - {id: b, name: Б, aggregation: sum}
  - {id: c, name: В, aggregation: sum}
indicators:
  - {id: ia, name: Показатель А, numerator: a, direction: higher}
  - {id: ib, name: Показатель Б, numerator: b, direction: higher}
  - {id: ic, name: Показатель В, numerator: c, direction: lower}
index:
  id: index
  name: Индекс
  children:
    - id: p1
      name: Опора 1
      weight: 1
      children:
        - {indicator: ia, weight: 1}
        - {indicator: ib, weight: 1}
    - id: p2
      name: Опора 2
      weight: 1
      children:
        - {indicator: ic, weight: 1}
pipeline:
  normalise: {method: minmax, range: [0, 100]}
  ranks: {within: [zone]}
`))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := orgunit.ReadAttributes(strings.NewReader("code,name,zone\nu1,Один,n\nu2,Два,n\nu3,Три,s\nu4,Четыре,s\n"), "u.csv")
	if err != nil {
		t.Fatal(err)
	}
	data := rating.NewDataset(12)
	vals := map[string][4]float64{"a": {1, 2, 3, 4}, "b": {4, 3, 2, 1}, "c": {1, 3, 2, 4}}
	for de, xs := range vals {
		for u, x := range xs {
			if err := data.Add(de, "2021", tab.Units[u].Code, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	p, _ := period.Parse("2021")
	r, err := (&rating.Engine{Universe: rating.TableUniverse(tab, orgunit.Region), Data: data}).Compute(context.Background(), m, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLeagueNodes(t *testing.T) {
	r := smallResult(t)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r, nil); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Code       string            `json:"code"`
		Rank       int               `json:"rank"`
		Attributes map[string]string `json:"attributes"`
		Nodes      map[string]struct {
			Score  *float64       `json:"score"`
			Rank   int            `json:"rank"`
			Within map[string]int `json:"within"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	// p1 = mean(a, b) normalised: a 0,33.3,66.7,100; b 100,66.7,33.3,0 → 50
	// for all (a tie: rank 1 each); p2 = c lower-better: 100, 33.3, 66.7, 0.
	wantP2 := map[string]int{"u1": 1, "u2": 3, "u3": 2, "u4": 4}
	wantP2Zone := map[string]int{"u1": 1, "u2": 2, "u3": 1, "u4": 2}
	for _, row := range rows {
		if row.Attributes["zone"] == "" {
			t.Errorf("%s: no zone attribute", row.Code)
		}
		for _, id := range []string{"index", "p1", "p2", "ia", "ib", "ic"} {
			ns, ok := row.Nodes[id]
			if !ok || ns.Score == nil || ns.Rank == 0 {
				t.Errorf("%s: node %s = %+v, %v", row.Code, id, ns, ok)
			}
		}
		if row.Nodes["index"].Rank != row.Rank {
			t.Errorf("%s: index node rank %d, row rank %d", row.Code, row.Nodes["index"].Rank, row.Rank)
		}
		if got := row.Nodes["p1"].Rank; got != 1 {
			t.Errorf("%s: p1 rank %d, want 1 (all tie at 50)", row.Code, got)
		}
		if got := row.Nodes["p2"].Rank; got != wantP2[row.Code] {
			t.Errorf("%s: p2 rank %d, want %d", row.Code, got, wantP2[row.Code])
		}
		if got := row.Nodes["p2"].Within["zone"]; got != wantP2Zone[row.Code] {
			t.Errorf("%s: p2 rank within zone %d, want %d", row.Code, got, wantP2Zone[row.Code])
		}
	}
}

func TestLeagueCSVAndXLSXHaveEveryNode(t *testing.T) {
	r := smallResult(t)
	rows := League(r, nil)
	AttachUncertainty(rows, r, &index.UncertaintyResult{Draws: 1, Nodes: map[string][]index.UnitUncertainty{
		"index": {{Nominal: 1, Median: 1, P05: 1, P95: 2}, {Nominal: 2, Median: 2, P05: 1, P95: 3}, {Nominal: 3, Median: 3, P05: 2, P95: 4}, {Nominal: 4, Median: 4, P05: 3, P95: 4}},
	}})
	var buf bytes.Buffer
	if err := WriteLeagueCSV(&buf, r, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	for _, col := range []string{"zone", "rank_within:zone", "p1", "p1.rank", "p2.rank", "ia", "ia.rank", "ic.rank", "index.rank_median", "index.rank_p05", "index.rank_p95"} {
		if !slices.Contains(head, col) {
			t.Errorf("CSV header lacks %q: %q", col, head)
		}
	}
	col := func(name string) int { return slices.Index(head, name) }
	for _, rec := range recs[1:] {
		code := rec[col("code")]
		u := r.UnitIndex(code)
		if rec[col("p2.rank")] == "" || rec[col("zone")] != r.Units[u].Attributes["zone"] {
			t.Errorf("%s: row %q", code, rec)
		}
	}
	if got := recs[len(recs)-1][col("index.rank_p95")]; got != "4" {
		t.Errorf("last row's p95 = %q, want 4", got)
	}

	buf.Reset()
	if err := WriteLeagueXLSX(&buf, r, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xrows, err := f.GetRows("Рейтинг")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"zone", "Место в группе: zone", "Опора 2", "Место: Опора 2", "Место: Показатель В", "Медиана места: Индекс"} {
		if !slices.Contains(xrows[0], h) {
			t.Errorf("XLSX header lacks %q: %q", h, xrows[0])
		}
	}
	if len(xrows) != 5 {
		t.Errorf("XLSX has %d rows, want header and 4", len(xrows))
	}
}

func TestWriteStages(t *testing.T) {
	r := smallResult(t)
	dir := t.TempDir()
	if err := WriteStages(dir, r); err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	for _, name := range StageFiles() {
		if recs := read(name); len(recs) < 2 {
			t.Errorf("%s: %d records", name, len(recs))
		}
	}
	res := r.Index()
	// Every stage file round-trips the Go values exactly.
	for name, stage := range map[string]func(ir index.IndicatorResult) []float64{
		"raw.csv":        func(ir index.IndicatorResult) []float64 { return ir.Raw },
		"normalised.csv": func(ir index.IndicatorResult) []float64 { return ir.Normalised },
	} {
		recs := read(name)
		for u := range res.Units {
			for i, ir := range res.Indicators {
				got, err := strconv.ParseFloat(recs[u+1][i+2], 64)
				if err != nil || got != stage(ir)[u] {
					t.Errorf("%s: unit %d %s = %q, want %v", name, u, ir.ID, recs[u+1][i+2], stage(ir)[u])
				}
			}
		}
	}
	agg := read("aggregated.csv")
	if want := append([]string{"code", "name", "screened"}, res.NodeOrder...); !slices.Equal(agg[0], want) {
		t.Errorf("aggregated header %q, want %q", agg[0], want)
	}
	if got, _ := strconv.ParseFloat(agg[1][len(agg[1])-1], 64); got != res.Score[0] {
		t.Errorf("aggregated index of unit 0 = %v, want %v", got, res.Score[0])
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(StageFiles()) {
		t.Errorf("%d files in the stages directory, want %d", len(entries), len(StageFiles()))
	}
}
