package store

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/feed"
)

// writers is how many write at once in the concurrency tests (issue 14:
// 8 concurrent writers on overlapping keys).
const writers = 8

// handles returns one store per writer: on PostgreSQL each writer gets a
// store (a connection pool) of its own, as separate processes would; a
// DuckDB file admits one process, so there the writers share it.
func handles(t *testing.T, s *Store) []*Store {
	t.Helper()
	out := make([]*Store, writers)
	for i := range out {
		out[i] = s
		if s.Dialect() == "postgres" {
			h, err := Open(context.Background(), s.Path(), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { h.Close() })
			out[i] = h
		}
	}
	return out
}

// Eight imports at once of overlapping keys, each new to the store and
// each with its own value, end with one row per key carrying the value of
// the import that committed last (the highest generation among those that
// wrote the key), and the audit has each change once: one row per writer
// per key, chained in commit order (each old value is the new value before
// it).
func TestConcurrentImportsOneRowPerKey(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const shared, own = 3000, 500
		key := func(de string, n int) datavalue.Value {
			return datavalue.Value{DataElement: de, Period: "2020Q4", OrgUnit: fmt.Sprintf("mo-%05d", n)}
		}
		batches := make([][]datavalue.Value, writers)
		for w := range batches {
			for n := range shared {
				v := key("shared", n)
				v.Value = float64(100*(w+1) + n%7)
				batches[w] = append(batches[w], v)
			}
			for n := range own {
				v := key(fmt.Sprintf("own%d", w), n)
				v.Value = float64(w + 1)
				batches[w] = append(batches[w], v)
			}
		}
		hs := handles(t, s)
		gens := make([]int64, writers)
		sums := make([]ImportSummary, writers)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-start
				sums[w], errs[w] = hs[w].ImportValues(ctx, batches[w], ImportOptions{Actor: fmt.Sprintf("w%d", w), Source: "concurrent"})
				gens[w] = sums[w].Generation
			})
		}
		close(start)
		wg.Wait()
		var imported, updated int64
		for w, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v", w, err)
			}
			imported += sums[w].Imported
			updated += sums[w].Updated
		}
		// Every shared key is new to exactly one writer and changed by the
		// seven after it; each writer's own keys are new.
		if want := int64(shared + writers*own); imported != want {
			t.Errorf("imported in all = %d, want %d (a key counted new twice is a key stored twice)", imported, want)
		}
		if want := int64(shared * (writers - 1)); updated != want {
			t.Errorf("updated in all = %d, want %d", updated, want)
		}
		var rows, keys int64
		if err := s.queryRow(ctx, `SELECT count(*), count(DISTINCT data_element || '|' || period || '|' || org_unit) FROM data_values`).Scan(&rows, &keys); err != nil {
			t.Fatal(err)
		}
		if want := int64(shared + writers*own); rows != want || keys != want {
			t.Fatalf("data_values: %d rows, %d keys, want %d of each", rows, keys, want)
		}
		last := 0
		for w := range writers {
			if gens[w] > gens[last] {
				last = w
			}
		}
		got := values(t, s, ValueFilter{})
		for n := range shared {
			v := key("shared", n)
			if want := float64(100*(last+1) + n%7); got[v.DataElement+"|"+v.Period+"|"+v.OrgUnit] != want {
				t.Fatalf("%s|%s|%s = %v, want %v (writer %d committed last)", v.DataElement, v.Period, v.OrgUnit,
					got[v.DataElement+"|"+v.Period+"|"+v.OrgUnit], want, last)
			}
		}
		audit, err := s.Audit(ctx, "", 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		if want := shared*writers + writers*own; len(audit) != want {
			t.Fatalf("audit rows = %d, want %d (each change once)", len(audit), want)
		}
		chains := map[string][]AuditEntry{}
		for _, a := range audit {
			if a.DataElement == "shared" {
				chains[a.OrgUnit] = append(chains[a.OrgUnit], a)
			}
		}
		for ou, c := range chains {
			sort.Slice(c, func(i, j int) bool { return c[i].Generation < c[j].Generation })
			for i, a := range c {
				switch {
				case i == 0 && a.Old != nil:
					t.Fatalf("%s: the first change has an old value %v", ou, *a.Old)
				case i > 0 && (a.Old == nil || *a.Old != c[i-1].New):
					t.Fatalf("%s: change %d (generation %d) replaced %v, but %v was stored", ou, i, a.Generation, a.Old, c[i-1].New)
				case i > 0 && a.Generation == c[i-1].Generation:
					t.Fatalf("%s: two changes in generation %d", ou, a.Generation)
				}
			}
		}
		t.Logf("%s: %d writers × %d values (%d shared keys): %d rows, last committed by writer %d", s.Dialect(), writers,
			shared+own, shared, rows, last)
	})
}

// Eight feed pushes at once of the same 20,000 Appointment ids, each with
// its own status, end with 20,000 rows, each carrying one push's status —
// the same push for every id: the one that committed last.
func TestConcurrentFeedPushesOneRowPerKey(t *testing.T) {
	eachFeedStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		const n = 20000
		statuses := []string{"booked", "arrived", "fulfilled", "cancelled", "noshow", "pending", "proposed", "checked-in"}
		bodies := make([][]byte, writers)
		for w := range bodies {
			var b bytes.Buffer
			for i := range n {
				fmt.Fprintf(&b, `{"resourceType":"Appointment","id":"ap-%05d","status":"%s","created":"2026-11-20T10:00:00Z","start":"2026-11-23T09:15:00Z","participant":[{"actor":{"reference":"Patient/p%d"}},{"actor":{"identifier":{"value":"urn:oid:%s"}}}]}`+"\n",
					i, statuses[w], i, testMO)
			}
			bodies[w] = b.Bytes()
		}
		hs := handles(t, s)
		sums := make([]FeedSummary, writers)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := range writers {
			wg.Go(func() {
				<-start
				sums[w], errs[w] = hs[w].LoadFeed(ctx, bytes.NewReader(bodies[w]), fmt.Sprintf("push-%d.ndjson", w), feed.NDJSON, FeedOptions{Actor: "push"})
			})
		}
		close(start)
		wg.Wait()
		last := 0
		for w, err := range errs {
			if err != nil {
				t.Fatalf("push %d: %v", w, err)
			}
			if sums[w].Stats.Records[feed.TypeAppointment] != n {
				t.Fatalf("push %d read %d appointments", w, sums[w].Stats.Records[feed.TypeAppointment])
			}
			if sums[w].Generation > sums[last].Generation {
				last = w
			}
		}
		rows, err := s.query(ctx, `SELECT status, count(*), count(DISTINCT id) FROM feed_appointments GROUP BY status`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var st string
			var c, d int64
			if err := rows.Scan(&st, &c, &d); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s: %d rows, %d ids", st, c, d))
		}
		if want := fmt.Sprintf("%s: %d rows, %d ids", statuses[last], n, n); strings.Join(got, "; ") != want {
			t.Fatalf("feed_appointments: %s; want %s (push %d committed last)", strings.Join(got, "; "), want, last)
		}
		t.Logf("%s: %d pushes × %d appointments: %d rows, all from push %d", s.Dialect(), writers, n, n, last)
	})
}
