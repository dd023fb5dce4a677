package method

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadFiles parses one file per validation rule and compares every
// reported problem, line included.
func TestBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"alias.yaml", []string{
			`alias.yaml:4: description: aliases (*n) are not supported; write the value out`,
		}},
		{"average_of_units.yaml", []string{
			`average_of_units.yaml:9: indicator "x": average_of_units needs units above the organisation level`,
		}},
		{"pipeline_refs.yaml", []string{
			`pipeline_refs.yaml:15: pipeline.denominate.by.x: unknown series "people" (want population or a data element id)`,
			`pipeline_refs.yaml:15: pipeline.denominate.by: unknown indicator "y"`,
			`pipeline_refs.yaml:16: pipeline.normalise: distance_to_ref needs pipeline.normalise.reference (the unit to compare with)`,
		}},
		{"pipeline_choices.yaml", []string{
			`pipeline_choices.yaml:17: pipeline.order: unknown value "impute_first" (want screen_then_impute or impute_then_screen)`,
			`pipeline_choices.yaml:18: pipeline.denominate.scales.x must be positive, got -1`,
			`pipeline_choices.yaml:18: pipeline.denominate.scales: indicator "y" is not denominated (add it to pipeline.denominate.by)`,
			`pipeline_choices.yaml:19: pipeline.impute.empty_group: unknown rule "fallback" (want missing or all_units)`,
			`pipeline_choices.yaml:19: pipeline.impute: group_by and empty_group apply to group_mean and group_median only, not mean`,
			`pipeline_choices.yaml:22: pipeline.outliers.second: unknown step "sqrt" (want log, log_mirrored, boxcox or none)`,
			`pipeline_choices.yaml:23: pipeline.outliers.thresholds: unknown rule "loose" (want inclusive or strict)`,
			`pipeline_choices.yaml:25: pipeline.outliers.indicators.y: second step boxcox needs lambda (the Box-Cox exponent, 0 for a log)`,
			`pipeline_choices.yaml:26: pipeline.outliers.indicators: unknown indicator "z"`,
			`pipeline_choices.yaml:27: pipeline.normalise.constant: unknown rule "fifty" (want missing or midpoint)`,
			`pipeline_choices.yaml:28: pipeline.ranks.within: "income" is listed twice`,
			`pipeline_choices.yaml:31: uncertainty.noise: depth must be 1 or more (1 = the criteria under the index), or write leaves: true`,
			`pipeline_choices.yaml:32: uncertainty.noise: factor must be within [0, 1), got 1.5`,
			`pipeline_choices.yaml:34: uncertainty.alternatives.impute: method is required`,
			`pipeline_choices.yaml:35: uncertainty.alternatives.normalise: unknown method "minimax" (want minmax, zscore, rank, percentile_rank, borda, distance_to_max, distance_to_ref, distance_to_target, fraction_of_max or goalposts)`,
			`pipeline_choices.yaml:35: uncertainty.alternatives.normalise: range must be increasing, got [5, 1]`,
			`pipeline_choices.yaml:36: uncertainty.alternatives.aggregate: unknown method "median" (want arithmetic, geometric, harmonic or generalised)`,
			`pipeline_choices.yaml:38: uncertainty.alternatives.weights: weight set "equal": unknown node "nowhere"`,
			`pipeline_choices.yaml:38: uncertainty.alternatives.weights: weight set "equal": node "x": weight must not be negative`,
		}},
		{"bad_collection.yaml", []string{
			`bad_collection.yaml:16: data set "f": unknown data element "c"`,
			`bad_collection.yaml:16: data set "f": data element "a" is listed twice`,
			`bad_collection.yaml:16: data set "f": level: unknown level "ward" (want organisation or region)`,
			`bad_collection.yaml:16: data set "f": period_type is required`,
			`bad_collection.yaml:16: data set "f": deadline_days must not be negative`,
			`bad_collection.yaml:18: validation rule "r1": operator: unknown operator "=<" (want ==, !=, <, <=, > or >=)`,
			`bad_collection.yaml:19: validation rule "r2": left: formula "a +": column 4: unexpected end of formula, expected a number, a data element id or "("`,
			`bad_collection.yaml:19: validation rule "r2": right: unknown data element "d"`,
			`bad_collection.yaml:19: validation rule "r2": missing: unknown strategy "sometimes" (want skip_if_any_missing, skip_if_all_missing or never_skip)`,
			`bad_collection.yaml:20: validation rule "r3": left is required`,
			`bad_collection.yaml:20: validation rule "r3": right is required`,
			`bad_collection.yaml:22: input "z": unknown data element "z"`,
			`bad_collection.yaml:23: input "b": a methodology cannot take an input from itself`,
			`bad_collection.yaml:24: input "b": the data element is already filled by an input (line 23)`,
		}},
		{"bad_demo.yaml", []string{
			`bad_demo.yaml:6: data element "a": demo: set exactly one of base, share_of and reference`,
			`bad_demo.yaml:6: data element "a": demo: share_of: "b" is generated per region, this element per mo`,
			`bad_demo.yaml:7: data element "b": demo: share_mean must be within 0..1, got 1.5`,
			`bad_demo.yaml:7: data element "b": demo: share_of: "c" is generated per mo, this element per region`,
			`bad_demo.yaml:7: data element "b": demo: share_of: circular chain b → c → b`,
			`bad_demo.yaml:8: data element "c": demo: min 5 is above max 1`,
			`bad_demo.yaml:8: data element "c": demo: share_of: "b" is generated per region, this element per mo`,
			`bad_demo.yaml:8: data element "c": demo: share_of: circular chain c → b → c`,
			`bad_demo.yaml:9: data element "d": demo: per: unknown value "ward" (want mo or region)`,
			`bad_demo.yaml:9: data element "d": demo: reference: unknown series "gdp" (want population)`,
			`bad_demo.yaml:10: data element "e": demo: per is required (mo or region)`,
			`bad_demo.yaml:10: data element "e": demo: set exactly one of base, share_of and reference`,
			`bad_demo.yaml:10: data element "e": demo: share_of: unknown data element "nothing"`,
		}},
		{"bad_periods.yaml", []string{
			`bad_periods.yaml:4: periods #2: period type "weakly": want daily, weekly, monthly, quarterly or yearly`,
			`bad_periods.yaml:4: periods: yearly is listed twice`,
			`bad_periods.yaml:5: valid_from: period "2019Q5": quarter must be 1..4`,
			`bad_periods.yaml:17: data set "f": period_type: period type "fortnightly": want daily, weekly, monthly, quarterly or yearly`,
		}},
		{"bad_tree.yaml", []string{
			`bad_tree.yaml:14: node "both": a node has either an indicator or children, not both`,
			`bad_tree.yaml:19: node "empty": a node needs either an indicator or children`,
			`bad_tree.yaml:20: node #3: id is required`,
		}},
		{"bad_values.yaml", []string{
			`bad_values.yaml:1: id must be lowercase latin letters, digits, "_" and "-", starting with a letter`,
			`bad_values.yaml:5: unit_level: unknown level "province" (want region or organisation)`,
			`bad_values.yaml:7: data element "Arm-Total": id must be lowercase latin letters, digits and "_", starting with a letter`,
			`bad_values.yaml:10: indicator "x": factor must not be zero`,
			`bad_values.yaml:10: indicator "x": direction: unknown value "up" (want higher or lower)`,
			`bad_values.yaml:17: pipeline.screen.min_availability must be within 0..1, got 60`,
			`bad_values.yaml:18: pipeline.normalise.range must be increasing, got [100, 0]`,
			`bad_values.yaml:19: pipeline.leaders must not be negative`,
			`bad_values.yaml:21: uncertainty.draws must not be negative, got -5`,
			`bad_values.yaml:22: uncertainty.weight_jitter must be within [0, 1), got 1.5`,
		}},
		{"distance_to_target.yaml", []string{
			`distance_to_target.yaml:19: pipeline.normalise: distance_to_target needs a target for every indicator; none for "y", "z"`,
		}},
		{"duplicate_id.yaml", []string{
			`duplicate_id.yaml:7: data element "a": duplicate id (first at line 6)`,
			`duplicate_id.yaml:10: indicator "x": duplicate id (first at line 9)`,
			`duplicate_id.yaml:19: node "infra": duplicate node id (first at line 15)`,
			`duplicate_id.yaml:22: node "y": indicator "x" is already used in the tree (line 18)`,
		}},
		{"empty.yaml", []string{
			`empty.yaml:1: the file is empty`,
		}},
		{"formula_syntax.yaml", []string{
			`formula_syntax.yaml:11: indicator "x": numerator: formula "a +* b": column 4: unexpected "*"`,
			`formula_syntax.yaml:12: indicator "x": denominator: formula "a == b": column 3: unexpected "=": comparisons are not allowed`,
		}},
		{"geometric_zero.yaml", []string{
			`geometric_zero.yaml:15: node "infra": aggregation: harmonic needs positive scores, but minmax normalisation with a range starting at 0 can give 0; start pipeline.normalise.range above 0, e.g. [1, 100]`,
		}},
		{"goalposts.yaml", []string{
			`goalposts.yaml:18: pipeline.normalise: goalposts needs goalposts for every indicator; none for "y"`,
			`goalposts.yaml:20: pipeline.normalise.goalposts.x: lo 100 must be below hi 0`,
			`goalposts.yaml:21: pipeline.normalise.goalposts: unknown indicator "z"`,
		}},
		{"grades_order.yaml", []string{
			`grades_order.yaml:17: pipeline.grades: grade "medium": min 40 must be below 0, the min of the grade before it (list grades from the highest down)`,
			`grades_order.yaml:18: pipeline.grades: grade "high": min 70 must be below 40, the min of the grade before it (list grades from the highest down)`,
		}},
		{"indicator_twice.yaml", []string{
			`indicator_twice.yaml:20: node "x_again": indicator "x" is already used in the tree (line 16)`,
		}},
		{"leaf_root.yaml", []string{
			`leaf_root.yaml:9: index: the root must have children (the criteria)`,
		}},
		{"missing_header.yaml", []string{
			`missing_header.yaml:1: id is required`,
			`missing_header.yaml:1: version is required`,
			`missing_header.yaml:1: name is required`,
		}},
		{"negative_weight.yaml", []string{
			`negative_weight.yaml:14: node "x": weight must not be negative, got -1`,
		}},
		{"not_mapping.yaml", []string{
			`not_mapping.yaml:1: a methodology file must be key: value pairs (id:, name:, ...)`,
		}},
		{"period_order.yaml", []string{
			`period_order.yaml:6: valid_to 2020Q4 ends before valid_from 2021 begins`,
		}},
		{"two_documents.yaml", []string{
			`two_documents.yaml:3: a file holds one methodology: remove the second YAML document (---)`,
		}},
		{"unknown_element.yaml", []string{
			`unknown_element.yaml:11: indicator "epgu_share": numerator: unknown data element "epgu_bokings"`,
		}},
		{"unknown_indicator.yaml", []string{
			`unknown_indicator.yaml:14: node "y": unknown indicator "y"`,
		}},
		{"unknown_key.yaml", []string{
			`unknown_key.yaml:7: data element "a": unknown key "nmae", did you mean "name"?`,
			`unknown_key.yaml:9: indicator "x": unknown key "denominater", did you mean "denominator"?`,
			`unknown_key.yaml:14: node "x": unknown key "wieght", did you mean "weight"?`,
			`unknown_key.yaml:16: pipeline.normalise: unknown key "colour" (allowed: centre, constant, goalposts, method, range, reference, scale)`,
		}},
		{"unknown_methods.yaml", []string{
			`unknown_methods.yaml:6: data element "a": aggregation: unknown method "summ" (want sum, average, last, min or max)`,
			`unknown_methods.yaml:12: index "index": aggregation: unknown method "geometrical" (want arithmetic, geometric, harmonic or generalised)`,
			`unknown_methods.yaml:16: pipeline.impute.method: unknown method "group_mediam" (want none, mean, median, group_mean or group_median)`,
			`unknown_methods.yaml:17: pipeline.normalise.method: unknown method "minmix" (want minmax, zscore, rank, percentile_rank, borda, distance_to_max, distance_to_ref, distance_to_target, fraction_of_max or goalposts)`,
			`unknown_methods.yaml:18: pipeline.aggregate.method: unknown method "arithmetik" (want arithmetic, geometric, harmonic or generalised)`,
			`unknown_methods.yaml:20: uncertainty.normalisations: unknown method "rankk" (want minmax, zscore, rank, percentile_rank, borda, distance_to_max, distance_to_ref, distance_to_target, fraction_of_max or goalposts)`,
			`unknown_methods.yaml:21: uncertainty.aggregations: unknown method "harmonik" (want arithmetic, geometric, harmonic or generalised)`,
			`unknown_methods.yaml:22: uncertainty.imputations: unknown method "mode" (want none, mean, median, group_mean or group_median)`,
		}},
		{"wrong_types.yaml", []string{
			`wrong_types.yaml:4: periods: expected a list, got "yearly"`,
			`wrong_types.yaml:8: indicator "x": factor: expected a number, got "сто"`,
			`wrong_types.yaml:8: indicator "x": average_of_units: expected true or false, got "maybe"`,
			`wrong_types.yaml:9: indicator "y": name: expected text, got a list of 1 value`,
			`wrong_types.yaml:14: node "x": weight: expected a number, got a list of 1 value`,
			`wrong_types.yaml:17: pipeline.leaders: expected a whole number, got "2.5"`,
			`wrong_types.yaml:18: pipeline.normalise.range: expected a list of 2 values, got a list of 3 values`,
		}},
		{"yaml_syntax.yaml", []string{
			`yaml_syntax.yaml:4: YAML syntax: did not find expected ',' or ']'`,
		}},
		{"zero_weights.yaml", []string{
			`zero_weights.yaml:14: node "infra": the weights of its children are all zero`,
		}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "bad", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(tt.file, data)
			if err == nil {
				t.Fatalf("Parse succeeded: %s", m.ID)
			}
			var merr *Error
			if !errors.As(err, &merr) {
				t.Fatalf("error %T, want *method.Error", err)
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("problems\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no test case", f)
		}
	}
}
