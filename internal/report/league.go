// Package report renders computed ratings for people and other programs:
// league tables as JSON, CSV, XLSX and Russian text.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// SyntheticNote is printed with every output of generated demo data.
const SyntheticNote = "ВНИМАНИЕ: данные синтетические (демонстрационные), не являются официальной статистикой."

// LeagueRow is one line of a league table as exported.
type LeagueRow struct {
	ISOCode      string                `json:"iso_code"`
	Code         string                `json:"code"`
	Name         string                `json:"name"`
	District     string                `json:"federal_district,omitempty"`
	Score        rating.Num            `json:"score"`
	Rank         int                   `json:"rank"`
	DistrictRank int                   `json:"district_rank"`
	Grade        string                `json:"grade"`
	GradeLabel   string                `json:"grade_label"`
	PrevRank     int                   `json:"prev_rank,omitempty"`
	RankChange   int                   `json:"rank_change"`
	Leader       bool                  `json:"leader"`
	Laggard      bool                  `json:"laggard"`
	Screened     bool                  `json:"screened"`
	Criteria     map[string]rating.Num `json:"criteria"`
	Synthetic    bool                  `json:"synthetic"`
	Methodology  string                `json:"methodology"`
	Version      string                `json:"version"`
	Period       string                `json:"period"`
}

// League flattens a result into exported rows ordered by rank. The ISO code
// is filled for regions from the hierarchy (nil hierarchy: code as is).
func League(r *rating.Result, h *orgunit.Hierarchy) []LeagueRow {
	criteria := criteriaOf(r)
	var out []LeagueRow
	for _, row := range r.Sorted() {
		lr := LeagueRow{
			Code: row.Code, Name: row.Name, District: row.GroupName, Score: row.Score, Rank: row.Rank,
			DistrictRank: row.GroupRank, Grade: row.Grade, GradeLabel: row.GradeLabel, PrevRank: row.PrevRank,
			RankChange: row.RankChange, Leader: row.Leader, Laggard: row.Laggard, Screened: row.Screened,
			Criteria: map[string]rating.Num{}, Synthetic: r.Synthetic, Methodology: r.Methodology, Version: r.Version, Period: r.Period,
		}
		if h != nil {
			if u, ok := h.Get(row.Code); ok {
				lr.ISOCode = u.ISO
			}
		}
		for _, c := range criteria {
			lr.Criteria[c.ID] = row.Scores[c.ID]
		}
		out = append(out, lr)
	}
	return out
}

// criteriaOf lists the root's children: the criteria of the index.
func criteriaOf(r *rating.Result) []rating.NodeRef {
	var out []rating.NodeRef
	for _, n := range r.Nodes {
		if n.Parent == r.Root && n.Depth == 1 {
			out = append(out, n)
		}
	}
	return out
}

// WriteJSON writes the league table as a JSON array.
func WriteJSON(w io.Writer, r *rating.Result, h *orgunit.Hierarchy) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(League(r, h))
}

