package feed

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// csvLayout is one CSV layout of docs/feed-csv.md: the first header
// column names the resource type.
type csvLayout struct {
	typ      string
	columns  []string
	required []string
}

var csvLayouts = map[string]csvLayout{
	"schedule_id":    {TypeSchedule, []string{"schedule_id", "org_unit", "specialty", "active", "practitioner"}, []string{"org_unit"}},
	"slot_id":        {TypeSlot, []string{"slot_id", "schedule_id", "status", "start", "end", "specialty", "epgu"}, []string{"schedule_id", "status", "start", "end"}},
	"appointment_id": {TypeAppointment, []string{"appointment_id", "status", "org_unit", "specialty", "patient", "slot_id", "channel", "created", "start", "end", "updated", "referral_id", "cancel_reason"}, []string{"status"}},
	"encounter_id":   {TypeEncounter, []string{"encounter_id", "status", "org_unit", "patient", "appointment_id", "start", "end"}, []string{"status"}},
	"document_id":    {TypeDocument, []string{"document_id", "status", "org_unit", "patient", "encounter_id", "date", "remd_registered"}, []string{"status"}},
	"referral_id":    {TypeReferral, []string{"referral_id", "status", "patient", "encounter_id", "authored"}, []string{"status"}},
}

// ReadCSV reads one of the CSV layouts. The delimiter is ',' or ';' (as
// Russian spreadsheets write), taken from the header line.
func ReadCSV(ctx context.Context, r io.Reader, name string, opt Options, sink Sink) (Stats, error) {
	st := newStats()
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(4096)
	head = trimBOM(head)
	cr := csv.NewReader(br)
	if i := strings.IndexAny(string(head), "\r\n"); strings.Count(string(head[:max(i, 0)]), ";") > strings.Count(string(head[:max(i, 0)]), ",") {
		cr.Comma = ';'
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return st, &RecordError{File: name, Line: 1, Err: errors.New("empty file: want a header line")}
	}
	if err != nil {
		return st, csvError(name, err)
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = string(trimBOM([]byte(header[0])))
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(header[i]))
	}
	lay, ok := csvLayouts[header[0]]
	if !ok {
		return st, &RecordError{File: name, Line: 1, Field: header[0], Err: errors.New("first column must be one of schedule_id, slot_id, appointment_id, encounter_id, document_id, referral_id (docs/feed-csv.md)")}
	}
	col := map[string]int{}
	for i, h := range header {
		known := false
		for _, c := range lay.columns {
			known = known || c == h
		}
		if !known {
			return st, &RecordError{File: name, Line: 1, Field: h, Err: fmt.Errorf("unknown column for %s (want %s)", lay.typ, strings.Join(lay.columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return st, &RecordError{File: name, Line: 1, Field: h, Err: errors.New("column appears twice")}
		}
		col[h] = i
	}
	for _, c := range lay.required {
		if _, ok := col[c]; !ok {
			return st, &RecordError{File: name, Line: 1, Field: c, Err: errors.New("required column missing")}
		}
	}
	c := &csvDecoder{col: col, resolve: opt.Resolve, stats: &st}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if n&0xffff == 0 && ctx.Err() != nil {
			return st, ctx.Err()
		}
		c.rec = rec
		if err := c.decode(lay.typ, sink); err != nil {
			return st, recordError(name, line, err)
		}
	}
	return st, nil
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RecordError{File: name, Line: pe.Line, Err: pe.Err}
	}
	return fmt.Errorf("%s: %w", name, err)
}

type csvDecoder struct {
	col     map[string]int
	rec     []string
	resolve Resolver
	stats   *Stats

	schedule    Schedule
	slot        Slot
	appointment Appointment
	encounter   Encounter
	document    Document
	referral    Referral
}

func (c *csvDecoder) get(name string) string {
	i, ok := c.col[name]
	if !ok || i >= len(c.rec) {
		return ""
	}
	return strings.TrimSpace(c.rec[i])
}

func (c *csvDecoder) required(name string) (string, error) {
	v := c.get(name)
	if v == "" {
		return "", ferr(name, "%w", errMissing)
	}
	return v, nil
}

func (c *csvDecoder) time(name string) (time.Time, error) {
	v := c.get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := ParseTime([]byte(v))
	if err != nil {
		return t, ferr(name, "%v", err)
	}
	return t, nil
}

func (c *csvDecoder) bool(name string, def bool) (bool, error) {
	switch strings.ToLower(c.get(name)) {
	case "":
		return def, nil
	case "1", "true", "yes", "да", "y":
		return true, nil
	case "0", "false", "no", "нет", "n":
		return false, nil
	}
	return false, ferr(name, "%q: want true or false", c.get(name))
}

