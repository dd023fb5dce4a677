package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/store/testdb"
)

// Contract (issue 11) on a fresh PostgreSQL database: cifra demo
// --no-serve, then cifra rating --format json gives 85 regions — the same
// ranks and scores as the DuckDB demo —, and zeroing one Tula МО's values
// for the latest quarter with cifra import changes Tula's entry.
func TestContractPostgresDemo(t *testing.T) {
	db := testdb.DSN(t, "postgres")
	if _, stderr, code := cli(t, "demo", "--no-serve", "--as-of", "2021-01-15", "--db", db, "--log-level", "warn"); code != 0 {
		t.Fatalf("demo on PostgreSQL: exit %d: %s", code, stderr)
	}
	const pe = "2020Q4"
	rating := func(db string) map[string]map[string]any {
		t.Helper()
		out, stderr, code := cli(t, "rating", "--period", pe, "--format", "json", "--db", db)
		if code != 0 {
			t.Fatalf("rating: exit %d: %s", code, stderr)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("rating: not JSON: %v", err)
		}
		by := map[string]map[string]any{}
		for _, r := range rows {
			by[r["iso_code"].(string)] = r
		}
		return by
	}
	pg, duck := rating(db), rating(demoDatabase(t))
	if len(pg) != 85 {
		t.Fatalf("%d regions on PostgreSQL, want 85", len(pg))
	}
	for iso, d := range duck {
		p := pg[iso]
		if p == nil || p["rank"] != d["rank"] || p["score"] != d["score"] || p["grade"] != d["grade"] {
			t.Fatalf("%s: PostgreSQL %v, DuckDB %v", iso, p, d)
		}
	}

	// One Tula МО's values of the quarter, zeroed.
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := st.Hierarchy(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := cli(t, "export", "--what", "values", "--format", "csv", "--db", db)
	if code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	lines := strings.Split(out, "\n")
	// The demo accepted part of the quarter (locked values): the first
	// Tula МО whose values are open is zeroed.
	mo, n := "", 0
	for _, u := range h.Descendants("RU-TUL") {
		if u.Level != orgunit.Organisation {
			continue
		}
		var zero strings.Builder
		zero.WriteString("data_element,period,org_unit,value\n")
		n = 0
		for _, line := range lines {
			f := strings.Split(line, ",")
			if len(f) >= 4 && f[1] == pe && f[2] == u.Code && f[3] != "0" {
				zero.WriteString(f[0] + "," + pe + "," + u.Code + ",0\n")
				n++
			}
		}
		if n == 0 {
			continue
		}
		file := filepath.Join(t.TempDir(), "zero.csv")
		if err := os.WriteFile(file, []byte(zero.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := cli(t, "import", file, "--db", db, "--log-level", "warn")
		if code == 0 {
			mo = u.Code
			break
		}
		if !strings.Contains(stderr, "locked") {
			t.Fatalf("import: exit %d: %s", code, stderr)
		}
	}
	if mo == "" {
		t.Fatalf("no open Tula МО in %s to zero", pe)
	}
	after := rating(db)
	if after["RU-TUL"]["score"] == pg["RU-TUL"]["score"] {
		t.Errorf("Tula's score did not move after zeroing %d values of %s: %v", n, mo, after["RU-TUL"])
	}
	t.Logf("zeroed %d values of %s (%s): Tula %v → %v", n, mo, pe, pg["RU-TUL"]["score"], after["RU-TUL"]["score"])
}
