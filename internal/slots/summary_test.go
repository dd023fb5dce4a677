package slots

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// summarise builds the per-post summaries of slots as the store keeps
// them (feed_slot_posts): the reference Summariser is checked against.
func summarise(in Input, slots []Slot) []*PostSummary {
	type acc struct {
		s    PostSummary
		free []time.Time
	}
	posts := map[string]*acc{}
	var order []string
	for _, sl := range slots {
		if sl.Status == "entered-in-error" || sl.Start.Before(in.Snapshot) {
			continue
		}
		a := posts[sl.Schedule]
		if a == nil {
			p, ok := in.Posts[sl.Schedule]
			if !ok {
				p = Post{ID: sl.Schedule, Active: true}
			}
			a = &acc{s: PostSummary{Post: p}}
			posts[sl.Schedule] = a
			order = append(order, sl.Schedule)
		}
		a.s.Total++
		if sl.EPGU {
			a.s.EPGU++
		}
		if sl.Status == "free" {
			a.s.Free++
			a.free = append(a.free, sl.Start)
		}
	}
	out := make([]*PostSummary, 0, len(order))
	for _, id := range order {
		a := posts[id]
		slices.SortFunc(a.free, func(x, y time.Time) int { return x.Compare(y) })
		if n := len(a.free); n > 0 {
			a.s.FirstFree, a.s.LastFree = a.free[0], a.free[n-1]
			if n >= 3 {
				a.s.ThirdFree = a.free[2]
			}
		}
		out = append(out, &a.s)
	}
	return out
}

// The summary path gives what Compute gives over every slot, for every
// grouping (by МО and specialty, by specialty, all in one, one dropped).
func TestSummariserMatchesCompute(t *testing.T) {
	in, slots := fixture()
	for name, group := range map[string]func(Post) string{
		"default":   nil,
		"specialty": func(p Post) string { return p.Specialty },
		"all":       func(Post) string { return "all" },
		"drop B": func(p Post) string {
			if p.ID == "B" {
				return ""
			}
			return p.OrgUnit
		},
	} {
		in.Group = group
		want := Compute(in, slots)
		s := NewSummariser(in)
		for _, p := range summarise(in, slots) {
			s.Add(p)
		}
		got := s.Result()
		if len(got) != len(want) {
			t.Errorf("%s: groups %v, want %v", name, keys(got), keys(want))
		}
		for g, w := range want {
			if a := got[g]; a == nil || !reflect.DeepEqual(*a, *w) {
				t.Errorf("%s %q:\n got %+v\nwant %+v", name, g, a, *w)
			}
		}
	}
}