func (c *csvDecoder) org(typ string, mappedElsewhere bool) (code, key string) {
	key = c.get("org_unit")
	if key != "" && c.resolve != nil {
		if code, ok := c.resolve(strings.TrimPrefix(key, "urn:oid:")); ok {
			return code, key
		}
	}
	if !mappedElsewhere {
		c.stats.unmapped(typ, key)
	}
	return "", key
}

func (c *csvDecoder) decode(typ string, sink Sink) error {
	var err error
	switch typ {
	case TypeSchedule:
		s := &c.schedule
		if s.ID, err = c.required("schedule_id"); err != nil {
			return err
		}
		if s.Active, err = c.bool("active", true); err != nil {
			return err
		}
		if _, err = c.required("org_unit"); err != nil {
			return err
		}
		s.Specialty, s.Actor = c.get("specialty"), c.get("practitioner")
		c.stats.Records[typ]++
		s.OrgUnit, s.OrgRef = c.org(typ, false)
		return sink.Schedule(s)
	case TypeSlot:
		s := &c.slot
		if s.ID, err = c.required("slot_id"); err != nil {
			return err
		}
		if s.Schedule, err = c.required("schedule_id"); err != nil {
			return err
		}
		if s.Status, err = c.required("status"); err != nil {
			return err
		}
		if !validSlotStatus(s.Status) {
			return ferr("status", "%q is not a Slot status (%s)", s.Status, strings.Join(SlotStatuses, ", "))
		}
		if s.Start, err = c.time("start"); err != nil {
			return err
		}
		if s.End, err = c.time("end"); err != nil {
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
		if s.EPGU, err = c.bool("epgu", false); err != nil {
			return err
		}
		s.Specialty = c.get("specialty")
		c.stats.Records[typ]++
		return sink.Slot(s)
	case TypeAppointment:
		a := &c.appointment
		if a.ID, err = c.required("appointment_id"); err != nil {
			return err
		}
		if a.Status, err = c.required("status"); err != nil {
			return err
		}
		if !validAppointmentStatus(a.Status) {
			return ferr("status", "%q is not an Appointment status", a.Status)
		}
		if a.Channel = c.get("channel"); a.Channel != "" && !isChannel(a.Channel) {
			return ferr("channel", "%q: want one of %s", a.Channel, strings.Join(Channels, ", "))
		}
		for _, f := range []struct {
			name string
			t    *time.Time
		}{{"created", &a.Created}, {"start", &a.Start}, {"end", &a.End}, {"updated", &a.Updated}} {
			if *f.t, err = c.time(f.name); err != nil {
				return err
			}
		}
		a.Specialty, a.Patient, a.Slot = c.get("specialty"), c.get("patient"), c.get("slot_id")
		a.Referral, a.CancelReason = c.get("referral_id"), c.get("cancel_reason")
		c.stats.Records[typ]++
		a.OrgUnit, a.OrgRef = c.org(typ, a.Slot != "")
		return sink.Appointment(a)
	case TypeEncounter:
		e := &c.encounter
		if e.ID, err = c.required("encounter_id"); err != nil {
			return err
		}
		if e.Status, err = c.required("status"); err != nil {
			return err
		}
		if !validEncounterStatus(e.Status) {
			return ferr("status", "%q is not an Encounter status", e.Status)
		}
		if e.Start, err = c.time("start"); err != nil {
			return err
		}
		if e.End, err = c.time("end"); err != nil {
			return err
		}
		e.Patient, e.Appointment = c.get("patient"), c.get("appointment_id")
		c.stats.Records[typ]++
		e.OrgUnit, e.OrgRef = c.org(typ, e.Appointment != "")
		return sink.Encounter(e)
	case TypeDocument:
		d := &c.document
		if d.ID, err = c.required("document_id"); err != nil {
			return err
		}
		if d.Status, err = c.required("status"); err != nil {
			return err
		}
		if !validDocumentStatus(d.Status) {
			return ferr("status", "%q is not a DocumentReference status", d.Status)
		}
		if d.Date, err = c.time("date"); err != nil {
			return err
		}
		if d.Registered, err = c.time("remd_registered"); err != nil {
			return err
		}
		d.Patient, d.Encounter = c.get("patient"), c.get("encounter_id")
		c.stats.Records[typ]++
		d.OrgUnit, d.OrgRef = c.org(typ, d.Encounter != "")
		return sink.Document(d)
	case TypeReferral:
		f := &c.referral
		if f.ID, err = c.required("referral_id"); err != nil {
			return err
		}
		if f.Status, err = c.required("status"); err != nil {
			return err
		}
		if !validRequestStatus(f.Status) {
			return ferr("status", "%q is not a ServiceRequest status", f.Status)
		}
		if f.Authored, err = c.time("authored"); err != nil {
			return err
		}
		f.Patient, f.Encounter = c.get("patient"), c.get("encounter_id")
		c.stats.Records[typ]++
		return sink.Referral(f)
	}
	return fmt.Errorf("unknown type %s", typ)
}
