package strategy

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
)

func testCatalog(t testing.TB) *Catalog {
	t.Helper()
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return &Catalog{Regions: NewRegions(h), Methodologies: ms}
}

func TestParseCSVAccepts(t *testing.T) {
	cat := testCatalog(t)
	cases := []struct {
		name, file string
		want       []Entry
	}{
		{
			name: "contract header",
			file: "region,methodology,indicator,year,target\n" +
				"RU-TUL,health-digital-maturity,remote_booking_share,2024,63\n" +
				"RU-TUL,health-digital-maturity,index,2024,75.5\n",
			want: []Entry{
				{Key: Key{"RU-TUL", "health-digital-maturity", "remote_booking_share"}, Year: 2024, Value: 63},
				{Key: Key{"RU-TUL", "health-digital-maturity", "index"}, Year: 2024, Value: 75.5},
			},
		},
		{
			name: "semicolons, BOM, decimal comma, CRLF, Russian header in another order",
			file: "\ufeffГод;Субъект;Методика;Показатель;Цель\r\n" +
				"2023;Тульская область;dispensarization;disp_coverage;62,5\r\n" +
				";;;;\r\n" +
				"2024;ru-klu;dispensarization;coverage;70\r\n",
			want: []Entry{
				{Key: Key{"RU-TUL", "dispensarization", "disp_coverage"}, Year: 2023, Value: 62.5},
				{Key: Key{"RU-KLU", "dispensarization", "coverage"}, Year: 2024, Value: 70},
			},
		},
		{
			name: "ОКАТО with and without the leading zero, names folded",
			file: "region,methodology,indicator,year,target\n" +
				"70000000000,digital-office,office_doc_time,2024,\"4,5\"\n" +
				"3000000000,digital-office,office_full_share,2025,80\n" +
				"тульская обл.,young-doctors,yd_retention_3y,2030,85\n" +
				"  Калужская   область ,young-doctors,yd_retention_3y,2030,1 000e-1\n",
			want: []Entry{
				{Key: Key{"RU-TUL", "digital-office", "office_doc_time"}, Year: 2024, Value: 4.5},
				{Key: Key{"RU-KDA", "digital-office", "office_full_share"}, Year: 2025, Value: 80},
				{Key: Key{"RU-TUL", "young-doctors", "yd_retention_3y"}, Year: 2030, Value: 85},
				{Key: Key{"RU-KLU", "young-doctors", "yd_retention_3y"}, Year: 2030, Value: 100},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ParseCSV(strings.NewReader(c.file), "targets.csv", cat)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(c.want) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(c.want), rows)
			}
			for i, r := range rows {
				if r.Entry != c.want[i] {
					t.Errorf("row %d: %+v, want %+v", i, r.Entry, c.want[i])
				}
			}
		})
	}
}

func TestParseCSVRefuses(t *testing.T) {
	cat := testCatalog(t)
	const head = "region,methodology,indicator,year,target\n"
	const good = "RU-TUL,health-digital-maturity,arm_share,2024,95\n"
	cases := []struct {
		name, file string
		line       int
		field      string
		text       string // part of the Russian message
	}{
		{"unknown region", head + good + "Тулская область,health-digital-maturity,arm_share,2024,95\n", 3, "region", "субъект не найден"},
		{"two-digit code", head + "71,health-digital-maturity,arm_share,2024,95\n", 2, "region", "двузначный код неоднозначен"},
		{"district, not a region", head + "FD-CEN,health-digital-maturity,arm_share,2024,95\n", 2, "region", "федеральный округ"},
		{"empty region", head + ",health-digital-maturity,arm_share,2024,95\n", 2, "region", "не указан субъект"},
		{"unknown methodology with a suggestion", head + "RU-TUL,health-digital-maturty,arm_share,2024,95\n", 2, "methodology", "возможно, «health-digital-maturity»"},
		{"unknown indicator with a suggestion", head + "RU-TUL,health-digital-maturity,arm_shar,2024,95\n", 2, "indicator", "возможно, «arm_share»"},
		{"indicator of another methodology", head + "RU-TUL,dispensarization,arm_share,2024,95\n", 2, "indicator", "в методике dispensarization нет такого показателя"},
		{"year out of range", head + "RU-TUL,health-digital-maturity,arm_share,2040,95\n", 2, "year", "2019–2036"},
		{"year not a year", head + "RU-TUL,health-digital-maturity,arm_share,24,95\n", 2, "year", "четырёх цифр"},
		{"target not a number", head + "RU-TUL,health-digital-maturity,arm_share,2024,девяносто\n", 2, "target", "не число"},
		{"thousands and decimals mixed", head + "RU-TUL,health-digital-maturity,arm_share,2024,\"1.000,5\"\n", 2, "target", "десятичный разделитель"},
		{"NaN", head + "RU-TUL,health-digital-maturity,arm_share,2024,NaN\n", 2, "target", "не число"},
		{"hexadecimal", head + "RU-TUL,health-digital-maturity,arm_share,2024,0x10\n", 2, "target", "не число"},
		{"empty target", head + "RU-TUL,health-digital-maturity,arm_share,2024,\n", 2, "target", "не указано целевое значение"},
		{"share above 100", head + "RU-TUL,health-digital-maturity,arm_share,2024,120\n", 2, "target", "вне допустимого диапазона 0–100"},
		{"negative count", head + "RU-TUL,health-digital-maturity,emd_delay_days,2024,-1\n", 2, "target", "от 0"},
		{"node score above 100", head + "RU-TUL,health-digital-maturity,index,2024,101\n", 2, "target", "0–100"},
		{"duplicate", head + good + "RU-TUL,health-digital-maturity,arm_share,2024,96\n", 3, "indicator", "уже задана в строке 2"},
		{"duplicate through another spelling", head + good + "Тульская область,health-digital-maturity,arm_share,2024,96\n", 3, "indicator", "уже задана в строке 2"},
		{"too many fields", head + "RU-TUL,health-digital-maturity,arm_share,2024,95,x\n", 2, "", "полей в строке 6, в заголовке 5"},
		{"too few fields", head + "RU-TUL,health-digital-maturity,arm_share,2024\n", 2, "", "полей в строке 4"},
		{"bad quote", head + good + "RU-TUL,\"health,arm_share,2024,95\n", 3, "", "кавычках"},
		{"missing column", "region,methodology,indicator,target\n" + "RU-TUL,health-digital-maturity,arm_share,95\n", 1, "", "нет столбцов year"},
		{"column twice", "region,methodology,indicator,year,target,год\n", 1, "year", "повторяется"},
		{"empty file", "", 0, "", "файл пуст"},
		{"header only", head, 0, "", "нет ни одной цели"},
		{"UTF-16", "\xff\xfer\x00e\x00", 0, "", "UTF-16"},
		{"not UTF-8", head + "RU-TUL,health-digital-maturity,arm_share,2024,9\xe55\n", 2, "", "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ParseCSV(strings.NewReader(c.file), "targets.csv", cat)
			if rows != nil {
				t.Errorf("rows returned with an error: %+v", rows)
			}
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want *ImportError", err)
			}
			found := false
			for _, p := range ie.Problems {
				if p.Line == c.line && p.Field == c.field && strings.Contains(p.Text, c.text) {
					found = true
				}
				if p.File != "targets.csv" {
					t.Errorf("problem without the file name: %+v", p)
				}
			}
			if !found {
				t.Errorf("no problem at line %d field %q containing %q in:\n%v", c.line, c.field, c.text, err)
			}
			if !strings.HasPrefix(err.Error(), "targets.csv: цели не загружены") {
				t.Errorf("message %q", err)
			}
		})
	}
}

