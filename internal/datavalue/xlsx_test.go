package datavalue

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheet is a worksheet to generate: rows from row 1, nil cells left empty.
type sheet struct {
	name string
	rows [][]any
}

func makeXLSX(t testing.TB, sheets ...sheet) []byte {
	t.Helper()
	book, ok := tryMakeXLSX(sheets)
	if !ok {
		t.Fatal("excelize cannot write the workbook")
	}
	return book
}

// tryMakeXLSX writes a workbook; nil cells stay empty. ok is false if
// excelize refuses the contents.
func tryMakeXLSX(sheets []sheet) (book []byte, ok bool) {
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err != nil {
			return nil, false
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil || f.SetCellValue(s.name, cell, v) != nil {
					return nil, false
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

func TestReadXLSX(t *testing.T) {
	book := makeXLSX(t,
		sheet{"Койки", [][]any{
			{"Организация", "BEDS", "DOCTORS"},
			{"RU-MOW", 12.5, 3},
			{"40000000", "7", nil}, // a number typed as text, an empty cell
			{},                     // empty row
			{"RU-TA", nil, " 0.25 "},
			{"RU-TA"}, // listed without data
		}},
		sheet{"EMR", [][]any{
			{"org_unit", "EMR_SHARE", "period"},
			{"RU-MOW", 0.9, "2021Q1"},
			{"RU-MOW", 0.95, nil}, // falls back to the workbook period
			{"RU-SPE", 1e-7, "2021q2"},
		}},
		sheet{"Empty", nil},
	)
	b, err := ReadXLSX(bytes.NewReader(book), "book.xlsx", testResolver(), "2021")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Rejected) > 0 {
		t.Fatal(b.Rejected)
	}
	want := []struct {
		sheet      string
		row        int
		de, pe, ou string
		value      float64
	}{
		{"Койки", 2, "DEbeds0001", "2021", "RU-MOW", 12.5},
		{"Койки", 2, "DEdoct0001", "2021", "RU-MOW", 3},
		{"Койки", 3, "DEbeds0001", "2021", "RU-SPE", 7},
		{"Койки", 5, "DEdoct0001", "2021", "RU-TA", 0.25},
		{"EMR", 2, "DEemr00001", "2021Q1", "RU-MOW", 0.9},
		{"EMR", 3, "DEemr00001", "2021", "RU-MOW", 0.95},
		{"EMR", 4, "DEemr00001", "2021Q2", "RU-SPE", 1e-7},
	}
	if len(b.Values) != len(want) {
		t.Fatalf("%d values, want %d: %+v", len(b.Values), len(want), b.Values)
	}
	for i, w := range want {
		g := b.Values[i]
		if g.Source.Sheet != w.sheet || g.Source.Record != w.row || g.DataElement != w.de || g.Period != w.pe || g.OrgUnit != w.ou || g.Value != w.value {
			t.Errorf("value %d = %+v, want %+v", i, g, w)
		}
		if g.Source.File != "book.xlsx" || g.Source.Format != XLSX {
			t.Errorf("value %d source %+v", i, g.Source)
		}
	}
}

func TestReadXLSXRejections(t *testing.T) {
	book := makeXLSX(t,
		sheet{"A", [][]any{
			{"Код", "BEDS", "BEDZ", nil, "period", "DEbeds0001"},
			{"RU-MOW", 1, 2, 3, "2021", 4},      // C unknown (reported in the header), D has no header
			{"RU-XX", 1, nil, 5, "2021", nil},   // unknown org unit: once for the row
			{"RU-SPE", "1,5", nil, nil, "2021"}, // text with a decimal comma
			{"RU-TA", 1, nil, nil, "2021Q5"},
			{"RU-TA", 1, nil, nil, nil}, // no period, no default
			{nil, 1, nil, nil, "2021"},
			{"RU-MOW", 2, nil, nil, "2021", nil, 9}, // beyond the header
		}},
		sheet{"B", [][]any{
			{"org_unit", "period", "BEDS"},
			{"45000000", "2021", 8}, // the same as A row 2
		}},
	)
	b, err := ReadXLSX(bytes.NewReader(book), "book.xlsx", testResolver(), "")
	if err != nil {
		t.Fatal(err)
	}
	checkRejections(t, b.Rejected, []want{
		{1, "column C", "BEDZ", "not a known data element"},
		{1, "column F", "DEbeds0001", "repeats the data element of column B"},
		{2, "column D", "3", "has no data element code in row 1"},
		{3, "Код", "RU-XX", "not a known org unit"},
		{4, "BEDS", "1,5", "is not a number"},
		{5, "period", "2021Q5", "quarter must be 1..4"},
		{6, "period", "", "missing"},
		{7, "Код", "", "missing"},
		{8, "column G", "9", "beyond the last header column"},
		{8, "", "", "duplicates row 2"},
		{2, "", "", `duplicates sheet "A" row 2`},
	})
	for _, r := range b.Rejected[:len(b.Rejected)-1] {
		if r.Source.Sheet != "A" {
			t.Errorf("%v: sheet %q", r, r.Source.Sheet)
		}
	}
	if got := b.Rejected[0].Error(); got != `book.xlsx sheet "A" row 1, field column C: "BEDZ" is not a known data element` {
		t.Errorf("message %q", got)
	}
	if len(b.Values) != 1 {
		t.Errorf("%d values, want 1 (A2 B): %+v", len(b.Values), b.Values)
	}
}

func TestReadXLSXErrors(t *testing.T) {
	tests := []struct {
		name   string
		book   []byte
		period string
		want   string
	}{
		{"not a workbook", []byte("data_element,period\n"), "", "book.xlsx: not a readable XLSX workbook"},
		{"A1 wrong", makeXLSX(t, sheet{"S", [][]any{{"region", "BEDS"}}}), "2021", `book.xlsx sheet "S": cell A1 must be "org_unit"`},
		{"no period anywhere", makeXLSX(t, sheet{"S", [][]any{{"org_unit", "BEDS"}, {"RU-MOW", 1}}}), "", `sheet "S": no period column and no period given`},
		{"bad workbook period", makeXLSX(t, sheet{"S", [][]any{{"org_unit", "BEDS"}}}), "2021Q7", `period "2021Q7" given for the workbook is not a valid period: quarter must be 1..4`},
		{"two period columns", makeXLSX(t, sheet{"S", [][]any{{"org_unit", "period", "Период"}}}), "", "two period columns, B and C"},
		{"header not in row 1", makeXLSX(t, sheet{"S", [][]any{nil, {"org_unit", "BEDS"}}}), "2021", "row 1 must be the header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadXLSX(bytes.NewReader(tt.book), "book.xlsx", testResolver(), tt.period)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestReadViaDetect(t *testing.T) {
	book := makeXLSX(t, sheet{"S", [][]any{{"org_unit", "BEDS"}, {"RU-MOW", 1}}})
	// No extension: the zip signature tells.
	b, err := Read(bytes.NewReader(book), "upload", "", testResolver(), "2021")
	if err != nil || len(b.Values) != 1 || len(b.Rejected) != 0 {
		t.Fatalf("Read = %+v, %v", b, err)
	}
}
