package feed

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"
)

type nopSink struct{}

func (nopSink) Schedule(*Schedule) error       { return nil }
func (nopSink) Slot(*Slot) error               { return nil }
func (nopSink) Appointment(*Appointment) error { return nil }
func (nopSink) Encounter(*Encounter) error     { return nil }
func (nopSink) Document(*Document) error       { return nil }
func (nopSink) Referral(*Referral) error       { return nil }

func slotNDJSON(n int) []byte {
	var b bytes.Buffer
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.FixedZone("", 3*3600))
	for i := range n {
		start := base.Add(time.Duration(i%400) * 15 * time.Minute)
		fmt.Fprintf(&b, `{"resourceType":"Slot","id":"slot-%d","meta":{"tag":[{"code":"epgu"}]},"schedule":{"reference":"Schedule/sch-%d"},"status":"free","start":"%s","end":"%s"}`+"\n",
			i, i/400, start.Format(time.RFC3339), start.Add(15*time.Minute).Format(time.RFC3339))
	}
	return b.Bytes()
}

// BenchmarkReadSlots measures parsing and decoding alone (no storage).
func BenchmarkReadSlots(b *testing.B) {
	data := slotNDJSON(100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadNDJSON(context.Background(), bytes.NewReader(data), "b.ndjson", Options{}, nopSink{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*100000/b.Elapsed().Seconds(), "records/s")
}
