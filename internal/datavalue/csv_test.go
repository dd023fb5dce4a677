package datavalue

import (
	"errors"
	"strings"
	"testing"
)

func readCSVString(t *testing.T, s string) (*Batch, error) {
	t.Helper()
	return ReadCSV(strings.NewReader(s), "t.csv", testResolver())
}

func TestReadCSVLayouts(t *testing.T) {
	type v struct {
		line       int
		de, pe, ou string
		value      float64
		comment    string
	}
	tests := []struct {
		name string
		in   string
		want []v
	}{
		{"plain", "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,1\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 1, ""}}},
		{"any order and case", "VALUE,Org_Unit,PERIOD,Data_Element\n2,RU-TA,2021q2,DOCTORS\n",
			[]v{{2, "DEdoct0001", "2021Q2", "RU-TA", 2, ""}}},
		{"camel case and spaces", "dataElement, period , Org Unit,value,Comment\nBEDS,2021,RU-MOW,1,x\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 1, "x"}}},
		{"BOM and CRLF", "\ufeffdata_element,period,org_unit,value\r\nBEDS,2021,RU-MOW,1\r\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 1, ""}}},
		{"semicolon and decimal comma", "data_element;period;org_unit;value\nBEDS;2021;RU-MOW;1,5\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 1.5, ""}}},
		{"semicolon wins over a comma in a quoted header", "\"data_element\";period;org_unit;value;\"comment, free\"\nBEDS;2021;RU-MOW;2;\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 2, ""}}},
		{"tab", "data_element\tperiod\torg_unit\tvalue\nBEDS\t2021\tRU-MOW\t3\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 3, ""}}},
		{"no final newline", "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,4",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 4, ""}}},
		{"header only", "data_element,period,org_unit,value\n", nil},
		{"blank and empty rows skipped, lines still counted", "data_element,period,org_unit,value\n\n,,,\n  ,,,\nBEDS,2021,RU-MOW,5\n",
			[]v{{5, "DEbeds0001", "2021", "RU-MOW", 5, ""}}},
		{"multi-line comment: record numbered by its first line", "data_element,period,org_unit,value,comment\nBEDS,2021,RU-MOW,1,\"a\r\nb\"\nBEDS,2022,RU-MOW,2,\" c \"\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 1, "a\nb"}, {4, "DEbeds0001", "2022", "RU-MOW", 2, "c"}}},
		{"unknown columns ignored", "x,data_element,period,org_unit,value,storedby\n?,BEDS,2021,RU-MOW,6,me\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 6, ""}}},
		{"DHIS2 short names", "de,pe,ou,value\nBEDS,2021,45000000,7\n",
			[]v{{2, "DEbeds0001", "2021", "RU-MOW", 7, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readCSVString(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Rejected) > 0 {
				t.Fatal(b.Rejected)
			}
			if len(b.Values) != len(tt.want) {
				t.Fatalf("%d values, want %d: %+v", len(b.Values), len(tt.want), b.Values)
			}
			for i, w := range tt.want {
				g := b.Values[i]
				if g.Source.Record != w.line || g.DataElement != w.de || g.Period != w.pe || g.OrgUnit != w.ou || g.Value != w.value || g.Comment != w.comment {
					t.Errorf("value %d = %+v, want %+v", i, g, w)
				}
				if g.Source.File != "t.csv" || g.Source.Format != CSV || g.Source.Sheet != "" {
					t.Errorf("value %d source %+v", i, g.Source)
				}
			}
		})
	}
}

func TestReadCSVRejectionsInline(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"comment not UTF-8 (a cp1251 file)", "data_element,period,org_unit,value,comment\nBEDS,2021,RU-MOW,1,\xcf\xf0\xe8\xec\n",
			[]want{{2, "comment", "\xcf\xf0\xe8\xec", "not valid UTF-8"}}},
		{"code not UTF-8", "data_element,period,org_unit,value\nBEDS,2021,RU-\xff,1\n",
			[]want{{2, "org_unit", "RU-\xff", "not valid UTF-8"}}},
		{"every problem of a row", "data_element,period,org_unit,value\nX,2021Q0,Y,z\n",
			[]want{{2, "data_element", "X", "not a known"}, {2, "period", "2021Q0", "quarter"}, {2, "org_unit", "Y", "not a known"}, {2, "value", "z", "not a number"}}},
		{"unterminated quote", "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,\"1\nBEDS,2022,RU-MOW,2\n",
			[]want{{2, "", "", "extraneous or missing \" in quoted-field"}}},
		{"duplicate after a bad row keeps the first line", "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,x\nBEDS,2021,RU-MOW,1\n",
			[]want{{2, "value", "x", "not a number"}, {3, "", "", "duplicates line 2"}}},
		{"same region by two codes", "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,1\nDEbeds0001,2021,45000000,1\n",
			[]want{{3, "", "", "duplicates line 2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readCSVString(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			checkRejections(t, b.Rejected, tt.want)
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty file"},
		{"missing two columns", "data_element,value\n", "missing required columns period, org_unit"},
		{"UTF-16", "\xff\xfed\x00a\x00", "UTF-16"},
		{"header with a bare quote", "data_element,per\"iod,org_unit,value\n", "header"},
		{"alias twice", "data_element,de,period,org_unit,value\n", "column data_element appears twice (columns 1 and 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCSVString(t, tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "t.csv: ") {
				t.Errorf("error %v, want t.csv: ...%s...", err, tt.want)
			}
		})
	}
}

func TestReadCSVReadError(t *testing.T) {
	r := &failingReader{data: "data_element,period,org_unit,value\nBEDS,2021,RU-MOW,1\n"}
	if _, err := ReadCSV(r, "t.csv", testResolver()); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error %v, want the read error", err)
	}
}

// failingReader returns data, then an error instead of EOF.
type failingReader struct {
	data string
	done bool
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.done {
		return 0, errDiskOnFire
	}
	f.done = true
	return copy(p, f.data), nil
}

var errDiskOnFire = errors.New("disk on fire")
