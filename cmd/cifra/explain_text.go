package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/stats"
)

// explainLevers is how many indicators the text names as pulling the
// score up and down.
const explainLevers = 3

// writeExplanation prints ex as a Russian text for people: the score and
// place, each criterion's score against the median of the rated regions
// and its contribution, each indicator from its data to its points, and the
// indicators that help and hurt most. Numbers are rounded for reading;
// --json has them whole.
func writeExplanation(w io.Writer, r *rating.Result, ex rating.Explanation) error {
	rows := r.Sorted()
	var row *rating.Row
	ranked := 0
	for i := range rows {
		if rows[i].Rank > 0 {
			ranked++
		}
		if rows[i].Code == ex.Unit {
			row = &rows[i]
		}
	}
	median := func(node string) float64 {
		var xs []float64
		for _, rw := range rows {
			if v, ok := rw.Scores[node]; ok && rw.Rank > 0 && !math.IsNaN(float64(v)) {
				xs = append(xs, float64(v))
			}
		}
		if len(xs) == 0 {
			return math.NaN()
		}
		return stats.Median(xs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %s\n", ex.UnitName, lowerFirst(ex.NodeName), r.PeriodLabel)
	fmt.Fprintf(&b, "Методика «%s», версия %s.\n", r.Name, r.Version)
	if r.Synthetic {
		b.WriteString("ВНИМАНИЕ: данные синтетические (демонстрационные), не являются официальной статистикой.\n")
	}
	b.WriteString("\n")
	switch {
	case row != nil && row.Rank > 0:
		fmt.Fprintf(&b, "Балл %s из 100 — %d-е место из %d", num1(ex.Score), row.Rank, ranked)
		if row.GradeLabel != "" {
			fmt.Fprintf(&b, ", уровень «%s»", row.GradeLabel)
		}
		fmt.Fprintf(&b, "; медиана субъектов — %s.\n", num1(rating.Num(median(ex.Node))))
	case row != nil:
		b.WriteString("Регион не ранжирован: для расчёта не хватает данных.\n")
	default:
		fmt.Fprintf(&b, "Балл %s из 100.\n", num1(ex.Score))
	}
	if len(ex.Children) > 0 {
		b.WriteString("\nИз чего складывается балл (вклад — балл части × её вес):\n")
	}
	var leaves []rating.Explanation
	var walk func(e rating.Explanation, share float64, depth int)
	walk = func(e rating.Explanation, share float64, depth int) {
		pad := strings.Repeat("  ", depth)
		if e.Indicator == nil {
			fmt.Fprintf(&b, "%s%s: %s (медиана %s), вес %s, вклад %s\n", pad, e.NodeName, num1(e.Score),
				num1(rating.Num(median(e.Node))), weight(share), num1(e.Contribution))
			shares := childShares(e.Children)
			for i, c := range e.Children {
				walk(c, shares[i], depth+1)
			}
			return
		}
		leaves = append(leaves, e)
		in := e.Indicator
		fmt.Fprintf(&b, "%s%s: %s → %s балла из 100, вес %s, вклад %s\n", pad, e.NodeName, withUnit(in.Value, in.Unit),
			num1(e.Normalised), weight(share), num1(e.Contribution))
		var parts []string
		for _, el := range in.Elements {
			parts = append(parts, fmt.Sprintf("%s — %s", lowerFirst(el.Name), withUnit(el.Value, el.Unit)))
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "%s  данные: %s\n", pad, strings.Join(parts, "; "))
		}
		var notes []string
		if e.Imputed {
			notes = append(notes, "значения не было, оно вменено")
		}
		if e.Winsorised {
			notes = append(notes, "значение ограничено при обработке выбросов")
		}
		if in.Target != nil {
			notes = append(notes, "целевое значение "+withUnit(rating.Num(*in.Target), in.Unit))
		}
		if in.Direction == "lower" {
			notes = append(notes, "чем меньше, тем лучше")
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, "%s  (%s)\n", pad, strings.Join(notes, "; "))
		}
	}
	shares := childShares(ex.Children)
	for i, c := range ex.Children {
		walk(c, shares[i], 1)
	}
	if ex.Indicator != nil {
		walk(ex, 1, 0)
	}
	if len(leaves) >= 2*explainLevers {
		sorted := append([]rating.Explanation(nil), leaves...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Normalised > sorted[j].Normalised })
		names := func(es []rating.Explanation) string {
			var s []string
			for _, e := range es {
				s = append(s, fmt.Sprintf("%s (%s)", lowerFirst(e.NodeName), num1(e.Normalised)))
			}
			return strings.Join(s, "; ")
		}
		fmt.Fprintf(&b, "\nСильные стороны: %s.\n", names(sorted[:explainLevers]))
		weak := sorted[len(sorted)-explainLevers:]
		for i, j := 0, len(weak)-1; i < j; i, j = i+1, j-1 {
			weak[i], weak[j] = weak[j], weak[i]
		}
		fmt.Fprintf(&b, "Слабые стороны: %s.\n", names(weak))
	}
	b.WriteString("\nВсе числа без округления: --json.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// childShares are the children's effective weights as shares of their sum:
// the weight each has within its parent.
func childShares(cs []rating.Explanation) []float64 {
	var sum float64
	for _, c := range cs {
		if w := float64(c.EffWeight); !math.IsNaN(w) {
			sum += w
		}
	}
	out := make([]float64, len(cs))
	for i, c := range cs {
		if sum > 0 {
			out[i] = float64(c.EffWeight) / sum
		}
	}
	return out
}

// num1 is a score or value with one decimal and a decimal comma; «—» when
// there is none.
func num1(n rating.Num) string {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return "—"
	}
	return rufmt.Number(float64(n), 1)
}

// withUnit is a value with its unit: «96,0 %», «5 189 ед.».
func withUnit(n rating.Num, unit string) string {
	v := float64(n)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "нет данных"
	}
	prec := 1
	if v == math.Trunc(v) && math.Abs(v) >= 10 {
		prec = 0
	}
	s := rufmt.Number(v, prec)
	if unit != "" {
		s += "\u00a0" + unit
	}
	return s
}

// weight is a weight within the parent as a percentage.
func weight(w float64) string {
	return rufmt.Number(100*w, 0) + "\u00a0%"
}

// lowerFirst lowers the first letter of a name used inside a sentence,
// unless the name starts with an abbreviation (ЕГИСЗ, МО).
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) < 2 || strings.ToUpper(string(r[1])) == string(r[1]) {
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
