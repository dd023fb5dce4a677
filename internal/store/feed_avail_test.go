package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/slots"
)

// availGroups are the groupings the callers use (feed API, pages, values)
// and two that cut finer and coarser: by post (with all its fields) and
// all in one.
func availGroups(h *orgunit.Hierarchy) map[string]func(slots.Post) string {
	return map[string]func(slots.Post) string{
		"mo|specialty": nil,
		"region|specialty": func(p slots.Post) string {
			if r, ok := h.RegionOf(p.OrgUnit); ok {
				return r.Code + "|" + p.Specialty
			}
			return "(unmapped)|" + p.Specialty
		},
		"specialty": func(p slots.Post) string { return "|" + p.Specialty },
		"first-contact mo": func(p slots.Post) string {
			if _, ok := slots.FirstContact[p.Specialty]; !ok {
				return ""
			}
			return p.OrgUnit
		},
		"post": func(p slots.Post) string {
			return p.ID + "|" + p.OrgUnit + "|" + p.Specialty + "|" + strconv.FormatBool(p.Active)
		},
		"all": func(slots.Post) string { return "all" },
	}
}

// checkAvailability compares FeedAvailability (the per-post summary) with
// slots.Compute over every slot (feedAvailabilitySlots) for each grouping
// and snapshot: every field of every group equal. It returns the number of
// groups compared.
func checkAvailability(t *testing.T, s *Store, snaps []time.Time) int {
	t.Helper()
	ctx := context.Background()
	h, err := s.Hierarchy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, snap := range snaps {
		for name, group := range availGroups(h) {
			want, err := s.feedAvailabilitySlots(ctx, snap, h, group)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.FeedAvailability(ctx, snap, h, group)
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			for k := range want {
				keys[k] = true
			}
			for k := range got {
				keys[k] = true
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			sort.Strings(sorted)
			for _, k := range sorted {
				g, w := got[k], want[k]
				switch {
				case g == nil:
					t.Errorf("%s %s %q: missing, want %+v", snap.Format(time.RFC3339), name, k, *w)
				case w == nil:
					t.Errorf("%s %s %q: extra %+v", snap.Format(time.RFC3339), name, k, *g)
				case !reflect.DeepEqual(*g, *w):
					t.Errorf("%s %s %q:\n got %+v\nwant %+v", snap.Format(time.RFC3339), name, k, *g, *w)
				}
			}
			n += len(want)
		}
	}
	return n
}

// availMOs are МО in zones from UTC-1 to UTC+12, one with a half-hour
// offset, one without a zone (Moscow time) and one whose zone does not
// parse (Moscow time too).
var availMOs = []orgunit.Unit{
	{Code: "1.2.643.5.1.13.13.12.2.39.1001", Parent: "RU-KGD", Name: "МО KGD", TimeZone: "UTC+2", Population: 15000},
	{Code: "1.2.643.5.1.13.13.12.2.71.1001", Parent: "RU-TUL", Name: "МО TUL 1", TimeZone: "UTC+3", Population: 40000},
	{Code: "1.2.643.5.1.13.13.12.2.71.1002", Parent: "RU-TUL", Name: "МО TUL 2", TimeZone: "", Population: 25000},
	{Code: "1.2.643.5.1.13.13.12.2.71.1003", Parent: "RU-TUL", Name: "МО TUL 3", TimeZone: "UTC-1", Population: 0},
	{Code: "1.2.643.5.1.13.13.12.2.71.1004", Parent: "RU-TUL", Name: "МО TUL 4", TimeZone: "not a zone", Population: 1200},
	{Code: "1.2.643.5.1.13.13.12.2.02.1001", Parent: "RU-BA", Name: "МО BA", TimeZone: "UTC+5:30", Population: 30000},
	{Code: "1.2.643.5.1.13.13.12.2.22.1001", Parent: "RU-ALT", Name: "МО ALT", TimeZone: "UTC+7", Population: 52000},
	{Code: "1.2.643.5.1.13.13.12.2.41.1001", Parent: "RU-KAM", Name: "МО KAM", TimeZone: "UTC+12", Population: 9000},
}

func saveAvailMOs(t testing.TB, s *Store) {
	t.Helper()
	units := make([]orgunit.Unit, len(availMOs))
	for i, u := range availMOs {
		u.Level = orgunit.Organisation
		units[i] = u
	}
	if err := s.SaveOrgUnits(context.Background(), units); err != nil {
		t.Fatal(err)
	}
}

// loadSynthetic loads a feed made the way cifra demo feed makes it
// (feed.Synthesize through LoadFeedRecords) for the test МО and one МО
// that is not in the hierarchy (its schedules unmapped).
func loadSynthetic(t *testing.T, s *Store, seed uint64, patients int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	var mos []feed.SynthMO
	for _, u := range availMOs {
		z, err := slots.ParseZone(u.TimeZone)
		if err != nil {
			z = slots.Moscow
		}
		mos = append(mos, feed.SynthMO{Code: u.Code, Population: u.Population, Zone: z})
	}
	mos = append(mos, feed.SynthMO{Code: "1.2.643.5.1.13.13.12.2.99.9999", Population: 5000, Zone: time.FixedZone("UTC+9", 9*3600)})
	opt := feed.SynthOptions{Patients: patients, Seed: seed, Snapshot: at}
	key := fmt.Sprintf("avail-test:%d:%d:%s", seed, patients, at.Format(time.RFC3339))
	if _, err := s.LoadFeedRecords(ctx, "synthetic", key, FeedOptions{Actor: "test", Snapshot: at},
		func(sink feed.Sink) (feed.Stats, error) { return feed.Synthesize(ctx, mos, opt, sink) }); err != nil {
		t.Fatal(err)
	}
}

// The summary path gives what slots.Compute gives over the slots on
// synthetic feeds: two snapshots (morning and late evening UTC, so that
// the calendar day differs across the zones) in one store.
func TestFeedAvailabilitySynthetic(t *testing.T) {
	eachAvailStore(t, func(t *testing.T, s *Store) {
		snaps := []time.Time{time.Date(2020, 11, 24, 6, 0, 0, 0, time.UTC), time.Date(2020, 12, 1, 21, 30, 0, 0, time.UTC)}
		for i, at := range snaps {
			loadSynthetic(t, s, uint64(11+i), 20000, at)
		}
		if n := checkAvailability(t, s, snaps); n < 200 {
			t.Errorf("only %d groups compared", n)
		}
	})
}

// The same on a synthetic feed scrambled by SQL: slots moved to random
// times from two days before the snapshot to a fortnight after (many
// before it, some exactly at it, many near midnight in some zone), some
// entered in error, some on a schedule the feed never described, and an
// inactive schedule.
func TestFeedAvailabilityScrambled(t *testing.T) {
	eachAvailStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		snap := time.Date(2020, 12, 1, 20, 45, 0, 0, time.UTC)
		loadSynthetic(t, s, 5, 10000, snap)
		// hash(x) and "plus x seconds" in each dialect.
		h, secs, us := `hash(%s)`, `to_seconds((%s)::BIGINT)`, `INTERVAL 1 MICROSECOND`
		if s.Dialect() == "postgres" {
			h, secs, us = `abs(hashtext(%s)::BIGINT)`, `make_interval(secs => (%s)::BIGINT)`, `INTERVAL '1 microsecond'`
		}
		hid := fmt.Sprintf(h, "id")
		for _, q := range []string{
			`UPDATE feed_slots SET start_at = snapshot + ` + fmt.Sprintf(secs, fmt.Sprintf(h, "id || 's'")+` % (16 * 86400) - 2 * 86400`) + ` WHERE ` + hid + ` % 3 = 0`,
			`UPDATE feed_slots SET start_at = snapshot WHERE ` + hid + ` % 97 = 1`,
			`UPDATE feed_slots SET start_at = snapshot - ` + us + ` WHERE ` + hid + ` % 97 = 2`,
			`UPDATE feed_slots SET status = 'entered-in-error' WHERE ` + hid + ` % 11 = 4`,
			`UPDATE feed_slots SET status = CASE ` + hid + ` % 3 WHEN 0 THEN 'free' WHEN 1 THEN 'busy-tentative' ELSE 'busy' END WHERE ` + hid + ` % 13 = 5`,
			`UPDATE feed_slots SET schedule = 'ghost-' || (` + hid + ` % 3) WHERE ` + hid + ` % 101 = 7`,
			`UPDATE feed_schedules SET active = false WHERE ` + hid + ` % 5 = 0`,
		} {
			if _, err := s.exec(ctx, q); err != nil {
				t.Fatalf("%.60s: %v", q, err)
			}
		}
		if err := s.RebuildSlotSummary(ctx, snap); err != nil {
			t.Fatal(err)
		}
		if n := checkAvailability(t, s, []time.Time{snap}); n < 80 {
			t.Errorf("only %d groups compared", n)
		}
	})
}

