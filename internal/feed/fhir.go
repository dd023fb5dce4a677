package feed

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// remdExtension marks a DocumentReference registered in РЭМД; its
// valueDateTime is the registration time (docs/feed-csv.md).
const remdExtension = "remd-registered"

// fieldError is a problem with one field of a resource; the reader adds the
// file and line.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return "field " + e.field + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func ferr(field string, format string, a ...any) error {
	return &fieldError{field: field, err: fmt.Errorf(format, a...)}
}

var errMissing = errors.New("required, missing")

// decoder turns parsed FHIR resources into records. Its records are reused
// between resources.
type decoder struct {
	p       *jsonParser
	resolve Resolver
	sink    Sink
	stats   *Stats

	schedule    Schedule
	slot        Slot
	appointment Appointment
	encounter   Encounter
	document    Document
	referral    Referral

	lastSchedRef, lastSched string
	// slots counts the fast path's Slots, added to stats by flush.
	slots int64
	// generic turns the fast path off (tests compare the two).
	generic bool
}

// flush adds the fast path's counts to the stats.
func (d *decoder) flush() {
	if d.slots > 0 {
		d.stats.Records[TypeSlot] += d.slots
		d.slots = 0
	}
}

// resource decodes the resource at node r and passes it to the sink.
func (d *decoder) resource(r int32) error {
	p := d.p
	if r < 0 || p.nodes[r].kind != kObject {
		return errors.New("a FHIR resource must be a JSON object")
	}
	rt, err := p.bytes(p.get(r, "resourceType"))
	if err != nil {
		return ferr("resourceType", "%v", err)
	}
	switch string(rt) {
	case TypeSlot:
		return d.decodeSlot(r)
	case TypeSchedule:
		return d.decodeSchedule(r)
	case TypeAppointment:
		return d.decodeAppointment(r)
	case TypeEncounter:
		return d.decodeEncounter(r)
	case TypeDocument:
		return d.decodeDocument(r)
	case TypeReferral:
		return d.decodeReferral(r)
	case "":
		return ferr("resourceType", "%w", errMissing)
	default:
		d.stats.Ignored[string(rt)]++
		return nil
	}
}

func (d *decoder) str(o int32, field string) (string, error) {
	s, err := d.p.text(d.p.get(o, field))
	if err != nil {
		return "", ferr(field, "%v", err)
	}
	return s, nil
}

func (d *decoder) required(o int32, field string) (string, error) {
	s, err := d.str(o, field)
	if err == nil && s == "" {
		err = ferr(field, "%w", errMissing)
	}
	return s, err
}

func (d *decoder) time(o int32, field string, path ...string) (time.Time, error) {
	n := d.p.path(o, path...)
	b, err := d.p.bytes(n)
	if err != nil {
		return time.Time{}, ferr(field, "%v", err)
	}
	if len(b) == 0 {
		return time.Time{}, nil
	}
	t, err := ParseTime(b)
	if err != nil {
		return time.Time{}, ferr(field, "%v", err)
	}
	return t, nil
}

// refID returns the id part of a reference "Type/id" when the type matches
// (also for absolute URLs ending so); "" otherwise.
func (d *decoder) refID(ref int32, typ string) string {
	s, _ := d.p.text(d.p.get(ref, "reference"))
	return refIDOf(s, typ)
}

// refIDOf is refID for the reference string s.
func refIDOf(s, typ string) string {
	if s == "" {
		return ""
	}
	if i := strings.LastIndex(s, typ+"/"); i >= 0 && (i == 0 || s[i-1] == '/') {
		id := s[i+len(typ)+1:]
		if j := strings.Index(id, "/_history"); j >= 0 {
			id = id[:j]
		}
		return id
	}
	return ""
}

