package store

import (
	"context"
	"testing"
	"time"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/orgunit"
)

// Two servers on one database (issue 11): a write through one reaches
// the other's WatchGeneration within 2 s (on PostgreSQL through
// LISTEN/NOTIFY, on DuckDB — one process — by polling), and a session
// opened through one is valid on the other.
func TestTwoServersFollowOneDatabase(t *testing.T) {
	eachStore(t, func(t *testing.T, a *Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b := a
		if a.Dialect() == "postgres" {
			var err error
			if b, err = Open(ctx, a.Path(), nil); err != nil {
				t.Fatal(err)
			}
			defer b.Close()
		}
		seen := make(chan int64, 64)
		done := make(chan error, 1)
		go func() { done <- b.WatchGeneration(ctx, func(g int64) { seen <- g }) }()
		start := <-seen
		var worst time.Duration
		for i := range 5 {
			began := time.Now()
			sum, err := a.ImportValues(ctx, []datavalue.Value{{DataElement: "a", Period: "2021Q1", OrgUnit: "RU-TUL", Value: float64(i)}},
				ImportOptions{Actor: "t", Source: "watch"})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Generation <= start {
				t.Fatalf("write %d committed generation %d, not after %d", i, sum.Generation, start)
			}
			timeout := time.After(2 * time.Second)
		wait:
			for {
				select {
				case g := <-seen:
					if g >= sum.Generation {
						break wait
					}
				case <-timeout:
					t.Fatalf("write %d (generation %d) not seen by the other server within 2 s", i, sum.Generation)
				}
			}
			worst = max(worst, time.Since(began))
		}
		t.Logf("%s: a write reached the other server's watch in at most %v (5 writes, commit included)", a.Dialect(), worst)

		h, err := a.Hierarchy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hier := func() *orgunit.Hierarchy { return h }
		sa, sb := auth.New(a, hier, nil), auth.New(b, hier, nil)
		if _, _, err := sa.CreateUser(ctx, "t", "ivanov", auth.FederalAdmin, "RU", "Длинный-пароль-1"); err != nil {
			t.Fatal(err)
		}
		id, _, err := sa.Login(ctx, "ivanov", "Длинный-пароль-1", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := sb.Session(ctx, id); err != nil || p.Login != "ivanov" {
			t.Fatalf("the session from one server on the other: %v, %v", p, err)
		}
		if err := sb.Logout(ctx, id, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := sa.Session(ctx, id); err == nil {
			t.Fatal("a session ended on one server still valid on the other")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("watch ended with %v", err)
		}
	})
}
