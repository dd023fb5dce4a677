// Package slots computes appointment-slot availability and booking
// measures from schedule snapshots and appointments. It is pure logic over
// plain records: the store loads them, the caller chooses the grouping
// (МО, specialty, region, day).
package slots

import (
	"slices"
	"strings"
	"time"

	"github.com/cifra-health/cifra/internal/rufmt"
)

// Post is a doctor post: one Schedule.
type Post struct {
	ID        string // schedule id
	OrgUnit   string // МО code; "" when unmapped
	Specialty string
	Active    bool
}

// Slot is one slot of a snapshot.
type Slot struct {
	Schedule   string
	Status     string
	Start, End time.Time
	EPGU       bool
}

// Availability are the slot measures of one group in one snapshot. Only
// slots starting at or after the snapshot time count (the forward horizon);
// entered-in-error slots never count.
type Availability struct {
	Total int64 // slots in the horizon
	Free  int64 // status free
	EPGU  int64 // slots open to ЕПГУ, whatever their status
	// EPGUShare is EPGU / Total (0..1).
	EPGUShare float64
	// FreePer1000 is free slots per 1,000 attached population of the
	// group's МО (0 when the population is unknown).
	FreePer1000 float64
	Population  int64
	// HorizonDays is how many calendar days ahead, in the МО's zone, the
	// last free slot lies (0: today or none; see HasFree).
	HorizonDays int
	// LastFree is the start of the last free slot of any post (the
	// booking horizon's end); zero when there is none.
	LastFree time.Time
	HasFree  bool
	// NextFreeDays is the calendar days to the earliest free slot of any
	// post (valid when HasFree).
	NextFreeDays int
	// ThirdNext is, per post, the calendar days in the МО's zone from the
	// snapshot to the start of the third free slot after it (IHI "third
	// next available appointment"). ThirdNextMedian is their median over the
	// posts that have three free slots; PostsWithoutThird counts the others.
	ThirdNext         []int
	ThirdNextMedian   float64
	PostsWithoutThird int
	// Posts are the schedules with a slot in the horizon; PostsOpen those
	// with at least one slot open to ЕПГУ (self-booking).
	Posts, PostsOpen int
	PostsOpenShare   float64
}

// Input is what Compute needs besides the slots.
type Input struct {
	Snapshot time.Time
	Posts    map[string]Post // by schedule id
	// Zone gives an МО's time zone (nil: Moscow time for all).
	Zone func(orgUnit string) *time.Location
	// Population gives an МО's attached population (nil: unknown).
	Population func(orgUnit string) int64
	// Group names a post's group ("" drops the post). Nil groups by МО and
	// specialty: "<МО>|<specialty>".
	Group func(Post) string
}

// Moscow is rufmt.Moscow(), the zone used when an МО has none; kept for
// the store's feed queries, which read it.
var Moscow = rufmt.Moscow()

