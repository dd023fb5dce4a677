package period

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in        string
		typ       Type
		canonical string
		start     string // YYYY-MM-DD
		end       string // exclusive
	}{
		{"2021", Yearly, "2021", "2021-01-01", "2022-01-01"},
		{"1900", Yearly, "1900", "1900-01-01", "1901-01-01"},
		{"2200", Yearly, "2200", "2200-01-01", "2201-01-01"},
		{"2021Q1", Quarterly, "2021Q1", "2021-01-01", "2021-04-01"},
		{"2021q4", Quarterly, "2021Q4", "2021-10-01", "2022-01-01"},
		{"202103", Monthly, "202103", "2021-03-01", "2021-04-01"},
		{"202112", Monthly, "202112", "2021-12-01", "2022-01-01"},
		{"2021W05", Weekly, "2021W05", "2021-02-01", "2021-02-08"},
		{"2021W5", Weekly, "2021W05", "2021-02-01", "2021-02-08"},
		{"2021w01", Weekly, "2021W01", "2021-01-04", "2021-01-11"},
		// ISO week 1 starting in late December of the previous year.
		{"2020W01", Weekly, "2020W01", "2019-12-30", "2020-01-06"},
		{"2025W01", Weekly, "2025W01", "2024-12-30", "2025-01-06"},
		// Years with week 53.
		{"2020W53", Weekly, "2020W53", "2020-12-28", "2021-01-04"},
		{"2015W53", Weekly, "2015W53", "2015-12-28", "2016-01-04"},
		{"2026W53", Weekly, "2026W53", "2026-12-28", "2027-01-04"},
		{"20210315", Daily, "20210315", "2021-03-15", "2021-03-16"},
		{"20200229", Daily, "20200229", "2020-02-29", "2020-03-01"},
		{"20001231", Daily, "20001231", "2000-12-31", "2001-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Type() != tt.typ {
				t.Errorf("Type = %v, want %v", p.Type(), tt.typ)
			}
			if p.String() != tt.canonical {
				t.Errorf("String = %q, want %q", p.String(), tt.canonical)
			}
			if got := p.Start().Format(time.DateOnly); got != tt.start {
				t.Errorf("Start = %s, want %s", got, tt.start)
			}
			if got := p.End().Format(time.DateOnly); got != tt.end {
				t.Errorf("End = %s, want %s", got, tt.end)
			}
			if p.Start().Location() != time.UTC {
				t.Errorf("Start location = %v, want UTC", p.Start().Location())
			}
			if p.IsZero() {
				t.Error("IsZero = true")
			}
			if back := MustParse(p.String()); back != p {
				t.Errorf("round trip %v != %v", back, p)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `period "": empty`},
		{"2021Q5", `period "2021Q5": quarter must be 1..4`},
		{"2021Q0", `period "2021Q0": quarter must be 1..4`},
		{"2021Q", `period "2021Q": quarter must be one digit 1..4`},
		{"2021Q12", `period "2021Q12": quarter must be one digit 1..4`},
		{"202113", `period "202113": month must be 01..12`},
		{"202100", `period "202100": month must be 01..12`},
		{"20210230", `period "20210230": day must be 01..28 in 2021-02`},
		{"20190229", `period "20190229": day must be 01..28 in 2019-02`},
		{"20210431", `period "20210431": day must be 01..30 in 2021-04`},
		{"20210100", `period "20210100": day must be 01..31 in 2021-01`},
		{"20211301", `period "20211301": month must be 01..12`},
		{"2021W53", `period "2021W53": ISO year 2021 has no week 53`},
		{"2021W54", `period "2021W54": week must be 1..53`},
		{"2021W00", `period "2021W00": week must be 1..53`},
		{"2021W", `period "2021W": week must be one or two digits 1..53`},
		{"2021W005", `period "2021W005": week must be one or two digits 1..53`},
		{"1899", `period "1899": year must be 1900..2200`},
		{"2201Q1", `period "2201Q1": year must be 1900..2200`},
		{"21", `period "21": must start with a four-digit year (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{"abcd", `period "abcd": must start with a four-digit year (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{"20211", `period "20211": unrecognised format (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{"2021-03", `period "2021-03": unrecognised format (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{" 2021", `period " 2021": must start with a four-digit year (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{"2021 ", `period "2021 ": unrecognised format (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{"2021S1", `period "2021S1": unrecognised format (want 2021, 2021Q1, 202103, 2021W05 or 20210315)`},
		{"2021W+5", `period "2021W+5": week must be one or two digits 1..53`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse = %v, want error", p)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if !p.IsZero() {
				t.Errorf("period = %v, want zero", p)
			}
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse did not panic")
		}
	}()
	MustParse("2021Q5")
}

func TestType(t *testing.T) {
	tests := []struct {
		in   string
		want Type
	}{
		{"daily", Daily}, {"day", Daily},
		{"weekly", Weekly}, {"week", Weekly},
		{"monthly", Monthly}, {"month", Monthly},
		{"quarterly", Quarterly}, {"quarter", Quarterly},
		{"yearly", Yearly}, {"year", Yearly}, {"Yearly", Yearly},
	}
	for _, tt := range tests {
		got, err := ParseType(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, typ := range Types {
		if back, err := ParseType(typ.String()); err != nil || back != typ {
			t.Errorf("ParseType(%q) = %v, %v", typ.String(), back, err)
		}
	}
	if _, err := ParseType("fortnightly"); err == nil {
		t.Error("ParseType(fortnightly): want error")
	}
	if got := Type(9).String(); got != "Type(9)" {
		t.Errorf("Type(9).String() = %q", got)
	}
}

func TestText(t *testing.T) {
	type doc struct {
		P    Period   `json:"p"`
		Opt  Period   `json:"opt"`
		Type Type     `json:"type"`
		List []Period `json:"list"`
	}
	in := doc{P: MustParse("2021Q1"), Type: Monthly, List: []Period{MustParse("2021W05"), MustParse("20210315")}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"p":"2021Q1","opt":"","type":"monthly","list":["2021W05","20210315"]}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.P != in.P || out.Opt != in.Opt || out.Type != in.Type || out.List[0] != in.List[0] || out.List[1] != in.List[1] {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"p":"2021Q5"}`), &out); err == nil {
		t.Error("unmarshal 2021Q5: want error")
	}
	if err := json.Unmarshal([]byte(`{"type":"hourly"}`), &out); err == nil {
		t.Error("unmarshal type hourly: want error")
	}
}
