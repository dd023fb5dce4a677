package demo

import (
	"testing"
	"time"
)

func TestTimelineAt(t *testing.T) {
	tests := []struct {
		asOf                   string
		from, to, closed, snap string
	}{
		// Mid-quarter: the last complete quarter is the previous one; two
		// full years before it.
		{"2026-12-07", "2024Q1", "2026Q3", "2024", "2026-12-07T06:00:00Z"},
		// Just after a year ends: that year is complete, one more full year
		// before it makes two.
		{"2027-01-01", "2025Q1", "2026Q4", "2025", "2027-01-01T06:00:00Z"},
		// The old fixed demo (2019Q1..2020Q4, 2019 closed) is the timeline
		// as of mid-January 2021.
		{"2021-01-15", "2019Q1", "2020Q4", "2019", "2021-01-15T06:00:00Z"},
		// The last day of a quarter still belongs to it.
		{"2026-03-31", "2024Q1", "2025Q4", "2024", "2026-03-31T06:00:00Z"},
		{"2026-04-01", "2024Q1", "2026Q1", "2024", "2026-04-01T06:00:00Z"},
	}
	for _, tt := range tests {
		asOf, err := time.Parse("2006-01-02", tt.asOf)
		if err != nil {
			t.Fatal(err)
		}
		tl := TimelineAt(asOf)
		if got := tl.From.String() + ".." + tl.To.String(); got != tt.from+".."+tt.to {
			t.Errorf("%s: quarters %s, want %s..%s", tt.asOf, got, tt.from, tt.to)
		}
		if tl.ClosedYear.String() != tt.closed {
			t.Errorf("%s: closed year %s, want %s", tt.asOf, tl.ClosedYear, tt.closed)
		}
		if got := tl.FeedSnapshot.Format(time.RFC3339); got != tt.snap {
			t.Errorf("%s: snapshot %s, want %s", tt.asOf, got, tt.snap)
		}
		// Whatever the date, at least two full years precede the last
		// quarter's year or end with it.
		full := 0
		for y := tl.From.Year(); y <= tl.To.Year(); y++ {
			if y < tl.To.Year() || tl.To.Quarter() == 4 {
				full++
			}
		}
		if full < 2 {
			t.Errorf("%s: %d full years", tt.asOf, full)
		}
	}
}
