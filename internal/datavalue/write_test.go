package datavalue

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// sameValues compares what a value says, not where it came from.
func sameValues(t testing.TB, got, want []Value) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.DataElement != w.DataElement || g.Period != w.Period || g.OrgUnit != w.OrgUnit ||
			g.Value != w.Value || math.Signbit(g.Value) != math.Signbit(w.Value) || g.Comment != w.Comment {
			t.Fatalf("value %d = %+v, want %+v", i, g, w)
		}
	}
}

func goodValues(t *testing.T) []Value {
	t.Helper()
	var all []Value
	files, _ := filepath.Glob("testdata/good*")
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		b, err := readTestdata(t, filepath.Base(path))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b.Values...)
	}
	if len(all) < 10 {
		t.Fatalf("only %d good values", len(all))
	}
	return all
}

func TestWriteCSVRoundTrip(t *testing.T) {
	vals := goodValues(t)
	vals = append(vals, Value{DataElement: "BEDS", Period: "2030", OrgUnit: "RU-TA", Value: 1e300, Comment: `quote " and ; and, comma`})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, vals); err != nil {
		t.Fatal(err)
	}
	b, err := ReadCSV(&buf, "export.csv", testResolver())
	if err != nil {
		t.Fatal(err)
	}
	// good files overlap in keys: only the first of each is kept
	if len(b.Rejected) > 0 {
		for _, r := range b.Rejected {
			if !strings.HasPrefix(r.Reason, "duplicates") {
				t.Fatal(r)
			}
		}
	}
	var unique []Value
	seen := map[[3]string]bool{}
	for _, v := range vals {
		k := [3]string{v.DataElement, v.Period, v.OrgUnit}
		id, _ := testResolver().DataElement(v.DataElement)
		k[0] = id
		if !seen[k] {
			seen[k] = true
			v.DataElement = id
			unique = append(unique, v)
		}
	}
	sameValues(t, b.Values, unique)
}

func TestWriteCSVOutput(t *testing.T) {
	vals := []Value{
		{DataElement: "DEbeds0001", Period: "2021", OrgUnit: "RU-MOW", Value: 12.5},
		{DataElement: "DEbeds0001", Period: "2021Q1", OrgUnit: "RU-SPE", Value: -1e-9, Comment: "a, \"b\"\nc"},
		{DataElement: "DEdoct0001", Period: "2021", OrgUnit: "RU-TA", Value: 1e21, Comment: " lead"},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, vals); err != nil {
		t.Fatal(err)
	}
	want := "data_element,period,org_unit,value,comment\n" +
		"DEbeds0001,2021,RU-MOW,12.5,\n" +
		"DEbeds0001,2021Q1,RU-SPE,-1e-09,\"a, \"\"b\"\"\nc\"\n" +
		"DEdoct0001,2021,RU-TA,1e+21,\" lead\"\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriteDHIS2(t *testing.T) {
	vals := goodValues(t)
	var buf bytes.Buffer
	if err := WriteDHIS2(&buf, vals); err != nil {
		t.Fatal(err)
	}
	b, err := ReadDHIS2(bytes.NewReader(buf.Bytes()), "export.json", testResolver())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Rejected {
		if !strings.HasPrefix(r.Reason, "duplicates") {
			t.Fatal(r)
		}
	}

	buf.Reset()
	small := []Value{
		{DataElement: "DEbeds0001", Period: "2021", OrgUnit: "RU-MOW", Value: 12.5},
		{DataElement: "DEdoct0001", Period: "202101", OrgUnit: "RU-TA", Value: 3, Comment: "<b>&</b> \"q\""},
	}
	if err := WriteDHIS2(&buf, small); err != nil {
		t.Fatal(err)
	}
	want := `{"dataValues": [
  {"dataElement":"DEbeds0001","period":"2021","orgUnit":"RU-MOW","value":"12.5"},
  {"dataElement":"DEdoct0001","period":"202101","orgUnit":"RU-TA","value":"3","comment":"<b>&</b> \"q\""}
]}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}

	buf.Reset()
	if err := WriteDHIS2(&buf, nil); err != nil || buf.String() != "{\"dataValues\": [\n]}\n" {
		t.Errorf("empty export %q, %v", buf.String(), err)
	}
}

func TestWriteNonFinite(t *testing.T) {
	vals := []Value{{DataElement: "d", Period: "2021", OrgUnit: "o", Value: math.NaN()}}
	if err := WriteCSV(&bytes.Buffer{}, vals); err == nil || !strings.Contains(err.Error(), "value 1 (d, 2021, o)") {
		t.Errorf("WriteCSV error %v", err)
	}
	if err := WriteDHIS2(&bytes.Buffer{}, vals); err == nil || !strings.Contains(err.Error(), "not a finite number") {
		t.Errorf("WriteDHIS2 error %v", err)
	}
}
