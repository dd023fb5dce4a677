package dhis2

import (
	"strconv"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/period"
)

// relative describes one DHIS2 relative period: count periods of typ
// ending back periods before the current one, or (ofYear) every typ
// period of the year back years ago.
type relative struct {
	typ    period.Type
	back   int
	count  int
	ofYear bool
	name   string // Russian, for metaData
}

// relativePeriods are the DHIS2 relative periods over the period types
// Cifra knows (no bi-monthly, six-monthly or financial years).
var relativePeriods = map[string]relative{
	"TODAY":              {typ: period.Daily, back: 0, count: 1, name: "Сегодня"},
	"YESTERDAY":          {typ: period.Daily, back: 1, count: 1, name: "Вчера"},
	"LAST_7_DAYS":        {typ: period.Daily, back: 1, count: 7, name: "Последние 7 дней"},
	"LAST_14_DAYS":       {typ: period.Daily, back: 1, count: 14, name: "Последние 14 дней"},
	"LAST_30_DAYS":       {typ: period.Daily, back: 1, count: 30, name: "Последние 30 дней"},
	"THIS_WEEK":          {typ: period.Weekly, back: 0, count: 1, name: "Текущая неделя"},
	"LAST_WEEK":          {typ: period.Weekly, back: 1, count: 1, name: "Прошлая неделя"},
	"LAST_4_WEEKS":       {typ: period.Weekly, back: 1, count: 4, name: "Последние 4 недели"},
	"LAST_12_WEEKS":      {typ: period.Weekly, back: 1, count: 12, name: "Последние 12 недель"},
	"LAST_52_WEEKS":      {typ: period.Weekly, back: 1, count: 52, name: "Последние 52 недели"},
	"THIS_MONTH":         {typ: period.Monthly, back: 0, count: 1, name: "Текущий месяц"},
	"LAST_MONTH":         {typ: period.Monthly, back: 1, count: 1, name: "Прошлый месяц"},
	"LAST_3_MONTHS":      {typ: period.Monthly, back: 1, count: 3, name: "Последние 3 месяца"},
	"LAST_6_MONTHS":      {typ: period.Monthly, back: 1, count: 6, name: "Последние 6 месяцев"},
	"LAST_12_MONTHS":     {typ: period.Monthly, back: 1, count: 12, name: "Последние 12 месяцев"},
	"MONTHS_THIS_YEAR":   {typ: period.Monthly, back: 0, ofYear: true, name: "Месяцы текущего года"},
	"MONTHS_LAST_YEAR":   {typ: period.Monthly, back: 1, ofYear: true, name: "Месяцы прошлого года"},
	"THIS_QUARTER":       {typ: period.Quarterly, back: 0, count: 1, name: "Текущий квартал"},
	"LAST_QUARTER":       {typ: period.Quarterly, back: 1, count: 1, name: "Прошлый квартал"},
	"LAST_4_QUARTERS":    {typ: period.Quarterly, back: 1, count: 4, name: "Последние 4 квартала"},
	"QUARTERS_THIS_YEAR": {typ: period.Quarterly, back: 0, ofYear: true, name: "Кварталы текущего года"},
	"QUARTERS_LAST_YEAR": {typ: period.Quarterly, back: 1, ofYear: true, name: "Кварталы прошлого года"},
	"THIS_YEAR":          {typ: period.Yearly, back: 0, count: 1, name: "Текущий год"},
	"LAST_YEAR":          {typ: period.Yearly, back: 1, count: 1, name: "Прошлый год"},
	"LAST_5_YEARS":       {typ: period.Yearly, back: 1, count: 5, name: "Последние 5 лет"},
	"LAST_10_YEARS":      {typ: period.Yearly, back: 1, count: 10, name: "Последние 10 лет"},
}

// resolvedPeriods are the periods of a pe axis, in order and without
// repeats, and the relative keywords it used (for metaData).
type resolvedPeriods struct {
	periods  []period.Period
	relative map[string]string // keyword → Russian name
}

// resolvePeriods expands the pe items against today (a calendar date in
// the zone whose calendar decides, normally Europe/Moscow).
func resolvePeriods(a Axis, today time.Time) (resolvedPeriods, error) {
	out := resolvedPeriods{relative: map[string]string{}}
	seen := map[period.Period]bool{}
	add := func(p period.Period) {
		if !seen[p] {
			seen[p] = true
			out.periods = append(out.periods, p)
		}
	}
	for _, item := range a.Items {
		if rel, ok := relativePeriods[strings.ToUpper(item)]; ok {
			out.relative[strings.ToUpper(item)] = rel.name
			for _, p := range rel.expand(today) {
				add(p)
			}
			continue
		}
		p, err := period.Parse(item)
		if err != nil {
			return out, paramErr(a.Param, "измерение pe: «%s» — не период (ожидается 2021, 2021Q1, 202103, 2021W05, 20210315 или относительный период, например LAST_4_QUARTERS)", clip(item))
		}
		add(p)
	}
	return out, nil
}

func (r relative) expand(today time.Time) []period.Period {
	if r.ofYear {
		y := period.Of(today, period.Yearly)
		for range r.back {
			y = y.Prev()
		}
		return y.Children(r.typ)
	}
	cur := period.Of(today, r.typ)
	for range r.back {
		cur = cur.Prev()
	}
	out := make([]period.Period, r.count)
	for i := r.count - 1; i >= 0; i-- {
		out[i] = cur
		cur = cur.Prev()
	}
	return out
}

// periodItem is the metaData entry of a fixed period.
func periodItem(p period.Period, id string) MetaItem {
	return MetaItem{
		UID: id, Code: p.String(), Name: p.Label(), DimensionItemType: "PERIOD",
		StartDate: p.Start().Format(time.DateOnly), EndDate: p.End().AddDate(0, 0, -1).Format(time.DateOnly), // DHIS2 gives the last day, Cifra the day after
	}
}

// levelNumber parses the DHIS2 form LEVEL-2 (1-based: 1 is the root).
func levelNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 9
}
