package datavalue

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addSeeds adds the testdata files matching pattern to the fuzz corpus.
func addSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkBatch holds for any input: an error comes alone; kept values are
// finite with codes; rejections point at a record of this file.
func checkBatch(t *testing.T, b *Batch, err error, name string, minRecord int) {
	t.Helper()
	if err != nil {
		if b != nil {
			t.Fatalf("batch and error %v", err)
		}
		return
	}
	for _, v := range b.Values {
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			t.Fatalf("non-finite value %+v", v)
		}
		if v.DataElement == "" || v.Period == "" || v.OrgUnit == "" {
			t.Fatalf("value without a code %+v", v)
		}
		if v.Source.File != name || v.Source.Record < minRecord {
			t.Fatalf("value source %+v", v.Source)
		}
	}
	for _, r := range b.Rejected {
		if r.Source.File != name || r.Reason == "" || r.Error() == "" {
			t.Fatalf("rejection %+v", r)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	addSeeds(f, "*.csv")
	addSeeds(f, "*.tsv")
	f.Add([]byte("de;pe;ou;value;comment\nA;2021;B;1,5;\"x\r\r\ny\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadCSV(bytes.NewReader(data), "fuzz.csv", openResolver{})
		checkBatch(t, b, err, "fuzz.csv", 2)
		if err != nil {
			return
		}
		// What was accepted must survive export and import unchanged.
		var buf bytes.Buffer
		if err := WriteCSV(&buf, b.Values); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCSV(&buf, "fuzz.csv", openResolver{})
		if err != nil {
			t.Fatalf("re-reading the export: %v", err)
		}
		if len(back.Rejected) > 0 {
			t.Fatalf("re-reading the export: %v", back.Rejected)
		}
		sameValues(t, back.Values, b.Values)
	})
}

func FuzzReadDHIS2(f *testing.F) {
	addSeeds(f, "*.json")
	f.Add([]byte(`{"period":"2021","dataValues":[{"dataElement":"a","orgUnit":"b","value":1e-5,"comment":"\u00e9\r"}],"orgUnit":"c"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadDHIS2(bytes.NewReader(data), "fuzz.json", openResolver{})
		checkBatch(t, b, err, "fuzz.json", 1)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteDHIS2(&buf, b.Values); err != nil {
			t.Fatal(err)
		}
		back, err := ReadDHIS2(&buf, "fuzz.json", openResolver{})
		if err != nil {
			t.Fatalf("re-reading the export: %v\n%s", err, buf.Bytes())
		}
		if len(back.Rejected) > 0 {
			t.Fatalf("re-reading the export: %v", back.Rejected)
		}
		sameValues(t, back.Values, b.Values)
	})
}

// FuzzJSONSyntax checks that the position checker fails exactly where
// encoding/json does.
func FuzzJSONSyntax(f *testing.F) {
	addSeeds(f, "*.json")
	f.Add([]byte(`{"a":[1,-0.5e+3,"\u00e9\n",true,false,null,{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSyntaxAgrees(t, data)
	})
}

// FuzzReadXLSX fuzzes the contents of a generated workbook: fuzzed bytes
// of a zip mostly stop at the zip checksums, never reaching the reader.
// Rows of cells are split at '\n', cells at '\t', sheets at '\f'.
func FuzzReadXLSX(f *testing.F) {
	f.Add("org_unit\tBEDS\tperiod\nRU-MOW\t1.5\t2021\nRU-TA\tx\t2021Q5\f\u041a\u043e\u0434\tDOCTORS\n45000000\t2", "2021")
	f.Add("org_unit\tBEDS\tBEDS\n\t1\t\nRU-MOW\t\t\t3", "")
	f.Fuzz(func(t *testing.T, cells, period string) {
		if len(cells) > 4000 {
			return
		}
		var sheets []sheet
		for i, page := range strings.Split(cells, "\f") {
			s := sheet{name: fmt.Sprintf("S%d", i)}
			for _, line := range strings.Split(page, "\n") {
				var row []any
				for _, cell := range strings.Split(line, "\t") {
					row = append(row, cell)
				}
				s.rows = append(s.rows, row)
			}
			sheets = append(sheets, s)
		}
		if len(sheets) > 5 {
			return
		}
		book, ok := tryMakeXLSX(sheets)
		if !ok {
			return // excelize refuses the contents (too long a cell, say)
		}
		b, err := ReadXLSX(bytes.NewReader(book), "fuzz.xlsx", openResolver{}, period)
		checkBatch(t, b, err, "fuzz.xlsx", 2)
	})
}
