package report

import (
	"fmt"
	"io"
	"time"

	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the lost-case workbook.
const (
	SheetLost      = "Случаи"
	SheetLostAbout = "Сведения"
)

// LostRow is one lost case of the patient's path, as the workbook shows it.
type LostRow struct {
	Kind                 string // the list's Russian name
	Case                 string // appointment id
	Region, RegionName   string
	OrgUnit, OrgUnitName string
	Specialty            string
	Patient              string
	Since                time.Time // the event the follow-up is missing after
	Days                 float64   // days since then, at AsOf
}

// LostSheet is a lost-case list with what it was drawn for.
type LostSheet struct {
	Unit, UnitName string
	AsOf           time.Time
	GraceDays      int
	Kind, KindName string // "" = every list
	Synthetic      bool
	Rows           []LostRow
}

// LostXLSXFileName is lost-MO-TUL-1-visit_no_emd.xlsx.
func LostXLSXFileName(unit, kind string) string {
	if kind == "" {
		kind = "all"
	}
	return "lost-" + safeName(unit) + "-" + safeName(kind) + ".xlsx"
}

// WriteLostXLSX writes a lost-case list for the staff who follow the cases
// up: one row per case with its МО, patient and how long it has waited,
// and a sheet saying what the list is. Times are Moscow time, stored as
// dates so that they sort and filter; when the data are synthetic the first
// row of every sheet says so.
func WriteLostXLSX(w io.Writer, l LostSheet) error {
	x := &xlsxDoc{f: excelize.NewFile(), synthetic: l.Synthetic}
	defer x.f.Close()
	var err error
	if x.bold, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	if x.warn, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "B02A1E"}}); err != nil {
		return err
	}
	dateFmt := "DD.MM.YYYY HH:MM"
	dateStyle, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	daysFmt := "0.0"
	daysStyle, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &daysFmt})
	if err != nil {
		return err
	}
	if err := x.f.SetSheetName("Sheet1", SheetLost); err != nil {
		return err
	}
	x.sheet = SheetLost
	if x.synthetic {
		if err := x.put([]any{SyntheticNote}, x.warn); err != nil {
			return err
		}
	}
	if err := x.header([]string{"Список", "Случай (запись)", "Код субъекта РФ", "Субъект РФ", "Код МО", "Медицинская организация",
		"Специальность", "Пациент", "Событие без продолжения (МСК)", "Прошло дней"}, 30, 22, 14, 26, 16, 40, 24, 20, 22, 12); err != nil {
		return err
	}
	first := x.row + 1
	for _, r := range l.Rows {
		since := any("")
		if !r.Since.IsZero() {
			// excelize writes a time as is: shift it to Moscow wall time.
			t := r.Since.In(rufmt.Moscow())
			since = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
		}
		if err := x.put([]any{r.Kind, r.Case, r.Region, r.RegionName, r.OrgUnit, r.OrgUnitName, r.Specialty, r.Patient, since,
			float64(int64(r.Days*10+0.5)) / 10}, 0); err != nil {
			return err
		}
	}
	if len(l.Rows) > 0 {
		if err := x.f.SetCellStyle(SheetLost, lostCell(9, first), lostCell(9, x.row), dateStyle); err != nil {
			return err
		}
		if err := x.f.SetCellStyle(SheetLost, lostCell(10, first), lostCell(10, x.row), daysStyle); err != nil {
			return err
		}
		if err := x.f.AutoFilter(SheetLost, lostCell(1, first-1)+":"+lostCell(10, x.row), nil); err != nil {
			return err
		}
	}
	if err := x.f.SetPanes(SheetLost, &excelize.Panes{Freeze: true, YSplit: first - 1, TopLeftCell: lostCell(1, first), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if _, err := x.f.NewSheet(SheetLostAbout); err != nil {
		return err
	}
	x.sheet, x.row = SheetLostAbout, 0
	if x.synthetic {
		if err := x.put([]any{SyntheticNote}, x.warn); err != nil {
			return err
		}
	}
	if err := x.header([]string{"Поле", "Значение"}, 34, 70); err != nil {
		return err
	}
	list := l.KindName
	if l.Kind == "" {
		list = "все списки"
	}
	data := "фактические"
	if l.Synthetic {
		data = "синтетические (демонстрационные)"
	}
	asOf := "—"
	if !l.AsOf.IsZero() {
		asOf = rufmt.DateTime(l.AsOf) + " МСК"
	}
	for _, kv := range [][2]any{
		{"Список", list},
		{"Организационная единица", l.UnitName},
		{"Код", l.Unit},
		{"На момент (последнее событие потока)", asOf},
		{"Срок ожидания ЭМД и записи по направлению, дней", l.GraceDays},
		{"Случаев", len(l.Rows)},
		{"Данные", data},
		{"Содержит персональные данные", "да: только для сотрудников, ведущих случаи"},
	} {
		if err := x.put([]any{kv[0], kv[1]}, 0); err != nil {
			return err
		}
	}
	x.f.SetActiveSheet(0)
	if err := x.f.Write(w); err != nil {
		return fmt.Errorf("lost-case workbook %s: %w", l.Unit, err)
	}
	return nil
}

func lostCell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}