// org resolves an МО from a Reference: its identifier.value, then its
// "Organization/<id>" or "urn:oid:" reference. It returns the code (or "")
// and the key tried, for the unmapped report.
func (d *decoder) org(ref int32) (code, key string) {
	if ref < 0 {
		return "", ""
	}
	if v, _ := d.p.text(d.p.path(ref, "identifier", "value")); v != "" {
		key = strings.TrimPrefix(v, "urn:oid:")
		if c, ok := d.lookup(key); ok {
			return c, key
		}
	}
	s, _ := d.p.text(d.p.get(ref, "reference"))
	switch {
	case strings.HasPrefix(s, "urn:oid:"):
		k := strings.TrimPrefix(s, "urn:oid:")
		if c, ok := d.lookup(k); ok {
			return c, k
		}
		if key == "" {
			key = k
		}
	case strings.HasPrefix(s, "Organization/") || strings.HasPrefix(s, "Location/"):
		k := s[strings.IndexByte(s, '/')+1:]
		if c, ok := d.lookup(k); ok {
			return c, k
		}
		if key == "" {
			key = s
		}
	}
	return "", key
}

func (d *decoder) lookup(key string) (string, bool) {
	if d.resolve == nil || key == "" {
		return "", false
	}
	return d.resolve(key)
}

// firstOrg tries refs in order and keeps the first resolved МО.
func (d *decoder) firstOrg(refs []int32) (code, key string) {
	for _, r := range refs {
		c, k := d.org(r)
		if c != "" {
			return c, k
		}
		if key == "" {
			key = k
		}
	}
	return "", key
}

func (d *decoder) elems(o int32, field string) []int32 {
	var out []int32
	d.p.each(d.p.get(o, field), func(e int32) { out = append(out, e) })
	return out
}

// code returns the first coding code of the first CodeableConcept in the
// array field (or of the concept itself when it is an object).
func (d *decoder) code(o int32, field string) string {
	return d.codeOf(d.p.get(o, field))
}

// codeOf is code for the field's node n.
func (d *decoder) codeOf(n int32) string {
	if n >= 0 && d.p.nodes[n].kind == kArray {
		n = d.p.nodes[n].first
	}
	if n < 0 {
		return ""
	}
	var out string
	d.p.each(d.p.get(n, "coding"), func(c int32) {
		if out == "" {
			out, _ = d.p.text(d.p.get(c, "code"))
		}
	})
	return out
}

// tags returns meta.tag codes, which carry the booking channel and the ЕПГУ
// flag.
func (d *decoder) hasTag(o int32, want func(string) bool) string {
	return d.tagIn(d.p.get(o, "meta"), want)
}

// tagIn is hasTag for the meta node.
func (d *decoder) tagIn(meta int32, want func(string) bool) string {
	var out string
	d.p.each(d.p.get(meta, "tag"), func(t int32) {
		if out != "" {
			return
		}
		if c, _ := d.p.text(d.p.get(t, "code")); want(c) {
			out = c
		}
	})
	return out
}

func (d *decoder) decodeSlot(r int32) error {
	s := &d.slot
	var err error
	if s.ID, err = d.required(r, "id"); err != nil {
		return err
	}
	sched := d.p.get(r, "schedule")
	if sched < 0 {
		return ferr("schedule", "%w", errMissing)
	}
	// Consecutive slots mostly share a schedule: reuse its id string.
	ref, _ := d.p.bytes(d.p.get(sched, "reference"))
	if d.lastSchedRef == "" || string(ref) != d.lastSchedRef {
		if s.Schedule = d.refID(sched, TypeSchedule); s.Schedule == "" {
			return ferr("schedule", "want a reference Schedule/<id>")
		}
		d.lastSchedRef, d.lastSched = string(ref), s.Schedule
	} else {
		s.Schedule = d.lastSched
	}
	st, err := d.p.bytes(d.p.get(r, "status"))
	if err != nil {
		return ferr("status", "%v", err)
	}
	if s.Status = slotStatus(st); s.Status == "" {
		if len(st) == 0 {
			return ferr("status", "%w", errMissing)
		}
		return ferr("status", "%q is not a Slot status (%s)", st, strings.Join(SlotStatuses, ", "))
	}
	if s.Start, err = d.time(r, "start", "start"); err != nil {
		return err
	}
	if s.End, err = d.time(r, "end", "end"); err != nil {
		return err
	}
	if s.Start.IsZero() {
		return ferr("start", "%w", errMissing)
	}
	if s.End.IsZero() {
		return ferr("end", "%w", errMissing)
	}
	if s.End.Before(s.Start) {
		return ferr("end", "before start")
	}
	s.Specialty = d.code(r, "specialty")
	s.EPGU = d.hasTag(r, isEPGU) != ""
	d.stats.Records[TypeSlot]++
	return d.sink.Slot(s)
}

