// Package report renders computed ratings for people and other programs:
// league tables as JSON, CSV, XLSX and Russian text.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/xuri/excelize/v2"

	"github.com/cifra-health/cifra/internal/index"
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
	// Nodes holds every node of the tree — the index, sub-indices,
	// pillars and indicators (their normalised values) — by node id.
	Nodes map[string]NodeScore `json:"nodes"`
	// Attributes are the unit's values of the attributes the methodology
	// groups by.
	Attributes  map[string]string `json:"attributes,omitempty"`
	Synthetic   bool              `json:"synthetic"`
	Methodology string            `json:"methodology"`
	Version     string            `json:"version"`
	Period      string            `json:"period"`
}

// NodeScore is one unit's score and rank in one tree node. Within ranks it
// within each grouping of the methodology's ranks.within (grouping → rank);
// Uncertainty is set when a Monte Carlo analysis was asked for.
type NodeScore struct {
	Score       rating.Num     `json:"score"`
	Rank        int            `json:"rank"`
	Within      map[string]int `json:"within,omitempty"`
	Uncertainty *RankInterval  `json:"uncertainty,omitempty"`
}

// RankInterval summarises a unit's rank in one node over the draws of an
// uncertainty analysis: nominal, median and the 5–95 % interval.
type RankInterval struct {
	Nominal int `json:"nominal"`
	Median  int `json:"median"`
	P05     int `json:"p05"`
	P95     int `json:"p95"`
}

