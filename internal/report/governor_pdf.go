package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// The report uses the Go fonts (BSD licence, see NOTICE): pure Go, embedded
// in the binary, and they cover every Russian letter. fpdf subsets them, so
// a report stays small.
const fontFamily = "go"

// Page geometry in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 16.0
	marginTop    = 13.0
	footerTop    = pageH - 17.0 // the footer's rule; content stops above it
	contentW     = pageW - 2*marginX
)

// RGB colours: print-friendly, distinguishable in greyscale.
type rgb struct{ r, g, b int }

var (
	colInk      = rgb{33, 37, 41}
	colMuted    = rgb{95, 102, 112}
	colRule     = rgb{210, 214, 219}
	colHeadFill = rgb{234, 239, 245}
	colSelfFill = rgb{255, 243, 205}
	colRegion   = rgb{31, 78, 121}
	colNation   = rgb{160, 160, 160}
	colDistrict = rgb{140, 182, 221}
	colWarn     = rgb{176, 42, 30}
	colWarnFill = rgb{253, 236, 234}
	colUp       = rgb{25, 120, 60}
	colDown     = rgb{176, 42, 30}
)

// WriteGovernorPDF renders the governor's report: Russian, A4, at most two
// pages. The output depends only on g (dates come from the result), so the
// same result always gives the same bytes.
func WriteGovernorPDF(w io.Writer, g *Governor) error {
	d, err := renderGovernor(g)
	if err != nil {
		return err
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("governor report %s: write PDF: %w", g.Region.Code, err)
	}
	return nil
}

// govDoc is a report being drawn; text keeps everything written, for tests
// that compare it with what a PDF reader extracts.
type govDoc struct {
	pdf   *fpdf.Fpdf
	g     *Governor
	dense bool // tighter tables and chart, for districts with many regions
	text  strings.Builder
}

// renderGovernor lays the report out in the normal density and, when that
// runs over two pages (a large district, long indicator names), again with
// tighter spacing.
func renderGovernor(g *Governor) (*govDoc, error) {
	var d *govDoc
	for _, dense := range []bool{false, true} {
		var err error
		if d, err = renderGovernorDensity(g, dense); err != nil {
			return nil, err
		}
		if d.pdf.PageCount() <= 2 {
			break
		}
	}
	return d, nil
}

func renderGovernorDensity(g *Governor, dense bool) (*govDoc, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	d := &govDoc{pdf: pdf, g: g, dense: dense}
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	pdf.SetMargins(marginX, marginTop, marginX)
	// Breaks are placed by the layout (ensure), never inside a table row.
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(1)
	pdf.SetLang("ru-RU")
	pdf.SetTitle(d.clean(d.indexName()+": "+g.Region.Name+", "+g.PeriodLabel), true)
	pdf.SetSubject(d.clean(g.MethodologyName), true)
	pdf.SetCreator("Cifra", true)
	pdf.SetProducer("Cifra", true)
	pdf.SetCatalogSort(true)
	if !g.ComputedAt.IsZero() {
		pdf.SetCreationDate(g.ComputedAt.UTC())
		pdf.SetModificationDate(g.ComputedAt.UTC())
	}
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(d.footer)

	pdf.AddPage()
	d.headline()
	d.criteriaChart()
	d.criteriaTable()
	d.positions("Сильные стороны: показатели с лучшими местами", g.Strengths,
		"Нет показателей, по которым регион входит в лучшую половину субъектов.")
	d.positions("Слабые стороны: показатели с худшими местами", g.Weaknesses,
		"Нет показателей, по которым регион входит в худшую половину субъектов.")
	d.leversTable()
	d.peersTable()
	d.notes()
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("governor report %s: %w", g.Region.Code, err)
	}
	return d, nil
}

// --- drawing primitives -------------------------------------------------

func (d *govDoc) font(style string, size float64, c rgb) {
	d.pdf.SetFont(fontFamily, style, size)
	d.pdf.SetTextColor(c.r, c.g, c.b)
}

func (d *govDoc) fill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *govDoc) draw(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }

