package datavalue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// want is an expected rejection: where, which field, what text, and a part
// of the reason.
type want struct {
	record int
	field  string
	value  string
	reason string
}

func readTestdata(t *testing.T, name string) (*Batch, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f, name, "", testResolver(), "")
}

func checkRejections(t *testing.T, got Rejections, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Errorf("%d rejections, want %d:\n%v", len(got), len(wants), got)
	}
	for i := range min(len(got), len(wants)) {
		g, w := got[i], wants[i]
		if g.Source.Record != w.record || g.Field != w.field || g.Value != w.value || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("rejection %d = record %d field %q value %q reason %q\nwant record %d field %q value %q reason ~%q",
				i, g.Source.Record, g.Field, g.Value, g.Reason, w.record, w.field, w.value, w.reason)
		}
	}
}

func TestBadFileRejections(t *testing.T) {
	tests := []struct {
		file   string
		values int // valid values still returned
		want   []want
	}{
		{"bad_codes.csv", 1, []want{
			{3, "data_element", "BEDZ", "not a known data element"},
			{4, "org_unit", "RU-XXX", "not a known org unit"},
			{5, "data_element", "NOPE", "not a known data element"},
			{5, "org_unit", "RU-YYY", "not a known org unit"},
			{6, "data_element", "", "missing"},
			{6, "org_unit", "", "missing"},
		}},
		{"bad_periods.csv", 1, []want{
			{2, "period", "2021Q5", "quarter must be 1..4"},
			{3, "period", "202113", "month must be 01..12"},
			{4, "period", "21", "four-digit year"},
			{5, "period", "2021W53", "no week 53"},
			{6, "period", "", "missing"},
		}},
		{"bad_values.csv", 1, []want{
			{2, "value", "12,5x", "is not a number"},
			{3, "value", "", "missing"},
			{4, "value", "NaN", "not a finite number"},
			{5, "value", "1e400", "out of range"},
			{6, "value", "-Inf", "not a finite number"},
			{7, "value", "1,234,5", "is not a number"},
			{8, "value", "1.234,5", "is not a number"},
			{9, "value", "0x10", "is not a number"},
			{10, "value", "1_000", "is not a number"},
		}},
		{"bad_values_comma.csv", 0, []want{
			{2, "value", "12,5", "decimal comma is accepted only in ';'-separated CSV"},
			{3, "value", "12 345", "is not a number"},
		}},
		{"bad_duplicates.csv", 2, []want{
			{4, "", "", "duplicates line 2"},
			{5, "", "", "duplicates line 3"}, // 40000000 is RU-SPE, 2021q1 is 2021Q1
			{6, "value", "oops", "is not a number"},
			{6, "", "", "duplicates line 2"},
		}},
		{"bad_fieldcount.csv", 2, []want{
			{3, "", "", "has 3 fields, the header has 4"},
			{5, "", "", "has 6 fields, the header has 4"},
			{6, "", "", "has 5 fields, the header has 4"},
		}},
		{"bad_quote.csv", 1, []want{
			{2, "", "", `bare " in non-quoted-field (line 2, column 24)`},
		}},
		{"bad_values.json", 1, []want{
			{2, "dataElement", "42", "must be a JSON string"},
			{3, "period", "2021Q5", "quarter must be 1..4"},
			{4, "value", "true", "is not a number"},
			{5, "value", "12,5", "decimal comma"},
			{6, "", "", "is not a JSON object"},
			{7, "", "", "duplicates value 1"},
			{8, "dataElement", "NOPE", "not a known data element"},
			{8, "orgUnit", "RU-XXX", "not a known org unit"},
			{8, "value", "", "missing"},
			{9, "value", "", "missing"},
			{9, "comment", "5", "must be a JSON string"},
			{10, "value", "1e999", "out of range"},
		}},
		{"bad_toplevel_period.json", 1, []want{
			{0, "period", "2021Q9", "quarter must be 1..4"}, // once, not for each value using it
		}},
		{"bad_no_orgunit.json", 0, []want{
			{1, "orgUnit", "", "missing"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := readTestdata(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Values) != tt.values {
				t.Errorf("%d values, want %d", len(b.Values), tt.values)
			}
			checkRejections(t, b.Rejected, tt.want)
			for _, r := range b.Rejected {
				if r.Source.File != tt.file {
					t.Errorf("rejection names file %q", r.Source.File)
				}
			}
		})
	}
}

func TestBadFileErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"bad_columns.csv", `bad_columns.csv: header: missing required column value (header is "data_element,period,org_unit,valeu")`},
		{"bad_dupcolumn.csv", "column value appears twice (columns 4 and 5)"},
		{"bad_empty.csv", "empty file"},
		{"bad_syntax.json", `bad_syntax.json: invalid JSON at line 3, column 26: invalid character '"' after object key:value pair`},
		{"bad_truncated.json", "invalid JSON at line 3, column 31: unexpected end of file"},
		{"bad_shape.json", `"dataValues" must be an array at line 1, column 16, found {`},
		{"bad_novalues.json", `no "dataValues" array`},
		{"bad_toplevel.json", "expected a JSON object"},
		{"bad_trailing.json", "unexpected data after the top-level object at line 1, column 20"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := readTestdata(t, tt.file)
			if err == nil {
				t.Fatalf("no error; batch %+v", b)
			}
			if b != nil {
				t.Error("batch returned with an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}
