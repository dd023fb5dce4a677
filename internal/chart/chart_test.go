package chart

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

// wellFormed checks that a chart is valid XML, as browsers parse inline SVG
// leniently and would hide mistakes.
func wellFormed(t *testing.T, name, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("%s: not well-formed: %v\n%s", name, err, svg)
		}
	}
}

func TestCharts(t *testing.T) {
	tests := []struct {
		name, svg, want string
	}{
		{"line", string(Line("Балл <и> ранг", []Point{{"2019", 50.5}, {"2020", math.NaN()}, {"2021", 60}}, 1, false)), "50,5"},
		{"line-empty", string(Line("x", nil, 1, false)), "Нет данных"},
		{"bars", string(Bars("Критерии", []Bar{{Label: "A", Value: 40, Markers: []Marker{{"медиана РФ", 50, "m1"}}}}, 100, 1)), "медиана РФ: 50,0"},
		{"hist", string(Histogram("Распределение", []float64{1, 2, 2, 3, math.NaN()}, 4, 2, "Тула", 1)), "Тула: 2,0"},
	}
	for _, tc := range tests {
		wellFormed(t, tc.name, tc.svg)
		if !strings.Contains(tc.svg, tc.want) {
			t.Errorf("%s: missing %q in %s", tc.name, tc.want, tc.svg)
		}
	}
}
