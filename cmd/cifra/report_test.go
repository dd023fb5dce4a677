package main

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/report"
)

func TestReportGovernorOneRegion(t *testing.T) {
	db := demoDatabase(t)
	out := filepath.Join(t.TempDir(), "tula.pdf")
	stdout, stderr, code := cli(t, "report", "governor", "--region", "RU-TUL", "--period", "2020", "--out", out, "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" || stderr != "" {
		t.Errorf("not quiet off a terminal: stdout %q, stderr %q", stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("no PDF at %s: %v", out, err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("SKIPPED LOUDLY: pdftotext not installed (poppler-utils); PDF text not checked")
	}
	// The rank as the rating command reports it.
	table, _, _ := cli(t, "rating", "--period", "2020", "--format", "csv", "--db", db)
	rank := ""
	for _, line := range strings.Split(table, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 2 && f[1] == "RU-TUL" {
			rank = f[0]
		}
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), " ")
	for _, want := range []string{"Тульская область", "в Тульской области", "занимает " + rank + "-е место", report.SyntheticNote, "стр. 2 из 2"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}

func TestReportGovernorAllZip(t *testing.T) {
	db := demoDatabase(t)
	out := filepath.Join(t.TempDir(), "all.zip")
	if _, stderr, code := cli(t, "report", "governor", "--all", "--period", "2020", "--out", out, "--db", db); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 85 {
		t.Fatalf("%d entries, want 85", len(zr.File))
	}
	seen := map[string]bool{}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "RU-") || !strings.HasSuffix(f.Name, ".pdf") || seen[f.Name] || f.UncompressedSize64 < 10000 {
			t.Errorf("entry %s (%d bytes)", f.Name, f.UncompressedSize64)
		}
		seen[f.Name] = true
	}
	if !seen["RU-TUL.pdf"] || !seen["RU-MOW.pdf"] {
		t.Error("RU-TUL.pdf or RU-MOW.pdf missing")
	}
}

func TestReportXLSX(t *testing.T) {
	db := demoDatabase(t)
	out := filepath.Join(t.TempDir(), "tula.xlsx")
	if _, stderr, code := cli(t, "report", "xlsx", "--region", "RU-TUL", "--period", "2020", "--out", out, "--db", db); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := strings.Join(f.GetSheetList(), ",")
	want := strings.Join([]string{report.SheetAbout, report.SheetLeague, report.SheetCriteria, report.SheetData, report.SheetIndicators, report.SheetExplanation}, ",")
	if sheets != want {
		t.Fatalf("sheets %s, want %s", sheets, want)
	}
	if v, _ := f.GetCellValue(report.SheetAbout, "B3"); v != "Тульская область" {
		t.Errorf("region cell %q", v)
	}
}

func TestReportErrors(t *testing.T) {
	db := demoDatabase(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "governor", "--region", "RU-TUL", "--period", "2020"}, "--out"},
		{[]string{"report", "governor", "--region", "RU-TUL", "--all", "--out", dir}, "either --region or --all"},
		{[]string{"report", "governor", "--region", "RU-XXX", "--period", "2020", "--out", filepath.Join(dir, "x.pdf")}, "RU-XXX"},
		{[]string{"report", "governor", "--region", "RU-TUL", "--period", "1999", "--out", filepath.Join(dir, "x.pdf")}, "no result"},
		{[]string{"report", "xlsx", "--period", "2020", "--out", filepath.Join(dir, "x.xlsx")}, "--region"},
	} {
		_, stderr, code := cli(t, append(tc.args, "--db", db)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a failed run left a file")
	}
}