// clean replaces characters the embedded font lacks (the rouble sign among
// them), so that no reader shows a missing-glyph box.
func (d *govDoc) clean(s string) string {
	return cleanText(s)
}

// cell writes one line of text in a box and records it.
func (d *govDoc) cell(x, y, w, h float64, s, align string) {
	s = d.clean(s)
	d.text.WriteString(s)
	d.text.WriteByte('\n')
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// lines wraps s to width w in the current font, keeping at most max lines
// (the last one shortened with an ellipsis) so that a layout stays fixed.
func (d *govDoc) lines(s string, w float64, max int) []string {
	ls := d.pdf.SplitText(d.clean(s), w)
	if max > 0 && len(ls) > max {
		ls = ls[:max]
		last := strings.TrimRight(ls[max-1], " ,;")
		for d.pdf.GetStringWidth(last+"…") > w-2 && last != "" {
			r := []rune(last)
			last = strings.TrimRight(string(r[:len(r)-1]), " ,;")
		}
		ls[max-1] = last + "…"
	}
	return ls
}

// paragraph writes wrapped text at the left margin and moves below it.
func (d *govDoc) paragraph(s string, size, lh float64, style string, c rgb) {
	d.font(style, size, c)
	ls := d.lines(s, contentW, 0)
	d.ensure(float64(len(ls)) * lh)
	y := d.pdf.GetY()
	for i, l := range ls {
		d.cell(marginX, y+float64(i)*lh, contentW, lh, l, "L")
	}
	d.pdf.SetXY(marginX, y+float64(len(ls))*lh)
}

// ensure starts a new page when h millimetres do not fit above the footer.
func (d *govDoc) ensure(h float64) {
	if d.pdf.GetY()+h > footerTop-2 {
		d.pdf.AddPage()
	}
}

// section starts a titled block; it keeps the title with the first lines
// of what follows.
func (d *govDoc) section(title string) {
	d.ensure(28)
	if d.dense {
		d.pdf.SetY(d.pdf.GetY() + 1.5)
	} else {
		d.pdf.SetY(d.pdf.GetY() + 3)
	}
	d.font("B", 11.5, colRegion)
	d.cell(marginX, d.pdf.GetY(), contentW, 6, title, "L")
	d.pdf.SetXY(marginX, d.pdf.GetY()+7)
}

// column of a table.
type column struct {
	title string
	w     float64 // share of the content width; the first column takes the rest
	align string
}

// table draws a header and rows; a row wraps its cells to at most two lines.
// self marks the row to highlight.
func (d *govDoc) table(cols []column, rows [][]string, self func(int) bool, bold func(int, int) rgb) {
	size, lh, pad := 8.5, 3.8, 1.2
	if d.dense {
		size, lh, pad = 8, 3.4, 0.7
	}
	ws := make([]float64, len(cols))
	rest := contentW
	for i := 1; i < len(cols); i++ {
		ws[i] = cols[i].w * contentW
		rest -= ws[i]
	}
	ws[0] = rest
	header := func() {
		d.font("B", 7.5, colMuted)
		var hl [][]string
		n := 1
		for i, c := range cols {
			l := d.lines(c.title, ws[i], 2)
			hl = append(hl, l)
			n = max(n, len(l))
		}
		h := float64(n)*3.4 + 2*pad
		d.ensure(h + lh + 2*pad)
		y := d.pdf.GetY()
		d.fill(colHeadFill)
		d.pdf.Rect(marginX, y, contentW, h, "F")
		x := marginX
		for i, c := range cols {
			off := (h - float64(len(hl[i]))*3.4) / 2
			for k, l := range hl[i] {
				d.cell(x, y+off+float64(k)*3.4, ws[i], 3.4, l, c.align)
			}
			x += ws[i]
		}
		d.pdf.SetXY(marginX, y+h)
	}
	header()
	for r, row := range rows {
		style := ""
		if self != nil && self(r) {
			style = "B"
		}
		d.font(style, size, colInk)
		var cl [][]string
		n := 1
		for i := range cols {
			l := d.lines(row[i], ws[i], 2)
			cl = append(cl, l)
			n = max(n, len(l))
		}
		h := float64(n)*lh + 2*pad
		if d.pdf.GetY()+h > footerTop-2 {
			d.pdf.AddPage()
			header()
			d.font(style, size, colInk)
		}
		y := d.pdf.GetY()
		if style == "B" {
			d.fill(colSelfFill)
			d.pdf.Rect(marginX, y, contentW, h, "F")
		}
		x := marginX
		for i, c := range cols {
			col := colInk
			if bold != nil {
				col = bold(r, i)
			}
			d.pdf.SetTextColor(col.r, col.g, col.b)
			off := (h - float64(len(cl[i]))*lh) / 2
			for k, l := range cl[i] {
				d.cell(x, y+off+float64(k)*lh, ws[i], lh, l, c.align)
			}
			x += ws[i]
		}
		d.draw(colRule)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Line(marginX, y+h, marginX+contentW, y+h)
		d.pdf.SetXY(marginX, y+h)
	}
}

// --- content ------------------------------------------------------------

func (d *govDoc) footer() {
	g := d.g
	d.pdf.SetAutoPageBreak(false, 0)
	d.draw(colRule)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(marginX, footerTop, pageW-marginX, footerTop)
	d.font("", 7.5, colMuted)
	left := fmt.Sprintf("Методика «%s», версия %s · данные за %s, расчёт %s", g.Methodology, g.Version, g.PeriodLabel, rufmt.Date(g.ComputedAt))
	d.cell(marginX, footerTop+1, contentW-30, 4, left, "L")
	d.cell(pageW-marginX-30, footerTop+1, 30, 4, fmt.Sprintf("стр. %d из {nb}", d.pdf.PageNo()), "R")
	if g.Synthetic {
		d.font("B", 7.5, colWarn)
		d.cell(marginX, footerTop+5, contentW, 4, SyntheticNote, "L")
	}
}

func (d *govDoc) headline() {
	g := d.g
	pdf := d.pdf
	d.font("", 8, colMuted)
	d.cell(marginX, marginTop, contentW-40, 4, "«Цифра» · "+g.MethodologyName, "L")
	d.cell(pageW-marginX-40, marginTop, 40, 4, g.PeriodLabel, "R")
	pdf.SetY(marginTop + 6)
	if g.Synthetic {
		d.font("B", 9, colWarn)
		y := pdf.GetY()
		d.fill(colWarnFill)
		d.draw(colWarn)
		pdf.SetLineWidth(0.4)
		pdf.Rect(marginX, y, contentW, 8, "FD")
		d.cell(marginX+2, y+1.5, contentW-4, 5, SyntheticNote, "C")
		pdf.SetY(y + 11)
	}
	d.font("B", 20, colInk)
	d.cell(marginX, pdf.GetY(), contentW, 9, g.Region.Name, "L")
	pdf.SetY(pdf.GetY() + 10)
	d.font("", 11, colMuted)
	d.cell(marginX, pdf.GetY(), contentW, 6, d.indexName()+" "+g.Region.In()+": итоги за "+g.PeriodLabel, "L")
	pdf.SetY(pdf.GetY() + 9)
	d.tiles()
	d.paragraph(d.summary(), 10, 5, "", colInk)
}

// tiles are the four headline figures.
func (d *govDoc) tiles() {
	g := d.g
	type tile struct {
		label, value, sub string
		col               rgb
	}
	district := g.District.ShortName
	if district == "" {
		district = "федеральном округе"
	}
	rank, drank, score := "—", "—", rufmt.Number(float64(g.Score), 1)
	rankSub, drankSub, scoreSub := "не ранжирован", "не ранжирован", "из 100"
	if g.Rank > 0 {
		rank, rankSub = strconv.Itoa(g.Rank), fmt.Sprintf("из %d субъектов", g.Of)
		drank, drankSub = strconv.Itoa(g.DistrictRank), fmt.Sprintf("из %d в %s", g.DistrictSize, district)
	}
	if g.GradeLabel != "" {
		scoreSub = "из 100 · уровень " + g.GradeLabel
	}
	change, changeSub, changeCol := "—", "нет данных за прошлый период", colInk
	if g.Rank > 0 && g.PrevRank > 0 {
		change = Arrow(g.RankChange, g.PrevRank)
		changeSub = fmt.Sprintf("%d-е место за %s", g.PrevRank, g.PrevPeriodLabel)
		switch {
		case g.RankChange > 0:
			changeCol = colUp
		case g.RankChange < 0:
			changeCol = colDown
		}
	}
	tiles := []tile{
		{"Место в России", rank, rankSub, colRegion},
		{"Место в округе", drank, drankSub, colRegion},
		{"Балл", score, scoreSub, colRegion},
		{"Изменение места", change, changeSub, changeCol},
	}
	const gap, h = 3.0, 22.0
	w := (contentW - 3*gap) / 4
	y := d.pdf.GetY()
	for i, t := range tiles {
		x := marginX + float64(i)*(w+gap)
		d.fill(colHeadFill)
		d.pdf.Rect(x, y, w, h, "F")
		d.font("", 8, colMuted)
		d.cell(x+1, y+1.5, w-2, 4, t.label, "L")
		d.font("B", 18, t.col)
		d.cell(x+1, y+6.5, w-2, 8, t.value, "L")
		d.font("", 7.5, colMuted)
		for k, l := range d.lines(t.sub, w-2, 2) {
			d.cell(x+1, y+15+float64(k)*3.3, w-2, 3.3, l, "L")
		}
	}
	d.pdf.SetXY(marginX, y+h+4)
}

// summary is the headline in one or two sentences.
func (d *govDoc) summary() string {
	g := d.g
	if g.Rank == 0 {
		return fmt.Sprintf("%s: за %s регион не ранжирован — данных меньше, чем требует методика. Ниже — имеющиеся оценки по критериям.",
			g.Region.Name, g.PeriodLabel)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "По итогам за %s %s занимает %d-е место из %d субъектов РФ", g.PeriodLabel, g.Region.Name, g.Rank, g.Of)
	if n := g.Total - g.Of; n > 0 {
		fmt.Fprintf(&b, " (ещё %d %s не %s: недостаточно данных)", n, rufmt.Plural(n, "субъект", "субъекта", "субъектов"), rufmt.Plural(n, "ранжирован", "ранжированы", "ранжированы"))
	}
	if g.DistrictRank > 0 && g.District.Loc != "" {
		fmt.Fprintf(&b, " и %d-е место из %d %s", g.DistrictRank, g.DistrictSize, g.District.In())
	}
	fmt.Fprintf(&b, ". Балл — %s из 100", rufmt.Number(float64(g.Score), 1))
	if g.GradeLabel != "" {
		fmt.Fprintf(&b, ", уровень цифровой зрелости — %s", g.GradeLabel)
	}
	b.WriteString(". ")
	switch {
	case g.PrevRank == 0:
		b.WriteString("Данных за предыдущий период нет.")
	case g.RankChange > 0:
		fmt.Fprintf(&b, "За %s регион был %d-м%s: подъём на %d %s.", g.PrevPeriodLabel, g.PrevRank, prevScore(g), g.RankChange, rufmt.Plural(g.RankChange, "место", "места", "мест"))
	case g.RankChange < 0:
		fmt.Fprintf(&b, "За %s регион был %d-м%s: снижение на %d %s.", g.PrevPeriodLabel, g.PrevRank, prevScore(g), -g.RankChange, rufmt.Plural(-g.RankChange, "место", "места", "мест"))
	default:
		fmt.Fprintf(&b, "Место то же, что и за %s%s.", g.PrevPeriodLabel, prevScore(g))
	}
	return b.String()
}

// indexName names what is measured: the root of the index tree
// ("Индекс цифровой зрелости здравоохранения").
func (d *govDoc) indexName() string {
	if d.g.IndexName != "" {
		return d.g.IndexName
	}
	return "Цифровая зрелость здравоохранения"
}

func prevScore(g *Governor) string {
	if !g.PrevScore.Valid() {
		return ""
	}
	return " (балл " + rufmt.Number(float64(g.PrevScore), 1) + ")"
}

func (d *govDoc) districtShort() string {
	if d.g.District.ShortName != "" {
		return d.g.District.ShortName
	}
	return "округу"
}

// criteriaChart draws each criterion's score against the national and the
// district medians as horizontal bars.
func (d *govDoc) criteriaChart() {
	g := d.g
	pdf := d.pdf
	d.section("Критерии рейтинга: регион и медианы по России и " + d.districtShort())
	const labelW, valueW = 56.0, 11.0
	bh, bg, groupGap := 3.0, 0.4, 3.4
	if d.dense {
		bh, groupGap = 2.6, 2.4
	}
	groupH := 3*bh + 2*bg
	maxV := 100.0
	for _, c := range g.Criteria {
		for _, v := range []rating.Num{c.Score, c.NationalMedian, c.DistrictMedian} {
			if v.Valid() && float64(v) > maxV {
				maxV = math.Ceil(float64(v)/25) * 25
			}
		}
	}
	x0 := marginX + labelW
	plotW := contentW - labelW - valueW
	h := float64(len(g.Criteria))*(groupH+groupGap) + 14
	d.ensure(h)
	y0 := pdf.GetY()
	plotH := float64(len(g.Criteria)) * (groupH + groupGap)
	// Grid and axis labels.
	d.font("", 7, colMuted)
	pdf.SetLineWidth(0.15)
	for k := 0; k <= 4; k++ {
		v := maxV * float64(k) / 4
		x := x0 + plotW*float64(k)/4
		d.draw(colRule)
		pdf.Line(x, y0, x, y0+plotH)
		d.cell(x-8, y0+plotH+0.5, 16, 3.5, rufmt.Number(v, 0), "C")
	}
	series := []struct {
		col rgb
		val func(GovernorCriterion) rating.Num
	}{
		{colRegion, func(c GovernorCriterion) rating.Num { return c.Score }},
		{colNation, func(c GovernorCriterion) rating.Num { return c.NationalMedian }},
		{colDistrict, func(c GovernorCriterion) rating.Num { return c.DistrictMedian }},
	}
	for i, c := range g.Criteria {
		gy := y0 + groupGap/2 + float64(i)*(groupH+groupGap)
		d.font("", 8.5, colInk)
		ls := d.lines(c.Name, labelW-2, 2)
		off := (groupH - float64(len(ls))*3.8) / 2
		for k, l := range ls {
			d.cell(marginX, gy+off+float64(k)*3.8, labelW-2, 3.8, l, "L")
		}
		for k, s := range series {
			v := s.val(c)
			by := gy + float64(k)*(bh+bg)
			if !v.Valid() {
				d.font("", 6.5, colMuted)
				d.cell(x0, by, 30, bh, "нет данных", "L")
				continue
			}
			bw := plotW * math.Max(0, float64(v)) / maxV
			d.fill(s.col)
			pdf.Rect(x0, by, bw, bh, "F")
			style := ""
			if k == 0 {
				style = "B"
			}
			d.font(style, 6.5, colInk)
			d.cell(x0+bw+0.3, by, valueW, bh, rufmt.Number(float64(v), 1), "L")
		}
	}
	// Legend.
	ly := y0 + plotH + 5.5
	x := x0
	d.font("", 8, colInk)
	for k, label := range []string{g.Region.Name, "медиана по России", "медиана по " + d.districtShort()} {
		d.fill(series[k].col)
		pdf.Rect(x, ly+0.6, 3, 3, "F")
		d.cell(x+3.5, ly, 60, 4.2, label, "L")
		x += 3.5 + pdf.GetStringWidth(d.clean(label)) + 8
	}
	pdf.SetXY(marginX, ly+6)
}

func (d *govDoc) criteriaTable() {
	g := d.g
	d.section("Баллы по критериям")
	cols := []column{
		{"Критерий", 0, "L"},
		{"Вес в индексе", 0.1, "R"},
		{"Балл региона", 0.11, "R"},
		{"Медиана по России", 0.12, "R"},
		{"Медиана по " + d.districtShort(), 0.12, "R"},
		{"Место в России", 0.11, "R"},
	}
	var rows [][]string
	for _, c := range g.Criteria {
		rank := "—"
		if c.Rank > 0 {
			rank = strconv.Itoa(c.Rank)
		}
		rows = append(rows, []string{c.Name, rufmt.Number(c.Weight*100, 0) + " %", rufmt.Number(float64(c.Score), 1),
			rufmt.Number(float64(c.NationalMedian), 1), rufmt.Number(float64(c.DistrictMedian), 1), rank})
	}
	d.table(cols, rows, nil, func(r, c int) rgb {
		if c != 2 {
			return colInk
		}
		cr := g.Criteria[r]
		switch {
		case !cr.Score.Valid() || !cr.NationalMedian.Valid():
			return colInk
		case cr.Score > cr.NationalMedian:
			return colUp
		case cr.Score < cr.NationalMedian:
			return colDown
		}
		return colInk
	})
	d.font("", 7.5, colMuted)
	d.pdf.SetY(d.pdf.GetY() + 1.5)
	d.paragraph("Балл критерия — взвешенное среднее нормированных значений его показателей (шкала методики, до 100). "+
		"Зелёный балл выше медианы по России, красный — ниже. Медианы — по ранжированным субъектам.", 7.5, 3.4, "", colMuted)
}

func valueWithUnit(v rating.Num, unit string) string {
	if !v.Valid() {
		return "—"
	}
	prec := 1
	if math.Abs(float64(v)) >= 1000 {
		prec = 0
	}
	s := rufmt.Number(float64(v), prec)
	switch unit {
	case "":
		return s
	case "%":
		return s + " %"
	}
	return s + " " + unit
}

// keep starts a new page unless a short block of n table rows, with its
// title and header, fits: small tables are not split.
func (d *govDoc) keep(n int) {
	d.ensure(22 + float64(n)*8.6)
}

func (d *govDoc) positions(title string, ps []GovernorIndicator, none string) {
	d.keep(len(ps))
	d.section(title)
	if len(ps) == 0 {
		d.paragraph(none, 9, 4.5, "", colMuted)
		return
	}
	cols := []column{
		{"Показатель", 0, "L"},
		{"Значение", 0.15, "R"},
		{"Медиана по России", 0.15, "R"},
		{"Место в России", 0.13, "R"},
	}
	var rows [][]string
	for _, p := range ps {
		rows = append(rows, []string{p.Name, valueWithUnit(p.Value, p.Unit), valueWithUnit(p.NationalMedian, p.Unit), fmt.Sprintf("%d из %d", p.Rank, p.Of)})
	}
	d.table(cols, rows, nil, nil)
}

func (d *govDoc) leversTable() {
	g := d.g
	d.keep(len(g.Levers) + 1)
	d.section("Что даст наибольший рост места: три рычага")
	if g.Rank == 0 {
		d.paragraph("Регион не ранжирован, поэтому расчёт «что если» не выполнялся.", 9, 4.5, "", colMuted)
		return
	}
	if len(g.Levers) == 0 {
		msg := "Ни один показатель в отдельности, доведённый до лучшего значения " + g.District.In() + ", не поднимает регион в рейтинге."
		if g.Rank == 1 {
			msg = "Регион занимает первое место; рычагов для подъёма нет."
		}
		d.paragraph(msg, 9, 4.5, "", colMuted)
		return
	}
	d.paragraph("Каждый показатель отдельно доведён до лучшего значения среди субъектов "+d.districtGen()+
		"; остальные данные всех регионов не меняются, рейтинг пересчитан целиком.", 8.5, 4, "", colMuted)
	d.pdf.SetY(d.pdf.GetY() + 1)
	cols := []column{
		{"Показатель", 0, "L"},
		{"Сейчас", 0.14, "R"},
		{"Цель: лучшее в округе", 0.14, "R"},
		{"Новое место", 0.1, "R"},
		{"Рост", 0.08, "R"},
	}
	var rows [][]string
	for _, l := range g.Levers {
		rows = append(rows, []string{l.Name, valueWithUnit(l.From, l.Unit), valueWithUnit(l.To, l.Unit),
			strconv.Itoa(l.NewRank), fmt.Sprintf("▲%d", l.Gain)})
	}
	d.table(cols, rows, nil, func(_, c int) rgb {
		if c == 4 {
			return colUp
		}
		return colInk
	})
}

func (d *govDoc) districtGen() string {
	if d.g.District.Gen != "" {
		return d.g.District.Gen
	}
	return "федерального округа"
}

func (d *govDoc) peersTable() {
	g := d.g
	d.section("Субъекты " + d.districtGen())
	cols := []column{
		{"Субъект РФ", 0, "L"},
		{"Место в округе", 0.11, "R"},
		{"Место в России", 0.11, "R"},
		{"Балл", 0.1, "R"},
		{"Уровень", 0.12, "L"},
		{"Изменение места", 0.12, "R"},
	}
	var rows [][]string
	for _, p := range g.Peers {
		drank, rank, change := "—", "—", "—"
		if p.Rank > 0 {
			drank, rank, change = strconv.Itoa(p.DistrictRank), strconv.Itoa(p.Rank), Arrow(p.RankChange, p.PrevRank)
		}
		rows = append(rows, []string{p.Name, drank, rank, rufmt.Number(float64(p.Score), 1), p.GradeLabel, change})
	}
	d.table(cols, rows, func(r int) bool { return g.Peers[r].Self }, func(r, c int) rgb {
		if c != 5 || g.Peers[r].PrevRank == 0 {
			return colInk
		}
		switch {
		case g.Peers[r].RankChange > 0:
			return colUp
		case g.Peers[r].RankChange < 0:
			return colDown
		}
		return colInk
	})
}

func (d *govDoc) notes() {
	g := d.g
	d.pdf.SetY(d.pdf.GetY() + 3)
	s := fmt.Sprintf("Методика: «%s» (%s), версия %s. Данные за %s; расчёт выполнен %s. "+
		"Места — среди ранжированных субъектов РФ; «▲» — подъём в рейтинге по сравнению с предыдущим периодом, «▼» — снижение. "+
		"Сильные и слабые стороны — показатели, по которым регион занимает лучшие и худшие места среди сообщивших данные субъектов; "+
		"досчитанные значения не учитываются. Подробности и исходные данные — в карточке региона и в выгрузке XLSX.",
		g.MethodologyName, g.Methodology, g.Version, g.PeriodLabel, rufmt.Date(g.ComputedAt))
	d.paragraph(s, 7.5, 3.4, "", colMuted)
}

// Glyph coverage of the embedded fonts, read once from their cmap tables:
// a table for the first planes of Unicode that reports use (Latin,
// Cyrillic, punctuation, arrows, shapes), the fonts themselves beyond.
const coverTableSize = 0x3000

var (
	coverOnce  sync.Once
	coverFont  []*sfnt.Font
	coverTable [coverTableSize]bool
)

// replacements stand in for characters the Go fonts lack.
var replacements = map[rune]string{
	'₽': "руб.", '\u2009': " ", '\u202f': "\u00a0", '\u2007': " ", '✓': "+", '✔': "+", '✗': "×",
}

func fontsHave(r rune) bool {
	var buf sfnt.Buffer
	for _, f := range coverFont {
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			return false
		}
	}
	return len(coverFont) > 0
}

func covered(r rune) bool {
	coverOnce.Do(func() {
		for _, b := range [][]byte{goregular.TTF, gobold.TTF} {
			if f, err := sfnt.Parse(b); err == nil {
				coverFont = append(coverFont, f)
			}
		}
		for r := range rune(coverTableSize) {
			coverTable[r] = fontsHave(r)
		}
	})
	if r == '\n' {
		return true
	}
	if r >= 0 && r < coverTableSize {
		return coverTable[r]
	}
	return fontsHave(r)
}

// cleanText replaces every character the embedded fonts cannot draw.
func cleanText(s string) string {
	clean := true
	for _, r := range s {
		if !covered(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch rep, found := replacements[r]; {
		case covered(r):
			b.WriteRune(r)
		case found:
			b.WriteString(rep)
		default:
			b.WriteRune('?')
		}
	}
	return b.String()
}
