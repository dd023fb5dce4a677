package strategy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cifra-health/cifra/internal/method"
)

// Columns of a target file, in the order of the documented header
// region,methodology,indicator,year,target.
const (
	ColRegion      = "region"
	ColMethodology = "methodology"
	ColIndicator   = "indicator"
	ColYear        = "year"
	ColTarget      = "target"
)

var columns = []string{ColRegion, ColMethodology, ColIndicator, ColYear, ColTarget}

// columnAliases maps a folded header to its column: the English names and
// the Russian ones a person would type.
var columnAliases = map[string]string{
	"region": ColRegion, "регион": ColRegion, "субъект": ColRegion, "субъектрф": ColRegion,
	"methodology": ColMethodology, "методика": ColMethodology, "методология": ColMethodology,
	"indicator": ColIndicator, "показатель": ColIndicator, "node": ColIndicator,
	"year": ColYear, "год": ColYear,
	"target": ColTarget, "цель": ColTarget, "целевоезначение": ColTarget, "план": ColTarget,
}

func foldColumn(s string) string {
	return strings.NewReplacer("_", "", "-", "", " ", "", ".", "").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// Default bounds of target years: strategies were adopted in 2021 from the
// 2019–2020 baseline, and none runs beyond 2036.
const (
	DefaultMinYear = 2019
	DefaultMaxYear = 2036
)

// Catalog is what an import checks a file against.
type Catalog struct {
	Regions       *Regions
	Methodologies []*method.Methodology
	// MinYear and MaxYear bound the target years; zero means the default.
	MinYear, MaxYear int
}

func (c *Catalog) years() (int, int) {
	lo, hi := c.MinYear, c.MaxYear
	if lo == 0 {
		lo = DefaultMinYear
	}
	if hi == 0 {
		hi = DefaultMaxYear
	}
	return lo, hi
}

// Problem is one reason a file was refused, named by file, line (the row
// of an XLSX sheet; 0 for the file as a whole) and field.
type Problem struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"`
	Line  int    `json:"line,omitempty"`
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	Text  string `json:"message"` // Russian
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Sheet != "" {
		fmt.Fprintf(&b, ", лист «%s»", p.Sheet)
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, ", строка %d", p.Line)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ", поле «%s»", p.Field)
	}
	b.WriteString(": ")
	if p.Value != "" {
		fmt.Fprintf(&b, "«%s» — ", shorten(p.Value))
	}
	b.WriteString(p.Text)
	return b.String()
}

// ImportError lists every problem of a refused file. Nothing of the file
// is imported.
type ImportError struct {
	File     string
	Problems []Problem
}

