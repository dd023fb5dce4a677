package report

import (
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/stats"
)

// Sheet names of the region workbook, in order.
const (
	SheetAbout       = "Сведения"
	SheetLeague      = "Рейтинг"
	SheetCriteria    = "Критерии"
	SheetData        = "Данные региона"
	SheetIndicators  = "Показатели региона"
	SheetExplanation = "Объяснение"
)

// Content types of the report files, for HTTP responses.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// RegionXLSXFileName is a file name for a region's workbook:
// region-RU-TUL-2020.xlsx.
func RegionXLSXFileName(region, period string) string {
	return "region-" + safeName(region) + "-" + safeName(period) + ".xlsx"
}

// WriteRegionXLSX writes a region's workbook for an analyst: the league
// table with the region marked, its criteria against the medians, its data
// element values, its indicator values through every pipeline stage, and
// the explanation tree of its score. res must be rebuilt with its
// methodology (catalog.Result does that); region is an ISO code, ОКАТО or
// name. Numbers are stored as numbers, missing ones as empty cells. When
// the data are synthetic, the first row of every sheet says so.
func WriteRegionXLSX(w io.Writer, res *rating.Result, h *orgunit.Hierarchy, region string) error {
	g, ui, err := governorBase(res, h, region)
	if err != nil {
		return err
	}
	if res.Index() == nil {
		return fmt.Errorf("region workbook %s: result %s %s has not been rebuilt", g.Region.Code, res.Methodology, res.Period)
	}
	ex, err := res.Explain(g.Region.Code, "", 0)
	if err != nil {
		return fmt.Errorf("region workbook %s: %w", g.Region.Code, err)
	}
	x := &xlsxDoc{f: excelize.NewFile(), synthetic: res.Synthetic}
	defer x.f.Close()
	if x.bold, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	if x.self, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF3CD"}}}); err != nil {
		return err
	}
	if x.warn, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "B02A1E"}}); err != nil {
		return err
	}
	steps := []struct {
		sheet string
		fill  func(*xlsxDoc) error
	}{
		{SheetAbout, func(x *xlsxDoc) error { return x.about(g) }},
		{SheetLeague, func(x *xlsxDoc) error { return x.league(res, h, g.Region.Code) }},
		{SheetCriteria, func(x *xlsxDoc) error { return x.criteria(g) }},
		{SheetData, func(x *xlsxDoc) error { return x.data(res, ui) }},
		{SheetIndicators, func(x *xlsxDoc) error { return x.indicators(res, ui) }},
		{SheetExplanation, func(x *xlsxDoc) error { return x.explanation(ex) }},
	}
	for i, s := range steps {
		if i == 0 {
			err = x.f.SetSheetName("Sheet1", s.sheet)
		} else {
			_, err = x.f.NewSheet(s.sheet)
		}
		if err != nil {
			return fmt.Errorf("region workbook: sheet %s: %w", s.sheet, err)
		}
		x.sheet, x.row = s.sheet, 0
		if x.synthetic {
			if err := x.put([]any{SyntheticNote}, x.warn); err != nil {
				return err
			}
		}
		if err := s.fill(x); err != nil {
			return fmt.Errorf("region workbook: sheet %s: %w", s.sheet, err)
		}
	}
	x.f.SetActiveSheet(0)
	if err := x.f.Write(w); err != nil {
		return fmt.Errorf("region workbook %s: %w", g.Region.Code, err)
	}
	return nil
}

type xlsxDoc struct {
	f                *excelize.File
	sheet            string
	row              int
	synthetic        bool
	bold, self, warn int
}

// put writes the next row, styled when style is not 0.
func (x *xlsxDoc) put(vals []any, style int) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	if err := x.f.SetSheetRow(x.sheet, cell, &vals); err != nil {
		return err
	}
	if style != 0 {
		end, err := excelize.CoordinatesToCellName(max(len(vals), 1), x.row)
		if err != nil {
			return err
		}
		return x.f.SetCellStyle(x.sheet, cell, end, style)
	}
	return nil
}

// header writes a bold header row and sets the column widths.
func (x *xlsxDoc) header(cols []string, widths ...float64) error {
	vals := make([]any, len(cols))
	for i, c := range cols {
		vals[i] = c
	}
	for i, w := range widths {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := x.f.SetColWidth(x.sheet, name, name, w); err != nil {
			return err
		}
	}
	return x.put(vals, x.bold)
}

