package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// memSink keeps copies of every record.
type memSink struct {
	schedules    []Schedule
	slots        []Slot
	appointments []Appointment
	encounters   []Encounter
	documents    []Document
	referrals    []Referral
}

func (m *memSink) Schedule(r *Schedule) error { m.schedules = append(m.schedules, *r); return nil }
func (m *memSink) Slot(r *Slot) error         { m.slots = append(m.slots, *r); return nil }
func (m *memSink) Appointment(r *Appointment) error {
	m.appointments = append(m.appointments, *r)
	return nil
}
func (m *memSink) Encounter(r *Encounter) error { m.encounters = append(m.encounters, *r); return nil }
func (m *memSink) Document(r *Document) error   { m.documents = append(m.documents, *r); return nil }
func (m *memSink) Referral(r *Referral) error   { m.referrals = append(m.referrals, *r); return nil }

func testResolver(key string) (string, bool) {
	if strings.HasPrefix(key, "1.2.643.5.1.13.13.12.2.") {
		return key, true
	}
	return "", false
}

// Every Schedule, Slot, Appointment, Encounter and DocumentReference
// example of hl7.fhir.r4.examples 4.0.1 is accepted.
func TestFHIRExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/fhir-examples/*-*.json")
	if err != nil || len(files) != 21 {
		t.Fatalf("want the 21 examples, got %d (%v)", len(files), err)
	}
	want := map[string]int64{}
	for _, f := range files {
		typ, _, _ := strings.Cut(filepath.Base(f), "-")
		want[typ]++
		sink := &memSink{}
		st, err := ReadFile(context.Background(), f, Options{Resolve: testResolver}, sink)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if st.Records[typ] != 1 || st.Total() != 1 {
			t.Errorf("%s: records %v, want one %s", f, st.Records, typ)
		}
	}
	if want["Slot"] != 4 || want["Schedule"] != 3 || want["Appointment"] != 3 || want["Encounter"] != 10 || want["DocumentReference"] != 1 {
		t.Errorf("example counts %v", want)
	}
	// Spot-check the decoding of a few fields.
	sink := &memSink{}
	if _, err := ReadFile(context.Background(), "testdata/fhir-examples/Slot-1.json", Options{}, sink); err != nil {
		t.Fatal(err)
	}
	s := sink.slots[0]
	if s.ID != "1" || s.Schedule != "example" || s.Status != "busy" || !s.Start.Equal(time.Date(2013, 12, 25, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Slot-1 decoded as %+v", s)
	}
	sink = &memSink{}
	if _, err := ReadFile(context.Background(), "testdata/fhir-examples/Appointment-example.json", Options{}, sink); err != nil {
		t.Fatal(err)
	}
	a := sink.appointments[0]
	if a.Status != "booked" || a.Patient != "example" || a.Referral != "myringotomy" || a.Specialty != "394814009" ||
		!a.Created.Equal(time.Date(2013, 10, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Appointment-example decoded as %+v", a)
	}
}

func TestReadNDJSON(t *testing.T) {
	sink := &memSink{}
	st, err := ReadFile(context.Background(), "testdata/slots.ndjson", Options{Resolve: testResolver}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records[TypeSlot] != 2 || st.Records[TypeSchedule] != 1 || st.Ignored["Patient"] != 1 {
		t.Errorf("stats %+v", st)
	}
	if sc := sink.schedules[0]; sc.OrgUnit != "1.2.643.5.1.13.13.12.2.71.1000" || sc.Actor != "PractitionerRole/p1" || sc.Specialty != "76" {
		t.Errorf("schedule %+v", sc)
	}
	if s := sink.slots[0]; !s.EPGU || !s.Start.Equal(time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("slot %+v", s)
	}
	if sink.slots[1].EPGU {
		t.Error("slot b is not open to ЕПГУ")
	}
}

func TestReadCSV(t *testing.T) {
	sink := &memSink{}
	st, err := ReadFile(context.Background(), "testdata/slots.csv", Options{}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records[TypeSlot] != 2 || !sink.slots[0].EPGU || sink.slots[1].EPGU || sink.slots[0].Specialty != "76" {
		t.Errorf("slots %+v", sink.slots)
	}
	sink = &memSink{}
	st, err = ReadFile(context.Background(), "testdata/schedules.csv", Options{Resolve: testResolver}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Unmapped[TypeSchedule] != 1 || len(st.UnmappedKeys) != 1 || st.UnmappedKeys[0] != "9.9.9" {
		t.Errorf("unmapped %v %v", st.Unmapped, st.UnmappedKeys)
	}
}

func TestRecordErrors(t *testing.T) {
	slot := `{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s"},"status":"free","start":"2026-01-01T09:00:00Z","end":"2026-01-01T09:15:00Z"}`
	tests := []struct {
		name, format, body string
		line               int
		want               string
	}{
		{"bad time in the middle", "x.ndjson", slot + "\n" + strings.Replace(slot, "09:00:00Z", "25:00:00Z", 1) + "\n" + slot, 2, "x.ndjson line 2: field start:"},
		{"syntax", "x.ndjson", slot + "\n{\"resourceType\":\"Slot\",\n", 2, "x.ndjson line 2: invalid JSON"},
		{"status", "x.ndjson", strings.Replace(slot, `"free"`, `"open"`, 1), 1, `field status: "open" is not a Slot status`},
		{"no schedule", "x.ndjson", strings.Replace(slot, `"schedule"`, `"x"`, 1), 1, "field schedule: required, missing"},
		{"end before start", "x.ndjson", strings.Replace(slot, "09:15", "08:15", 1), 1, "field end: before start"},
		{"bundle entry", "b.json", "{\"resourceType\":\"Bundle\",\"entry\":[\n{\"resource\":" + slot + "},\n{\"resource\":" + strings.Replace(slot, `"id":"a"`, `"id":""`, 1) + "}]}", 3, "b.json line 3: field id: required, missing"},
		{"csv status", "x.csv", "slot_id,schedule_id,status,start,end\na,s,free,2026-01-01,2026-01-01\nb,s,busy,2026-01-01,2026-13-01\n", 3, "x.csv line 3: field end:"},
		{"csv unknown column", "x.csv", "slot_id,schedule,status,start,end\n", 1, "field schedule: unknown column"},
		{"csv layout", "x.csv", "id,status\n", 1, "first column must be"},
		{"csv channel", "x.csv", "appointment_id,status,channel\na,booked,web\n", 2, `field channel: "web"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format, _ := DetectFormat(tt.format)
			_, err := Read(context.Background(), strings.NewReader(tt.body), tt.format, format, Options{}, &memSink{})
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a RecordError", err)
			}
			if re.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q (line %d), want line %d and %q", err, re.Line, tt.line, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"2026", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"2026-02", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), false},
		{"2026-02-28", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), false},
		{"2026-02-29", time.Time{}, true},
		{"2026-11-23T09:00:00+03:00", time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC), false},
		{"2026-11-23T00:30:00+10:00", time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC), false},
		{"2026-11-23T09:00:00.25Z", time.Date(2026, 11, 23, 9, 0, 0, 250e6, time.UTC), false},
		{"2026-11-23T09:00-05:00", time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC), false},
		{"2026-11-23T24:00:00Z", time.Time{}, true},
		{"2026-11-23 09:00:00Z", time.Time{}, true},
		{"2026-11-23T09:00:00+3", time.Time{}, true},
		{"26-11-23", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTime([]byte(tt.in))
		if (err != nil) != tt.bad || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestDetectFormat(t *testing.T) {
	for name, want := range map[string]Format{"a.ndjson": NDJSON, "Slot.ndjson.gz": NDJSON, "b.JSON": JSON, "c.jsonl": NDJSON, "d.csv": CSV} {
		if got, err := DetectFormat(name); err != nil || got != want {
			t.Errorf("DetectFormat(%s) = %v, %v", name, got, err)
		}
	}
	if _, err := DetectFormat("x.xml"); err == nil {
		t.Error("x.xml accepted")
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

func TestReadGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	raw, err := os.ReadFile("testdata/slots.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(raw)
	zw.Close()
	path := filepath.Join(t.TempDir(), "Slot.ndjson.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := ReadFile(context.Background(), path, Options{}, &memSink{})
	if err != nil || st.Records[TypeSlot] != 2 {
		t.Errorf("gzip: %v %v", st.Records, err)
	}
}