func (d *decoder) decodeSchedule(r int32) error {
	s := &d.schedule
	var err error
	if s.ID, err = d.required(r, "id"); err != nil {
		return err
	}
	s.Active = true
	if n := d.p.get(r, "active"); n >= 0 {
		switch d.p.nodes[n].kind {
		case kTrue:
		case kFalse:
			s.Active = false
		default:
			return ferr("active", "want true or false")
		}
	}
	actors := d.elems(r, "actor")
	if len(actors) == 0 {
		return ferr("actor", "%w", errMissing)
	}
	s.OrgUnit, s.OrgRef = d.firstOrg(actors)
	s.Actor = ""
	for _, a := range actors {
		if id := d.refID(a, "PractitionerRole"); id != "" {
			s.Actor = "PractitionerRole/" + id
			break
		}
		if id := d.refID(a, "Practitioner"); id != "" && s.Actor == "" {
			s.Actor = "Practitioner/" + id
		}
	}
	s.Specialty = d.code(r, "specialty")
	d.stats.Records[TypeSchedule]++
	if s.OrgUnit == "" {
		d.stats.unmapped(TypeSchedule, s.OrgRef)
	}
	return d.sink.Schedule(s)
}

func (d *decoder) decodeAppointment(r int32) error {
	a := &d.appointment
	var err error
	if a.ID, err = d.required(r, "id"); err != nil {
		return err
	}
	if a.Status, err = d.required(r, "status"); err != nil {
		return err
	}
	if !validAppointmentStatus(a.Status) {
		return ferr("status", "%q is not an Appointment status", a.Status)
	}
	if a.Created, err = d.time(r, "created", "created"); err != nil {
		return err
	}
	if a.Start, err = d.time(r, "start", "start"); err != nil {
		return err
	}
	if a.End, err = d.time(r, "end", "end"); err != nil {
		return err
	}
	if a.Updated, err = d.time(r, "meta.lastUpdated", "meta", "lastUpdated"); err != nil {
		return err
	}
	if a.CancelReason, err = d.str(r, "cancelationReason"); err != nil {
		// cancelationReason is a CodeableConcept: keep its code.
		a.CancelReason = d.code(r, "cancelationReason")
	}
	a.Specialty = d.code(r, "specialty")
	a.Channel = d.hasTag(r, isChannel)
	a.Patient, a.Slot, a.Referral = "", "", ""
	var actors []int32
	for _, pt := range d.elems(r, "participant") {
		act := d.p.get(pt, "actor")
		if id := d.refID(act, "Patient"); id != "" && a.Patient == "" {
			a.Patient = id
			continue
		}
		actors = append(actors, act)
	}
	a.OrgUnit, a.OrgRef = d.firstOrg(actors)
	for _, s := range d.elems(r, "slot") {
		if a.Slot = d.refID(s, TypeSlot); a.Slot != "" {
			break
		}
	}
	for _, b := range d.elems(r, "basedOn") {
		if a.Referral = d.refID(b, TypeReferral); a.Referral != "" {
			break
		}
	}
	d.stats.Records[TypeAppointment]++
	// An appointment without an МO of its own is mapped through its slot's
	// schedule when the slot is known, so only slotless ones are unmapped.
	if a.OrgUnit == "" && a.Slot == "" {
		d.stats.unmapped(TypeAppointment, a.OrgRef)
	}
	return d.sink.Appointment(a)
}