// TestParseCSVReportsEveryProblem: one pass names every bad field, with
// the file, line and field in the message a person reads.
func TestParseCSVReportsEveryProblem(t *testing.T) {
	file := "region,methodology,indicator,year,target\n" +
		"RU-TUL,health-digital-maturity,arm_share,2024,95\n" +
		"RU-XXX,health-digital-maturity,nope,1990,abc\n"
	_, err := ParseCSV(strings.NewReader(file), "t.csv", testCatalog(t))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 4 {
		t.Fatalf("want 4 problems, got %v", err)
	}
	for _, want := range []string{
		"t.csv, строка 3, поле «region»: «RU-XXX» — субъект не найден",
		"t.csv, строка 3, поле «indicator»: «nope» — в методике health-digital-maturity нет такого показателя",
		"t.csv, строка 3, поле «year»: «1990» — год вне допустимого диапазона",
		"t.csv, строка 3, поле «target»: «abc» — не число",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}
}

func TestParseCSVYearRange(t *testing.T) {
	cat := testCatalog(t)
	cat.MinYear, cat.MaxYear = 2021, 2024
	file := "region,methodology,indicator,year,target\nRU-TUL,health-digital-maturity,arm_share,2020,95\n"
	if _, err := ParseCSV(strings.NewReader(file), "t.csv", cat); err == nil || !strings.Contains(err.Error(), "2021–2024") {
		t.Errorf("year 2020 with range 2021–2024: %v", err)
	}
}

func xlsxFile(t *testing.T, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseXLSX(t *testing.T) {
	cat := testCatalog(t)
	head := []any{"region", "methodology", "indicator", "year", "target"}
	good := xlsxFile(t, "Цели", [][]any{
		head,
		{"RU-TUL", "health-digital-maturity", "remote_booking_share", 2024, 63.5},
		{},
		{"Калужская область", "young-doctors", "yd_staffing", "2025", "90,5"},
	})
	rows, err := ParseXLSX(bytes.NewReader(good), "targets.xlsx", cat)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Entry: Entry{Key: Key{"RU-TUL", "health-digital-maturity", "remote_booking_share"}, Year: 2024, Value: 63.5}, Line: 2, Sheet: "Цели"},
		{Entry: Entry{Key: Key{"RU-KLU", "young-doctors", "yd_staffing"}, Year: 2025, Value: 90.5}, Line: 4, Sheet: "Цели"},
	}
	if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
		t.Errorf("rows %+v, want %+v", rows, want)
	}

	bad := xlsxFile(t, "Sheet1", [][]any{
		head,
		{"RU-TUL", "health-digital-maturity", "remote_booking_share", 2024, 63.5},
		{"RU-TUL", "health-digital-maturity", "remote_booking_share", 2051, 70},
	})
	rows, err = ParseXLSX(bytes.NewReader(bad), "targets.xlsx", cat)
	if rows != nil || err == nil || !strings.Contains(err.Error(), "targets.xlsx, лист «Sheet1», строка 3, поле «year»: «2051»") {
		t.Errorf("rows %v, error %v", rows, err)
	}
	if _, err := ParseXLSX(strings.NewReader("not a workbook"), "x.xlsx", cat); err == nil || !strings.Contains(err.Error(), "не читается как книга XLSX") {
		t.Errorf("garbage: %v", err)
	}
}