// WriteCSV writes the league table as CSV with a header.
func WriteCSV(w io.Writer, r *rating.Result, h *orgunit.Hierarchy) error {
	cw := csv.NewWriter(w)
	criteria := criteriaOf(r)
	head := []string{"rank", "iso_code", "code", "name", "federal_district", "score", "grade", "district_rank", "prev_rank", "rank_change"}
	for _, c := range criteria {
		head = append(head, c.ID)
	}
	head = append(head, "synthetic")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, lr := range League(r, h) {
		rec := []string{itoa(lr.Rank), lr.ISOCode, lr.Code, lr.Name, lr.District, num(lr.Score, 'f', 3), lr.Grade,
			itoa(lr.DistrictRank), itoa(lr.PrevRank), strconv.Itoa(lr.RankChange)}
		for _, c := range criteria {
			rec = append(rec, num(lr.Criteria[c.ID], 'f', 3))
		}
		rec = append(rec, strconv.FormatBool(lr.Synthetic))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func num(n rating.Num, f byte, prec int) string {
	if !n.Valid() {
		return ""
	}
	return strconv.FormatFloat(float64(n), f, prec, 64)
}

// Arrow shows a rank change: ▲3, ▼2 or "=".
func Arrow(change, prevRank int) string {
	switch {
	case prevRank == 0:
		return "нов."
	case change > 0:
		return fmt.Sprintf("▲%d", change)
	case change < 0:
		return fmt.Sprintf("▼%d", -change)
	default:
		return "="
	}
}

// WriteTable writes a readable Russian table with the leaders and laggards.
func WriteTable(w io.Writer, r *rating.Result, h *orgunit.Hierarchy) error {
	rows := League(r, h)
	fmt.Fprintf(w, "%s\nПериод: %s · методика %s, версия %s\n", r.Name, r.PeriodLabel, r.Methodology, r.Version)
	if r.Synthetic {
		fmt.Fprintln(w, SyntheticNote)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Место\tСубъект РФ\tФО\tБалл\tУровень\tИзменение\t")
	for _, lr := range rows {
		mark := ""
		if lr.Leader {
			mark = " ★"
		} else if lr.Laggard {
			mark = " ↓"
		}
		rank, change := "—", "—"
		if lr.Rank > 0 {
			rank, change = strconv.Itoa(lr.Rank), Arrow(lr.RankChange, lr.PrevRank)
		}
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\t%s\t%s\t\n", rank, lr.Name, mark, shortDistrict(lr.District), rufmt.Number(float64(lr.Score), 1), lr.GradeLabel, change)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	name := map[string]string{}
	for _, lr := range rows {
		name[lr.Code] = lr.Name
	}
	list := func(title string, ids []string) {
		if len(ids) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for i, id := range ids {
			fmt.Fprintf(w, "  %d. %s\n", i+1, name[id])
		}
	}
	list("Лидеры", r.Leaders)
	list("Отстающие", r.Laggards)
	if n := len(r.Warnings); n > 0 {
		fmt.Fprintf(w, "\nПредупреждения (%d):\n", n)
		for _, wn := range r.Warnings {
			fmt.Fprintf(w, "  - %s\n", wn)
		}
	}
	return nil
}

func shortDistrict(name string) string {
	return strings.TrimSuffix(name, " федеральный округ")
}

// WriteXLSX writes the league table, the criteria and the indicator values
// of a result to a workbook.
func WriteXLSX(w io.Writer, r *rating.Result, h *orgunit.Hierarchy) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Рейтинг"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	criteria := criteriaOf(r)
	head := []any{"Место", "Код ISO", "Субъект РФ", "Федеральный округ", "Балл", "Уровень", "Место в ФО", "Место в прошлом периоде", "Изменение"}
	for _, c := range criteria {
		head = append(head, c.Name)
	}
	row := 1
	if r.Synthetic {
		if err := f.SetCellValue(sheet, "A1", SyntheticNote); err != nil {
			return err
		}
		row = 2
	}
	set := func(sheet string, row int, vals []any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := set(sheet, row, head); err != nil {
		return err
	}
	for _, lr := range League(r, h) {
		row++
		vals := []any{blankZero(lr.Rank), lr.ISOCode, lr.Name, lr.District, cellNum(lr.Score), lr.GradeLabel, blankZero(lr.DistrictRank), blankZero(lr.PrevRank), lr.RankChange}
		for _, c := range criteria {
			vals = append(vals, cellNum(lr.Criteria[c.ID]))
		}
		if err := set(sheet, row, vals); err != nil {
			return err
		}
	}
	const ind = "Показатели"
	if _, err := f.NewSheet(ind); err != nil {
		return err
	}
	head = []any{"Код", "Субъект РФ"}
	for _, in := range r.Indicators {
		head = append(head, in.Name)
	}
	if err := set(ind, 1, head); err != nil {
		return err
	}
	for u, unit := range r.Units {
		vals := []any{unit.Code, unit.Name}
		for i := range r.Indicators {
			vals = append(vals, cellNum(r.Values[i][u]))
		}
		if err := set(ind, u+2, vals); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func cellNum(n rating.Num) any {
	if !n.Valid() {
		return ""
	}
	return float64(n)
}

func blankZero(n int) any {
	if n == 0 {
		return ""
	}
	return n
}