// availNDJSON is a hand-made feed for the snapshot 2026-11-23T20:30:00Z:
// 23:30 in Moscow, 08:30 on the 24th at UTC+12, 19:30 at UTC-1, 02:00 on
// the 24th at UTC+5:30.
func availNDJSON(extra string) string {
	mo := func(i int) string { return availMOs[i].Code }
	sched := func(id, org, sp string, active bool) string {
		a := ""
		if !active {
			a = `,"active":false`
		}
		return `{"resourceType":"Schedule","id":"` + id + `"` + a + `,"actor":[{"reference":"PractitionerRole/` + id +
			`"},{"identifier":{"value":"urn:oid:` + org + `"}}],"specialty":[{"coding":[{"code":"` + sp + `"}]}]}` + "\n"
	}
	slot := func(id, sch, status, start string, epgu bool) string {
		tag := ""
		if epgu {
			tag = `,"meta":{"tag":[{"code":"epgu"}]}`
		}
		return `{"resourceType":"Slot","id":"` + id + `","schedule":{"reference":"Schedule/` + sch + `"},"status":"` + status +
			`","start":"` + start + `","end":"` + start + `"` + tag + `}` + "\n"
	}
	return sched("a1", mo(1), "therapist", true) +
		slot("a1-1", "a1", "free", "2026-11-23T20:30:00Z", false) + // at the snapshot: day 0
		slot("a1-2", "a1", "free", "2026-11-23T20:59:59Z", false) + // 23:59:59 MSK: day 0
		slot("a1-3", "a1", "free", "2026-11-23T21:00:00Z", false) + // 00:00 MSK on the 24th: day 1
		slot("a1-4", "a1", "entered-in-error", "2026-11-23T20:45:00Z", true) +
		slot("a1-5", "a1", "free", "2026-11-23T20:29:59Z", true) + // before the snapshot
		slot("a1-6", "a1", "busy", "2026-11-30T10:00:00Z", true) +
		sched("a2", mo(1), "therapist", true) + // two free slots only
		slot("a2-1", "a2", "free", "2026-11-25T21:00:00Z", false) +
		slot("a2-2", "a2", "free", "2026-11-27T20:59:00Z", false) +
		slot("a2-3", "a2", "busy", "2026-11-24T06:00:00Z", false) +
		sched("a3", mo(1), "cardiology", false) + // inactive, no free slot
		slot("a3-1", "a3", "busy", "2026-11-24T06:00:00Z", true) +
		slot("a3-2", "a3", "busy-unavailable", "2026-11-24T06:15:00Z", false) +
		sched("b1", mo(7), "therapist", true) + // UTC+12
		slot("b1-1", "b1", "free", "2026-11-24T11:59:59Z", true) + // 23:59:59 on the 24th: day 0
		slot("b1-2", "b1", "free", "2026-11-24T12:00:00Z", false) + // day 1
		slot("b1-3", "b1", "free", "2026-12-05T01:00:00Z", false) +
		slot("b1-4", "b1", "free", "2026-12-06T01:00:00Z", false) +
		sched("c1", mo(3), "gp", true) + // UTC-1
		slot("c1-1", "c1", "free", "2026-11-24T00:59:00Z", false) + // 23:59 on the 23rd: day 0
		slot("c1-2", "c1", "free", "2026-11-24T01:00:00Z", false) + // day 1
		slot("c1-3", "c1", "busy", "2026-11-24T02:00:00Z", true) +
		sched("d1", mo(5), "pediatrician", true) + // UTC+5:30
		slot("d1-0", "d1", "free", "2026-11-23T18:30:00Z", false) + // before the snapshot
		slot("d1-1", "d1", "free", "2026-11-24T18:29:59Z", false) + // 23:59:59 on the 24th: day 0
		slot("d1-2", "d1", "free", "2026-11-24T18:30:00Z", false) + // day 1
		slot("d1-3", "d1", "free", "2026-11-25T18:30:00Z", false) + // day 2
		slot("d1-4", "d1", "free", "2026-11-25T18:30:00Z", true) + // the same start twice
		sched("e1", mo(2), "therapist", true) + // no zone: only entered-in-error slots
		slot("e1-1", "e1", "entered-in-error", "2026-11-24T06:00:00Z", true) +
		sched("e2", mo(2), "therapist", true) + // only slots before the snapshot
		slot("e2-1", "e2", "free", "2026-11-22T06:00:00Z", true) +
		sched("e3", mo(2), "neurology", true) + // busy only, not open to ЕПГУ
		slot("e3-1", "e3", "busy", "2026-11-24T06:00:00Z", false) +
		sched("f1", mo(4), "therapist", true) + // unparsable zone: Moscow
		slot("f1-1", "f1", "free", "2026-11-23T21:10:00Z", false) +
		sched("u1", "1.2.643.5.1.13.13.12.2.99.9999", "therapist", true) + // unmapped МО
		slot("u1-1", "u1", "free", "2026-11-24T06:00:00Z", true) +
		slot("u1-2", "u1", "free", "2026-11-25T06:00:00Z", true) +
		slot("u1-3", "u1", "free", "2026-11-26T06:00:00Z", true) +
		slot("g-1", "ghost", "free", "2026-11-24T06:00:00Z", false) + // a schedule never described
		slot("g-2", "ghost", "busy", "2026-11-24T07:00:00Z", true) +
		extra
}

