// Package priority derives a ticket's priority from its impact and urgency
// by an ITIL matrix that a region may change (a CSV file), and names the
// levels in Russian.
package priority

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cifra-health/cifra/internal/support/csvfile"
)

// Level is an impact or urgency: 1 high, 2 medium, 3 low.
type Level int

// Levels.
const (
	High   Level = 1
	Medium Level = 2
	Low    Level = 3
)

// Levels lists the levels, highest first.
var Levels = []Level{High, Medium, Low}

// ImpactLabel is the Russian name of an impact level.
func (l Level) ImpactLabel() string {
	switch l {
	case High:
		return "высокое: не работает МО или система целиком"
	case Medium:
		return "среднее: не работает отделение или функция"
	case Low:
		return "низкое: один пользователь или рабочее место"
	}
	return strconv.Itoa(int(l))
}

// UrgencyLabel is the Russian name of an urgency level.
func (l Level) UrgencyLabel() string {
	switch l {
	case High:
		return "высокая: приём пациентов остановлен"
	case Medium:
		return "средняя: работа затруднена"
	case Low:
		return "низкая: есть обходной путь"
	}
	return strconv.Itoa(int(l))
}

// ParseLevel reads 1..3 or high/medium/low (in English or Russian).
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "high", "высокое", "высокая", "высокий":
		return High, nil
	case "2", "medium", "среднее", "средняя", "средний":
		return Medium, nil
	case "3", "low", "низкое", "низкая", "низкий":
		return Low, nil
	}
	return 0, fmt.Errorf("«%s» — неизвестный уровень; допустимы 1 (высокий), 2 (средний), 3 (низкий)", s)
}

// Priority of a ticket: 1 critical … 5 planned.
type Priority int

// Priorities.
const (
	Critical Priority = 1
	Major    Priority = 2
	Normal   Priority = 3
	Minor    Priority = 4
	Planned  Priority = 5
)

// Priorities lists them, most urgent first.
var Priorities = []Priority{Critical, Major, Normal, Minor, Planned}

// Label is the Russian name.
func (p Priority) Label() string {
	switch p {
	case Critical:
		return "критический"
	case Major:
		return "высокий"
	case Normal:
		return "средний"
	case Minor:
		return "низкий"
	case Planned:
		return "плановый"
	}
	return strconv.Itoa(int(p))
}

// Code is the short form used in lists: P1…P5.
func (p Priority) Code() string { return "P" + strconv.Itoa(int(p)) }

// Valid reports whether p is 1..5.
func (p Priority) Valid() bool { return p >= Critical && p <= Planned }

// ParsePriority reads 1..5, P1..P5 or a Russian name.
func ParsePriority(s string) (Priority, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "p")
	if n, err := strconv.Atoi(t); err == nil && Priority(n).Valid() {
		return Priority(n), nil
	}
	for _, p := range Priorities {
		if t == p.Label() {
			return p, nil
		}
	}
	return 0, fmt.Errorf("«%s» — неизвестный приоритет; допустимы 1–5 (P1 критический … P5 плановый)", s)
}

// Matrix maps impact × urgency to a priority.
type Matrix struct {
	cells [3][3]Priority // [impact-1][urgency-1]
}

// DefaultMatrix is the common ITIL table:
//
//	impact \ urgency   high  medium  low
//	high                P1    P2     P3
//	medium              P2    P3     P4
//	low                 P3    P4     P5
func DefaultMatrix() Matrix {
	return Matrix{cells: [3][3]Priority{{1, 2, 3}, {2, 3, 4}, {3, 4, 5}}}
}

// Priority of a ticket with the given impact and urgency.
func (m Matrix) Priority(impact, urgency Level) (Priority, error) {
	if impact < High || impact > Low {
		return 0, fmt.Errorf("влияние %d вне 1–3", impact)
	}
	if urgency < High || urgency > Low {
		return 0, fmt.Errorf("срочность %d вне 1–3", urgency)
	}
	return m.cells[impact-1][urgency-1], nil
}

var matrixLayout = csvfile.Layout{
	Required: []string{"impact", "urgency", "priority"},
	Aliases:  map[string]string{"влияние": "impact", "срочность": "urgency", "приоритет": "priority"},
}

// ParseMatrix reads a matrix file: impact,urgency,priority with all nine
// combinations, each once. A more urgent or wider problem may not get a
// lower priority than a lesser one: the file is checked for that too.
func ParseMatrix(r io.Reader, name string) (Matrix, error) {
	rd, err := csvfile.Open(r, name, matrixLayout)
	if err != nil {
		return Matrix{}, err
	}
	var m Matrix
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Matrix{}, err
		}
		imp, err := ParseLevel(row.Get("impact"))
		if err != nil {
			return Matrix{}, row.Fail("impact", "%v", err)
		}
		urg, err := ParseLevel(row.Get("urgency"))
		if err != nil {
			return Matrix{}, row.Fail("urgency", "%v", err)
		}
		p, err := ParsePriority(row.Get("priority"))
		if err != nil {
			return Matrix{}, row.Fail("priority", "%v", err)
		}
		if m.cells[imp-1][urg-1] != 0 {
			return Matrix{}, row.Fail("urgency", "сочетание влияния %d и срочности %d уже задано", imp, urg)
		}
		m.cells[imp-1][urg-1] = p
	}
	for i := range 3 {
		for j := range 3 {
			if m.cells[i][j] == 0 {
				return Matrix{}, &csvfile.Error{File: name, Msg: fmt.Sprintf("не задан приоритет для влияния %d и срочности %d: нужны все девять сочетаний", i+1, j+1)}
			}
			if i > 0 && m.cells[i][j] < m.cells[i-1][j] || j > 0 && m.cells[i][j] < m.cells[i][j-1] {
				return Matrix{}, &csvfile.Error{File: name, Msg: fmt.Sprintf("влияние %d и срочность %d получают приоритет выше, чем более серьёзное сочетание", i+1, j+1)}
			}
		}
	}
	return m, nil
}

// WriteCSV writes the matrix in the layout ParseMatrix reads.
func (m Matrix) WriteCSV(w io.Writer) error {
	if _, err := fmt.Fprintln(w, "impact,urgency,priority"); err != nil {
		return err
	}
	for i := range 3 {
		for j := range 3 {
			if _, err := fmt.Fprintf(w, "%d,%d,%d\n", i+1, j+1, m.cells[i][j]); err != nil {
				return err
			}
		}
	}
	return nil
}
