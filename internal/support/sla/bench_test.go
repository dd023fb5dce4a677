package sla

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/support/calendar"
)

// tickets makes n synthetic timelines over 2025: filed at any hour, half
// with a wait for the МО, 90 % resolved within two weeks.
func tickets(n int) []Timeline {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Timeline, n)
	for i := range out {
		c := base.Add(time.Duration(rng.Int64N(int64(360 * 24 * time.Hour))))
		tl := Timeline{Created: c, Responded: c.Add(time.Duration(rng.Int64N(int64(6 * time.Hour))))}
		if rng.IntN(2) == 0 {
			ps := tl.Responded.Add(time.Hour)
			tl.Pauses = []Pause{{ps, ps.Add(time.Duration(rng.Int64N(int64(48 * time.Hour)))), WaitingMO}}
		}
		if rng.IntN(10) != 0 {
			tl.Resolved = c.Add(time.Duration(rng.Int64N(int64(14 * 24 * time.Hour))))
		}
		out[i] = tl
	}
	return out
}

// The same million tickets in office hours across eleven time zones and in
// 24×7 (the baseline: no calendar walk beyond arithmetic).
func BenchmarkEvaluateMillion(b *testing.B) {
	tls := tickets(1_000_000)
	cs := calendars(b)
	zones := []string{"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka"}
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, mode := range []struct {
		name  string
		hours calendar.Schedule
	}{{"24x7", calendar.Schedule{EveryDay: true}}, {"office", calendar.OfficeHours()}} {
		cals := make([]*calendar.Calendar, len(zones))
		for i, z := range zones {
			cals[i] = cal(b, cs, mode.hours, "RU-TUL", z)
		}
		tg := Target{Response: 4 * time.Hour, Resolution: 24 * time.Hour, Hours: mode.hours}
		b.Run(mode.name, func(b *testing.B) {
			met := 0
			for b.Loop() {
				met = 0
				for i := range tls {
					r := Evaluate(cals[i%len(cals)], tg, 0, tls[i], now)
					if r.Resolution.State == Met {
						met++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/ticket")
			if met == 0 {
				b.Fatal("no ticket met its target")
			}
		})
	}
}
