package pathway

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// synthCases makes n cases of about four events each.
func synthCases(n int) []Case {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	appts := make([]Appointment, n)
	var encs []Encounter
	var docs []Document
	for i := range n {
		c := t0.Add(time.Duration(rng.IntN(60*24)) * time.Minute)
		appts[i] = Appointment{ID: fmt.Sprint("a", i), Status: "fulfilled", Created: c, Start: c.Add(72 * time.Hour)}
		if rng.Float64() < 0.8 {
			e := Encounter{ID: fmt.Sprint("e", i), Appointment: appts[i].ID, Status: "finished", Start: appts[i].Start}
			encs = append(encs, e)
			if rng.Float64() < 0.85 {
				d := Document{ID: fmt.Sprint("d", i), Encounter: e.ID, Status: "current", Date: e.Start.Add(time.Hour)}
				if rng.Float64() < 0.7 {
					d.Registered = d.Date.Add(time.Duration(rng.IntN(96)) * time.Hour)
				}
				docs = append(docs, d)
			}
		}
	}
	return Build(appts, encs, docs, nil)
}

// BenchmarkFunnelVariants: funnel, variants, directly-follows and one
// duration over 1M cases (about 3.2M events).
func BenchmarkFunnelVariants(b *testing.B) {
	cases := synthCases(1_000_000)
	events := 0
	for i := range cases {
		events += len(cases[i].Events)
	}
	b.ResetTimer()
	for b.Loop() {
		Funnel(cases, DefaultFunnel)
		Variants(cases, 10)
		DirectlyFollows(cases)
		Between(cases, Visit, EMDRegistered)
	}
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mevents/s")
}
