package strategy

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
)

func TestYearFact(t *testing.T) {
	values := Series{"2023": 61, "2023Q4": 64, "2024Q4": 70, "2024Q3": 68}
	get := func(p period.Period) (float64, bool) { v, ok := values[p.String()]; return v, ok }
	yq := []period.Type{period.Yearly, period.Quarterly}
	q := []period.Type{period.Quarterly}
	cases := []struct {
		name  string
		types []period.Type
		year  int
		want  Fact
		ok    bool
	}{
		{"annual where the methodology has years", yq, 2023, Fact{2023, 61, "2023", BasisAnnual}, true},
		// 2024 has a fourth quarter but no yearly value: no fact, the
		// methodology is computed for years.
		{"no annual value, no fallback", yq, 2024, Fact{}, false},
		{"fourth quarter where it has no years", q, 2023, Fact{2023, 64, "2023Q4", BasisLastQuarter}, true},
		{"fourth quarter, not the third", q, 2024, Fact{2024, 70, "2024Q4", BasisLastQuarter}, true},
		{"neither years nor quarters", []period.Type{period.Monthly}, 2023, Fact{}, false},
	}
	for _, c := range cases {
		got, ok := YearFact(c.types, c.year, get)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	if got := values.Facts(q); len(got) != 2 || got[0].Year != 2023 || got[1].Period != "2024Q4" {
		t.Errorf("Facts: %+v", got)
	}
	if BasisLastQuarter.Label() != "по IV кварталу" || BasisAnnual.Label() != "по итогам года" {
		t.Error("basis labels")
	}
}

func shareTrack() Track {
	// Plan 2021: 48, 2022: 52, 2023: 60, 2024: 66; facts 2019..2022 as in
	// TestForecastFor (40, 44, 50, 54).
	return Track{
		Plan: Plan{Key: tulaShare, Years: []YearTarget{
			{Year: 2021, Value: 48, Change: 1, Revision: 1},
			{Year: 2022, Value: 52, Change: 1, Revision: 1},
			{Year: 2023, Value: 60, Change: 1, Revision: 1},
			{Year: 2024, Value: 66, Change: 2, Revision: 2},
		}},
		Measure:         share,
		Facts:           facts(2019, 40, 44, 50, 54),
		MethodologyName: "Рейтинг",
	}
}

func TestEvaluate(t *testing.T) {
	tr := shareTrack()
	// 2022 is over: fact 54 ≥ 52 → achieved. Baseline is the fact of the
	// year before the first target year: 2020 = 44; progress
	// (54 − 44) / (52 − 44) = 125 %.
	r, ok := Evaluate(tr, 2022, 2022)
	if !ok || r.Status != Achieved || r.Fact == nil || *r.Fact != 54 || r.FactBasis != BasisAnnual || r.FactPeriod != "2022" {
		t.Fatalf("2022: %+v", r)
	}
	if r.Baseline == nil || r.Baseline.Year != 2020 || r.Progress == nil || !near(*r.Progress, 125) {
		t.Errorf("2022 baseline %+v progress %v", r.Baseline, r.Progress)
	}
	// 2024 is ahead: the forecast 63.8 [61.506, 66.094] misses 66 but its
	// high end reaches it → lagging; progress of the latest fact:
	// (54 − 44) / (66 − 44) = 45.45 %.
	r, ok = Evaluate(tr, 2024, 2022)
	if !ok || r.Status != Lagging || r.Fact != nil || r.Forecast == nil || !near(r.Forecast.Value, 63.8) || r.Latest == nil || r.Latest.Year != 2022 {
		t.Fatalf("2024: %+v", r)
	}
	if !near(*r.Progress, 1000.0/22) || r.Revision != 2 || r.Final == nil || r.Final.Value != 66 {
		t.Errorf("2024 progress %v revision %d final %+v", *r.Progress, r.Revision, r.Final)
	}
	if _, ok := Evaluate(tr, 2025, 2022); ok {
		t.Error("a row for a year without a target")
	}
}

// TestTargetRowJSON pins the contract of GET /api/v1/regions/{code}/targets:
// every row has indicator, plan, fact (null without one) and status.
func TestTargetRowJSON(t *testing.T) {
	rows := RegionTargets([]Track{shareTrack()}, 2024, 2022)
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%s", b)
	}
	row := got[0]
	for _, k := range []string{"indicator", "plan", "fact", "status"} {
		if _, ok := row[k]; !ok {
			t.Errorf("row lacks %q: %s", k, b)
		}
	}
	if row["indicator"] != "remote_booking_share" || row["plan"] != 66.0 || row["fact"] != nil || row["status"] != "lagging" || row["status_label"] != "отстаёт" {
		t.Errorf("row %s", b)
	}
	past := RegionTargets([]Track{shareTrack()}, 2021, 2022)
	b, _ = json.Marshal(past)
	if !strings.Contains(string(b), `"fact":50,`) || !strings.Contains(string(b), `"status":"achieved"`) {
		t.Errorf("2021 row %s", b)
	}
}

