package review

import (
	"strings"
	"testing"
)

// FuzzParsePolicy: a policy either parses into one whose every trigger
// names a level and has a deadline in range, or is refused with an error
// naming the file; never a panic.
func FuzzParsePolicy(f *testing.F) {
	f.Add(builtinPolicy)
	f.Add([]byte("id: x\nname: X\nplanned: {level: a}\nlevels: [{id: a, name: A, rank: 1}]\ntriggers: [{id: t, name: T, level: a, deadline_working_days: 3}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("fuzz.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, ok := p.Level(p.Planned.Level); !ok {
			t.Fatalf("planned level %q unknown", p.Planned.Level)
		}
		for _, tr := range p.Triggers {
			if _, ok := p.Level(tr.Level); !ok || tr.DeadlineDays < 1 || tr.DeadlineDays > 60 {
				t.Fatalf("trigger %+v accepted", tr)
			}
		}
	})
}

// FuzzICD10: a normalised code normalises to itself and matches the
// pattern made of it; a pattern that parses matches its own ends.
func FuzzICD10(f *testing.F) {
	for _, s := range []string{"I21.0", "і210", "А15+", "I20-I25", "A00–B99", "I20.0-I20.9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := NormICD10(s); err == nil {
			again, err := NormICD10(c)
			if err != nil || again != c {
				t.Fatalf("%q → %q → %q, %v", s, c, again, err)
			}
			if p, err := parseICDPattern(c); err != nil || !p.match(c) {
				t.Fatalf("code %q does not match itself: %v", c, err)
			}
		}
		if p, err := parseICDPattern(s); err == nil && (!p.match(p.lo) || !p.match(p.hi)) {
			t.Fatalf("pattern %q misses its ends %q, %q", s, p.lo, p.hi)
		}
	})
}
