package datavalue

import (
	"fmt"
	"strings"
	"testing"
)

func TestRejectionError(t *testing.T) {
	tests := []struct {
		r    Rejection
		want string
	}{
		{
			Rejection{Source{File: "data.csv", Record: 7, Format: CSV}, "value", "12,5x", "is not a number"},
			`data.csv line 7, field value: "12,5x" is not a number`,
		},
		{
			Rejection{Source{File: "data.csv", Record: 3, Format: CSV}, "", "", "has 3 fields, the header has 4"},
			`data.csv line 3: has 3 fields, the header has 4`,
		},
		{
			Rejection{Source{File: "dv.json", Record: 2, Format: DHIS2JSON}, "orgUnit", "", "missing"},
			`dv.json value 2, field orgUnit: missing`,
		},
		{
			Rejection{Source{File: "dv.json", Format: DHIS2JSON}, "period", "2021Q9", "is not a valid period: quarter must be 1..4"},
			`dv.json, field period: "2021Q9" is not a valid period: quarter must be 1..4`,
		},
		{
			Rejection{Source{File: "book.xlsx", Record: 5, Sheet: "Койки", Format: XLSX}, "BEDS", "abc", "is not a number"},
			`book.xlsx sheet "Койки" row 5, field BEDS: "abc" is not a number`,
		},
		{
			Rejection{Source{File: "x", Record: 1}, "f", "v\n", "is odd"},
			`x record 1, field f: "v\n" is odd`,
		},
	}
	for _, tt := range tests {
		if got := tt.r.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestRejectionsError(t *testing.T) {
	one := Rejections{{Source{File: "a.csv", Record: 2, Format: CSV}, "value", "x", "is not a number"}}
	if got, want := one.Error(), "1 rejected record:\n\ta.csv line 2, field value: \"x\" is not a number"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	var many Rejections
	for i := range 57 {
		many = append(many, Rejection{Source{File: "a.csv", Record: i + 2, Format: CSV}, "value", "", "missing"})
	}
	got := many.Error()
	lines := strings.Split(got, "\n")
	if lines[0] != "57 rejected records:" {
		t.Errorf("first line %q", lines[0])
	}
	if len(lines) != 1+maxListed+1 {
		t.Errorf("%d lines, want %d", len(lines), maxListed+2)
	}
	if last := lines[len(lines)-1]; last != "\tand 7 more" {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(got, fmt.Sprintf("line %d,", maxListed+1)) || strings.Contains(got, fmt.Sprintf("line %d,", maxListed+2)) {
		t.Errorf("summary lists the wrong records:\n%s", got)
	}

	var b Batch
	if b.Err() != nil {
		t.Error("empty batch has an error")
	}
	b.Rejected = one
	if b.Err() == nil {
		t.Error("batch with a rejection has no error")
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("ж", 300) // 2 bytes each
	s := shorten(long)
	if !strings.HasSuffix(s, "…") || len(s) > maxShown+len("…") {
		t.Errorf("shorten gave %d bytes", len(s))
	}
	if strings.ContainsRune(strings.TrimSuffix(s, "…"), '\uFFFD') {
		t.Error("shorten cut a rune")
	}
	if shorten("short") != "short" {
		t.Error("shorten changed a short string")
	}
}
