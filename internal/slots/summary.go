package slots

import (
	"slices"
	"time"
)

// PostSummary is one post's slots in a snapshot, summarised: what the store
// keeps per post and snapshot, so that availability over 10^8 slots reads
// one row per post rather than every slot. Only slots starting at or after
// the snapshot count; entered-in-error never.
type PostSummary struct {
	Post              Post
	Total, Free, EPGU int64
	// Starts of the post's first, third and last free slots; zero when it
	// has fewer free slots.
	FirstFree, ThirdFree, LastFree time.Time
}

// Summariser adds up post summaries into availability by group: the same
// measures Compute gives over the slots themselves. Add is called once a
// post; consecutive posts of one МО and group cost no map look-up.
type Summariser struct {
	in     Input
	orgs   map[string]*sumOrg
	groups map[string]*sumGroup
	lastO  *sumOrg
	lastG  string
	lastAc *sumGroup
}

// sumOrg is an МО as the summariser meets it: its zone, the snapshot's
// calendar day there, and the group it was last counted in.
type sumOrg struct {
	code   string
	loc    *time.Location
	today  int
	seenBy *sumGroup
}

// sumGroup is a group's measures being summed and the МО seen in it.
type sumGroup struct {
	a    *Availability
	orgs map[*sumOrg]struct{}
}

// NewSummariser starts a summary of in.Snapshot; in.Posts is not used
// (each summary carries its post).
func NewSummariser(in Input) *Summariser {
	if in.Zone == nil {
		in.Zone = func(string) *time.Location { return Moscow }
	}
	if in.Group == nil {
		in.Group = func(p Post) string { return p.OrgUnit + "|" + p.Specialty }
	}
	return &Summariser{in: in, orgs: map[string]*sumOrg{}, groups: map[string]*sumGroup{}}
}

func (o *sumOrg) day(t time.Time) int { return civilDay(t, o.loc) - o.today }

// Add counts one post.
func (s *Summariser) Add(p *PostSummary) {
	g := s.in.Group(p.Post)
	if g == "" {
		return
	}
	acc := s.lastAc
	if acc == nil || g != s.lastG {
		if acc = s.groups[g]; acc == nil {
			acc = &sumGroup{a: &Availability{}, orgs: map[*sumOrg]struct{}{}}
			s.groups[g] = acc
		}
		s.lastG, s.lastAc = g, acc
	}
	ou := p.Post.OrgUnit
	o := s.lastO
	if o == nil || o.code != ou {
		if o = s.orgs[ou]; o == nil {
			loc := s.in.Zone(ou)
			if loc == nil {
				loc = Moscow
			}
			o = &sumOrg{code: ou, loc: loc, today: civilDay(s.in.Snapshot, loc)}
			s.orgs[ou] = o
		}
		s.lastO = o
	}
	if o.seenBy != acc {
		acc.orgs[o] = struct{}{}
		o.seenBy = acc
	}
	a := acc.a
	a.Posts++
	if p.EPGU > 0 {
		a.PostsOpen++
	}
	a.Total += p.Total
	a.Free += p.Free
	a.EPGU += p.EPGU
	if !p.FirstFree.IsZero() {
		d := o.day(p.FirstFree)
		if !a.HasFree || d < a.NextFreeDays {
			a.NextFreeDays = d
		}
		a.HasFree = true
		if !p.LastFree.IsZero() {
			a.HorizonDays = max(a.HorizonDays, o.day(p.LastFree))
			if p.LastFree.After(a.LastFree) {
				a.LastFree = p.LastFree
			}
		}
	}
	if !p.ThirdFree.IsZero() {
		a.ThirdNext = append(a.ThirdNext, o.day(p.ThirdFree))
	} else {
		a.PostsWithoutThird++
	}
}

// Result finishes the shares, populations and medians and returns the
// availability by group.
func (s *Summariser) Result() map[string]*Availability {
	out := make(map[string]*Availability, len(s.groups))
	for g, acc := range s.groups {
		a := acc.a
		out[g] = a
		if a.Total > 0 {
			a.EPGUShare = float64(a.EPGU) / float64(a.Total)
		}
		if a.Posts > 0 {
			a.PostsOpenShare = float64(a.PostsOpen) / float64(a.Posts)
		}
		if s.in.Population != nil {
			for o := range acc.orgs {
				if o.code != "" {
					a.Population += s.in.Population(o.code)
				}
			}
		}
		if a.Population > 0 {
			a.FreePer1000 = float64(a.Free) * 1000 / float64(a.Population)
		}
		slices.Sort(a.ThirdNext)
		a.ThirdNextMedian = MedianInts(a.ThirdNext)
	}
	return out
}