// League flattens a result into exported rows ordered by rank. The ISO code
// is filled for regions from the hierarchy (nil hierarchy: code as is).
func League(r *rating.Result, h *orgunit.Hierarchy) []LeagueRow {
	criteria := criteriaOf(r)
	unitAt := make(map[string]int, len(r.Units))
	for i, u := range r.Units {
		unitAt[u.Code] = i
	}
	var out []LeagueRow
	for _, row := range r.Sorted() {
		lr := LeagueRow{
			Code: row.Code, Name: row.Name, District: row.GroupName, Score: row.Score, Rank: row.Rank,
			DistrictRank: row.GroupRank, Grade: row.Grade, GradeLabel: row.GradeLabel, PrevRank: row.PrevRank,
			RankChange: row.RankChange, Leader: row.Leader, Laggard: row.Laggard, Screened: row.Screened,
			Criteria: map[string]rating.Num{}, Synthetic: r.Synthetic, Methodology: r.Methodology, Version: r.Version, Period: r.Period,
			Nodes: make(map[string]NodeScore, len(r.Nodes)),
		}
		if i, ok := unitAt[row.Code]; ok {
			lr.Attributes = r.Units[i].Attributes
		}
		for _, n := range r.Nodes {
			ns := NodeScore{Score: row.Scores[n.ID], Rank: row.Ranks[n.ID]}
			for g, ranks := range row.Within {
				if ns.Within == nil {
					ns.Within = make(map[string]int, len(row.Within))
				}
				ns.Within[g] = ranks[n.ID]
			}
			lr.Nodes[n.ID] = ns
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
	return WriteLeagueJSON(w, League(r, h))
}

// WriteLeagueJSON writes league rows (League's, perhaps with an
// uncertainty analysis attached) as a JSON array.
func WriteLeagueJSON(w io.Writer, rows []LeagueRow) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

// AttachUncertainty sets the rank interval of every node a Monte Carlo
// analysis summarised (ur.Nodes, indexed like r.Units) in rows.
func AttachUncertainty(rows []LeagueRow, r *rating.Result, ur *index.UncertaintyResult) {
	unitAt := make(map[string]int, len(r.Units))
	for i, u := range r.Units {
		unitAt[u.Code] = i
	}
	for k := range rows {
		i, ok := unitAt[rows[k].Code]
		if !ok {
			continue
		}
		for id, us := range ur.Nodes {
			ns := rows[k].Nodes[id]
			u := us[i]
			ns.Uncertainty = &RankInterval{Nominal: u.Nominal, Median: u.Median, P05: u.P05, P95: u.P95}
			rows[k].Nodes[id] = ns
		}
	}
}

// leagueColumns are the per-node and per-attribute columns of the CSV and
// XLSX tables: the attributes the units carry, the groupings the root is
// ranked within, every node but the root (depth first), and the nodes with
// an uncertainty interval.
type leagueColumns struct {
	attrs     []string
	groupings []string
	nodes     []rating.NodeRef
	uncertain []rating.NodeRef
}

func columnsOf(r *rating.Result, rows []LeagueRow) leagueColumns {
	var c leagueColumns
	attrs, groupings := map[string]bool{}, map[string]bool{}
	uncertain := map[string]bool{}
	for _, lr := range rows {
		for a := range lr.Attributes {
			attrs[a] = true
		}
		for id, ns := range lr.Nodes {
			if id == r.Root {
				for g := range ns.Within {
					groupings[g] = true
				}
			}
			if ns.Uncertainty != nil {
				uncertain[id] = true
			}
		}
	}
	c.attrs = slices.Sorted(maps.Keys(attrs))
	c.groupings = slices.Sorted(maps.Keys(groupings))
	for _, n := range r.Nodes {
		if n.ID != r.Root {
			c.nodes = append(c.nodes, n)
		}
	}
	// r.Nodes is depth first from the root, so the root comes first.
	for _, n := range r.Nodes {
		if uncertain[n.ID] {
			c.uncertain = append(c.uncertain, n)
		}
	}
	return c
}

// WriteCSV writes the league table as CSV with a header.
func WriteCSV(w io.Writer, r *rating.Result, h *orgunit.Hierarchy) error {
	return WriteLeagueCSV(w, r, League(r, h))
}

// WriteLeagueCSV writes league rows as CSV: the league columns, the unit's
// attributes, its ranks within each grouping (rank_within:GROUPING), every
// node's score (column NODE) and rank (NODE.rank), and with an uncertainty
// analysis each node's median and 5–95 % ranks (NODE.rank_median,
// NODE.rank_p05, NODE.rank_p95).
func WriteLeagueCSV(w io.Writer, r *rating.Result, rows []LeagueRow) error {
	cw := csv.NewWriter(w)
	c := columnsOf(r, rows)
	head := []string{"rank", "iso_code", "code", "name", "federal_district"}
	head = append(head, c.attrs...)
	head = append(head, "score", "grade", "district_rank", "prev_rank", "rank_change")
	for _, g := range c.groupings {
		head = append(head, "rank_within:"+g)
	}
	for _, n := range c.nodes {
		head = append(head, n.ID, n.ID+".rank")
	}
	for _, n := range c.uncertain {
		head = append(head, n.ID+".rank_median", n.ID+".rank_p05", n.ID+".rank_p95")
	}
	head = append(head, "synthetic")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, lr := range rows {
		rec := []string{itoa(lr.Rank), lr.ISOCode, lr.Code, lr.Name, lr.District}
		for _, a := range c.attrs {
			rec = append(rec, lr.Attributes[a])
		}
		rec = append(rec, num(lr.Score, 'f', 3), lr.Grade, itoa(lr.DistrictRank), itoa(lr.PrevRank), strconv.Itoa(lr.RankChange))
		for _, g := range c.groupings {
			rec = append(rec, itoa(lr.Nodes[r.Root].Within[g]))
		}
		for _, n := range c.nodes {
			ns := lr.Nodes[n.ID]
			rec = append(rec, num(ns.Score, 'f', 3), itoa(ns.Rank))
		}
		for _, n := range c.uncertain {
			if u := lr.Nodes[n.ID].Uncertainty; u != nil {
				rec = append(rec, itoa(u.Median), itoa(u.P05), itoa(u.P95))
			} else {
				rec = append(rec, "", "", "")
			}
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
	return WriteLeagueXLSX(w, r, League(r, h))
}

// WriteLeagueXLSX writes league rows to a workbook: the league table with
// the units' attributes, ranks within each grouping and every node's score
// and rank (and rank interval, with an uncertainty analysis), and the
// indicators' raw values on a second sheet.
func WriteLeagueXLSX(w io.Writer, r *rating.Result, rows []LeagueRow) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Рейтинг"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	c := columnsOf(r, rows)
	head := []any{"Место", "Код ISO", "Субъект РФ", "Федеральный округ"}
	for _, a := range c.attrs {
		head = append(head, a)
	}
	head = append(head, "Балл", "Уровень", "Место в ФО", "Место в прошлом периоде", "Изменение")
	for _, g := range c.groupings {
		head = append(head, "Место в группе: "+g)
	}
	for _, n := range c.nodes {
		head = append(head, n.Name, "Место: "+n.Name)
	}
	for _, n := range c.uncertain {
		head = append(head, "Медиана места: "+n.Name, "Место, 5 %: "+n.Name, "Место, 95 %: "+n.Name)
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
	for _, lr := range rows {
		row++
		vals := []any{blankZero(lr.Rank), lr.ISOCode, lr.Name, lr.District}
		for _, a := range c.attrs {
			vals = append(vals, lr.Attributes[a])
		}
		vals = append(vals, cellNum(lr.Score), lr.GradeLabel, blankZero(lr.DistrictRank), blankZero(lr.PrevRank), lr.RankChange)
		for _, g := range c.groupings {
			vals = append(vals, blankZero(lr.Nodes[r.Root].Within[g]))
		}
		for _, n := range c.nodes {
			ns := lr.Nodes[n.ID]
			vals = append(vals, cellNum(ns.Score), blankZero(ns.Rank))
		}
		for _, n := range c.uncertain {
			if u := lr.Nodes[n.ID].Uncertainty; u != nil {
				vals = append(vals, blankZero(u.Median), blankZero(u.P05), blankZero(u.P95))
			} else {
				vals = append(vals, "", "", "")
			}
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
