package calendar

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/support/csvfile"
)

// Bounds of the years a calendar file may hold: they catch typos such as
// 2205 early.
const (
	MinYear = 2000
	MaxYear = 2100
)

// Exception is one row of a calendar file: a day that differs from the
// Monday–Friday week, federally (Region "") or in one region.
type Exception struct {
	Region string // ISO 3166-2:RU code; "" for the federal calendar
	Date   Date
	Kind   Kind
	Note   string
}

// Year says how far a year is known and by which act.
type Year struct {
	Region string // "" for the federal calendar
	Year   int
	Status Status
	Source string // the decree or law, in Russian
}

// Production is the production calendar: federal exceptions and each
// region's own, by year. It is immutable; With returns an updated copy.
type Production struct {
	rows  map[key][]Exception // by region and year, sorted by date
	years map[key]Year
}

type key struct {
	region string
	year   int
}

//go:embed data/production-calendar.csv data/production-calendar-cifra.csv data/years.csv
var data embed.FS

// Federal returns the production calendar shipped with Cifra: the federal
// exceptions of 2024–2026 with their decrees and provisional 2027.
func Federal() (*Production, error) {
	var rows []Exception
	for _, f := range []string{"data/production-calendar.csv", "data/production-calendar-cifra.csv"} {
		b, err := data.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("embedded calendar: %w", err)
		}
		ex, err := ParseExceptions(bytes.NewReader(b), f)
		if err != nil {
			return nil, err
		}
		rows = append(rows, ex...)
	}
	b, err := data.ReadFile("data/years.csv")
	if err != nil {
		return nil, fmt.Errorf("embedded calendar: %w", err)
	}
	years, err := ParseYears(bytes.NewReader(b), "data/years.csv")
	if err != nil {
		return nil, err
	}
	return NewProduction(rows, years)
}

// NewProduction checks and indexes exceptions. One date may carry both
// working and shortened (a shortened working Saturday); any other second
// row for a date is an error.
func NewProduction(rows []Exception, years []Year) (*Production, error) {
	p := &Production{rows: map[key][]Exception{}, years: map[key]Year{}}
	if err := p.add(rows, years); err != nil {
		return nil, err
	}
	return p, nil
}

// With returns a copy in which the rows and years given replace what p
// holds for each (region, year) they cover: loading the 2027 decree
// replaces the provisional 2027, loading a region's 2026 file replaces its
// earlier 2026 rows and leaves other years and regions alone.
func (p *Production) With(rows []Exception, years []Year) (*Production, error) {
	q := &Production{rows: map[key][]Exception{}, years: map[key]Year{}}
	covered := map[key]bool{}
	for _, r := range rows {
		covered[key{r.Region, r.Date.Year}] = true
	}
	for _, y := range years {
		covered[key{y.Region, y.Year}] = true
	}
	for k, v := range p.rows {
		if !covered[k] {
			q.rows[k] = v
		}
	}
	for k, v := range p.years {
		if !covered[k] {
			q.years[k] = v
		}
	}
	if err := q.add(rows, years); err != nil {
		return nil, err
	}
	return q, nil
}

func (p *Production) add(rows []Exception, years []Year) error {
	for _, r := range rows {
		if err := checkRow(r); err != nil {
			return err
		}
		k := key{r.Region, r.Date.Year}
		list := p.rows[k]
		i, found := slices.BinarySearchFunc(list, r.Date, func(e Exception, d Date) int { return cmpDate(e.Date, d) })
		if found {
			// working + shortened on one weekend date is a shortened
			// working day; everything else is a contradiction.
			for j := i; j < len(list) && list[j].Date == r.Date; j++ {
				if !(list[j].Kind == Working && r.Kind == Shortened || list[j].Kind == Shortened && r.Kind == Working) {
					return fmt.Errorf("%s %s: день указан дважды (%s и %s)", regionLabel(r.Region), r.Date.Russian(), list[j].Kind.Label(), r.Kind.Label())
				}
			}
		}
		p.rows[k] = slices.Insert(list, i, r)
	}
	for _, y := range years {
		if y.Year < MinYear || y.Year > MaxYear {
			return fmt.Errorf("%s: год %d вне %d–%d", regionLabel(y.Region), y.Year, MinYear, MaxYear)
		}
		k := key{y.Region, y.Year}
		if _, dup := p.years[k]; dup {
			return fmt.Errorf("%s: год %d указан дважды", regionLabel(y.Region), y.Year)
		}
		p.years[k] = y
	}
	return nil
}

func cmpDate(a, b Date) int {
	switch {
	case a.Year != b.Year:
		return a.Year - b.Year
	case a.Month != b.Month:
		return int(a.Month) - int(b.Month)
	}
	return a.Day - b.Day
}

func regionLabel(r string) string {
	if r == "" {
		return "федеральный календарь"
	}
	return "календарь " + r
}

func checkRow(r Exception) error {
	if r.Date.Year < MinYear || r.Date.Year > MaxYear {
		return fmt.Errorf("%s %s: год вне %d–%d", regionLabel(r.Region), r.Date.Russian(), MinYear, MaxYear)
	}
	if r.Kind == Working && !weekend(r.Date.Weekday()) {
		return fmt.Errorf("%s %s: рабочим можно сделать только субботу или воскресенье, а это будний день", regionLabel(r.Region), r.Date.Russian())
	}
	if r.Kind < Nonworking || r.Kind > Shortened {
		return fmt.Errorf("%s %s: неизвестный вид дня", regionLabel(r.Region), r.Date.Russian())
	}
	return nil
}

