package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestWriteLostXLSX(t *testing.T) {
	since := time.Date(2020, 11, 20, 7, 30, 0, 0, time.UTC) // 10:30 in Moscow
	sheet := LostSheet{Unit: "MO-TUL-1", UnitName: "МО 1", AsOf: since.Add(72 * time.Hour), GraceDays: 3, Kind: "visit_no_emd",
		KindName: "Приём без ЭМД", Synthetic: true, Rows: []LostRow{
			{Kind: "Приём без ЭМД", Case: "a1", Region: "RU-TUL", RegionName: "Тульская область", OrgUnit: "MO-TUL-1", OrgUnitName: "МО 1",
				Specialty: "участковый терапевт", Patient: "p1", Since: since, Days: 3.04},
			{Kind: "Приём без ЭМД", Case: "a2", OrgUnit: "MO-TUL-1", Patient: "p2", Since: since.Add(time.Hour), Days: 2.96},
		}}
	for _, synthetic := range []bool{true, false} {
		sheet.Synthetic = synthetic
		var buf bytes.Buffer
		if err := WriteLostXLSX(&buf, sheet); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); len(got) != 2 || got[0] != SheetLost || got[1] != SheetLostAbout {
			t.Fatalf("sheets %v", got)
		}
		rows, err := f.GetRows(SheetLost)
		if err != nil {
			t.Fatal(err)
		}
		if synthetic {
			if rows[0][0] != SyntheticNote {
				t.Fatalf("no synthetic note: %v", rows[0])
			}
			rows = rows[1:]
		} else if rows[0][0] == SyntheticNote {
			t.Fatal("synthetic note on real data")
		}
		if len(rows) != 3 || rows[0][0] != "Список" || rows[0][7] != "Пациент" {
			t.Fatalf("rows %v", rows)
		}
		if r := rows[1]; r[1] != "a1" || r[3] != "Тульская область" || r[7] != "p1" || r[8] != "20.11.2020 10:30" || r[9] != "3.0" {
			t.Errorf("first row %q", r)
		}
		about, _ := f.GetRows(SheetLostAbout)
		if len(about) < 5 {
			t.Fatalf("about sheet %v", about)
		}
		f.Close()
	}
	if got := LostXLSXFileName("MO-TUL-1", ""); got != "lost-MO-TUL-1-all.xlsx" {
		t.Errorf("file name %s", got)
	}
}