// Hand-made cases: day boundaries in several zones, posts with fewer than
// three free slots or none, slots before the snapshot and entered in
// error, unmapped and unknown schedules; and a second snapshot of the
// same slots a day earlier in the same store.
func TestFeedAvailabilityFixture(t *testing.T) {
	eachAvailStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		snap := time.Date(2026, 11, 23, 20, 30, 0, 0, time.UTC)
		early := snap.Add(-24 * time.Hour)
		dir := t.TempDir()
		for i, c := range []struct {
			at    time.Time
			extra string
		}{{snap, ""}, {early, `{"resourceType":"Slot","id":"x","schedule":{"reference":"Schedule/e2"},"status":"free","start":"2026-11-22T21:00:00Z","end":"2026-11-22T21:15:00Z"}` + "\n"}} {
			p := filepath.Join(dir, fmt.Sprintf("f%d.ndjson", i))
			if err := os.WriteFile(p, []byte(availNDJSON(c.extra)), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := s.LoadFeedFile(ctx, p, FeedOptions{Actor: "test", Snapshot: c.at}); err != nil {
				t.Fatal(err)
			}
		}
		checkAvailability(t, s, []time.Time{snap, early, snap.Add(time.Hour)})

		// A few numbers by hand, so that both paths are not wrong together.
		h, err := s.Hierarchy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		av, err := s.FeedAvailability(ctx, snap, h, nil)
		if err != nil {
			t.Fatal(err)
		}
		tul := availMOs[1].Code + "|therapist"
		if a := av[tul]; a == nil || a.Posts != 2 || a.Total != 7 || a.Free != 5 || a.EPGU != 1 || a.PostsOpen != 1 ||
			a.NextFreeDays != 0 || a.HorizonDays != 4 || !reflect.DeepEqual(a.ThirdNext, []int{1}) || a.PostsWithoutThird != 1 ||
			a.Population != 40000 || a.FreePer1000 != 5*1000.0/40000 {
			t.Errorf("%s: %+v", tul, a)
		}
		if a := av[availMOs[7].Code+"|therapist"]; a == nil || a.NextFreeDays != 0 || !reflect.DeepEqual(a.ThirdNext, []int{11}) {
			t.Errorf("UTC+12: %+v", a)
		}
		if a := av[availMOs[5].Code+"|pediatrician"]; a == nil || a.Free != 4 || a.NextFreeDays != 0 || a.HorizonDays != 2 || !reflect.DeepEqual(a.ThirdNext, []int{2}) {
			t.Errorf("UTC+5:30: %+v", a)
		}
		if a := av[availMOs[3].Code+"|gp"]; a == nil || a.NextFreeDays != 0 || a.HorizonDays != 1 || a.Population != 0 || a.FreePer1000 != 0 {
			t.Errorf("UTC-1: %+v", a)
		}
		if a := av[availMOs[2].Code+"|therapist"]; a != nil {
			t.Errorf("posts without slots in the horizon: %+v", a)
		}
		if a := av["|therapist"]; a == nil || a.Posts != 1 || a.Free != 3 || !reflect.DeepEqual(a.ThirdNext, []int{3}) || a.Population != 0 {
			t.Errorf("unmapped МО: %+v", a)
		}
		if a := av["|"]; a == nil || a.Posts != 1 || a.Total != 2 || a.Free != 1 || a.EPGU != 1 || a.PostsWithoutThird != 1 {
			t.Errorf("unknown schedule: %+v", a)
		}
		if got := slots.Alerts(av, 0); len(got) != 2 || got[1].OrgUnit != availMOs[4].Code || got[1].NextFreeDays != 1 {
			t.Errorf("alerts %+v", got)
		}
	})
}

