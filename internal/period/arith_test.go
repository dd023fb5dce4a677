package period

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func ids(ps []Period) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, " ")
}

func TestNextPrev(t *testing.T) {
	tests := []struct{ p, next string }{
		{"2021", "2022"},
		{"2021Q4", "2022Q1"},
		{"2021Q1", "2021Q2"},
		{"202112", "202201"},
		{"202101", "202102"},
		{"2020W53", "2021W01"},
		{"2021W52", "2022W01"},
		{"2019W52", "2020W01"},
		{"20201231", "20210101"},
		{"20200228", "20200229"},
		{"20200229", "20200301"},
		{"20210228", "20210301"},
	}
	for _, tt := range tests {
		p, n := MustParse(tt.p), MustParse(tt.next)
		if got := p.Next(); got != n {
			t.Errorf("%s.Next() = %s, want %s", p, got, n)
		}
		if got := n.Prev(); got != p {
			t.Errorf("%s.Prev() = %s, want %s", n, got, p)
		}
	}
	bounds := []struct {
		p    string
		next bool
	}{{"2200", true}, {"2200Q4", true}, {"220012", true}, {"22001231", true}, {"1900", false}, {"190001", false}, {"19000101", false}, {"1900W01", false}}
	for _, b := range bounds {
		p := MustParse(b.p)
		got := p.Prev()
		if b.next {
			got = p.Next()
		}
		if !got.IsZero() {
			t.Errorf("step beyond %s = %s, want zero", p, got)
		}
	}
	if !(Period{}).Next().IsZero() || !(Period{}).Prev().IsZero() {
		t.Error("zero period stepped to a non-zero one")
	}
}

