package web

import (
	"math"
	"strconv"
	"testing"
)

// luminance is the WCAG 2.x relative luminance of a #rrggbb or #rgb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	h := hex[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 {
		t.Fatalf("colour %q", hex)
	}
	lin := func(c uint64) float64 {
		f := float64(c) / 255
		if f <= 0.03928 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// The tile labels are SVG text, which the browser contrast check skips:
// every fill of the map palette must carry its label at WCAG AA.
func TestTilePaletteContrast(t *testing.T) {
	if c := contrast(t, "#777", "#fff"); c > 4.5 || c < 4.4 { // #777 on white is 4.48:1
		t.Fatalf("contrast(#777, #fff) = %.2f", c)
	}
	pairs := append([]struct{ Fill, Text string }{{missingFill, "#111"}}, palette()...)
	for _, p := range pairs {
		if c := contrast(t, p.Fill, p.Text); c < 4.5 {
			t.Errorf("tile %s with text %s: contrast %.2f < 4.5", p.Fill, p.Text, c)
		}
	}
}
