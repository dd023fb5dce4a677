package rufmt

import (
	"math"
	"strconv"
	"testing"
	"time"
)

func TestNumber(t *testing.T) {
	const s = GroupSep
	for _, tc := range []struct {
		v    float64
		prec int
		want string
	}{
		{1.5, 1, "1,5"},
		{-2.25, 2, "−2,25"},
		{1234, 0, "1234"},
		{12345.6, 1, "12" + s + "345,6"},
		{1234567, 0, "1" + s + "234" + s + "567"},
		{-98765.4, 0, "−98" + s + "765"},
		{math.NaN(), 1, "—"},
		{math.Inf(1), 0, "—"},
		{-0.01, 1, "0,0"},
		{81.25, 1, "81,3"}, // half away from zero, not half-even
		{-81.25, 1, "−81,3"},
		{1.005, 2, "1,01"}, // on the digits shown, not the binary value
		{0.5, 0, "1"},
		{9.96, 1, "10,0"},
		{99999.5, 0, "100" + s + "000"},
		{12, 2, "12,00"},
		{0.1, -1, "0,1"},
		{1234.5678, -1, "1234,5678"},
		{-12345.25, -1, "−12" + s + "345,25"},
		{0, 0, "0"},
	} {
		if got := Number(tc.v, tc.prec); got != tc.want {
			t.Errorf("Number(%v, %d) = %q, want %q", tc.v, tc.prec, got, tc.want)
		}
	}
	if got := Percent(0.125, 1); got != "12,5\u00a0%" {
		t.Errorf("Percent = %q", got)
	}
	if got := Percent(math.NaN(), 1); got != Dash {
		t.Errorf("Percent(NaN) = %q", got)
	}
}

// TestNumberReadsBack: at prec -1 every digit is kept, so the text parses
// back to the same float once the Russian marks are undone.
func TestNumberReadsBack(t *testing.T) {
	for _, v := range []float64{0.1, 1e-7, 123456.789, -3.14159, 1e15, 2.5e-300, 1234567890123} {
		s := Number(v, -1)
		back := ""
		for _, r := range s {
			switch r {
			case ',':
				back += "."
			case '−':
				back += "-"
			case '\u202f':
			default:
				back += string(r)
			}
		}
		if got, err := strconv.ParseFloat(back, 64); err != nil || got != v {
			t.Errorf("Number(%v, -1) = %q reads back as %v (%v)", v, s, got, err)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{1, "место"}, {2, "места"}, {4, "места"}, {5, "мест"}, {11, "мест"}, {12, "мест"}, {14, "мест"}, {21, "место"}, {22, "места"}, {25, "мест"}, {101, "место"}, {111, "мест"}, {0, "мест"}, {-1, "место"}} {
		if got := Plural(tc.n, "место", "места", "мест"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0\u00a0регионов"}, {1, "1\u00a0регион"}, {2, "2\u00a0региона"}, {4, "4\u00a0региона"}, {5, "5\u00a0регионов"},
		{11, "11\u00a0регионов"}, {12, "12\u00a0регионов"}, {14, "14\u00a0регионов"}, {21, "21\u00a0регион"}, {22, "22\u00a0региона"},
		{85, "85\u00a0регионов"}, {101, "101\u00a0регион"}, {111, "111\u00a0регионов"}, {-1, "−1\u00a0регион"},
		{12345, "12\u202f345\u00a0регионов"},
	} {
		if got := Count(tc.n, "регион", "региона", "регионов"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	late := time.Date(2020, 12, 31, 22, 30, 5, 0, time.UTC) // 01:30 on 1 January in Moscow
	for _, tc := range []struct{ got, want string }{
		{Date(late), "01.01.2021"},
		{DateTime(late), "01.01.2021 01:30"},
		{Timestamp(late), "01.01.2021 01:30:05"},
		{Date(time.Time{}), Dash},
		{DateTime(time.Time{}), Dash},
		{DateIn(late, Zone("UTC-1")), "31.12.2020"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestZone(t *testing.T) {
	for in, off := range map[string]int{"": 3 * 3600, "UTC+3": 3 * 3600, "UTC+10": 10 * 3600, "UTC-1": -3600, "UTC+5:30": 5*3600 + 1800, "UTC": 0} {
		loc, err := ParseZone(in)
		if err != nil {
			t.Errorf("ParseZone(%q): %v", in, err)
			continue
		}
		if _, got := time.Date(2021, 1, 1, 0, 0, 0, 0, loc).Zone(); got != off {
			t.Errorf("ParseZone(%q) offset %d, want %d", in, got, off)
		}
	}
	for _, bad := range []string{"UTC*3", "UTC+99", "UTC+3:75", "UTC+-3", "Nowhere/City"} {
		if _, err := ParseZone(bad); err == nil {
			t.Errorf("ParseZone(%q) accepted", bad)
		}
		if Zone(bad) != Moscow() {
			t.Errorf("Zone(%q) is not Moscow time", bad)
		}
	}
}