func TestTracksOrdersAndOrphans(t *testing.T) {
	ms, err := method.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	hist := map[string]*History{}
	for _, m := range ms {
		hist[m.ID] = NewHistory(m, nil)
	}
	mkPlan := func(m, id string) Plan {
		return Plan{Key: Key{"RU-TUL", m, id}, Years: []YearTarget{{Year: 2024, Value: 50}}}
	}
	plans := []Plan{
		mkPlan("health-digital-maturity", "smev_in_time_share"),
		mkPlan("health-digital-maturity", "arm_share"),
		mkPlan("health-digital-maturity", "index"),
		mkPlan("health-digital-maturity", "gone"),
		mkPlan("retired", "x"),
	}
	tracks, orphans := Tracks(plans, hist)
	if len(tracks) != 3 || len(orphans) != 2 {
		t.Fatalf("%d tracks, %d orphans", len(tracks), len(orphans))
	}
	rows := RegionTargets(tracks, 2024, 2023)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Indicator)
		if r.Status != NoData {
			t.Errorf("%s: status %s without facts", r.Indicator, r.Status)
		}
	}
	// The file's order: indicators (arm_share first, smev_in_time_share
	// last), then the nodes.
	if want := []string{"arm_share", "smev_in_time_share", "index"}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	if !rows[2].Node || rows[2].Unit != ScoreUnit {
		t.Errorf("index row %+v", rows[2])
	}
}

func TestScorecardAndReport(t *testing.T) {
	on := shareTrack()
	behind := shareTrack()
	behind.Plan.Indicator = "emd_access_share"
	behind.Plan.Years = []YearTarget{{Year: 2023, Value: 70}, {Year: 2024, Value: 80}}
	days := Track{
		Plan:    Plan{Key: Key{"RU-TUL", "health-digital-maturity", "third_slot_days"}, Years: []YearTarget{{Year: 2024, Value: 4}}},
		Measure: days,
		Facts:   facts(2019, 10, 8, 7),
	}
	other := shareTrack()
	other.Plan.Region = "RU-KLU"
	tracks := []Track{on, behind, days, other}
	sc := BuildScorecard("RU-TUL", 2023, tracks, map[string]int{"health-digital-maturity": 2022})
	if len(sc.Groups) != 1 || len(sc.Groups[0].Rows) != 3 {
		t.Fatalf("scorecard %+v", sc)
	}
	byID := map[string]ScorecardRow{}
	for _, r := range sc.Groups[0].Rows {
		byID[r.Indicator] = r
	}
	// remote_booking_share: milestone 2023 = 60; forecast for 2023 from
	// 40, 44, 50, 54 is 47 + 4.8 × 2.5 = 59 < 60; half-width
	// 1.885618 × 0.632456 × √(1 + 0.25 + 6.25/5) = 1.885618 × 0.632456 ×
	// 1.581139 = 1.885618 → high 60.886 ≥ 60 → lagging.
	r := byID["remote_booking_share"]
	if r.Milestone != (YearValue{2023, 60}) || r.Status != Lagging || r.Final != (YearValue{2024, 66}) || r.FinalStatus != Lagging {
		t.Errorf("remote_booking_share %+v", r)
	}
	if r.Forecast == nil || r.Forecast.Year != 2024 || len(r.Years) != 4 || r.Years[1].Status != Achieved || *r.Years[0].Fact != 50 {
		t.Errorf("remote_booking_share forecast %+v years %+v", r.Forecast, r.Years)
	}
	// emd_access_share: 2023 = 70 against the same facts: 59 and
	// 60.886 < 70 → at risk. The baseline is the fact of the year before
	// the first target year, 2022 = 54, which is also the latest fact:
	// progress toward 80 is 0 %.
	r = byID["emd_access_share"]
	if r.Status != AtRisk || r.Baseline == nil || r.Baseline.Year != 2022 || r.Progress == nil || *r.Progress != 0 {
		t.Errorf("emd_access_share %+v", r)
	}
	// third_slot_days, lower is better: the next target is 2024 = 4;
	// asOf 2022 but the facts end in 2021; the 2024 forecast is
	// 25/3 − 1.5 × 4 = 2.333 ≤ 4 → on track.
	r = byID["third_slot_days"]
	if r.Milestone.Year != 2024 || r.Status != OnTrack || r.Direction != "lower" {
		t.Errorf("third_slot_days %+v", r)
	}
	counts := map[Status]int{}
	for _, c := range sc.Counts {
		counts[c.Status] = c.N
	}
	if counts[Lagging] != 1 || counts[AtRisk] != 1 || counts[OnTrack] != 1 || len(sc.Counts) != len(Statuses) {
		t.Errorf("counts %+v", sc.Counts)
	}

	rows := RegionTargets(tracks, 2024, 2022)
	sec := BuildPlanFact("RU-TUL", 2024, rows)
	if sec.Total != 3 || !strings.Contains(sec.Title, "2024 год") || len(sec.Notes) != 3 {
		t.Fatalf("section %+v", sec)
	}
	// 2024: remote_booking_share lagging (63.8 < 66 ≤ 66.094),
	// emd_access_share at risk (66.094 < 80), third_slot_days on track.
	if len(sec.Attention) != 2 || sec.Attention[0].Indicator != "emd_access_share" || sec.Attention[1].Indicator != "remote_booking_share" {
		t.Errorf("attention %+v", sec.Attention)
	}
}

func TestBetterMeets(t *testing.T) {
	if !Meets(share.Direction, 60, 60) || Meets(share.Direction, 59.9, 60) || !Meets(days.Direction, 3, 4) || Meets(days.Direction, 4.1, 4) {
		t.Error("Meets")
	}
	if !Meets(share.Direction, 60-1e-12, 60) {
		t.Error("rounding noise should count as reached")
	}
	if Better(share.Direction, 1, 1) || !Better(days.Direction, 1, 2) || math.IsNaN(0) {
		t.Error("Better")
	}
}