// Migration 007 empties summaries built before it (without first_free),
// and 008 rebuilds every snapshot's summary (loads keep it from then on).
func TestFeedAvailabilityMigration007(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOrgUnits(ctx, []orgunit.Unit{{Code: availMOs[1].Code, Parent: "RU-TUL", Level: orgunit.Organisation, Name: "МО", TimeZone: "UTC+3"}}); err != nil {
		t.Fatal(err)
	}
	snap := time.Date(2026, 11, 23, 20, 30, 0, 0, time.UTC)
	p := filepath.Join(t.TempDir(), "f.ndjson")
	if err := os.WriteFile(p, []byte(availNDJSON("")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadFeedFile(ctx, p, FeedOptions{Snapshot: snap}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FeedDashboard(ctx, snap); err != nil {
		t.Fatal(err)
	}
	// A summary as built before 007: no first_free.
	for _, q := range []string{`UPDATE feed_slot_posts SET first_free = NULL`, `DELETE FROM schema_migrations WHERE version >= 7`} {
		if _, err := s.exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if s, err = Open(ctx, path, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM feed_slot_posts WHERE first_free IS NOT NULL`).Scan(&n); err != nil || n == 0 {
		t.Errorf("summary rows with first_free after 007 and 008: %d %v", n, err)
	}
	checkAvailability(t, s, []time.Time{snap})
}

// feedAvailabilitySlots is FeedAvailability computed from every slot of
// the snapshot by slots.Compute: the reference the summary path is tested
// against.
func (s *Store) feedAvailabilitySlots(ctx context.Context, snapshot time.Time, h *orgunit.Hierarchy, group func(slots.Post) string) (map[string]*slots.Availability, error) {
	posts, err := s.FeedPosts(ctx)
	if err != nil {
		return nil, err
	}
	var all []slots.Slot
	if err := s.FeedSlots(ctx, snapshot, func(sl slots.Slot) error {
		all = append(all, sl)
		return nil
	}); err != nil {
		return nil, err
	}
	in := feedInput(snapshot, h, group)
	in.Posts = posts
	return slots.Compute(in, all), nil
}

// A second feed into a stored snapshot, after the store was closed and
// opened again (what `cifra demo feed` does on a demo database): the load
// replaces the summary rows of the posts it touches. DuckDB refused that
// while the summary's key was a unique index read from disk (issue 14: the
// demo feed failed with "Duplicate key … violates unique constraint").
func TestFeedSecondLoadIntoStoredSnapshot(t *testing.T) {
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		at := time.Date(2021, 1, 15, 6, 0, 0, 0, time.UTC)
		s, err := Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		saveAvailMOs(t, s)
		loadSynthetic(t, s, 1, 3000, at)
		s.Close()
		if s, err = Open(ctx, dsn, nil); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		loadSynthetic(t, s, 2, 2000, at)
		if n := fileRows(t, s); n != 2 {
			t.Errorf("%d loads recorded, want 2", n)
		}
		checkAvailability(t, s, []time.Time{at})
	})
}
