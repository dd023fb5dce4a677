package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeWorkbook writes one sheet of rows to path.
func writeWorkbook(t *testing.T, path, sheet string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestImportXLSX drives `cifra import` with a data-set workbook (rows are
// organisation units, columns data elements): a good one is imported with
// the period from --period; one with a bad cell writes nothing and names the
// sheet, cell and reason.
func TestImportXLSX(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	good := filepath.Join(dir, "form.xlsx")
	writeWorkbook(t, good, "Инфраструктура", [][]any{
		{"Организация", "arm_total", "arm_equipped"},
		{"RU-TUL", 1200, 1100},
		{"RU-TAM", 800, "790"},
	})
	if _, stderr, code := cli(t, "import", good, "--period", "2020Q1", "--db", db, "--no-recompute"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	out, _, code := cli(t, "export", "--what", "values", "--format", "csv", "--db", db)
	if code != 0 {
		t.Fatal("export failed")
	}
	for _, want := range []string{"arm_total,2020Q1,RU-TUL,1200", "arm_equipped,2020Q1,RU-TAM,790"} {
		if !strings.Contains(out, want) {
			t.Errorf("exported values lack %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 5 {
		t.Errorf("%d lines exported, want header + 4:\n%s", n, out)
	}

	bad := filepath.Join(dir, "bad.xlsx")
	writeWorkbook(t, bad, "Инфраструктура", [][]any{
		{"Организация", "arm_total", "arm_equipped"},
		{"RU-TUL", 1300, 1200},
		{"RU-XXX", 5, 5},
		{"RU-TAM", "много", 700},
	})
	_, stderr, code := cli(t, "import", bad, "--period", "2020Q1", "--db", db, "--no-recompute")
	if code == 0 {
		t.Fatal("a workbook with bad cells was imported")
	}
	t.Logf("stderr: %s", stderr)
	for _, want := range []string{"bad.xlsx", "Инфраструктура", "RU-XXX", "много", "nothing imported"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, stderr)
		}
	}
	after, _, _ := cli(t, "export", "--what", "values", "--format", "csv", "--db", db)
	if after != out {
		t.Errorf("a rejected workbook changed the data:\nbefore\n%s\nafter\n%s", out, after)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
}
