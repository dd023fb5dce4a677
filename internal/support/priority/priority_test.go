package priority

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/support/csvfile"
)

func TestDefaultMatrix(t *testing.T) {
	m := DefaultMatrix()
	for _, tt := range []struct {
		imp, urg Level
		want     Priority
	}{{High, High, Critical}, {High, Low, Normal}, {Medium, Medium, Normal}, {Low, High, Normal}, {Medium, Low, Minor}, {Low, Low, Planned}} {
		got, err := m.Priority(tt.imp, tt.urg)
		if err != nil || got != tt.want {
			t.Errorf("impact %d urgency %d: %v %v, want %v", tt.imp, tt.urg, got, err, tt.want)
		}
	}
	if _, err := m.Priority(0, 1); err == nil {
		t.Error("impact 0 accepted")
	}
}

// A region that treats every high-impact problem as critical.
func TestParseMatrixRoundTrip(t *testing.T) {
	b, err := os.ReadFile("testdata/matrix-strict.csv")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMatrix(bytes.NewReader(b), "matrix-strict.csv")
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := m.Priority(High, Low); p != Critical {
		t.Fatalf("high impact, low urgency: %v, want P1", p)
	}
	var buf bytes.Buffer
	if err := m.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := ParseMatrix(&buf, "again.csv")
	if err != nil || m2 != m {
		t.Fatalf("round trip: %v", err)
	}
}

func TestParseMatrixErrors(t *testing.T) {
	full := "impact,urgency,priority\n1,1,1\n1,2,2\n1,3,3\n2,1,2\n2,2,3\n2,3,4\n3,1,3\n3,2,4\n"
	for _, tt := range []struct{ name, data, want string }{
		{"missing cell", full, "m.csv: не задан приоритет для влияния 3 и срочности 3: нужны все девять сочетаний"},
		{"duplicate", full + "3,2,5\n", "m.csv, строка 10, поле «urgency»: сочетание влияния 3 и срочности 2 уже задано"},
		{"bad priority", full + "3,3,P9\n", "m.csv, строка 10, поле «priority»: «P9» — неизвестный приоритет; допустимы 1–5 (P1 критический … P5 плановый)"},
		{"inverted", strings.Replace(full, "3,2,4", "3,2,1", 1) + "3,3,5\n", "m.csv: влияние 3 и срочность 2 получают приоритет выше, чем более серьёзное сочетание"},
		{"bad level", "Влияние;Срочность;Приоритет\nогромное;1;1\n", "m.csv, строка 2, поле «Влияние»: «огромное» — неизвестный уровень; допустимы 1 (высокий), 2 (средний), 3 (низкий)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMatrix(strings.NewReader(tt.data), "m.csv")
			var e *csvfile.Error
			if !errors.As(err, &e) || err.Error() != tt.want {
				t.Fatalf("error\n %v\nwant\n %s", err, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Priority{"1": Critical, "P2": Major, "p3": Normal, "низкий": Minor, "Плановый": Planned} {
		if got, err := ParsePriority(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for in, want := range map[string]Level{"high": High, "Средняя": Medium, "3": Low} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if Critical.Label() != "критический" || Critical.Code() != "P1" {
		t.Error("labels")
	}
}

func FuzzParseMatrix(f *testing.F) {
	b, _ := os.ReadFile("testdata/matrix-strict.csv")
	f.Add(b)
	var buf bytes.Buffer
	_ = DefaultMatrix().WriteCSV(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMatrix(bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			var e *csvfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("unlocated error %T: %v", err, err)
			}
			return
		}
		for _, i := range Levels {
			for _, u := range Levels {
				if p, err := m.Priority(i, u); err != nil || !p.Valid() {
					t.Fatalf("cell %d,%d: %v %v", i, u, p, err)
				}
			}
		}
	})
}
