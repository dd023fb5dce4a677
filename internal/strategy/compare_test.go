package strategy

import (
	"errors"
	"slices"
	"testing"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
)

func TestParseRegionList(t *testing.T) {
	h, err := orgunit.Reference()
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegions(h)
	got, err := ParseRegionList("RU-TUL, Калужская область,ru-tul,", r)
	if err != nil || !slices.Equal(got, []string{"RU-TUL", "RU-KLU"}) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"RU-TUL", "", "RU-TUL,RU-KLU,RU-MOW,RU-SPE,RU-LEN,RU-BEL"} {
		if _, err := ParseRegionList(bad, r); !errors.Is(err, ErrCompareCount) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := ParseRegionList("RU-TUL,RU-XYZ", r); err == nil || errors.Is(err, ErrCompareCount) {
		t.Errorf("unknown region: %v", err)
	}
}

func TestCompare(t *testing.T) {
	snaps, ms, _ := demoSnapshots(t)
	m := ms[0] // dispensarization
	h := NewHistory(m, snaps[m.ID])
	regions := []string{"RU-TUL", "RU-KLU"}
	c, err := Compare(h, regions, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Period != "2020" || c.PeriodLabel != "2020 год" || len(c.Regions) != 2 || c.Regions[0].Name != "Тульская область" {
		t.Fatalf("comparison %+v", c)
	}
	snap, _ := h.Snapshot("2020")
	if len(c.Rows) != len(snap.Nodes) || c.Rows[0].Kind != KindIndex {
		t.Fatalf("%d rows for %d nodes", len(c.Rows), len(snap.Nodes))
	}
	kinds := map[string]int{}
	for _, row := range c.Rows {
		kinds[row.Kind]++
		if len(row.Cells) != 2 {
			t.Fatalf("row %s has %d cells", row.ID, len(row.Cells))
		}
		dir := index.HigherIsBetter
		if row.Direction == "lower" {
			dir = index.LowerIsBetter
		}
		// The rank recounted by hand: 1 + regions strictly better.
		var all []float64
		for _, rr := range snap.Regions {
			if v, ok := cellValue(rr, row.Kind, row.ID, row.ID); ok {
				all = append(all, v)
			}
		}
		var vals []float64
		for i, cell := range row.Cells {
			if cell.Value == nil {
				continue
			}
			vals = append(vals, *cell.Value)
			better := 0
			for _, x := range all {
				if float64(dir)*(x-*cell.Value) > 0 {
					better++
				}
			}
			if cell.Rank != better+1 || cell.Of != len(all) {
				t.Errorf("%s %s: rank %d of %d, want %d of %d", row.ID, regions[i], cell.Rank, cell.Of, better+1, len(all))
			}
		}
		if len(vals) == 2 {
			bestIdx := 0
			if Better(dir, vals[1], vals[0]) {
				bestIdx = 1
			}
			if !row.Cells[bestIdx].Best || (vals[0] != vals[1] && row.Cells[1-bestIdx].Best) {
				t.Errorf("%s: best marks %v %v for %v", row.ID, row.Cells[0].Best, row.Cells[1].Best, vals)
			}
		}
	}
	if kinds[KindIndex] != 1 || kinds[KindCriterion] != len(m.Tree.Children) || kinds[KindIndicator] != len(m.Indicators) {
		t.Errorf("row kinds %v", kinds)
	}
	if len(c.Periods) != 2 || len(c.History) != 2 || len(c.History[0].Points) != 2 || c.History[0].Points[1].Period != "2020" {
		t.Errorf("history %+v periods %+v", c.History, c.Periods)
	}
	if p := c.History[0].Points[1]; p.Rank != c.Regions[0].Rank || p.Score == nil || *p.Score != *c.Regions[0].Score {
		t.Errorf("history point %+v vs headline %+v", p, c.Regions[0])
	}

	q, err := Compare(h, regions, "2020Q4")
	if err != nil || q.Periods[0].ID != "2019Q4" || len(q.Periods) != 2 {
		t.Errorf("quarterly comparison: %v %+v", err, q)
	}
	if _, err := Compare(h, regions, "2018"); err == nil {
		t.Error("a period without a result")
	}
	if _, err := Compare(h, regions[:1], ""); !errors.Is(err, ErrCompareCount) {
		t.Errorf("one region: %v", err)
	}
}

func TestDemoTargets(t *testing.T) {
	snaps, ms, h := demoSnapshots(t)
	years := []int{2021, 2022, 2023, 2024}
	statuses := map[Status]int{}
	for _, m := range ms {
		hist := NewHistory(m, snaps[m.ID])
		for _, id := range []string{m.Tree.ID, m.Indicators[0].ID, m.Indicators[len(m.Indicators)-1].ID} {
			meas, _ := MeasureOf(m, id)
			for _, r := range h.AtLevel(orgunit.Region) {
				k := Key{r.Code, m.ID, id}
				fs := hist.Facts(r.Code, id)
				es := DemoTargets(k, meas, fs, 2020, years, 7)
				if len(fs) == 0 {
					if es != nil {
						t.Errorf("%s: targets without facts", k)
					}
					continue
				}
				if len(es) != len(years) {
					t.Fatalf("%s: %d targets", k, len(es))
				}
				if again := DemoTargets(k, meas, fs, 2020, years, 7); !slices.Equal(again, es) {
					t.Fatalf("%s: not deterministic", k)
				}
				prev := fs[len(fs)-1].Value
				for _, e := range es {
					if e.Key != k || e.Value < meas.Lo || e.Value > meas.Hi {
						t.Fatalf("%s: target %+v outside %g..%g", k, e, meas.Lo, meas.Hi)
					}
					// Each year's target is no worse than the year before
					// (rounding to one decimal aside).
					if Better(meas.Direction, prev, e.Value) && abs(prev-e.Value) > 0.051 {
						t.Errorf("%s: target %g for %d is worse than %g", k, e.Value, e.Year, prev)
					}
					prev = e.Value
				}
				final := es[len(es)-1]
				statuses[Assess(meas, fs, final.Year, final.Value, 2020).Status]++
			}
		}
	}
	t.Logf("statuses %v", statuses)
	// Some regions are set plans they will beat, some plans they will miss.
	if statuses[OnTrack]+statuses[Achieved] < 20 || statuses[Lagging]+statuses[AtRisk] < 20 {
		t.Errorf("statuses of the demo plans for 2024: %v", statuses)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
