package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
)

// slotSnapshots counts slots per stored snapshot.
func slotSnapshots(t *testing.T, s *Store) map[time.Time]int64 {
	t.Helper()
	rows, err := s.query(context.Background(), `SELECT snapshot, count(*) FROM feed_slots GROUP BY snapshot`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[time.Time]int64{}
	for rows.Next() {
		var at time.Time
		var n int64
		if err := rows.Scan(&at, &n); err != nil {
			t.Fatal(err)
		}
		out[at.UTC()] = n
	}
	return out
}

func fileRows(t *testing.T, s *Store) int64 {
	t.Helper()
	var n int64
	if err := s.queryRow(context.Background(), `SELECT count(*) FROM feed_files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A slot file is a dated picture of the schedule horizon: the same content
// under the same snapshot is unchanged, under a new snapshot it is a new
// snapshot of the same slots. Content without slots is unchanged under any
// snapshot (its records are upserted by id), and so is any content loaded
// again without a snapshot (a reload, a retried push).
func TestLoadFeedSameContentNewSnapshot(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		t1 := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
		t2 := t1.Add(24 * time.Hour)

		// Mixed file (general path) and a Slot-only file (parallel path).
		for _, tc := range []struct{ name, body string }{
			{"feed.ndjson", feedNDJSON},
			{"Slot.ndjson", strings.Join(slotLines(5000, "p"), "\n") + "\n"},
		} {
			path := writeFile(t, tc.name, tc.body)
			before := slotSnapshots(t, s)
			sum, err := s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: t1})
			if err != nil || sum.Skipped {
				t.Fatalf("%s: first load: %+v %v", tc.name, sum, err)
			}
			nslots := sum.Stats.Records[feed.TypeSlot]
			sum, err = s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: t1})
			if err != nil || !sum.Skipped {
				t.Fatalf("%s: same snapshot: skipped=%v %v", tc.name, sum.Skipped, err)
			}
			sum, err = s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: t2})
			if err != nil || sum.Skipped || sum.Stats.Records[feed.TypeSlot] != nslots {
				t.Fatalf("%s: new snapshot: %+v %v", tc.name, sum, err)
			}
			got := slotSnapshots(t, s)
			if got[t1]-before[t1] != nslots || got[t2]-before[t2] != nslots {
				t.Errorf("%s: slots per snapshot %v (before %v), want %d more in each", tc.name, got, before, nslots)
			}
			sum, err = s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: t2})
			if err != nil || !sum.Skipped {
				t.Fatalf("%s: new snapshot again: skipped=%v %v", tc.name, sum.Skipped, err)
			}
		}
		if n := fileRows(t, s); n != 4 {
			t.Errorf("feed_files has %d rows, want 4", n)
		}

		// No slots: unchanged under another snapshot.
		sched := strings.SplitN(feedNDJSON, "\n", 2)[0] + "\n"
		path := writeFile(t, "Schedule.ndjson", sched)
		if sum, err := s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: t1}); err != nil || sum.Skipped {
			t.Fatalf("schedules: %+v %v", sum, err)
		}
		if sum, err := s.LoadFeedFile(ctx, path, FeedOptions{Actor: "test", Snapshot: t2}); err != nil || !sum.Skipped {
			t.Fatalf("schedules under a new snapshot: skipped=%v %v", sum.Skipped, err)
		}

		// The push: ?snapshot= (opt.Snapshot) keys the same way; a push
		// without one is a retry of the same body, not a new snapshot.
		body := strings.Join(slotLines(10, "q"), "\n") + "\n"
		push := func(at time.Time) FeedSummary {
			t.Helper()
			sum, err := s.LoadFeed(ctx, strings.NewReader(body), "request", feed.NDJSON, FeedOptions{Actor: "api", Snapshot: at})
			if err != nil {
				t.Fatal(err)
			}
			return sum
		}
		t3, t4 := t2.Add(time.Hour), t2.Add(2*time.Hour)
		if sum := push(t3); sum.Skipped || !sum.Snapshot.Equal(t3) {
			t.Errorf("push at t3: %+v", sum)
		}
		if sum := push(t3); !sum.Skipped {
			t.Errorf("push at t3 again: %+v", sum)
		}
		if sum := push(t4); sum.Skipped || !sum.Snapshot.Equal(t4) {
			t.Errorf("push at t4: %+v", sum)
		}
		if sum := push(time.Time{}); !sum.Skipped {
			t.Errorf("push without a snapshot after two: %+v", sum)
		}
		// A file loaded again without a snapshot (its default, the
		// modification time, differs) is a reload: unchanged.
		if sum, err := s.LoadFeedFile(ctx, writeFile(t, "again.ndjson", body), FeedOptions{}); err != nil || !sum.Skipped {
			t.Errorf("reload without a snapshot: skipped=%v %v", sum.Skipped, err)
		}
		if got := slotSnapshots(t, s); got[t3] != 10 || got[t4] != 10 {
			t.Errorf("pushed slots per snapshot %v", got)
		}
		var keys int64
		if err := s.queryRow(context.Background(), `SELECT count(DISTINCT load_key) FILTER (WHERE load_key LIKE sha256 || '@%') FROM feed_files`).Scan(&keys); err != nil || keys != 6 {
			t.Errorf("snapshot keys %d, %v", keys, err)
		}
	})
}

// Migration 006 rebuilds feed_files and feed_slots of a database with data:
// rows kept, files of a slot snapshot keyed by it, others by content.
func TestFeedMigration006WithData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 006, with data.
	snap := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`DROP TABLE feed_files`,
		`CREATE TABLE feed_files (sha256 VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, format VARCHAR NOT NULL, snapshot TIMESTAMP,
			records BIGINT NOT NULL, unmapped BIGINT NOT NULL, actor VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL)`,
		`DROP TABLE feed_slots`,
		`CREATE TABLE feed_slots (snapshot TIMESTAMP NOT NULL, id VARCHAR NOT NULL, schedule VARCHAR NOT NULL, status VARCHAR NOT NULL,
			start_at TIMESTAMP NOT NULL, end_at TIMESTAMP NOT NULL, specialty VARCHAR, epgu BOOLEAN NOT NULL)`,
		`INSERT INTO feed_slots SELECT TIMESTAMP '2026-11-23 05:00:00', 'slot-' || i, 'sch-' || (i // 40), 'free',
			TIMESTAMP '2026-11-24 05:00:00', TIMESTAMP '2026-11-24 05:15:00', NULL, i % 2 = 0 FROM range(200000) t(i)`,
		`INSERT INTO feed_files VALUES ('aaa', 'Slot.ndjson', 'ndjson', TIMESTAMP '2026-11-23 05:00:00', 200000, 0, 'x', now()),
			('bbb', 'Schedule.ndjson', 'ndjson', TIMESTAMP '2026-11-22 05:00:00', 5000, 0, 'x', now())`,
		`DELETE FROM schema_migrations WHERE version >= 6`,
	} {
		if _, err := s.exec(context.Background(), q); err != nil {
			t.Fatalf("%.50s: %v", q, err)
		}
	}
	s.Close()
	if s, err = Open(ctx, path, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := slotSnapshots(t, s); got[snap] != 200000 || len(got) != 1 {
		t.Errorf("slots after migration %v", got)
	}
	rows, err := s.query(context.Background(), `SELECT sha256, slots, load_key FROM feed_files ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var sha, key string
		var slots *int64
		if err := rows.Scan(&sha, &slots, &key); err != nil {
			t.Fatal(err)
		}
		n := "NULL"
		if slots != nil {
			n = "0"
		}
		got = append(got, sha+" "+n+" "+key)
	}
	rows.Close()
	if want := []string{"aaa NULL aaa@2026-11-23T05:00:00Z", "bbb 0 bbb"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("feed_files %q, want %q", got, want)
	}
	// The old slot file is loaded under its snapshot only; the old
	// schedule file under any.
	for _, c := range []struct {
		hash string
		at   time.Time
		want bool
	}{{"aaa", snap, true}, {"aaa", snap.Add(time.Hour), false}, {"bbb", snap.Add(time.Hour), true}} {
		if loaded, err := feedLoaded(ctx, s, c.hash, c.at); err != nil || loaded != c.want {
			t.Errorf("%s at %v: loaded %v, %v", c.hash, c.at, loaded, err)
		}
	}
	var comp string
	if err := s.queryRow(context.Background(), `SELECT string_agg(DISTINCT compression, ',' ORDER BY compression) FROM pragma_storage_info('feed_slots')
		WHERE column_name = 'status' AND segment_type <> 'VALIDITY'`).Scan(&comp); err != nil || comp != "Dictionary" {
		t.Errorf("status compression %q, %v", comp, err)
	}
}