func (d *decoder) decodeEncounter(r int32) error {
	e := &d.encounter
	var err error
	if e.ID, err = d.required(r, "id"); err != nil {
		return err
	}
	if e.Status, err = d.required(r, "status"); err != nil {
		return err
	}
	if !validEncounterStatus(e.Status) {
		return ferr("status", "%q is not an Encounter status", e.Status)
	}
	if e.Start, err = d.time(r, "period.start", "period", "start"); err != nil {
		return err
	}
	if e.End, err = d.time(r, "period.end", "period", "end"); err != nil {
		return err
	}
	e.Patient = d.refID(d.p.get(r, "subject"), "Patient")
	e.Appointment = ""
	for _, a := range d.elems(r, "appointment") {
		if e.Appointment = d.refID(a, TypeAppointment); e.Appointment != "" {
			break
		}
	}
	refs := []int32{d.p.get(r, "serviceProvider")}
	for _, l := range d.elems(r, "location") {
		refs = append(refs, d.p.get(l, "location"))
	}
	e.OrgUnit, e.OrgRef = d.firstOrg(refs)
	d.stats.Records[TypeEncounter]++
	if e.OrgUnit == "" && e.Appointment == "" {
		d.stats.unmapped(TypeEncounter, e.OrgRef)
	}
	return d.sink.Encounter(e)
}

func (d *decoder) decodeDocument(r int32) error {
	doc := &d.document
	var err error
	if doc.ID, err = d.required(r, "id"); err != nil {
		return err
	}
	if doc.Status, err = d.required(r, "status"); err != nil {
		return err
	}
	if !validDocumentStatus(doc.Status) {
		return ferr("status", "%q is not a DocumentReference status", doc.Status)
	}
	if doc.Date, err = d.time(r, "date", "date"); err != nil {
		return err
	}
	doc.Patient = d.refID(d.p.get(r, "subject"), "Patient")
	doc.Encounter = ""
	for _, e := range d.elems(d.p.get(r, "context"), "encounter") {
		if doc.Encounter = d.refID(e, TypeEncounter); doc.Encounter != "" {
			break
		}
	}
	refs := []int32{d.p.get(r, "custodian")}
	refs = append(refs, d.elems(r, "author")...)
	refs = append(refs, d.p.get(r, "authenticator"))
	doc.OrgUnit, doc.OrgRef = d.firstOrg(refs)
	doc.Registered = time.Time{}
	for _, x := range d.elems(r, "extension") {
		url, _ := d.p.text(d.p.get(x, "url"))
		if !strings.HasSuffix(url, remdExtension) {
			continue
		}
		if doc.Registered, err = d.time(x, "extension "+remdExtension, "valueDateTime"); err != nil {
			return err
		}
		if doc.Registered.IsZero() {
			return ferr("extension "+remdExtension, "valueDateTime: %w", errMissing)
		}
	}
	d.stats.Records[TypeDocument]++
	if doc.OrgUnit == "" && doc.Encounter == "" {
		d.stats.unmapped(TypeDocument, doc.OrgRef)
	}
	return d.sink.Document(doc)
}

func (d *decoder) decodeReferral(r int32) error {
	f := &d.referral
	var err error
	if f.ID, err = d.required(r, "id"); err != nil {
		return err
	}
	if f.Status, err = d.required(r, "status"); err != nil {
		return err
	}
	if !validRequestStatus(f.Status) {
		return ferr("status", "%q is not a ServiceRequest status", f.Status)
	}
	if f.Authored, err = d.time(r, "authoredOn", "authoredOn"); err != nil {
		return err
	}
	f.Patient = d.refID(d.p.get(r, "subject"), "Patient")
	f.Encounter = d.refID(d.p.get(r, "encounter"), TypeEncounter)
	d.stats.Records[TypeReferral]++
	return d.sink.Referral(f)
}
