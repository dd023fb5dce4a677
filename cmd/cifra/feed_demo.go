package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/store"
)

func init() {
	demoSubcommands = append(demoSubcommands, newDemoFeedCmd)
}

func newDemoFeedCmd(g *globals) *cobra.Command {
	var patients int
	var seed uint64
	var snapshot, regions string
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Add a deterministic synthetic scheduling feed to the current database",
		Long: `Generates, for the medical organisations already in the database (run
"cifra demo" first), a synthetic feed: a schedule per doctor post with a
14-day slot snapshot, and one booking episode per patient with its channel,
cancellation or no-show, visit, ЭМД, РЭМД registration, referral and next
booking, with realistic shares and delays. The same flags give the same
feed; adding it twice changes nothing. The data are synthetic.`,
		Example: `  cifra demo feed --patients 100000
  cifra demo feed --patients 1000 --regions RU-TUL,RU-MOW`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := store.Open(ctx, g.db, g.log)
			if err != nil {
				return err
			}
			defer st.Close()
			at, err := demoFeedSnapshot(ctx, st, snapshot)
			if err != nil {
				return err
			}
			sum, err := addDemoFeed(ctx, g, st, patients, seed, at, regions)
			if err != nil {
				return err
			}
			printFeedSummary(g.stdout, sum)
			fmt.Fprintln(g.stdout, "Данные синтетические.")
			return nil
		},
	}
	cmd.Flags().IntVar(&patients, "patients", 10000, "booking episodes to generate")
	cmd.Flags().Uint64Var(&seed, "seed", 2020, "random seed (same seed, same feed)")
	cmd.Flags().StringVar(&snapshot, "snapshot", "", "time of the slot snapshot (default: the morning of the demo's as-of day, or of today); bookings fall in the 61 days before it")
	cmd.Flags().StringVar(&regions, "regions", "", "comma-separated region codes (default: all)")
	return cmd
}

// demoFeedSnapshot is the --snapshot time, or else the demo timeline's
// snapshot: of the day the database's demo was built for, or of today.
func demoFeedSnapshot(ctx context.Context, st *store.Store, flag string) (time.Time, error) {
	if flag != "" {
		at, err := feed.ParseTime([]byte(flag))
		if err != nil {
			return time.Time{}, fmt.Errorf("--snapshot: %w", err)
		}
		return at, nil
	}
	day := time.Now()
	if v, ok, err := st.Meta(ctx, demoAsOfMeta); err != nil {
		return time.Time{}, err
	} else if ok {
		if day, err = time.Parse(time.DateOnly, v); err != nil {
			return time.Time{}, fmt.Errorf("%s %q: %w", demoAsOfMeta, v, err)
		}
	}
	return demo.TimelineAt(day).FeedSnapshot, nil
}

// addDemoFeed adds a synthetic feed of patients booking episodes for the
// МО in the database (of the comma-separated regions, or all).
func addDemoFeed(ctx context.Context, g *globals, st *store.Store, patients int, seed uint64, at time.Time, regions string) (store.FeedSummary, error) {
	h, err := st.Hierarchy(ctx)
	if err != nil {
		return store.FeedSummary{}, err
	}
	want := map[string]bool{}
	for _, r := range strings.Split(regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			want[strings.ToUpper(r)] = true
		}
	}
	var mos []feed.SynthMO
	for _, u := range h.AtLevel(orgunit.Organisation) {
		if len(want) > 0 && !want[u.Parent] {
			continue
		}
		z, err := slots.ParseZone(u.TimeZone)
		if err != nil {
			z = slots.Moscow
		}
		mos = append(mos, feed.SynthMO{Code: u.Code, Population: u.Population, Zone: z})
	}
	if len(mos) == 0 {
		return store.FeedSummary{}, fmt.Errorf("%s has no medical organisations%s: run cifra demo first", g.db, map[bool]string{true: " in " + regions}[regions != ""])
	}
	opt := feed.SynthOptions{Patients: patients, Seed: seed, Snapshot: at}
	key := fmt.Sprintf("demo-feed:seed=%d:patients=%d:snapshot=%s:regions=%s:mo=%d", seed, patients, at.Format(time.RFC3339), regions, len(mos))
	if err := st.SetMeta(ctx, "synthetic_feed", "true"); err != nil {
		return store.FeedSummary{}, err
	}
	return st.LoadFeedRecords(ctx, "demo feed", key, store.FeedOptions{Actor: "demo", Snapshot: at},
		func(sink feed.Sink) (feed.Stats, error) { return feed.Synthesize(ctx, mos, opt, sink) })
}
