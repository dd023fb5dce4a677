package strategy

import (
	"cmp"
	"fmt"
	"slices"
)

// PlanFactSection is the plan-vs-fact section of the governor's report:
// the region's targets for one year, how many are met, and the ones that
// need attention first.
type PlanFactSection struct {
	Title  string        `json:"title"`
	Region string        `json:"region"`
	Year   int           `json:"year"`
	Total  int           `json:"total"`
	Counts []StatusCount `json:"counts"`
	Rows   []TargetRow   `json:"rows"`
	// Attention lists the targets under threat, then those lagging, each
	// group from the least progress up: what the governor should ask about.
	Attention []TargetRow `json:"attention"`
	// Notes say in Russian how facts, forecasts and statuses are made.
	Notes []string `json:"notes"`
}

// MethodNotes are the Russian sentences a report prints under the table.
var MethodNotes = []string{
	"Факт года — значение за год, а для методик без годового расчёта — значение IV квартала.",
	"Прогноз — линейный тренд по годовым фактам (метод наименьших квадратов) с 80-процентным интервалом прогноза; по двум значениям — линия через них, по одному — последнее значение.",
	"«Достигнуто» — факт года (или последний факт) не хуже плана; «в графике» — прогноз на год не хуже плана; «отстаёт» — прошедший год не выполнен или прогноз хуже плана, но благоприятная граница интервала его достигает; «под угрозой» — план не достигается даже на благоприятной границе интервала.",
}

// BuildPlanFact makes the section from a region's rows for year
// (RegionTargets).
func BuildPlanFact(region string, year int, rows []TargetRow) PlanFactSection {
	s := PlanFactSection{
		Title:  fmt.Sprintf("Стратегия цифровой трансформации: план и факт за %d год", year),
		Region: region, Year: year, Notes: MethodNotes,
	}
	var statuses []Status
	for _, r := range rows {
		if r.Region != region || r.Year != year {
			continue
		}
		s.Rows = append(s.Rows, r)
		statuses = append(statuses, r.Status)
		if r.Status == AtRisk || r.Status == Lagging {
			s.Attention = append(s.Attention, r)
		}
	}
	s.Total = len(s.Rows)
	s.Counts = countStatuses(statuses)
	slices.SortStableFunc(s.Attention, func(a, b TargetRow) int {
		return cmp.Or(cmp.Compare(severity(a.Status), severity(b.Status)), cmp.Compare(progressOf(a), progressOf(b)))
	})
	return s
}

func severity(s Status) int {
	if s == AtRisk {
		return 0
	}
	return 1
}

// progressOf orders rows without progress first: nothing is known of them.
func progressOf(r TargetRow) float64 {
	if r.Progress == nil {
		return -1e300
	}
	return *r.Progress
}
