package datavalue

import (
	"bytes"
	"fmt"
	"testing"
)

// benchData generates n rows of long CSV (or DHIS2 JSON) over 100 data
// elements x 100 regions x 100 months, every key once, like a real
// multi-year import; and the Resolver that knows those codes.
func benchData(n int, json bool) ([]byte, mapResolver) {
	res := mapResolver{des: map[string]string{}, ous: map[string]string{}}
	des := make([]string, 100)
	ous := make([]string, 100)
	pes := make([]string, 100)
	for i := range 100 {
		des[i] = fmt.Sprintf("DE_%03d", i)
		res.des[des[i]] = fmt.Sprintf("de%09d", i)
		ous[i] = fmt.Sprintf("RU-%03d", i)
		res.ous[ous[i]] = ous[i]
		pes[i] = fmt.Sprintf("%04d%02d", 2015+i/12, i%12+1)
	}
	var buf bytes.Buffer
	if json {
		buf.WriteString(`{"dataSet":"x","dataValues":[` + "\n")
	} else {
		buf.WriteString("data_element,period,org_unit,value\n")
	}
	for i := range n {
		de, ou, pe := des[i%100], ous[i/100%100], pes[i/10000%100]
		v := float64(i%100000) / 8
		if json {
			if i > 0 {
				buf.WriteString(",\n")
			}
			fmt.Fprintf(&buf, `{"dataElement":%q,"period":%q,"orgUnit":%q,"value":"%g"}`, de, pe, ou, v)
		} else {
			fmt.Fprintf(&buf, "%s,%s,%s,%g\n", de, pe, ou, v)
		}
	}
	if json {
		buf.WriteString("\n]}\n")
	}
	return buf.Bytes(), res
}

const benchRows = 1_000_000

func BenchmarkReadCSV(b *testing.B) {
	data, res := benchData(benchRows, false)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		batch, err := ReadCSV(bytes.NewReader(data), "bench.csv", res)
		if err != nil || len(batch.Rejected) > 0 || len(batch.Values) != benchRows {
			b.Fatalf("err %v, %d rejected, %d values", err, len(batch.Rejected), len(batch.Values))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/value")
}

func BenchmarkReadDHIS2(b *testing.B) {
	data, res := benchData(benchRows, true)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		batch, err := ReadDHIS2(bytes.NewReader(data), "bench.json", res)
		if err != nil || len(batch.Rejected) > 0 || len(batch.Values) != benchRows {
			b.Fatalf("err %v, %d rejected, %d values", err, len(batch.Rejected), len(batch.Values))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/value")
}