// maxShown bounds the problems Error spells out.
const maxShown = 20

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: цели не загружены, ошибок: %d", e.File, len(e.Problems))
	for i, p := range e.Problems {
		if i == maxShown {
			fmt.Fprintf(&b, "\n  … и ещё %d", len(e.Problems)-maxShown)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// maxProblems stops a hopeless file early.
const maxProblems = 1000

// Row is one target read from a file.
type Row struct {
	Entry
	Line  int    `json:"line"`
	Sheet string `json:"sheet,omitempty"`
}

// checker validates records of any format into rows, all or nothing.
type checker struct {
	file    string
	sheet   string
	cat     *Catalog
	ms      map[string]*method.Methodology
	probs   []Problem
	rows    []Row
	first   map[entryKey]int // line of the first row for a key and year
	minYear int
	maxYear int
	col     [5]int // index of each column in a record
	header  []string
	// strict refuses records whose field count differs from the header's
	// (CSV); a spreadsheet row may lack trailing empty cells.
	strict bool
}

func newChecker(file string, cat *Catalog) (*checker, error) {
	ms, err := methodologyByID(cat.Methodologies)
	if err != nil {
		return nil, err
	}
	lo, hi := cat.years()
	return &checker{file: file, cat: cat, ms: ms, first: map[entryKey]int{}, minYear: lo, maxYear: hi}, nil
}

func (c *checker) fail(line int, field, value, format string, args ...any) {
	if len(c.probs) >= maxProblems {
		return
	}
	c.probs = append(c.probs, Problem{File: c.file, Sheet: c.sheet, Line: line, Field: field, Value: value, Text: fmt.Sprintf(format, args...)})
}

func (c *checker) full() bool { return len(c.probs) >= maxProblems }

// readHeader finds the five columns; other columns are ignored.
func (c *checker) readHeader(line int, rec []string) bool {
	c.header = rec
	for i := range c.col {
		c.col[i] = -1
	}
	for i, h := range rec {
		name, ok := columnAliases[foldColumn(strings.TrimPrefix(h, "\ufeff"))]
		if !ok {
			continue
		}
		j := colIndex(name)
		if c.col[j] >= 0 {
			c.fail(line, name, h, "столбец повторяется (столбцы %d и %d)", c.col[j]+1, i+1)
			continue
		}
		c.col[j] = i
	}
	var missing []string
	for j, name := range columns {
		if c.col[j] < 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		c.fail(line, "", "", "в заголовке нет столбцов %s; ожидается заголовок region,methodology,indicator,year,target", strings.Join(missing, ", "))
		return false
	}
	return len(c.probs) == 0
}

func colIndex(name string) int {
	for i, n := range columns {
		if n == name {
			return i
		}
	}
	return -1
}

// record checks one data record; decimalComma accepts "12,5".
func (c *checker) record(line int, rec []string) {
	if blank(rec) {
		return
	}
	if c.strict && len(rec) != len(c.header) {
		c.fail(line, "", "", "полей в строке %d, в заголовке %d", len(rec), len(c.header))
		return
	}
	if len(rec) < len(c.header) {
		// A spreadsheet drops trailing empty cells: pad them.
		rec = append(rec, make([]string, len(c.header)-len(rec))...)
	}
	if len(rec) > len(c.header) {
		extra := rec[len(c.header):]
		if !blank(extra) {
			c.fail(line, "", "", "полей в строке %d, в заголовке %d", len(rec), len(c.header))
			return
		}
	}
	get := func(name string) string { return strings.TrimSpace(rec[c.col[colIndex(name)]]) }
	var r Row
	r.Line, r.Sheet = line, c.sheet
	ok := true

	if code, why, found := c.cat.Regions.Resolve(get(ColRegion)); found {
		r.Region = code
	} else {
		c.fail(line, ColRegion, get(ColRegion), "%s", why)
		ok = false
	}

	var meas Measure
	mid := get(ColMethodology)
	m, found := c.ms[mid]
	switch {
	case mid == "":
		c.fail(line, ColMethodology, "", "не указана методика")
		ok = false
	case !found:
		c.fail(line, ColMethodology, mid, "неизвестная методика%s; доступны: %s", suggest(mid, sortedIDs(c.ms)), strings.Join(sortedIDs(c.ms), ", "))
		ok = false
	default:
		r.Methodology = m.ID
		id := get(ColIndicator)
		if meas, found = MeasureOf(m, id); found {
			r.Indicator = id
		} else {
			if id == "" {
				c.fail(line, ColIndicator, "", "не указан показатель")
			} else {
				c.fail(line, ColIndicator, id, "в методике %s нет такого показателя или узла индекса%s", m.ID, suggest(id, measureIDs(m)))
			}
			ok = false
		}
	}

	ys := get(ColYear)
	if y, err := parseYear(ys); err != "" {
		c.fail(line, ColYear, ys, "%s", err)
		ok = false
	} else if y < c.minYear || y > c.maxYear {
		c.fail(line, ColYear, ys, "год вне допустимого диапазона %d–%d", c.minYear, c.maxYear)
		ok = false
	} else {
		r.Year = y
	}

	ts := get(ColTarget)
	v, why := parseNumber(ts)
	switch {
	case why != "":
		c.fail(line, ColTarget, ts, "%s", why)
		ok = false
	case meas.ID != "" && (v < meas.Lo || v > meas.Hi):
		c.fail(line, ColTarget, ts, "целевое значение вне допустимого диапазона %s для показателя «%s»", rangeText(meas), meas.Name)
		ok = false
	default:
		r.Value = v
	}
	if !ok {
		return
	}
	k := entryKey{r.Key, r.Year}
	if first, dup := c.first[k]; dup {
		c.fail(line, ColIndicator, r.Indicator, "цель на %d год для этого субъекта и показателя уже задана в строке %d", r.Year, first)
		return
	}
	c.first[k] = line
	c.rows = append(c.rows, r)
}

func (c *checker) result() ([]Row, error) {
	if len(c.probs) > 0 {
		return nil, &ImportError{File: c.file, Problems: c.probs}
	}
	if len(c.rows) == 0 {
		return nil, &ImportError{File: c.file, Problems: []Problem{{File: c.file, Text: "в файле нет ни одной цели"}}}
	}
	return c.rows, nil
}

func measureIDs(m *method.Methodology) []string {
	var ids []string
	for _, ms := range Measures(m) {
		ids = append(ids, ms.ID)
	}
	return ids
}

func rangeText(m Measure) string {
	if math.IsInf(m.Hi, 1) {
		return fmt.Sprintf("от %s", formatNumber(m.Lo))
	}
	return fmt.Sprintf("%s–%s", formatNumber(m.Lo), formatNumber(m.Hi))
}

// formatNumber writes v with a decimal comma, for messages.
func formatNumber(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// parseYear accepts a four-digit year, also as a spreadsheet writes it
// ("2024.0"). The reason is "" on success.
func parseYear(s string) (int, string) {
	if s == "" {
		return 0, "не указан год"
	}
	t := strings.TrimSuffix(strings.TrimSuffix(s, ".0"), ",0")
	if len(t) != 4 || !isDigits(t) {
		return 0, "год должен быть числом из четырёх цифр, например 2024"
	}
	y, _ := strconv.Atoi(t)
	return y, ""
}

// numberSpaces are the group separators people and spreadsheets put in
// numbers: space, no-break space, thin and narrow no-break spaces.
var numberSpaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u2009", "", "\u202f", "")

// parseNumber reads a target: digits with one decimal point or comma, an
// optional sign and exponent, spaces between digit groups. It refuses
// hexadecimal, underscores, infinities and NaN, which strconv would take
// but no strategy means. The reason is "" on success.
func parseNumber(s string) (float64, string) {
	if s == "" {
		return 0, "не указано целевое значение"
	}
	t := numberSpaces.Replace(s)
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	if !decimalSyntax(t) {
		if strings.Count(t, ",") > 0 {
			return 0, "не число: десятичный разделитель — одна запятая или точка, без разделителей тысяч"
		}
		return 0, "не число"
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, "число вне допустимого диапазона"
	}
	return v, ""
}

// decimalSyntax reports whether s is [+-]digits[.digits][e[+-]digits]
// with at least one digit before the exponent.
func decimalSyntax(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// shorten keeps messages readable when a cell holds a paragraph.
func shorten(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// suggest returns ", возможно, «x»" for the closest id within two edits.
func suggest(s string, ids []string) string {
	best, bestD := "", 3
	for _, id := range ids {
		if d := editDistance(s, id, bestD); d < bestD {
			best, bestD = id, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (возможно, «%s»)", best)
}

// editDistance is the Levenshtein distance of a and b, or limit when it is
// at least limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}