func (x *xlsxDoc) about(g *Governor) error {
	if err := x.header([]string{"Поле", "Значение"}, 28, 70); err != nil {
		return err
	}
	data := "фактические"
	if g.Synthetic {
		data = "синтетические (демонстрационные)"
	}
	rank, drank := any(""), any("")
	if g.Rank > 0 {
		rank, drank = g.Rank, g.DistrictRank
	}
	change := any("")
	if g.PrevRank > 0 && g.Rank > 0 {
		change = g.RankChange
	}
	for _, kv := range [][2]any{
		{"Субъект РФ", g.Region.Name},
		{"Код ISO 3166-2", g.Region.ISO},
		{"Федеральный округ", g.District.Name},
		{"Методика", g.MethodologyName},
		{"Идентификатор методики", g.Methodology},
		{"Версия методики", g.Version},
		{"Период", g.PeriodLabel},
		{"Предыдущий период", g.PrevPeriodLabel},
		{"Дата расчёта", rufmt.Date(g.ComputedAt)},
		{"Место в России", rank},
		{"Ранжировано субъектов", g.Of},
		{"Место в федеральном округе", drank},
		{"Ранжировано в округе", g.DistrictSize},
		{"Балл", cellNum(g.Score)},
		{"Уровень", g.GradeLabel},
		{"Место в предыдущем периоде", blankZero(g.PrevRank)},
		{"Изменение места (+ подъём)", change},
		{"Данные", data},
	} {
		if err := x.put([]any{kv[0], kv[1]}, 0); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxDoc) league(res *rating.Result, h *orgunit.Hierarchy, code string) error {
	criteria := criteriaOf(res)
	head := []string{"Место", "Код ISO", "Субъект РФ", "Федеральный округ", "Балл", "Уровень", "Место в ФО", "Место в прошлом периоде", "Изменение"}
	widths := []float64{7, 10, 34, 30, 9, 10, 8, 10, 10}
	for _, c := range criteria {
		head = append(head, c.Name)
		widths = append(widths, 14)
	}
	if err := x.header(head, widths...); err != nil {
		return err
	}
	for _, lr := range League(res, h) {
		vals := []any{blankZero(lr.Rank), lr.ISOCode, lr.Name, lr.District, cellNum(lr.Score), lr.GradeLabel,
			blankZero(lr.DistrictRank), blankZero(lr.PrevRank), lr.RankChange}
		for _, c := range criteria {
			vals = append(vals, cellNum(lr.Criteria[c.ID]))
		}
		style := 0
		if lr.Code == code {
			style = x.self
		}
		if err := x.put(vals, style); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxDoc) criteria(g *Governor) error {
	if err := x.header([]string{"Код", "Критерий", "Вес в индексе", "Балл региона", "Медиана по России", "Медиана по федеральному округу", "Место в России"},
		14, 46, 10, 12, 12, 14, 10); err != nil {
		return err
	}
	for _, c := range g.Criteria {
		if err := x.put([]any{c.ID, c.Name, c.Weight, cellNum(c.Score), cellNum(c.NationalMedian), cellNum(c.DistrictMedian), blankZero(c.Rank)}, 0); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxDoc) data(res *rating.Result, ui int) error {
	if err := x.header([]string{"Код", "Элемент данных", "Ед. изм.", "Агрегирование", "Значение"}, 24, 70, 8, 12, 14); err != nil {
		return err
	}
	for i, el := range res.Elements {
		v := rating.Num(math.NaN())
		if i < len(res.ElementValues) && ui < len(res.ElementValues[i]) {
			v = res.ElementValues[i][ui]
		}
		if err := x.put([]any{el.ID, el.Name, el.Unit, el.Aggregation, cellNum(v)}, 0); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxDoc) indicators(res *rating.Result, ui int) error {
	if err := x.header([]string{"Код", "Показатель", "Ед. изм.", "Направление", "Числитель", "Знаменатель", "Множитель",
		"Значение числителя", "Значение знаменателя", "Значение", "Приведённое значение", "Досчитано", "После обработки выбросов",
		"Нормированное", "Место в России", "Сообщили субъектов"},
		20, 60, 8, 12, 24, 24, 10, 14, 14, 12, 12, 10, 12, 12, 10, 10); err != nil {
		return err
	}
	byID := map[string]int{}
	for i, ir := range res.Index().Indicators {
		byID[ir.ID] = i
	}
	for i, in := range res.Indicators {
		dir := "больше — лучше"
		if in.Direction == "lower" {
			dir = "меньше — лучше"
		}
		vals := []any{in.ID, in.Name, in.Unit, dir, in.Numerator, in.Denominator, in.Factor,
			cellNum(res.Numerators[i][ui]), cellNum(res.Denominators[i][ui]), cellNum(res.Values[i][ui])}
		if k, ok := byID[in.ID]; ok {
			ir := res.Index().Indicators[k]
			var norm []float64
			for u, v := range ir.Normalised {
				if !math.IsNaN(v) && !imputed(ir, u) {
					norm = append(norm, v)
				}
			}
			rank := any("")
			if !imputed(ir, ui) {
				rank = blankZero(stats.RankOf(norm, ir.Normalised[ui]))
			}
			done := "нет"
			if imputed(ir, ui) {
				done = "да"
			}
			vals = append(vals, cellNum(rating.Num(ir.Denominated[ui])), done, cellNum(rating.Num(ir.Treated[ui])),
				cellNum(rating.Num(ir.Normalised[ui])), rank, len(norm))
		}
		if err := x.put(vals, 0); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxDoc) explanation(ex rating.Explanation) error {
	if err := x.header([]string{"Уровень", "Узел", "Название", "Показатель", "Вес", "Эффективный вес", "Балл", "Вклад в балл родителя",
		"Исходное значение", "Приведённое", "После обработки выбросов", "Нормированное", "Досчитано", "Винзоризация", "Логарифм"},
		8, 20, 60, 20, 8, 10, 10, 12, 12, 12, 12, 12, 10, 10, 10); err != nil {
		return err
	}
	yes := func(b bool) string {
		if b {
			return "да"
		}
		return ""
	}
	var walk func(e rating.Explanation, depth int) error
	walk = func(e rating.Explanation, depth int) error {
		vals := []any{depth, e.Node, e.NodeName, "", e.Weight, cellNum(e.EffWeight), cellNum(e.Score), cellNum(e.Contribution)}
		if e.Indicator != nil {
			vals[3] = e.Indicator.ID
			if vals[2] == "" {
				vals[2] = e.Indicator.Name
			}
			vals = append(vals, cellNum(e.Raw), cellNum(e.Denominated), cellNum(e.Treated), cellNum(e.Normalised),
				yes(e.Imputed), yes(e.Winsorised), yes(e.LogTransformed))
		}
		style := 0
		if depth <= 1 {
			style = x.bold
		}
		if err := x.put(vals, style); err != nil {
			return err
		}
		for _, c := range e.Children {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(ex, 0)
}