func TestOf(t *testing.T) {
	moscow := time.FixedZone("MSK", 3*3600)
	// 31 Dec 2020 22:30 UTC is already 1 Jan 2021 in Moscow: Of uses t's own calendar date.
	inMoscow := time.Date(2021, 1, 1, 1, 30, 0, 0, moscow)
	tests := []struct {
		t    time.Time
		typ  Type
		want string
	}{
		{inMoscow, Yearly, "2021"},
		{inMoscow.UTC(), Yearly, "2020"},
		{inMoscow, Quarterly, "2021Q1"},
		{inMoscow, Monthly, "202101"},
		{inMoscow, Weekly, "2020W53"},
		{inMoscow, Daily, "20210101"},
		{date(2024, 12, 30), Weekly, "2025W01"},
		{date(2021, 8, 15), Quarterly, "2021Q3"},
		{date(2020, 2, 29), Daily, "20200229"},
	}
	for _, tt := range tests {
		if got := Of(tt.t, tt.typ); got.String() != tt.want {
			t.Errorf("Of(%v, %v) = %s, want %s", tt.t, tt.typ, got, tt.want)
		}
	}
	if p := Of(date(1899, 12, 31), Daily); !p.IsZero() {
		t.Errorf("Of(1899-12-31) = %s, want zero", p)
	}
	if p := Of(date(2021, 1, 1), Type(0)); !p.IsZero() {
		t.Errorf("Of(invalid type) = %s, want zero", p)
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		p, q string
		want bool
	}{
		{"2021", "2021", true},
		{"2021", "2021Q3", true},
		{"2021", "202112", true},
		{"2021", "20211231", true},
		{"2021", "2021W01", true},
		{"2021", "2021W51", true},
		{"2021", "2021W52", false}, // 27.12.2021–02.01.2022
		{"2021", "2020W53", false}, // 28.12.2020–03.01.2021 crosses New Year
		{"2020", "2020W53", false},
		{"2020", "2020W01", false}, // starts 30.12.2019
		{"2021Q1", "202103", true},
		{"2021Q1", "202104", false},
		{"2021Q1", "2021", false},
		{"202103", "20210331", true},
		{"202103", "20210401", false},
		{"202103", "2021W09", true},  // 01.03–07.03
		{"202103", "2021W13", false}, // 29.03–04.04
		{"2021W05", "20210201", true},
		{"2021W05", "20210207", true},
		{"2021W05", "20210208", false},
		{"20210315", "20210315", true},
	}
	for _, tt := range tests {
		if got := MustParse(tt.p).Contains(MustParse(tt.q)); got != tt.want {
			t.Errorf("%s.Contains(%s) = %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
	if (Period{}).Contains(MustParse("2021")) || MustParse("2021").Contains(Period{}) {
		t.Error("zero period takes part in containment")
	}
}

func TestChildren(t *testing.T) {
	tests := []struct {
		p    string
		typ  Type
		want string
	}{
		{"2021", Quarterly, "2021Q1 2021Q2 2021Q3 2021Q4"},
		{"2021", Monthly, "202101 202102 202103 202104 202105 202106 202107 202108 202109 202110 202111 202112"},
		{"2021Q1", Monthly, "202101 202102 202103"},
		{"2021Q4", Monthly, "202110 202111 202112"},
		{"202102", Daily, "20210201 20210202 20210203 20210204 20210205 20210206 20210207 20210208 20210209 20210210 20210211 20210212 20210213 20210214 20210215 20210216 20210217 20210218 20210219 20210220 20210221 20210222 20210223 20210224 20210225 20210226 20210227 20210228"},
		{"202103", Weekly, "2021W09 2021W10 2021W11 2021W12"},
		{"2021W05", Daily, "20210201 20210202 20210203 20210204 20210205 20210206 20210207"},
		{"2021", Yearly, "2021"},
		{"2021Q1", Yearly, ""},
		{"2021W05", Monthly, ""},
	}
	for _, tt := range tests {
		if got := ids(MustParse(tt.p).Children(tt.typ)); got != tt.want {
			t.Errorf("%s.Children(%v) = %q, want %q", tt.p, tt.typ, got, tt.want)
		}
	}
	counts := []struct {
		p    string
		typ  Type
		want int
	}{
		{"2021", Weekly, 51}, // 2021W01..W51; 2020W53 and 2021W52 cross New Year
		{"2020", Weekly, 51}, // 2020W01 starts in 2019, 2020W53 ends in 2021
		{"2026", Weekly, 51}, // 2026W01 starts 29.12.2025, 2026W53 ends 03.01.2027
		{"2015", Weekly, 51}, // 2015W01 starts 29.12.2014, 2015W53 ends 03.01.2016
		{"2018", Weekly, 52}, // 2018W01 starts on 1 January, 2018W52 ends on 30 December
		{"2020", Daily, 366},
		{"2021", Daily, 365},
		{"2021Q1", Daily, 90},
	}
	for _, tt := range counts {
		if got := len(MustParse(tt.p).Children(tt.typ)); got != tt.want {
			t.Errorf("len(%s.Children(%v)) = %d, want %d", tt.p, tt.typ, got, tt.want)
		}
	}
	if got := MustParse("2018").Children(Weekly)[0].String(); got != "2018W01" {
		t.Errorf("2018 first week = %s, want 2018W01", got)
	}
}

func TestRange(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"2019", "2021", "2019 2020 2021"},
		{"2021Q3", "2022Q2", "2021Q3 2021Q4 2022Q1 2022Q2"},
		{"202111", "202202", "202111 202112 202201 202202"},
		{"2020W52", "2021W02", "2020W52 2020W53 2021W01 2021W02"},
		{"20200227", "20200302", "20200227 20200228 20200229 20200301 20200302"},
		{"2021Q1", "2021Q1", "2021Q1"},
	}
	for _, tt := range tests {
		got, err := Range(MustParse(tt.from), MustParse(tt.to))
		if err != nil {
			t.Errorf("Range(%s, %s): %v", tt.from, tt.to, err)
			continue
		}
		if ids(got) != tt.want {
			t.Errorf("Range(%s, %s) = %q, want %q", tt.from, tt.to, ids(got), tt.want)
		}
	}
	bad := []struct{ from, to string }{
		{"2022", "2021"},
		{"2021Q1", "2021"},
		{"202101", "2021Q1"},
	}
	for _, tt := range bad {
		if _, err := Range(MustParse(tt.from), MustParse(tt.to)); err == nil {
			t.Errorf("Range(%s, %s): want error", tt.from, tt.to)
		}
	}
	if _, err := Range(Period{}, MustParse("2021")); err == nil {
		t.Error("Range(zero, 2021): want error")
	}
}

func TestBefore(t *testing.T) {
	ps := []Period{MustParse("2021Q2"), MustParse("202101"), MustParse("2021"), MustParse("2021Q1"), MustParse("20201231"), MustParse("2020W53")}
	slices.SortFunc(ps, Compare)
	if got, want := ids(ps), "2020W53 20201231 202101 2021Q1 2021 2021Q2"; got != want {
		t.Errorf("sorted = %q, want %q", got, want)
	}
	if MustParse("2021").Before(MustParse("2021")) {
		t.Error("2021 before itself")
	}
}

func TestSameLastYear(t *testing.T) {
	tests := []struct{ p, want string }{
		{"2021", "2020"},
		{"2021Q3", "2020Q3"},
		{"202103", "202003"},
		{"2021W05", "2020W05"},
		{"2021W52", "2020W52"},
		{"2021W01", "2020W01"},
		{"2016W52", "2015W52"},
		{"2026W53", "2025W52"}, // 53-week years are never consecutive
		{"2015W53", "2014W52"},
		{"20210315", "20200315"},
		{"20200229", "20190228"},
		{"20210301", "20200301"},
		{"1900", ""},
	}
	for _, tt := range tests {
		if got := MustParse(tt.p).SameLastYear().String(); got != tt.want {
			t.Errorf("%s.SameLastYear() = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestAccessors(t *testing.T) {
	tests := []struct {
		p                          string
		year, quarter, month, week int
		days                       int
	}{
		{"2021", 2021, 0, 0, 0, 365},
		{"2020", 2020, 0, 0, 0, 366},
		{"2021Q1", 2021, 1, 0, 0, 90},
		{"202002", 2020, 0, 2, 0, 29},
		{"2020W53", 2020, 0, 0, 53, 7},
		{"2025W01", 2025, 0, 0, 1, 7},
		{"20210315", 2021, 0, 3, 0, 1},
	}
	for _, tt := range tests {
		p := MustParse(tt.p)
		if p.Year() != tt.year || p.Quarter() != tt.quarter || p.Month() != tt.month || p.Week() != tt.week || p.Days() != tt.days {
			t.Errorf("%s: year %d quarter %d month %d week %d days %d; want %d %d %d %d %d",
				tt.p, p.Year(), p.Quarter(), p.Month(), p.Week(), p.Days(), tt.year, tt.quarter, tt.month, tt.week, tt.days)
		}
	}
	var z Period
	if !z.IsZero() || z.String() != "" || z.Label() != "" || z.Days() != 0 || z.Type() != 0 {
		t.Error("zero period is not empty")
	}
}

func TestLabel(t *testing.T) {
	tests := []struct{ p, want string }{
		{"2021", "2021 год"},
		{"2021Q1", "I квартал 2021"},
		{"2021Q2", "II квартал 2021"},
		{"2021Q3", "III квартал 2021"},
		{"2021Q4", "IV квартал 2021"},
		{"202103", "март 2021"},
		{"202101", "январь 2021"},
		{"202112", "декабрь 2021"},
		{"2021W05", "неделя 5, 2021"},
		{"2020W53", "неделя 53, 2020"},
		{"20210315", "15.03.2021"},
		{"20200101", "01.01.2020"},
	}
	for _, tt := range tests {
		if got := MustParse(tt.p).Label(); got != tt.want {
			t.Errorf("%s.Label() = %q, want %q", tt.p, got, tt.want)
		}
	}
}
