package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
)

const testMO = "1.2.643.5.1.13.13.12.2.71.1000"

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const feedNDJSON = `{"resourceType":"Schedule","id":"s1","actor":[{"reference":"PractitionerRole/p1"},{"identifier":{"value":"urn:oid:` + testMO + `"}}],"specialty":[{"coding":[{"code":"76"}]}]}
{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00+03:00","end":"2026-11-23T09:15:00+03:00","meta":{"tag":[{"code":"epgu"}]}}
{"resourceType":"Slot","id":"b","schedule":{"reference":"Schedule/s1"},"status":"busy","start":"2026-11-23T09:15:00+03:00","end":"2026-11-23T09:30:00+03:00"}
{"resourceType":"Appointment","id":"ap1","status":"booked","slot":[{"reference":"Slot/b"}],"created":"2026-11-20T10:00:00+03:00","start":"2026-11-23T09:15:00+03:00","participant":[{"actor":{"reference":"Patient/p9"}}],"meta":{"tag":[{"code":"epgu"}]}}
{"resourceType":"Encounter","id":"e1","status":"finished","appointment":[{"reference":"Appointment/ap1"}],"serviceProvider":{"reference":"Organization/` + testMO + `"},"period":{"start":"2026-11-23T09:20:00+03:00"}}
{"resourceType":"DocumentReference","id":"d1","status":"current","context":{"encounter":[{"reference":"Encounter/e1"}]},"date":"2026-11-23T10:00:00+03:00","extension":[{"url":"https://cifra.health/fhir/StructureDefinition/remd-registered","valueDateTime":"2026-11-24T10:00:00+03:00"}]}
{"resourceType":"Encounter","id":"e2","status":"finished","serviceProvider":{"reference":"Organization/unknown"}}
`

func TestLoadFeedIdempotentAndAtomic(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		path := writeFile(t, "feed.ndjson", feedNDJSON)
		snap := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
		sum, err := s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: snap})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Skipped || sum.Stats.Total() != 7 || sum.Stats.Unmapped[feed.TypeEncounter] != 1 || sum.Stats.UnmappedKeys[0] != "Organization/unknown" {
			t.Errorf("summary %+v", sum)
		}
		want := map[string]int64{"feed_files": 1, "feed_schedules": 1, "feed_slots": 2, "feed_appointments": 1, "feed_encounters": 2, "feed_documents": 1, "feed_referrals": 0}
		check := func(when string) {
			t.Helper()
			got, err := s.FeedCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %s has %d rows, want %d", when, k, got[k], v)
				}
			}
		}
		check("first load")
		var org string
		var epgu bool
		if err := s.queryRow(ctx, `SELECT org_unit FROM feed_schedules`).Scan(&org); err != nil || org != testMO {
			t.Errorf("schedule org %q, %v", org, err)
		}
		if err := s.queryRow(ctx, `SELECT epgu FROM feed_slots WHERE id = 'a' AND snapshot = ?`, snap).Scan(&epgu); err != nil || !epgu {
			t.Errorf("slot a epgu %v, %v", epgu, err)
		}

		// The same file again changes nothing.
		sum, err = s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: snap})
		if err != nil || !sum.Skipped {
			t.Fatalf("reload: skipped=%v err=%v", sum.Skipped, err)
		}
		check("reload")

		// A changed file with the same snapshot replaces rows by id, no duplicates.
		path2 := writeFile(t, "feed2.ndjson", strings.Replace(feedNDJSON, `"status":"busy"`, `"status":"free"`, 1))
		if _, err := s.LoadFeedFile(ctx, path2, FeedOptions{Actor: "test", Snapshot: snap}); err != nil {
			t.Fatal(err)
		}
		want["feed_files"] = 2
		check("changed file")
		var free int
		if err := s.queryRow(ctx, `SELECT count(*) FROM feed_slots WHERE status = 'free'`).Scan(&free); err != nil || free != 2 {
			t.Errorf("free slots after update = %d, %v", free, err)
		}

		// A bad record in the middle: nothing of that file is loaded.
		lines := strings.Split(strings.TrimSpace(feedNDJSON), "\n")
		lines[3] = strings.Replace(lines[3], `"booked"`, `"reserved"`, 1)
		bad := writeFile(t, "bad.ndjson", strings.ReplaceAll(strings.Join(lines, "\n"), `"id":"`, `"id":"new-`))
		_, err = s.LoadFeedFile(ctx, bad, FeedOptions{Actor: "test", Snapshot: snap.Add(time.Hour)})
		var re *feed.RecordError
		if !errors.As(err, &re) || re.Line != 4 || re.Field != "status" || !strings.Contains(err.Error(), "bad.ndjson line 4: field status") {
			t.Fatalf("bad file: %v", err)
		}
		check("bad file")
	})
}

func TestLoadFeedSnapshotFromBundle(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		path := writeFile(t, "b.json", `{"resourceType":"Bundle","type":"collection","meta":{"lastUpdated":"2026-11-23T08:00:00+03:00"},"entry":[
{"resource":{"resourceType":"Slot","id":"a","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00+03:00","end":"2026-11-23T09:15:00+03:00"}}]}`)
		sum, err := s.LoadFeedFile(ctx, path, FeedOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
		if !sum.Snapshot.Equal(want) {
			t.Errorf("snapshot %v, want %v", sum.Snapshot, want)
		}
		var got time.Time
		if err := s.queryRow(ctx, `SELECT snapshot FROM feed_slots`).Scan(&got); err != nil || !got.Equal(want) {
			t.Errorf("stored snapshot %v, %v", got, err)
		}
	})
}

