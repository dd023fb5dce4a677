package method

import (
	"reflect"
	"testing"

	"github.com/cifra-health/cifra/internal/index"
)

func TestMethodologyAttributes(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Methodology
		want []string
	}{
		{"none", Methodology{}, nil},
		{"mean is not grouped", Methodology{Pipeline: index.Config{Impute: index.ImputeConfig{Method: index.ImputeMean}}}, nil},
		{"default group left out", Methodology{Pipeline: index.Config{Impute: index.ImputeConfig{Method: index.ImputeGroupMean}}}, nil},
		{"impute, ranks, alternatives", Methodology{
			Pipeline: index.Config{
				Impute: index.ImputeConfig{Method: index.ImputeGroupMedian, GroupBy: "income"},
				Ranks:  index.RankConfig{Within: []string{"income", "continent"}},
			},
			Uncertainty: UncertaintyDefaults{Alternatives: index.Alternatives{Impute: []index.ImputeConfig{
				{Method: index.ImputeGroupMean, GroupBy: "region_type"},
				{Method: index.ImputeGroupMean}, // takes the nominal group_by
				{Method: index.ImputeMean, GroupBy: "ignored"},
			}}},
		}, []string{"income", "region_type", "continent"}},
		{"alternative groups by the nominal attribute of a mean", Methodology{
			Pipeline:    index.Config{Impute: index.ImputeConfig{Method: index.ImputeMean}},
			Uncertainty: UncertaintyDefaults{Alternatives: index.Alternatives{Impute: []index.ImputeConfig{{Method: index.ImputeGroupMean, GroupBy: "kind"}}}},
		}, []string{"kind"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.Attributes(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Attributes = %q, want %q", got, tc.want)
			}
		})
	}
}
