package dhis2

import "testing"

// TestFormatValue follows DHIS2's MathUtils.getRounded: two decimals
// inside (-1, 1), one otherwise, half up on the shortest decimal form.
func TestFormatValue(t *testing.T) {
	cases := []struct {
		v    float64
		skip bool
		want string
	}{
		{12, false, "12.0"},
		{44.64, false, "44.6"},
		{44.65, false, "44.7"}, // 44.65 is 44.649999… in binary; DHIS2 rounds its decimal form
		{0.125, false, "0.13"},
		{0.004, false, "0.0"},
		{-0.005, false, "-0.01"},
		{-0.004, false, "0.0"},
		{99.96, false, "100.0"},
		{9.95, false, "10.0"},
		{-2.25, false, "-2.3"},
		{473356, false, "473356.0"},
		{304.62057817, true, "304.62057817"},
		{12, true, "12.0"},
		{1e21, false, "1000000000000000000000.0"},
	}
	for _, c := range cases {
		if got := formatValue(c.v, c.skip); got != c.want {
			t.Errorf("formatValue(%v, %v) = %q, want %q", c.v, c.skip, got, c.want)
		}
	}
}
