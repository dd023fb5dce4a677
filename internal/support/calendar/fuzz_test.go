package calendar

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/csvfile"
)

// FuzzParseExceptions: any input either parses into rows that build a
// production calendar, or fails with a located *csvfile.Error; never a
// panic.
func FuzzParseExceptions(f *testing.F) {
	for _, name := range []string{"data/production-calendar.csv", "data/production-calendar-cifra.csv", "testdata/regional-example.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Регион;Дата;Вид\nRU-BA;2025-03-31;нерабочий\n"))
	f.Add([]byte("date,kind\n2025-11-01,working\n2025-11-01,shortened\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ParseExceptions(bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			var e *csvfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("unlocated error %T: %v", err, err)
			}
			return
		}
		p, err := NewProduction(rows, nil)
		if err != nil {
			t.Fatalf("parsed rows rejected: %v", err)
		}
		for _, r := range rows {
			c, err := New("f", p, r.Region, OfficeHours(), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			start := r.Date.Midnight(time.UTC)
			due := c.Add(start, 8*time.Hour)
			if got := c.Between(start, due); got != 8*time.Hour {
				t.Fatalf("Between(Add(8h)) = %v", got)
			}
		}
	})
}

// FuzzParseYears: as above for year-status files.
func FuzzParseYears(f *testing.F) {
	b, err := os.ReadFile("data/years.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("region,year,status\nRU-TA,2026,decree\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ParseYears(bytes.NewReader(b), "fuzz.csv")
		var e *csvfile.Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("unlocated error %T: %v", err, err)
		}
	})
}
