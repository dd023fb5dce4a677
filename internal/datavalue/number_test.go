package datavalue

import (
	"math"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		comma  bool
		want   float64
		reason string
	}{
		{"12.5", false, 12.5, ""},
		{"-0.25", false, -0.25, ""},
		{"+7", false, 7, ""},
		{".5", false, 0.5, ""},
		{"5.", false, 5, ""},
		{"1e3", false, 1000, ""},
		{"1E-3", false, 0.001, ""},
		{"1e-400", false, 0, ""}, // underflow rounds to zero
		{"12,5", true, 12.5, ""},
		{",5", true, 0.5, ""},
		{"1,5e2", true, 150, ""},
		{"12,5", false, 0, reasonCommaNotHere},
		{"1,234,5", true, 0, reasonNotNumber},
		{"1.234,5", true, 0, reasonNotNumber},
		{"1,234,5", false, 0, reasonNotNumber},
		{"12,5x", true, 0, reasonNotNumber},
		{"", false, 0, reasonMissing},
		{"abc", false, 0, reasonNotNumber},
		{".", false, 0, reasonNotNumber},
		{"-", false, 0, reasonNotNumber},
		{"1e", false, 0, reasonNotNumber},
		{"1e+", false, 0, reasonNotNumber},
		{"e5", false, 0, reasonNotNumber},
		{"0x10", false, 0, reasonNotNumber},
		{"1_000", false, 0, reasonNotNumber},
		{"1 000", false, 0, reasonNotNumber},
		{"NaN", false, 0, reasonNotFinite},
		{"-Inf", false, 0, reasonNotFinite},
		{"+infinity", false, 0, reasonNotFinite},
		{"1e400", false, 0, reasonOutOfRange},
		{"-1e400", false, 0, reasonOutOfRange},
	}
	for _, tt := range tests {
		got, reason := parseNumber(tt.in, tt.comma)
		if reason != tt.reason || (reason == "" && got != tt.want) {
			t.Errorf("parseNumber(%q, comma=%v) = %v, %q; want %v, %q", tt.in, tt.comma, got, reason, tt.want, tt.reason)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{12.5, "12.5"},
		{-0.25, "-0.25"},
		{1e20, "100000000000000000000"},
		{1e21, "1e+21"},
		{0.000001, "0.000001"},
		{1e-7, "1e-07"},
		{0.30000000000000004, "0.30000000000000004"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		got, err := formatNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("formatNumber(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		back, reason := parseNumber(got, false)
		if reason != "" || back != tt.in {
			t.Errorf("formatNumber(%v) = %q reads back as %v, %q", tt.in, got, back, reason)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := formatNumber(v); err == nil {
			t.Errorf("formatNumber(%v) gave no error", v)
		}
	}
}
