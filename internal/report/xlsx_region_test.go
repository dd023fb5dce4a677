package report

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteRegionXLSX(t *testing.T) {
	ctx := context.Background()
	c := demoCatalog(t)
	res, err := c.Result(ctx, testMethodology, "2020")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteRegionXLSX(&buf, res, c.Hierarchy(), "RU-TUL"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{SheetAbout, SheetLeague, SheetCriteria, SheetData, SheetIndicators, SheetExplanation}
	got := f.GetSheetList()
	if len(got) != len(want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sheets %v, want %v", got, want)
		}
	}
	row := rowOf(t, res, "RU-TUL")
	ui := res.UnitIndex("RU-TUL")
	rows := func(sheet string) [][]string {
		t.Helper()
		rs, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		// Demo data: the note first, then the header.
		if len(rs) < 2 || rs[0][0] != SyntheticNote {
			t.Fatalf("%s: no synthetic note: %v", sheet, rs[:min(len(rs), 2)])
		}
		return rs[1:]
	}
	num := func(s string) float64 {
		t.Helper()
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("not a number: %q", s)
		}
		return v
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

	// The league: 85 regions, Тульская область with its rank and score.
	league := rows(SheetLeague)
	if len(league) != 86 || league[0][0] != "Место" || league[0][2] != "Субъект РФ" {
		t.Fatalf("league: %d rows, header %v", len(league), league[0])
	}
	found := false
	for _, r := range league[1:] {
		if r[1] == "RU-TUL" {
			found = true
			if r[2] != "Тульская область" || num(r[0]) != float64(row.Rank) || !near(num(r[4]), float64(row.Score)) {
				t.Errorf("league row %v, want rank %d score %v", r, row.Rank, row.Score)
			}
		}
	}
	if !found {
		t.Error("RU-TUL not in the league sheet")
	}

	// Data elements: one row each, values equal to the result's.
	data := rows(SheetData)
	if len(data) != len(res.Elements)+1 {
		t.Fatalf("data: %d rows for %d elements", len(data), len(res.Elements))
	}
	for i, el := range res.Elements {
		r := data[i+1]
		if r[0] != el.ID {
			t.Fatalf("data row %d: %v", i, r)
		}
		if v := res.ElementValues[i][ui]; v.Valid() && !near(num(r[4]), float64(v)) {
			t.Errorf("%s = %s, want %v", el.ID, r[4], v)
		}
	}

	// Indicators: the value column equals the result's values.
	inds := rows(SheetIndicators)
	if len(inds) != len(res.Indicators)+1 {
		t.Fatalf("indicators: %d rows", len(inds))
	}
	for i, in := range res.Indicators {
		r := inds[i+1]
		if r[0] != in.ID {
			t.Fatalf("indicator row %d: %v", i, r)
		}
		if v := res.Values[i][ui]; v.Valid() && !near(num(r[9]), float64(v)) {
			t.Errorf("%s value %s, want %v", in.ID, r[9], v)
		}
	}

	// Explanation: the root row carries the score; criteria follow.
	ex := rows(SheetExplanation)
	if ex[1][0] != "0" || ex[1][1] != res.Root || !near(num(ex[1][6]), float64(row.Score)) {
		t.Errorf("explanation root %v, score %v", ex[1], row.Score)
	}
	criteria := 0
	for _, r := range ex[1:] {
		if r[0] == "1" {
			criteria++
		}
	}
	if criteria != 5 {
		t.Errorf("%d criteria in the explanation", criteria)
	}
	crit := rows(SheetCriteria)
	if len(crit) != 6 {
		t.Errorf("criteria sheet: %d rows", len(crit))
	}
	if v, _ := f.GetCellValue(SheetAbout, "B3"); v != "Тульская область" {
		t.Errorf("about B3 = %q", v)
	}

	if got := RegionXLSXFileName("RU-TUL", "2020Q4"); got != "region-RU-TUL-2020Q4.xlsx" {
		t.Errorf("file name %q", got)
	}
	if err := WriteRegionXLSX(&buf, res, c.Hierarchy(), "RU-XXX"); err == nil {
		t.Error("unknown region accepted")
	}
}
