package datavalue

import (
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format
		err  string
	}{
		{"data.csv", "", CSV, ""},
		{"DATA.CSV", "PK\x03\x04", CSV, ""}, // the extension decides
		{"data.tsv", "", CSV, ""},
		{"values.json", "", DHIS2JSON, ""},
		{"book.XLSX", "", XLSX, ""},
		{"book.xls", "", "", "legacy .xls"},
		{"upload", "PK\x03\x04\x14\x00", XLSX, ""},
		{"upload", "\ufeff  \n{\"dataValues\": []}", DHIS2JSON, ""},
		{"upload.dat", "data_element;period;org_unit;value\nBEDS;2021;RU-MOW;1\n", CSV, ""},
		{"upload", "org_unit\tvalue", CSV, ""},
		{"upload", "data_element,period,org_unit,value,comment,Моск" + "\xd0", CSV, ""}, // cut inside a rune
		{"upload", "just text\n", "", "unknown format"},
		{"upload", "a,b\x00c\n", "", "unknown format"},
		{"upload", "", "", "unknown format"},
	}
	for _, tt := range tests {
		got, err := Detect(tt.name, []byte(tt.head))
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Detect(%q, %q) = %q, %v; want %q, %q", tt.name, tt.head, got, err, tt.want, tt.err)
		}
	}
}

func TestReadFormats(t *testing.T) {
	csv := "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,1\n"
	for _, format := range []Format{CSV, ""} {
		b, err := Read(strings.NewReader(csv), "upload", format, testResolver(), "")
		if err != nil || len(b.Values) != 1 {
			t.Errorf("Read(format %q) = %+v, %v", format, b, err)
		}
	}
	if _, err := Read(strings.NewReader(csv), "x", "parquet", testResolver(), ""); err == nil || !strings.Contains(err.Error(), `unknown format "parquet"`) {
		t.Errorf("unknown format error %v", err)
	}
	if _, err := Read(strings.NewReader("???"), "x", "", testResolver(), ""); err == nil {
		t.Error("undetectable input read")
	}
}
