package method

import (
	"os"
	"reflect"
	"testing"

	"github.com/cifra-health/cifra/internal/formula"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/period"
)

func ptr[T any](v T) *T { return &v }

// TestParseValid compares testdata/valid.yaml, which uses every feature of
// the format, with the Methodology it must produce.
func TestParseValid(t *testing.T) {
	data, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("valid.yaml", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Methodology{
		ID: "test-method", Version: "1.2", Name: "Тестовая методика", Description: "Проверка разбора.",
		PeriodTypes: []period.Type{period.Yearly, period.Quarterly},
		ValidFrom:   "2020", ValidTo: "2023Q4", // canonical forms
		UnitLevel: "region",
		DataElements: []DataElement{
			{ID: "arm_total", Name: "Рабочие места", Unit: "ед.", Aggregation: AggLast,
				Synthetic: &DemoHint{Per: "mo", Base: 100, SD: 0.5, Integer: true, Min: ptr(1.0)}},
			{ID: "arm_equipped", Name: "Рабочие места с АРМ", Unit: "ед.", Aggregation: AggLast,
				Synthetic: &DemoHint{Per: "mo", ShareOf: "arm_total", ShareMean: 0.8, ShareSD: 0.1, Trend: 0.03}},
			{ID: "delay_days", Name: "Задержка", Unit: "дн.", Aggregation: AggAverage, Description: "Медиана по МО"},
			{ID: "sector_health", Name: "Индекс здравоохранения", Aggregation: AggSum},
		},
		Indicators: []Indicator{
			{ID: "arm_share", Name: "Доля АРМ", Description: "Описание.", Unit: "%",
				Numerator: formula.MustCompile("arm_equipped"), Denominator: formula.MustCompile("arm_total"),
				Factor: 100, Direction: index.HigherIsBetter, Target: ptr(100.0), AverageOfUnits: true, Source: "Отчёт МО"},
			{ID: "delay", Name: "Задержка ЭМД", Unit: "дн.", Numerator: formula.MustCompile("delay_days"),
				Factor: 1, Direction: index.LowerIsBetter},
			{ID: "health", Name: "Здравоохранение", Numerator: formula.MustCompile("min(sector_health, 100)"),
				Factor: 1, Direction: index.HigherIsBetter},
		},
		Tree: &index.Node{ID: "index", Name: "Индекс", Weight: 1, Aggregation: index.AggGeometric, Children: []*index.Node{
			{ID: "infra", Name: "Инфраструктура", Weight: 2, Children: []*index.Node{
				{ID: "arm_share", Name: "Доля АРМ", Weight: 1, Indicator: "arm_share"},
				{ID: "delay", Name: "Задержка ЭМД", Weight: 0.5, Indicator: "delay"},
			}},
			{ID: "other", Name: "Прочее", Weight: 1, Aggregation: index.AggGeneralised, P: 2, Children: []*index.Node{
				{ID: "health_leaf", Name: "Лист", Weight: 1, Indicator: "health"},
			}},
		}},
		Pipeline: index.Config{
			Order:      index.ImputeThenScreen,
			Denominate: index.DenominateConfig{By: map[string]string{"delay": "population"}, Scale: 1000, Scales: map[string]float64{"delay": 100000}},
			Impute:     index.ImputeConfig{Method: index.ImputeGroupMedian, GroupBy: "income", EmptyGroup: index.EmptyGroupAllUnits},
			Screen:     index.ScreenConfig{MinAvailability: 0.6},
			Outliers: index.OutlierConfig{Enabled: true, Skewness: 2.5, Second: index.SecondBoxCox, Lambda: ptr(0.5),
				Thresholds: index.ThresholdsStrict, Combine: true, Indicators: map[string]index.OutlierOverride{
					"delay":  {Enabled: ptr(false)},
					"health": {Second: index.SecondLogMirrored, MaxPoints: ptr(0), Kurtosis: ptr(4.0)},
				}},
			Normalise: index.NormaliseConfig{Method: index.NormFractionMax, Range: [2]float64{1, 10},
				Goalposts: map[string][2]float64{"arm_share": {0, 100}}, Constant: index.ConstantMidpoint},
			Aggregate: index.AggregateConfig{Method: index.AggArithmetic},
			Ranks:     index.RankConfig{Within: []string{"income", "federal_district"}},
			Grades:    []index.Grade{{Name: "high", Label: "высокий", Min: 70}, {Name: "low", Label: "низкий", Min: 0}},
			Leaders:   3, Laggards: 2,
		},
		Uncertainty: UncertaintyDefaults{Draws: 100, WeightJitter: 0.2,
			Noise:          []index.WeightNoise{{Depth: 1, Factor: 0.1}, {Leaves: true, Factor: 0.3}},
			Normalisations: []index.NormaliseMethod{index.NormMinMax, index.NormZScore},
			Aggregations:   []index.AggregateMethod{index.AggArithmetic},
			Imputations:    []index.ImputeMethod{index.ImputeMedian},
			Alternatives: index.Alternatives{
				Impute: []index.ImputeConfig{{Method: index.ImputeGroupMean, GroupBy: "federal_district"}},
				Normalise: []index.NormaliseConfig{{Method: index.NormZScore, Centre: ptr(50.0), Scale: 5},
					{Method: index.NormMinMax, Range: [2]float64{1, 100}}},
				Aggregate: []index.AggregateConfig{{Method: index.AggGeneralised, P: 0.5}},
				Weights:   []index.WeightSet{{Name: "equal", Weights: map[string]float64{"infra": 1, "other": 1}}},
			}},
		DataSets: []DataSet{{ID: "mo_quarterly", Name: "Отчёт МО", Level: "organisation",
			PeriodType: period.Quarterly, DeadlineDays: 8, DataElements: []string{"arm_total", "arm_equipped"}}},
		Validation: []ValidationRule{
			{ID: "arm_le_total", Name: "АРМ не больше мест", Left: formula.MustCompile("arm_equipped"),
				Operator: OpLe, Right: formula.MustCompile("arm_total"), Missing: NeverSkip},
			{ID: "delay_ok", Name: "Задержка не отрицательна", Left: formula.MustCompile("delay_days"),
				Operator: OpGe, Right: formula.MustCompile("0"), Missing: SkipIfAnyMissing},
		},
		Inputs: []Input{{DataElement: "sector_health", Methodology: "health-digital-maturity", line: 102}},
		Warnings: []Problem{{File: "valid.yaml", Line: 35,
			Msg: `indicator "delay" has no data: no data set collects and no input fills "delay_days"`}},
		Source:    "valid.yaml",
		Raw:       data,
		validFrom: period.MustParse("2020"),
		validTo:   period.MustParse("2023Q4"),
	}
	// Compare section by section so that a failure says where.
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range gv.NumField() {
		f := gv.Type().Field(i)
		if f.IsExported() && !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s:\n got %#v\nwant %#v", f.Name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
	if !t.Failed() && !reflect.DeepEqual(got, want) {
		t.Errorf("unexported fields differ:\n got %+v\nwant %+v", got, want)
	}
}

func TestLookups(t *testing.T) {
	m, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "testdata/valid.yaml" {
		t.Errorf("Source = %q", m.Source)
	}
	if ind, ok := m.Indicator("delay"); !ok || ind.Name != "Задержка ЭМД" {
		t.Errorf("Indicator(delay) = %v, %v", ind, ok)
	}
	if _, ok := m.Indicator("nope"); ok {
		t.Error("Indicator(nope) found")
	}
	if de, ok := m.DataElement("arm_total"); !ok || de.Aggregation != AggLast {
		t.Errorf("DataElement(arm_total) = %v, %v", de, ok)
	}
	if ds, ok := m.DataSet("mo_quarterly"); !ok || ds.DeadlineDays != 8 {
		t.Errorf("DataSet(mo_quarterly) = %v, %v", ds, ok)
	}
	if n, ok := m.Node("health_leaf"); !ok || n.Indicator != "health" {
		t.Errorf("Node(health_leaf) = %v, %v", n, ok)
	}
	if _, ok := m.Node("nope"); ok {
		t.Error("Node(nope) found")
	}
	if _, err := Load("testdata/missing.yaml"); err == nil {
		t.Error("Load of a missing file: no error")
	}
	opts := m.Uncertainty.Options(7)
	if opts.Draws != 100 || opts.Seed != 7 || opts.WeightJitter != 0.2 || len(opts.Normalisations) != 2 {
		t.Errorf("Options = %+v", opts)
	}
}

func TestAppliesTo(t *testing.T) {
	m, err := Load("testdata/valid.yaml") // yearly and quarterly, 2020 .. 2023Q4
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		p    string
		want bool
	}{
		{"2020", true}, {"2023", true}, {"2020Q1", true}, {"2023Q4", true},
		{"2019", false}, {"2019Q4", false}, {"2024", false}, {"2024Q1", false},
		{"202003", false}, // monthly is not among its period types
	}
	for _, tt := range tests {
		if got := m.AppliesTo(period.MustParse(tt.p)); got != tt.want {
			t.Errorf("AppliesTo(%s) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if m.AppliesTo(period.Period{}) {
		t.Error("AppliesTo(zero period) = true")
	}
	// A Methodology written in Go has only the ids; open ends apply.
	built := &Methodology{PeriodTypes: []period.Type{period.Yearly}, ValidFrom: "2021"}
	if built.AppliesTo(period.MustParse("2020")) || !built.AppliesTo(period.MustParse("2030")) {
		t.Error("AppliesTo on a Methodology built in Go ignores ValidFrom")
	}
}
