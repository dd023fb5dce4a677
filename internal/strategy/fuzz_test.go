package strategy

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"strconv"
	"testing"
)

// FuzzParseCSV checks, for any input, that the parser does not panic and
// keeps its promises: either rows or an *ImportError, never both; every
// row names a known region, methodology and measure, a year in range and
// a finite target within the measure's bounds; every problem names the
// file and says something; and the rows written back as CSV parse to the
// same rows.
func FuzzParseCSV(f *testing.F) {
	cat := testCatalog(f)
	for _, s := range []string{
		"region,methodology,indicator,year,target\nRU-TUL,health-digital-maturity,arm_share,2024,95\n",
		"\ufeffрегион;методика;показатель;год;цель\nТульская область;dispensarization;disp_coverage;2023;62,5\n",
		"year\tregion\tmethodology\tindicator\ttarget\n2025\t70000000000\tdigital-office\tindex\t80\n",
		"region,methodology,indicator,year,target\nRU-TUL,\"health,arm\",arm_share,2024,95\n",
		"region,methodology,indicator,year,target\nRU-TUL,health-digital-maturity,arm_share,2024,1e309\n",
		"",
	} {
		f.Add([]byte(s))
	}
	ms, _ := methodologyByID(cat.Methodologies)
	lo, hi := cat.years()
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(bytes.NewReader(data), "f.csv", cat)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("error %v is not an *ImportError with problems", err)
			}
			if rows != nil {
				t.Fatal("rows returned with an error")
			}
			for _, p := range ie.Problems {
				if p.File != "f.csv" || p.Text == "" || p.Line < 0 {
					t.Fatalf("problem %+v", p)
				}
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write(columns)
		for _, r := range rows {
			m, ok := ms[r.Methodology]
			if !ok {
				t.Fatalf("row %+v: unknown methodology", r)
			}
			meas, ok := MeasureOf(m, r.Indicator)
			if !ok {
				t.Fatalf("row %+v: unknown measure", r)
			}
			if code, _, ok := cat.Regions.Resolve(r.Region); !ok || code != r.Region {
				t.Fatalf("row %+v: region is not a canonical code", r)
			}
			if r.Year < lo || r.Year > hi || math.IsNaN(r.Value) || math.IsInf(r.Value, 0) || r.Value < meas.Lo || r.Value > meas.Hi {
				t.Fatalf("row %+v out of bounds", r)
			}
			_ = w.Write([]string{r.Region, r.Methodology, r.Indicator, strconv.Itoa(r.Year), strconv.FormatFloat(r.Value, 'g', -1, 64)})
		}
		w.Flush()
		again, err := ParseCSV(&b, "again.csv", cat)
		if err != nil {
			t.Fatalf("rows written back do not parse: %v\n%s", err, b.String())
		}
		if len(again) != len(rows) {
			t.Fatalf("%d rows read back, want %d", len(again), len(rows))
		}
		for i := range rows {
			if again[i].Entry != rows[i].Entry {
				t.Fatalf("row %d read back as %+v, want %+v", i, again[i].Entry, rows[i].Entry)
			}
		}
	})
}
