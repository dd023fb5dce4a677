package store

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
)

// slotLines returns n Slot lines; every 7th has a specialty, every other is
// open to ЕПГУ.
func slotLines(n int, prefix string) []string {
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	out := make([]string, n)
	for i := range out {
		start := base.Add(time.Duration(i%400) * 15 * time.Minute)
		extra := ""
		if i%7 == 0 {
			extra += `,"specialty":[{"coding":[{"code":"sp` + fmt.Sprint(i%5) + `"}]}]`
		}
		if i%2 == 0 {
			extra += `,"meta":{"tag":[{"code":"epgu"}]}`
		}
		out[i] = fmt.Sprintf(`{"resourceType":"Slot","id":"%s%d","schedule":{"reference":"Schedule/sch-%d"},"status":"%s","start":"%s","end":"%s"%s}`,
			prefix, i, i/400, []string{"free", "busy", "busy-unavailable"}[i%3], start.Format(time.RFC3339), start.Add(15*time.Minute).Format(time.RFC3339), extra)
	}
	return out
}

type slotAgg struct {
	n, free, epgu, spec, posts int64
	minStart, maxEnd           time.Time
}

func aggSlots(t *testing.T, s *Store, snap time.Time) slotAgg {
	t.Helper()
	var a slotAgg
	if err := s.queryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE status = 'free'), count(*) FILTER (WHERE epgu),
		count(specialty), count(DISTINCT schedule), min(start_at), max(end_at) FROM feed_slots WHERE snapshot = ?`, snap).
		Scan(&a.n, &a.free, &a.epgu, &a.spec, &a.posts, &a.minStart, &a.maxEnd); err != nil {
		t.Fatal(err)
	}
	return a
}

// A Slot-only file goes through the parallel load: the same rows as the
// general path, idempotent, atomic, with the bad line named.
func TestLoadFeedParallelSlots(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		lines := slotLines(30000, "s")
		dir := t.TempDir()
		path := filepath.Join(dir, "Slot.ndjson")
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		snap := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
		sum, err := s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: snap})
		if err != nil || sum.Skipped || sum.Stats.Records[feed.TypeSlot] != 30000 || len(sum.SHA256) != 64 {
			t.Fatalf("load: %+v, %v", sum, err)
		}
		want := slotAgg{n: 30000, free: 10000, epgu: 15000, spec: 4286, posts: 75,
			minStart: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), maxEnd: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
		if got := aggSlots(t, s, snap); got != want {
			t.Fatalf("parallel load: %+v, want %+v", got, want)
		}
		var spec string
		if err := s.queryRow(context.Background(), `SELECT specialty FROM feed_slots WHERE id = 's14'`).Scan(&spec); err != nil || spec != "sp4" {
			t.Errorf("specialty of s14 = %q, %v", spec, err)
		}
		// The general path (a stream; a blank line more, for another hash)
		// gives the same rows.
		snap2 := snap.Add(time.Hour)
		if _, err := s.LoadFeed(ctx, strings.NewReader(strings.Join(lines, "\n")+"\n\n"), "Slot.ndjson", feed.NDJSON, FeedOptions{Actor: "test", Snapshot: snap2}); err != nil {
			t.Fatal(err)
		}
		if got := aggSlots(t, s, snap2); got != want {
			t.Fatalf("general path: %+v, want %+v", got, want)
		}
		var diff int64
		if err := s.queryRow(context.Background(), `SELECT count(*) FROM (
			SELECT id, schedule, status, start_at, end_at, specialty, epgu FROM feed_slots WHERE snapshot = ?
			EXCEPT ALL SELECT id, schedule, status, start_at, end_at, specialty, epgu FROM feed_slots WHERE snapshot = ?) d`, snap, snap2).Scan(&diff); err != nil || diff != 0 {
			t.Fatalf("parallel and general loads differ in %d rows (%v)", diff, err)
		}

		// Again: skipped, nothing changes (also gzipped: the hash is of the file).
		sum, err = s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: snap})
		if err != nil || !sum.Skipped {
			t.Fatalf("reload: %+v, %v", sum, err)
		}
		if got := aggSlots(t, s, snap); got != want {
			t.Fatalf("after reload: %+v", got)
		}

		// Into an existing snapshot (staged, replaced by id), gzipped.
		gzPath := filepath.Join(dir, "Slot2.ndjson.gz")
		gf, err := os.Create(gzPath)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(gf)
		fmt.Fprintln(zw, strings.Join(slotLines(30000, "s")[:1000], "\n"))
		fmt.Fprintln(zw, strings.Join(slotLines(500, "extra-"), "\n"))
		if err := errors.Join(zw.Close(), gf.Close()); err != nil {
			t.Fatal(err)
		}
		if sum, err := s.LoadFeedFile(ctx, gzPath, FeedOptions{Actor: "test", Snapshot: snap}); err != nil || sum.Stats.Total() != 1500 {
			t.Fatalf("staged load: %+v, %v", sum, err)
		}
		if got := aggSlots(t, s, snap); got.n != 30500 {
			t.Fatalf("staged load: %d rows, want 30500", got.n)
		}

		// A bad record deep in the file: nothing loaded, the line named.
		bad := slotLines(30000, "b")
		bad[23456] = strings.Replace(bad[23456], `"status":"`, `"status":"x`, 1)
		bad[27000] = strings.Replace(bad[27000], `"start":"`, `"start":"x`, 1)
		badPath := filepath.Join(dir, "bad.ndjson")
		if err := os.WriteFile(badPath, []byte(strings.Join(bad, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		snap3 := snap.Add(2 * time.Hour)
		_, err = s.LoadFeedFile(ctx, badPath, FeedOptions{Actor: "test", Snapshot: snap3})
		var re *feed.RecordError
		if !errors.As(err, &re) || re.Line != 23457 || re.Field != "status" || !strings.HasPrefix(err.Error(), "bad.ndjson line 23457: field status") {
			t.Fatalf("bad file: %v", err)
		}
		var left int
		if err := s.queryRow(context.Background(), `SELECT count(*) FROM feed_slots WHERE snapshot = ?`, snap3).Scan(&left); err != nil || left != 0 {
			t.Fatalf("bad file left %d rows (%v)", left, err)
		}

		// A late resource of another kind: read again the general way.
		mixed := append(slotLines(20000, "m"), `{"resourceType":"Schedule","id":"sch-1","actor":[{"identifier":{"value":"urn:oid:`+testMO+`"}}]}`)
		mixedPath := filepath.Join(dir, "mixed.ndjson")
		if err := os.WriteFile(mixedPath, []byte(strings.Join(mixed, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err = s.LoadFeedFile(ctx, mixedPath, FeedOptions{Actor: "test", Snapshot: snap3})
		if err != nil || sum.Stats.Records[feed.TypeSlot] != 20000 || sum.Stats.Records[feed.TypeSchedule] != 1 {
			t.Fatalf("mixed: %+v, %v", sum, err)
		}
		if got := aggSlots(t, s, snap3); got.n != 20000 {
			t.Fatalf("mixed: %d slot rows", got.n)
		}
	})
}