func TestLoadFeedFHIRExamples(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		files, _ := filepath.Glob("../feed/testdata/fhir-examples/*-*.json")
		if len(files) == 0 {
			t.Fatal("no examples")
		}
		for _, f := range files {
			if _, err := s.LoadFeedFile(ctx, f, FeedOptions{}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
		got, err := s.FeedCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got["feed_slots"] != 4 || got["feed_schedules"] != 3 || got["feed_appointments"] != 3 || got["feed_encounters"] != 10 || got["feed_documents"] != 1 {
			t.Errorf("counts %v", got)
		}
	})
}

func TestFeedDashboard(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		snap := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
		if _, err := s.LoadFeedFile(ctx, writeFile(t, "feed.ndjson", feedNDJSON), FeedOptions{Snapshot: snap}); err != nil {
			t.Fatal(err)
		}
		rows, err := s.FeedDashboard(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		want := DashboardRow{Region: "RU-TUL", Specialty: "76", Total: 2, Free: 1, EPGU: 1, Posts: 1, PostsOpen: 1,
			LastFree: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)}
		if len(rows) != 1 || rows[0] != want {
			t.Errorf("dashboard %+v, want %+v", rows, want)
		}
		// A changed file for the same snapshot drops the summary: b becomes free.
		// Three free slots now: the third (09:15 MSK on the 23rd) is day 0.
		changed := strings.Replace(feedNDJSON, `"status":"busy"`, `"status":"free"`, 1) +
			`{"resourceType":"Slot","id":"c","schedule":{"reference":"Schedule/s1"},"status":"free","start":"2026-11-23T09:00:00+03:00","end":"2026-11-23T09:15:00+03:00"}` + "\n"
		if _, err := s.LoadFeedFile(ctx, writeFile(t, "feed2.ndjson", changed), FeedOptions{Snapshot: snap}); err != nil {
			t.Fatal(err)
		}
		rows, err = s.FeedDashboard(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		want.Total, want.Free, want.PostsWithThird = 3, 3, 1
		want.LastFree = time.Date(2026, 11, 23, 6, 15, 0, 0, time.UTC)
		if len(rows) != 1 || rows[0] != want {
			t.Errorf("after reload %+v, want %+v", rows, want)
		}
	})
}

// The push path (an HTTP body) is atomic and idempotent like a file.
func TestLoadFeedStream(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sum, err := s.LoadFeed(ctx, strings.NewReader(feedNDJSON), "push", feed.NDJSON, FeedOptions{Actor: "api"})
		if err != nil || sum.Skipped || sum.Stats.Total() != 7 || len(sum.SHA256) != 64 {
			t.Fatalf("push: %+v %v", sum, err)
		}
		sum, err = s.LoadFeed(ctx, strings.NewReader(feedNDJSON), "push", feed.NDJSON, FeedOptions{Actor: "api"})
		if err != nil || !sum.Skipped {
			t.Fatalf("second push: skipped=%v %v", sum.Skipped, err)
		}
		got, err := s.FeedCounts(ctx)
		if err != nil || got["feed_slots"] != 2 || got["feed_files"] != 1 {
			t.Errorf("counts %v %v", got, err)
		}
		_, err = s.LoadFeed(ctx, strings.NewReader(`{"resourceType":"Slot"}`), "push2", feed.NDJSON, FeedOptions{})
		if err == nil || !strings.Contains(err.Error(), "push2 line 1: field id") {
			t.Errorf("bad push: %v", err)
		}
	})
}

// The dashboard's third next available appointment counts calendar days in
// the МО's zone (UTC+3 here), as slots.Compute does.
func TestFeedDashboardThirdNextTimeZone(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		snap := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC) // 23:00 MSK
		slot := func(id, start string) string {
			return `{"resourceType":"Slot","id":"` + id + `","schedule":{"reference":"Schedule/s1"},"status":"free","start":"` + start + `","end":"` + start + `"}` + "\n"
		}
		body := strings.SplitN(feedNDJSON, "\n", 2)[0] + "\n" +
			slot("x1", "2026-11-23T20:30:00Z") + // 23:30 MSK: day 0
			slot("x2", "2026-11-23T21:10:00Z") + // 00:10 MSK on the 24th: day 1
			slot("x3", "2026-11-24T21:30:00Z") // 00:30 MSK on the 25th: day 2 (the UTC date says 1)
		if _, err := s.LoadFeedFile(ctx, writeFile(t, "tz.ndjson", body), FeedOptions{Snapshot: snap}); err != nil {
			t.Fatal(err)
		}
		rows, err := s.FeedDashboard(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].ThirdNextMedian != 2 || rows[0].PostsWithThird != 1 || rows[0].Free != 3 {
			t.Errorf("dashboard %+v", rows)
		}
		h, err := s.Hierarchy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		av, err := s.FeedAvailability(ctx, snap, h, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a := av[testMO+"|76"]; a == nil || a.ThirdNextMedian != 2 || a.NextFreeDays != 0 || a.HorizonDays != 2 {
			t.Errorf("availability %+v", av)
		}
	})
}
