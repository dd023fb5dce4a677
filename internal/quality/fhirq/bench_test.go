package fhirq

import (
	"bytes"
	"encoding/json"
	"testing"
)

// benchLines is a corpus of generated response lines, cycled by the
// benchmarks.
func benchLines(b *testing.B, n int) ([][]byte, int64) {
	b.Helper()
	lines := bytes.Split(bytes.TrimSpace(genNDJSON(n)), []byte("\n"))
	var size int64
	for _, l := range lines {
		size += int64(len(l)) + 1
	}
	return lines, size
}

// BenchmarkDecodeNDJSON decodes 1 M QuestionnaireResponse lines per
// operation (a 20,000-line corpus cycled 50 times) with the fast decoder,
// and with encoding/json into the full types plus Flatten as the baseline,
// side by side. lines/s is the import-parse rate.
func BenchmarkDecodeNDJSON(b *testing.B) {
	lines, size := benchLines(b, 20000)
	const perOp = 1_000_000
	bytesPerOp := size * perOp / int64(len(lines))
	run := func(b *testing.B, decode func(line []byte) int) {
		b.SetBytes(bytesPerOp)
		b.ReportAllocs()
		answers := 0
		for b.Loop() {
			for i := range perOp {
				answers += decode(lines[i%len(lines)])
			}
		}
		b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		if answers == 0 {
			b.Fatal("no answers decoded")
		}
	}
	b.Run("fast", func(b *testing.B) {
		var d FastDecoder
		var f FlatResponse
		run(b, func(line []byte) int {
			if err := d.Decode(line, &f); err != nil {
				b.Fatal(err)
			}
			return len(f.Answers)
		})
	})
	b.Run("encoding-json", func(b *testing.B) {
		run(b, func(line []byte) int {
			var r QuestionnaireResponse
			if err := json.Unmarshal(line, &r); err != nil {
				b.Fatal(err)
			}
			f := Flatten(&r)
			return len(f.Answers)
		})
	})
}

// BenchmarkScore1M scores 1 M flat responses per operation with a compiled
// Scorer (ordinalValue on answerOptions; half the answers carry their own).
func BenchmarkScore1M(b *testing.B) {
	lines, _ := benchLines(b, 20000)
	flats := make([]FlatResponse, len(lines))
	var d FastDecoder
	for i, l := range lines {
		if err := d.Decode(l, &flats[i]); err != nil {
			b.Fatal(err)
		}
		flats[i].Answers = append([]FlatAnswer(nil), flats[i].Answers...)
	}
	q := &Questionnaire{ResourceType: "Questionnaire", Status: "active"}
	for j := range 13 {
		it := Item{LinkID: "q" + string(rune('0'+j%10)) + string(rune('a'+j/10)), Type: TypeChoice}
		it.LinkID = []string{"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12"}[j]
		for k, code := range []string{"yes", "no"} {
			it.AnswerOption = append(it.AnswerOption, AnswerOption{
				ValueCoding: &Coding{System: "urn:cifra:yes-no", Code: code},
				Extension:   []Extension{{URL: ExtOrdinalValue, ValueDecimal: ptr(float64(1 - k))}},
			})
		}
		q.Item = append(q.Item, it)
	}
	f, issues := Compile(q)
	if f == nil {
		b.Fatal(issues)
	}
	s := NewScorer(f)
	const perOp = 1_000_000
	b.ReportAllocs()
	var total float64
	for b.Loop() {
		for i := range perOp {
			total += s.Score(&flats[i%len(flats)], false).Total
		}
	}
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "responses/s")
	if total == 0 {
		b.Fatal("nothing scored")
	}
}
