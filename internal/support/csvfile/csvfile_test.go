package csvfile

import (
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

var layout = Layout{Required: []string{"date", "kind"}, Optional: []string{"note"}, Aliases: map[string]string{"Дата": "date", "Вид": "kind"}}

func readAll(t *testing.T, data string, l Layout) ([][3]string, error) {
	t.Helper()
	r, err := Open(strings.NewReader(data), "x.csv", l)
	if err != nil {
		return nil, err
	}
	var out [][3]string
	for {
		row, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, [3]string{row.Get("date"), row.Get("kind"), row.Get("note")})
	}
}

func TestOpenVariants(t *testing.T) {
	cp, _ := charmap.Windows1251.NewEncoder().String("Дата;Вид;note\n2025-01-01;нерабочий;Новый год\n")
	tests := []struct {
		name, data string
		want       [3]string
	}{
		{"comma", "date,kind,note\n2025-01-01,nonworking,x\n", [3]string{"2025-01-01", "nonworking", "x"}},
		{"bom and semicolon", "\uFEFFdate;kind\n2025-01-01; working \n", [3]string{"2025-01-01", "working", ""}},
		{"russian aliases", "Дата,Вид\n2025-01-02,shortened\n", [3]string{"2025-01-02", "shortened", ""}},
		{"windows-1251", cp, [3]string{"2025-01-01", "нерабочий", "Новый год"}},
		{"tab", "date\tkind\n2025-01-03\tworking\n", [3]string{"2025-01-03", "working", ""}},
		{"quoted separator", "date,kind,note\n2025-01-01,nonworking,\"a, b; c\"\n", [3]string{"2025-01-01", "nonworking", "a, b; c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.data, layout)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("got %q, want [%q]", got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "  \n", "x.csv: файл пуст: нет строки заголовка"},
		{"unknown column", "date,kind,colour\n", "x.csv, строка 1, поле «colour»: неизвестный столбец; допустимы: date, kind, note"},
		{"missing column", "date,note\n", "x.csv, строка 1, поле «kind»: нет обязательного столбца"},
		{"duplicate column", "date,kind,Date\n", "x.csv, строка 1, поле «Date»: столбец повторяется"},
		{"field count", "date,kind\n2025-01-01,working\n2025-01-02\n", "x.csv, строка 3: полей в строке: 1, в заголовке: 2"},
		{"bare quote", "date,kind\n2025-01-01,wo\"rking\n", "x.csv, строка 2: непарная или лишняя кавычка"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.data, layout)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if err.Error() != tt.want {
				t.Fatalf("error\n %s\nwant\n %s", err, tt.want)
			}
		})
	}
}

// TestFailLine checks that an error in a record after a multi-line field
// names the line the field is on, as an editor shows it.
func TestFailLine(t *testing.T) {
	r, err := Open(strings.NewReader("note,date,kind\n\"line one\nline two\",2025-13-01,working\n"), "x.csv", layout)
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	got := row.Fail("date", "не дата: %q", row.Get("date")).Error()
	want := `x.csv, строка 3, поле «date»: не дата: "2025-13-01"`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if !r.Has("note") || r.Has("region") {
		t.Fatal("Has is wrong")
	}
}

func TestAllowUnknown(t *testing.T) {
	got, err := readAll(t, "#,date,kind,Extra\n1,2025-01-01,working,z\n", Layout{Required: []string{"date", "kind"}, AllowUnknown: true})
	if err != nil {
		t.Fatal(err)
	}
	if got[0][0] != "2025-01-01" {
		t.Fatalf("got %q", got)
	}
}
