package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func seedExamples(f *testing.F) {
	files, _ := filepath.Glob("testdata/fhir-examples/*-*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b)
		}
	}
	b, _ := os.ReadFile("testdata/slots.ndjson")
	f.Add(b)
	f.Add([]byte(`{"a":"\ud83d\ude00\u0041","b":[1,-0.5e+3,true,false,null]}`))
}

// The parser accepts exactly what encoding/json accepts.
func FuzzJSONParser(f *testing.F) {
	seedExamples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &jsonParser{}
		_, err := p.parse(data)
		valid := json.Valid(data)
		if valid && err != nil && !strings.Contains(err.Error(), "nesting too deep") {
			t.Fatalf("rejected valid JSON %q: %v", data, err)
		}
		if !valid && err == nil {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if err == nil {
			// Strings unescape as encoding/json does.
			for i := range p.nodes {
				n := &p.nodes[i]
				if n.kind != kString {
					continue
				}
				got, err := p.text(int32(i))
				var want string
				if jerr := json.Unmarshal(append(append([]byte{'"'}, n.raw...), '"'), &want); jerr != nil || err != nil {
					t.Fatalf("string %q: %v / %v", n.raw, err, jerr)
				}
				if got != want && string([]rune(got)) != want { // encoding/json replaces bad UTF-8 bytewise
					t.Fatalf("string %q: got %q, want %q", n.raw, got, want)
				}
			}
		}
	})
}

// The readers never panic, and an error always names a line.
func FuzzNDJSON(f *testing.F) {
	seedExamples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadNDJSON(context.Background(), bytes.NewReader(data), "f.ndjson", Options{Resolve: testResolver}, &memSink{})
		if err != nil && !strings.HasPrefix(err.Error(), "f.ndjson line ") {
			t.Fatalf("error without a line: %v", err)
		}
	})
}

func FuzzBundle(f *testing.F) {
	seedExamples(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadJSON(context.Background(), bytes.NewReader(data), "f.json", Options{Resolve: testResolver}, &memSink{})
		if err != nil && !strings.HasPrefix(err.Error(), "f.json line ") {
			t.Fatalf("error without a line: %v", err)
		}
	})
}

func FuzzCSV(f *testing.F) {
	for _, name := range []string{"testdata/slots.csv", "testdata/schedules.csv"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte("appointment_id,status,org_unit,channel,created,start\na,booked,1.2.643.5.1.13.13.12.2.71.1000,epgu,2026-01-01,2026-01-02T10:00:00Z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadCSV(context.Background(), bytes.NewReader(data), "f.csv", Options{Resolve: testResolver}, &memSink{})
		if err != nil && !strings.HasPrefix(err.Error(), "f.csv line ") {
			t.Fatalf("error without a line: %v", err)
		}
	})
}
