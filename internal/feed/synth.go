package feed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/cifra-health/cifra/internal/rufmt"
)

// SynthMO is a medical organisation the synthetic feed is made for.
type SynthMO struct {
	Code       string
	Population int64
	Zone       *time.Location
}

// SynthOptions size and place the synthetic feed.
type SynthOptions struct {
	Patients int // booking episodes
	Seed     uint64
	// Snapshot is the time of the slot snapshot; bookings are made in the
	// 61 days before it and visits fall around it.
	Snapshot time.Time
	// HorizonDays of slots published after the snapshot (default 14).
	HorizonDays int
}

// synthSpecialties: code, share of bookings, first contact.
var synthSpecialties = []struct {
	code  string
	share float64
}{
	{"therapist", 0.45}, {"pediatrician", 0.2}, {"gp", 0.1}, {"cardiology", 0.1}, {"neurology", 0.08}, {"ophthalmology", 0.07},
}

// Synthesize writes a deterministic synthetic feed to sink: a schedule per
// doctor post, a snapshot of their slots, and for each patient a booking
// episode with realistic shares and delays — channel, cancellation,
// no-show, the visit, an ЭМД and its registration in РЭМД, sometimes a
// referral and the next booking on it. Each МО gets its own "maturity"
// that moves its ЕПГУ share, РЭМД share and delays together, so that the
// measures spread across МО as in real data. Nothing in it is statistics.
func Synthesize(ctx context.Context, mos []SynthMO, opt SynthOptions, sink Sink) (Stats, error) {
	st := newStats()
	if len(mos) == 0 {
		return st, fmt.Errorf("synthetic feed: no medical organisations (run cifra demo first)")
	}
	if opt.HorizonDays == 0 {
		opt.HorizonDays = 14
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x66656564))
	type moState struct {
		SynthMO
		maturity float64 // 0..1
		posts    map[string][]string
		weight   float64
	}
	ms := make([]moState, len(mos))
	var total float64
	for i, m := range mos {
		if m.Zone == nil {
			m.Zone = rufmt.Moscow()
		}
		ms[i] = moState{SynthMO: m, maturity: 1 / (1 + math.Exp(-rng.NormFloat64()*1.2)), posts: map[string][]string{}}
		ms[i].weight = float64(max(m.Population, 1000))
		total += ms[i].weight
	}
	// Posts in proportion to the bookings they will take.
	perPost := 300.0 // booking episodes per post over the two months
	var sched Schedule
	var slot Slot
	for i := range ms {
		m := &ms[i]
		expected := float64(opt.Patients) * m.weight / total
		for _, sp := range synthSpecialties {
			// Every МО has a therapist post; other posts only where the
			// bookings warrant one, so a small demo stays small.
			n := int(math.Round(expected * sp.share / perPost))
			if n == 0 && sp.code == "therapist" {
				n = 1
			}
			for k := range n {
				id := fmt.Sprintf("%s-%s-%d", m.Code, sp.code, k+1)
				m.posts[sp.code] = append(m.posts[sp.code], id)
				sched = Schedule{ID: id, Active: true, OrgUnit: m.Code, OrgRef: m.Code, Specialty: sp.code, Actor: "PractitionerRole/" + id}
				st.Records[TypeSchedule]++
				if err := sink.Schedule(&sched); err != nil {
					return st, err
				}
				// Slots: working days, 08:00–12:00 local, 15 minutes. Busier
				// posts (fewer free slots) in less mature МО; ЕПГУ opens a
				// share of the posts' slots that grows with maturity.
				freeP := 0.1 + 0.35*m.maturity*rng.Float64()
				epguP := 0.3 + 0.6*m.maturity
				openPost := rng.Float64() < 0.6+0.4*m.maturity
				day0 := opt.Snapshot.In(m.Zone)
				for d := 0; d <= opt.HorizonDays; d++ {
					day := time.Date(day0.Year(), day0.Month(), day0.Day()+d, 8, 0, 0, 0, m.Zone)
					if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
						continue
					}
					for q := range 16 {
						start := day.Add(time.Duration(q) * 15 * time.Minute)
						if start.Before(opt.Snapshot) {
							continue
						}
						slot = Slot{ID: fmt.Sprintf("%s-%d-%d", id, d, q), Schedule: id, Status: "busy", Start: start.UTC(), End: start.Add(15 * time.Minute).UTC(), Specialty: sp.code}
						// Far-ahead slots are more often free.
						if rng.Float64() < freeP*(0.5+float64(d)/float64(opt.HorizonDays)) {
							slot.Status = "free"
						}
						slot.EPGU = openPost && rng.Float64() < epguP
						st.Records[TypeSlot]++
						if err := sink.Slot(&slot); err != nil {
							return st, err
						}
					}
				}
			}
		}
	}
	var appt Appointment
	var enc Encounter
	var doc Document
	var ref Referral
	channels := []string{"epgu", "call-centre", "registry", "infomat", "mis"}
	pick := func(x float64) *moState {
		for i := range ms {
			x -= ms[i].weight
			if x <= 0 {
				return &ms[i]
			}
		}
		return &ms[len(ms)-1]
	}
	for p := range opt.Patients {
		if p&0xffff == 0 && ctx.Err() != nil {
			return st, ctx.Err()
		}
		m := pick(rng.Float64() * total)
		x := rng.Float64()
		sp := synthSpecialties[len(synthSpecialties)-1].code
		for _, s := range synthSpecialties {
			if x -= s.share; x <= 0 {
				sp = s.code
				break
			}
		}
		patient := fmt.Sprintf("demo-p%d", p+1)
		created := opt.Snapshot.Add(-time.Duration(rng.Float64()*61*24) * time.Hour)
		id := fmt.Sprintf("demo-a%d", p+1)
		next, err := synthEpisode(rng, m.Code, m.maturity, sp, patient, id, "", created, opt.Snapshot, channels, &appt, &enc, &doc, &ref, sink, &st)
		if err != nil {
			return st, err
		}
		// A referral leads to the next booking in most cases, within days.
		if next != nil && rng.Float64() < 0.55+0.3*m.maturity {
			created := next.Authored.Add(time.Duration(rng.ExpFloat64()*4*24) * time.Hour)
			nsp := synthSpecialties[3+rng.IntN(3)].code
			if _, err := synthEpisode(rng, m.Code, m.maturity, nsp, patient, id+"-next", next.ID, created, opt.Snapshot, channels, &appt, &enc, &doc, &ref, sink, &st); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// synthEpisode emits one booking and what follows it, and returns the
// referral issued at the visit, if any. Events after now are not emitted:
// the feed is what the systems know at the snapshot.
func synthEpisode(rng *rand.Rand, mo string, maturity float64, sp, patient, id, basedOn string, created, now time.Time, channels []string,
	appt *Appointment, enc *Encounter, doc *Document, ref *Referral, sink Sink, st *Stats) (*Referral, error) {
	if created.After(now) {
		return nil, nil
	}
	lead := time.Duration((0.3+rng.ExpFloat64()*(7-3*maturity))*24) * time.Hour
	start := created.Add(lead).Truncate(15 * time.Minute)
	ch := channels[2]
	switch x := rng.Float64(); {
	case x < 0.2+0.45*maturity:
		ch = "epgu"
	case x < 0.35+0.45*maturity:
		ch = "call-centre"
	case x < 0.4+0.45*maturity:
		ch = "infomat"
	case x < 0.55+0.45*maturity:
		ch = "mis"
	}
	*appt = Appointment{ID: id, Status: "booked", OrgUnit: mo, OrgRef: mo, Specialty: sp, Patient: patient, Channel: ch,
		Created: created, Start: start, End: start.Add(15 * time.Minute), Referral: basedOn}
	// No-shows rise with lead time (TECH-NOTES): 5 % at a day, ~25 % at a month.
	noShow := 0.05 + 0.2*min(1, lead.Hours()/24/30)
	var visit time.Time
	switch x := rng.Float64(); {
	case x < 0.08:
		appt.Status = "cancelled"
		appt.Updated = created.Add(time.Duration(rng.Float64()*float64(lead)) + time.Minute)
		if appt.Updated.After(now) {
			appt.Status, appt.Updated = "booked", time.Time{}
		}
	case start.After(now):
	case x < 0.08+noShow:
		appt.Status = "noshow"
	default:
		appt.Status = "fulfilled"
		visit = start.Add(time.Duration(rng.IntN(20)) * time.Minute)
	}
	st.Records[TypeAppointment]++
	if err := sink.Appointment(appt); err != nil {
		return nil, err
	}
	if visit.IsZero() {
		return nil, nil
	}
	*enc = Encounter{ID: id + "-v", Status: "finished", OrgUnit: mo, OrgRef: mo, Patient: patient, Appointment: id, Start: visit, End: visit.Add(15 * time.Minute)}
	st.Records[TypeEncounter]++
	if err := sink.Encounter(enc); err != nil {
		return nil, err
	}
	if rng.Float64() < 0.7+0.28*maturity {
		date := visit.Add(time.Duration(rng.Float64()*3*3600) * time.Second)
		*doc = Document{ID: id + "-d", Status: "current", OrgUnit: mo, OrgRef: mo, Patient: patient, Encounter: enc.ID, Date: date}
		if date.After(now) {
			return nil, nil
		}
		if rng.Float64() < 0.4+0.55*maturity {
			// Log-normal delay: median from about 4 days down to a few hours.
			med := 4 * 24 * math.Pow(0.05, maturity)
			reg := date.Add(time.Duration(med*math.Exp(rng.NormFloat64()*0.9)*3600) * time.Second)
			if !reg.After(now) {
				doc.Registered = reg
			}
		}
		st.Records[TypeDocument]++
		if err := sink.Document(doc); err != nil {
			return nil, err
		}
	}
	if rng.Float64() < 0.15 {
		*ref = Referral{ID: id + "-r", Status: "active", Patient: patient, Encounter: enc.ID, Authored: visit.Add(10 * time.Minute)}
		st.Records[TypeReferral]++
		if err := sink.Referral(ref); err != nil {
			return nil, err
		}
		r := *ref
		return &r, nil
	}
	return nil, nil
}