// Compute returns the availability of each group. Slots whose schedule is
// unknown are grouped under the post {ID: schedule} with no МО, so they are
// visible rather than dropped.
func Compute(in Input, slots []Slot) map[string]*Availability {
	if in.Zone == nil {
		in.Zone = func(string) *time.Location { return rufmt.Moscow() }
	}
	if in.Group == nil {
		in.Group = func(p Post) string { return p.OrgUnit + "|" + p.Specialty }
	}
	type postState struct {
		post  Post
		free  []time.Time
		slots int
		epgu  bool
	}
	posts := map[string]*postState{}
	for _, s := range slots {
		if s.Status == "entered-in-error" || s.Start.Before(in.Snapshot) {
			continue
		}
		ps := posts[s.Schedule]
		if ps == nil {
			p, ok := in.Posts[s.Schedule]
			if !ok {
				p = Post{ID: s.Schedule, Active: true}
			}
			ps = &postState{post: p}
			posts[s.Schedule] = ps
		}
		ps.slots++
		ps.epgu = ps.epgu || s.EPGU
		if s.Status == "free" {
			ps.free = append(ps.free, s.Start)
		}
	}
	out := map[string]*Availability{}
	orgs := map[string]map[string]bool{} // group → МО seen
	for _, ps := range posts {
		g := in.Group(ps.post)
		if g == "" {
			continue
		}
		a := out[g]
		if a == nil {
			a = &Availability{}
			out[g] = a
			orgs[g] = map[string]bool{}
		}
		orgs[g][ps.post.OrgUnit] = true
		loc := in.Zone(ps.post.OrgUnit)
		if loc == nil {
			loc = rufmt.Moscow()
		}
		today := civilDay(in.Snapshot, loc)
		a.Posts++
		if ps.epgu {
			a.PostsOpen++
		}
		a.Total += int64(ps.slots)
		a.Free += int64(len(ps.free))
		if len(ps.free) > 0 {
			slices.SortFunc(ps.free, func(x, y time.Time) int { return x.Compare(y) })
			first := civilDay(ps.free[0], loc) - today
			if !a.HasFree || first < a.NextFreeDays {
				a.NextFreeDays = first
			}
			a.HasFree = true
			last := ps.free[len(ps.free)-1]
			a.HorizonDays = max(a.HorizonDays, civilDay(last, loc)-today)
			if last.After(a.LastFree) {
				a.LastFree = last
			}
		}
		if len(ps.free) >= 3 {
			a.ThirdNext = append(a.ThirdNext, civilDay(ps.free[2], loc)-today)
		} else {
			a.PostsWithoutThird++
		}
	}
	// EPGU counts slots, not posts: a second pass over the slots keeps the
	// post loop simple.
	for _, s := range slots {
		if !s.EPGU || s.Status == "entered-in-error" || s.Start.Before(in.Snapshot) {
			continue
		}
		if g := in.Group(posts[s.Schedule].post); g != "" {
			out[g].EPGU++
		}
	}
	for g, a := range out {
		if a.Total > 0 {
			a.EPGUShare = float64(a.EPGU) / float64(a.Total)
		}
		if a.Posts > 0 {
			a.PostsOpenShare = float64(a.PostsOpen) / float64(a.Posts)
		}
		if in.Population != nil {
			for o := range orgs[g] {
				if o != "" {
					a.Population += in.Population(o)
				}
			}
			if a.Population > 0 {
				a.FreePer1000 = float64(a.Free) * 1000 / float64(a.Population)
			}
		}
		slices.Sort(a.ThirdNext)
		a.ThirdNextMedian = MedianInts(a.ThirdNext)
	}
	return out
}

// civilDay numbers the calendar day of t in loc (days since 1970-01-01 in
// that zone), so that differences are calendar days, not 24-hour spans.
func civilDay(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// MedianInts is the median of sorted xs (NaN-free: 0 for none).
func MedianInts(xs []int) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}

// ParseZone is rufmt.ParseZone, kept for the store's feed queries.
func ParseZone(s string) (*time.Location, error) { return rufmt.ParseZone(s) }

// FirstContact are the specialty codes of first-contact doctors
// (therapist, paediatrician, general practitioner) whose availability the
// norms watch: Cifra's own codes of docs/feed-csv.md and the SNOMED CT
// practice codes FHIR examples use.
var FirstContact = map[string]string{
	"therapist":    "участковый терапевт",
	"pediatrician": "участковый педиатр",
	"gp":           "врач общей практики",
	"394802001":    "участковый терапевт", // SNOMED CT: General medicine
	"394537008":    "участковый педиатр",  // SNOMED CT: Paediatric specialty
	"394814009":    "врач общей практики", // SNOMED CT: General practice
	"419772000":    "врач общей практики", // SNOMED CT: Family practice
}

// FirstContactNormDays is the wait the programme of state guarantees allows
// for a first-contact doctor (therapist, paediatrician, general
// practitioner): no more than 24 hours from the request, i.e. a free slot
// today or tomorrow.
const FirstContactNormDays = 1

// Alert is a first-contact specialty of an МО with no free slot within the
// norm.
type Alert struct {
	OrgUnit, Specialty string
	// NextFreeDays is the wait to the first free slot; -1 when the horizon
	// has none at all.
	NextFreeDays int
}

// Alerts lists, from availability grouped by МО and specialty (Compute's
// default "<МО>|<specialty>" keys), the first-contact specialties with no
// free slot within normDays, sorted by МО and specialty.
func Alerts(av map[string]*Availability, normDays int) []Alert {
	var out []Alert
	for k, a := range av {
		ou, sp, ok := strings.Cut(k, "|")
		if _, first := FirstContact[sp]; !ok || !first {
			continue
		}
		switch {
		case !a.HasFree:
			out = append(out, Alert{ou, sp, -1})
		case a.NextFreeDays > normDays:
			out = append(out, Alert{ou, sp, a.NextFreeDays})
		}
	}
	slices.SortFunc(out, func(x, y Alert) int {
		if c := strings.Compare(x.OrgUnit, y.OrgUnit); c != 0 {
			return c
		}
		return strings.Compare(x.Specialty, y.Specialty)
	})
	return out
}
