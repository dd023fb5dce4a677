package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// ParseTime's civil-day arithmetic agrees with time.Date.
func TestParseTimeCivil(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		y, mo := r.IntN(10000), 1+r.IntN(12)
		d := 1 + r.IntN(daysIn(y, mo))
		hh, mm, ss := r.IntN(24), r.IntN(60), r.IntN(60)
		oh, om := r.IntN(15), r.IntN(60)
		sign := "+"
		off := oh*3600 + om*60
		if r.IntN(2) == 0 {
			sign, off = "-", -off
		}
		in := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%s%02d:%02d", y, mo, d, hh, mm, ss, sign, oh, om)
		want := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC).Add(-time.Duration(off) * time.Second)
		got, err := ParseTime([]byte(in))
		if err != nil || got != want {
			t.Fatalf("ParseTime(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	for y := range 10000 {
		for mo := 1; mo <= 12; mo++ {
			if want := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day(); daysIn(y, mo) != want {
				t.Fatalf("daysIn(%d, %d) = %d, want %d", y, mo, daysIn(y, mo), want)
			}
		}
	}
}

// decodeLine runs one line through the fast or the general path.
func decodeLine(line []byte, generic bool) (Slot, Stats, error) {
	st := newStats()
	sink := &memSink{}
	d := &decoder{p: &jsonParser{}, sink: sink, stats: &st, generic: generic}
	err := d.line(line)
	d.flush()
	var s Slot
	if len(sink.slots) == 1 {
		s = sink.slots[0]
	}
	return s, st, err
}

// checkFast fails when the fast path accepts a line and decodes it
// differently from the general path.
func checkFast(t *testing.T, line []byte) bool {
	t.Helper()
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return false
	}
	d := &decoder{p: &jsonParser{}, sink: nopSink{}, stats: &Stats{}}
	if !d.fastSlot(line) {
		return false
	}
	fast := d.slot
	slow, st, err := decodeLine(line, true)
	if err != nil {
		t.Fatalf("fast path accepted %q, general path: %v", line, err)
	}
	if st.Records[TypeSlot] != 1 || !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q:\nfast    %+v\ngeneral %+v", line, fast, slow)
	}
	return true
}

var fastCases = []string{
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00+03:00","end":"2026-11-23T09:15:00+03:00"}`,
	`{ "resourceType" : "Slot" , "id":"a", "meta":{"versionId":"2","tag":[{"system":"x","code":"mis"},{"code":"epgu"}]},"schedule":{"reference":"https://h/fhir/Schedule/s1/_history/3","display":"Д-р"},"status":"busy-tentative","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:00:00Z","specialty":[{"coding":[{"system":"s","code":"76"}]}],"comment":"x\u00e9","overbooked":false,"n":[1,2.5e3,null]}`,
	`{"id":"a","status":"free","start":"2026-11-23","end":"2026-11-24","schedule":{"reference":"Schedule/s1"},"resourceType":"Slot"}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00+03:00","end":"2026-11-23T08:15:00+03:00"}`,
	`{"resourceType":"Slot","id":"a","id":"b","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"fre\u0065","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","i\u0064":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Practitioner/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"open","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z",}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z","x":[}`,
	`{"resourceType":"Slot","id":"","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","id":"a","schedule":"Schedule/s1","status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z"}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":5}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z","meta":{"tag":["epgu",{"code":"epgu"}]}}`,
	`{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00Z","end":"2026-11-23T09:15:00Z","specialty":{"coding":[{"code":7},{"code":"8"}]}}`,
	`{"resourceType":"Patient","id":"a"}`,
	`{}`,
	`{"resourceType":"Slot"`,
	"{\"resourceType\":\"Slot\",\"id\":\"a\tb\",\"schedule\":{\"reference\":\"Schedule/s1\"},\"status\":\"free\",\"start\":\"2026-11-23T09:00:00Z\",\"end\":\"2026-11-23T09:15:00Z\"}",
}

