package review

import "testing"

func TestNormICD10(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{in: "I21", want: "I21"},
		{in: " i21.0 ", want: "I21.0"},
		{in: "I210", want: "I21.0"},
		{in: "А15.0", want: "A15.0"}, // Cyrillic А
		{in: "С34", want: "C34"},     // Cyrillic С
		{in: "G01*", want: "G01"},
		{in: "A17.0+", want: "A17.0"},
		{in: "I21.01", want: "I21.01"},
		{in: "I2", bad: true},
		{in: "21I", bad: true},
		{in: "I21.", bad: true},
		{in: "I21.0.1", bad: true},
		{in: "Ж21", bad: true},
		{in: "", bad: true},
	} {
		got, err := NormICD10(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("NormICD10(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormICD10(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestICDPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, code string
		want          bool
	}{
		{"I21", "I21", true},
		{"I21", "I21.4", true},
		{"I21", "I22", false},
		{"I21.0", "I21.0", true},
		{"I21.0", "I21.1", false},
		{"I21.0", "I21", false}, // a category is wider than the code
		{"I20-I25", "I20", true},
		{"I20-I25", "I25.9", true},
		{"I20-I25", "I26", false},
		{"I20-I25", "I19.9", false},
		{"I20.0-I20.9", "I20.5", true},
		{"I20.0-I20.9", "I21.0", false},
		{"A00–B99", "B20", true}, // en dash
		{"A00-Z99", "T98.3", true},
	} {
		p, err := parseICDPattern(tc.pattern)
		if err != nil {
			t.Fatalf("parseICDPattern(%q): %v", tc.pattern, err)
		}
		if got := p.match(tc.code); got != tc.want {
			t.Errorf("%q matches %q = %v, want %v", tc.pattern, tc.code, got, tc.want)
		}
	}
	for _, bad := range []string{"I25-I20", "I2-I25", "I20-", "x"} {
		if _, err := parseICDPattern(bad); err == nil {
			t.Errorf("parseICDPattern(%q): want an error", bad)
		}
	}
}
