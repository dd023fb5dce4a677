package period

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2021", "2021Q1", "202103", "2021W05", "2021W5", "2020W53", "20200229", "2021q4", "", "2021Q5", "20210230", "1899", "22001231", "1900W01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			if !p.IsZero() {
				t.Fatalf("Parse(%q) failed but returned %v", s, p)
			}
			return
		}
		c := p.String()
		back, err := Parse(c)
		if err != nil {
			t.Fatalf("Parse(%q) = %v but Parse(%q): %v", s, p, c, err)
		}
		if back != p || back.String() != c {
			t.Fatalf("round trip %q -> %q -> %v", s, c, back)
		}
		// Only the case of Q/W and a one-digit week may differ from canonical.
		norm := strings.ToUpper(s)
		if p.Type() == Weekly && len(norm) == 6 {
			norm = norm[:5] + "0" + norm[5:]
		}
		if norm != c {
			t.Fatalf("Parse(%q).String() = %q, want %q", s, c, norm)
		}
		if !p.Start().Before(p.End()) {
			t.Fatalf("%v: Start %v not before End %v", p, p.Start(), p.End())
		}
		if got := Of(p.Start(), p.Type()); got != p {
			t.Fatalf("Of(%v.Start()) = %v", p, got)
		}
		if got := Of(p.End().AddDate(0, 0, -1), p.Type()); got != p {
			t.Fatalf("Of(last day of %v) = %v", p, got)
		}
		if n := p.Next(); !n.IsZero() && (n.Prev() != p || !n.Start().Equal(p.End())) {
			t.Fatalf("%v.Next() = %v, Prev back = %v", p, n, n.Prev())
		}
		if q := p.Prev(); !q.IsZero() && (q.Next() != p || !q.End().Equal(p.Start())) {
			t.Fatalf("%v.Prev() = %v, Next back = %v", p, q, q.Next())
		}
		if !p.Contains(p) {
			t.Fatalf("%v does not contain itself", p)
		}
	})
}
