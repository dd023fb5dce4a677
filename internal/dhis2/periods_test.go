package dhis2

import (
	"strings"
	"testing"
	"time"
)

func TestRelativePeriods(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	// 31.12.2020 22:30 UTC is already 01.01.2021 in Moscow: the caller's
	// zone decides which year is "this year".
	newYear := time.Date(2020, 12, 31, 22, 30, 0, 0, time.UTC).In(msk)
	day := time.Date(2021, 1, 15, 10, 0, 0, 0, msk)
	cases := []struct {
		item  string
		today time.Time
		want  string
	}{
		{"THIS_YEAR", newYear, "2021"},
		{"LAST_YEAR", day, "2020"},
		{"LAST_5_YEARS", day, "2016 2017 2018 2019 2020"},
		{"THIS_QUARTER", day, "2021Q1"},
		{"LAST_QUARTER", day, "2020Q4"},
		{"LAST_4_QUARTERS", day, "2020Q1 2020Q2 2020Q3 2020Q4"},
		{"QUARTERS_THIS_YEAR", day, "2021Q1 2021Q2 2021Q3 2021Q4"},
		{"QUARTERS_LAST_YEAR", day, "2020Q1 2020Q2 2020Q3 2020Q4"},
		{"LAST_MONTH", day, "202012"},
		{"LAST_3_MONTHS", day, "202010 202011 202012"},
		{"LAST_WEEK", day, "2021W01"},
		{"YESTERDAY", day, "20210114"},
		{"last_year", day, "2020"}, // keywords are case-insensitive
	}
	for _, c := range cases {
		r, err := resolvePeriods(Axis{Dim: DimPeriod, Items: []string{c.item}, Param: "pe"}, c.today)
		if err != nil {
			t.Errorf("%s: %v", c.item, err)
			continue
		}
		var got []string
		for _, p := range r.periods {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s on %s: %v, want %s", c.item, c.today.Format(time.DateTime), got, c.want)
		}
		if r.relative[strings.ToUpper(c.item)] == "" {
			t.Errorf("%s: no Russian name for metaData", c.item)
		}
	}
}

func TestPeriodsMixAndDedupe(t *testing.T) {
	r, err := resolvePeriods(Axis{Dim: DimPeriod, Items: []string{"2020Q4", "LAST_4_QUARTERS", "2021q1"}, Param: "pe"}, time.Date(2021, 1, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.periods {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "2020Q4 2020Q1 2020Q2 2020Q3 2021Q1" {
		t.Errorf("periods %v", got)
	}
}