// The fast path and the general path return identical records; lines the
// fast path declines are still read (or rejected) by the general path.
func TestFastSlotDifferential(t *testing.T) {
	accepted := 0
	for _, c := range fastCases {
		if checkFast(t, []byte(c)) {
			accepted++
		}
	}
	if accepted < 4 {
		t.Errorf("fast path took %d of the cases, want at least 4", accepted)
	}
	// Whole readers agree, records and errors.
	files := []string{"testdata/slots.ndjson", "testdata/bad-middle.ndjson"}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte{'\n'}) {
			checkFast(t, line)
		}
	}
	data := append(slotNDJSON(3000), []byte(strings.Join(fastCases, "\n"))...)
	for i := 0; i < len(data); i += 977 {
		fast, fastErr := readAll(data[:i], false)
		slow, slowErr := readAll(data[:i], true)
		if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("prefix %d: fast %v / general %v", i, fastErr, slowErr)
		}
	}
}

func readAll(data []byte, generic bool) ([]Slot, error) {
	st := newStats()
	sink := &memSink{}
	p := &jsonParser{}
	d := &decoder{p: p, sink: sink, stats: &st, generic: generic}
	for i, line := range bytes.Split(data, []byte{'\n'}) {
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if err := d.line(t); err != nil {
				return sink.slots, recordError("x", i+1, err)
			}
		}
	}
	return sink.slots, nil
}

// The fast path never disagrees with the general one.
func FuzzFastSlot(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		checkFast(t, line)
	})
}

// readBlocks decodes data with n goroutines.
func readBlocks(data []byte, n int) ([]Slot, Stats, error) {
	b := NewBlocks(context.Background(), bytes.NewReader(data), "b.ndjson", Options{})
	var mu sync.Mutex
	var out []Slot
	var wg sync.WaitGroup
	for range n {
		dec := b.NewDecoder()
		wg.Go(func() {
			for s := dec.Next(); s != nil; s = dec.Next() {
				mu.Lock()
				out = append(out, *s)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, b.Stats(), b.Err()
}

// Blocks read what ReadNDJSON reads, in any split, and report the first
// bad line.
func TestBlocks(t *testing.T) {
	defer func(n int) { blockSize = n }(blockSize)
	data := slotNDJSON(5000)
	data = append(data, "\n  \n"...)
	data = append(data, `{"resourceType":"Patient","id":"p"}`...) // no final newline
	sink := &memSink{}
	want, err := ReadNDJSON(context.Background(), bytes.NewReader(data), "b.ndjson", Options{}, sink)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(sink.slots, func(i, j int) bool { return sink.slots[i].ID < sink.slots[j].ID })
	for _, bs := range []int{1, 100, 4096, 256 << 10} {
		blockSize = bs
		for _, n := range []int{1, 3} {
			got, st, err := readBlocks(data, n)
			if err != nil || !reflect.DeepEqual(got, sink.slots) || !reflect.DeepEqual(st.Records, want.Records) || !reflect.DeepEqual(st.Ignored, want.Ignored) {
				t.Fatalf("block %d, %d decoders: %d slots, %v, %v; want %d, %v", bs, n, len(got), st, err, len(sink.slots), want)
			}
		}
		// Errors: the first bad line, whatever the split.
		bad := bytes.Replace(data, []byte(`"id":"slot-3001"`), []byte(`"id":3001`), 1)
		bad = bytes.Replace(bad, []byte(`"id":"slot-4001"`), []byte(`"id":4001`), 1)
		_, wantErr := ReadNDJSON(context.Background(), bytes.NewReader(bad), "b.ndjson", Options{}, &memSink{})
		for _, n := range []int{1, 2} {
			_, _, err := readBlocks(bad, n)
			var re *RecordError
			if !errors.As(err, &re) || err.Error() != wantErr.Error() || re.Line != 3002 {
				t.Fatalf("block %d: err %v, want %v", bs, err, wantErr)
			}
		}
		mixed := append(append([]byte{}, data[:bytes.LastIndexByte(data[:len(data)/2], '\n')+1]...), "{\"resourceType\":\"Schedule\",\"id\":\"s\",\"actor\":[{\"reference\":\"Practitioner/x\"}]}\n"...)
		if _, _, err := readBlocks(mixed, 2); !errors.Is(err, ErrNotSlots) {
			t.Fatalf("mixed: %v", err)
		}
	}
}