// Exceptions returns the rows of a region ("" federal) for a year.
func (p *Production) Exceptions(region string, year int) []Exception {
	return slices.Clone(p.rows[key{region, year}])
}

// Status returns what is known of a year's calendar: the federal year for
// region "", otherwise the region's own year row (Missing when the region
// loaded none).
func (p *Production) Status(region string, year int) Year {
	if y, ok := p.years[key{region, year}]; ok {
		return y
	}
	st := Missing
	if region == "" && len(p.rows[key{"", year}]) > 0 {
		st = Provisional // rows without a year row: do not claim a decree
	}
	return Year{Region: region, Year: year, Status: st}
}

// Regions lists the regions with rows of their own.
func (p *Production) Regions() []string {
	seen := map[string]bool{}
	for k := range p.rows {
		if k.region != "" {
			seen[k.region] = true
		}
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// Day says what a date is in a region: federal rows first, then the
// region's own, which win (a regional holiday on a federal shortened day is
// a day off).
func (p *Production) Day(region string, d Date) DayType {
	t := Full
	if weekend(d.Weekday()) {
		t = Off
	}
	t = apply(t, p.rows[key{"", d.Year}], d)
	if region != "" {
		t = apply(t, p.rows[key{region, d.Year}], d)
	}
	return t
}

func apply(t DayType, list []Exception, d Date) DayType {
	i, found := slices.BinarySearchFunc(list, d, func(e Exception, d Date) int { return cmpDate(e.Date, d) })
	if !found {
		return t
	}
	out := t
	for ; i < len(list) && list[i].Date == d; i++ {
		switch list[i].Kind {
		case Nonworking:
			return Off
		case Working:
			if out == Off {
				out = Full
			}
		case Shortened:
			out = Short
		}
	}
	return out
}

var regionCode = regexp.MustCompile(`^RU-[A-Z]{2,3}$`)

// ParseRegion normalises a region column: "" and "RU" mean federal.
func ParseRegion(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" || s == "RU" {
		return "", nil
	}
	if !regionCode.MatchString(s) {
		return "", fmt.Errorf("«%s» — не код региона ISO 3166-2:RU (например, RU-TA)", s)
	}
	return s, nil
}

// ExceptionLayout is the calendar file layout: date,kind[,note][,region].
var exceptionLayout = csvfile.Layout{
	Required: []string{"date", "kind"},
	Optional: []string{"note", "region"},
	Aliases:  map[string]string{"дата": "date", "вид": "kind", "примечание": "note", "регион": "region"},
}

// ParseExceptions reads a calendar file: columns date (YYYY-MM-DD), kind
// (nonworking, working, shortened), optional note and region (ISO
// 3166-2:RU; empty or RU for federal rows). name is what errors call the
// file. Nothing is returned unless every row is good.
func ParseExceptions(r io.Reader, name string) ([]Exception, error) {
	out, err := csvfile.ReadAll(r, name, exceptionLayout, func(row csvfile.Row) (Exception, error) {
		var e Exception
		var err error
		if e.Region, err = ParseRegion(row.Get("region")); err != nil {
			return e, row.Fail("region", "%v", err)
		}
		if e.Date, err = ParseDate(row.Get("date")); err != nil {
			return e, row.Fail("date", "%v", err)
		}
		if e.Date.Year < MinYear || e.Date.Year > MaxYear {
			return e, row.Fail("date", "год %d вне %d–%d", e.Date.Year, MinYear, MaxYear)
		}
		if e.Kind, err = ParseKind(row.Get("kind")); err != nil {
			return e, row.Fail("kind", "%v", err)
		}
		if e.Kind == Working && !weekend(e.Date.Weekday()) {
			return e, row.Fail("kind", "%s — будний день; рабочим можно сделать только субботу или воскресенье", e.Date.Russian())
		}
		e.Note = row.Get("note")
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	// Duplicates are checked here too, so that the error names the file.
	if _, err := NewProduction(out, nil); err != nil {
		return nil, &csvfile.Error{File: name, Msg: err.Error()}
	}
	return out, nil
}

var yearLayout = csvfile.Layout{
	Required: []string{"year", "status"},
	Optional: []string{"source", "region"},
	Aliases:  map[string]string{"год": "year", "статус": "status", "источник": "source", "регион": "region"},
}

// ParseYears reads a year-status file: year, status (decree,
// provisional), optional source and region.
func ParseYears(r io.Reader, name string) ([]Year, error) {
	out, err := csvfile.ReadAll(r, name, yearLayout, func(row csvfile.Row) (Year, error) {
		var y Year
		var err error
		if y.Region, err = ParseRegion(row.Get("region")); err != nil {
			return y, row.Fail("region", "%v", err)
		}
		n, err := strconv.Atoi(row.Get("year"))
		if err != nil || n < MinYear || n > MaxYear {
			return y, row.Fail("year", "«%s» — не год %d–%d", row.Get("year"), MinYear, MaxYear)
		}
		y.Year = n
		if y.Status, err = ParseStatus(row.Get("status")); err != nil {
			return y, row.Fail("status", "%v", err)
		}
		y.Source = row.Get("source")
		return y, nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := NewProduction(nil, out); err != nil {
		return nil, &csvfile.Error{File: name, Msg: err.Error()}
	}
	return out, nil
}
