package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/demo"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/store"
)

func newDemoCmd(g *globals) *cobra.Command {
	var noServe, force bool
	var addr, asOf string
	var feedPatients int
	var opt demo.Options
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build a database of synthetic demo data, compute every rating and serve it",
		Long: `Generates deterministic synthetic data for all 85 regions, their medical
organisations (placed in real settlements) and the quarters up to the last
complete one before today (at least two full years, so that two annual
ratings exist), with spread, trends, gaps and outliers; computes every
built-in methodology; and serves the result. The first full year is closed
and published, the last quarter's collection is in progress. --as-of pins
"today" (tests, reproducible screenshots). Every output built on it says the
data are synthetic.

The database (--db) is replaced if it holds demo data or does not exist; a
database with real data is never overwritten without --force.`,
		Example: `  cifra demo
  cifra demo --no-serve
  cifra demo --addr 127.0.0.1:9090 --seed 7
  cifra demo --no-serve --as-of 2026-12-07`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			start := time.Now()
			day, err := demo.ParseAsOf(asOf, time.Now)
			if err != nil {
				return fmt.Errorf("--as-of: %w", err)
			}
			tl := demo.TimelineAt(day)
			opt.AsOf = day
			if opt.From != "" {
				if tl.From, err = period.Parse(opt.From); err != nil {
					return fmt.Errorf("--from: %w", err)
				}
			}
			if opt.To != "" {
				if tl.To, err = period.Parse(opt.To); err != nil {
					return fmt.Errorf("--to: %w", err)
				}
			}
			opt.From, opt.To = tl.From.String(), tl.To.String()
			c, st, err := buildDemo(ctx, g, opt, force)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.SetMeta(ctx, demoAsOfMeta, tl.AsOf.Format(time.DateOnly)); err != nil {
				return err
			}
			if err := seedDemoWorkflow(ctx, c, st, opt.Seed, tl); err != nil {
				return fmt.Errorf("demo workflow: %w", err)
			}
			if feedPatients > 0 {
				// The slot and patient-path pages need a feed to show anything.
				if _, err := addDemoFeed(ctx, g, st, feedPatients, opt.Seed, tl.FeedSnapshot, ""); err != nil {
					return fmt.Errorf("demo feed: %w", err)
				}
			}
			fmt.Fprintf(g.stdout, "Демонстрационная база %s построена за %s (данные синтетические): кварталы %s — %s, сбор за %s идёт, %s год опубликован.\n",
				g.db, time.Since(start).Round(time.Millisecond), tl.From.Label(), tl.To.Label(), tl.To.Label(), strconv.Itoa(tl.ClosedYear.Year()))
			login := ""
			if !noServe {
				login = "http://" + addr + "/login"
			}
			if err := printDemoAccounts(ctx, g, c, st, login); err != nil {
				return fmt.Errorf("demo accounts: %w", err)
			}
			if noServe {
				return nil
			}
			return serve(ctx, g, c, st, addr)
		},
	}
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "build the database and exit")
	cmd.Flags().BoolVar(&force, "force", false, "replace a database that holds real data")
	cmd.Flags().StringVar(&addr, "addr", env("CIFRA_ADDR", "127.0.0.1:8080"), "address to listen on (env CIFRA_ADDR)")
	cmd.Flags().Uint64Var(&opt.Seed, "seed", 2020, "random seed (same seed, same data)")
	cmd.Flags().StringVar(&asOf, "as-of", "", "build the demo as of this day, YYYY-MM-DD (default: today)")
	cmd.Flags().StringVar(&opt.From, "from", "", "first quarter (default: Q1 two full years before the last)")
	cmd.Flags().StringVar(&opt.To, "to", "", "last quarter (default: the last complete quarter before --as-of)")
	cmd.Flags().Int64Var(&opt.PeoplePerMO, "people-per-mo", 60000, "one medical organisation per this many residents")
	cmd.Flags().IntVar(&feedPatients, "feed-patients", 50000, "booking episodes of the synthetic scheduling feed (0: no feed; more with cifra demo feed)")
	for _, mk := range demoSubcommands {
		cmd.AddCommand(mk(g))
	}
	return cmd
}

// demoAsOfMeta is the store setting holding the day a demo was built for
// (cifra demo feed takes its snapshot from it).
const demoAsOfMeta = "demo_as_of"

// demoSubcommands lets a feature add its own demo generator (cifra demo X)
// from its file's init.
var demoSubcommands []func(*globals) *cobra.Command

// buildDemo replaces the database with a fresh demo and computes it.
func buildDemo(ctx context.Context, g *globals, opt demo.Options, force bool) (*catalog.Catalog, *store.Store, error) {
	if store.IsPostgres(g.db) {
		// A shared database is emptied in place (its tables stay).
		st, err := store.Open(ctx, g.db, g.log)
		if err != nil {
			return nil, nil, err
		}
		synthetic := st.Synthetic(ctx)
		n, _ := st.CountValues(ctx)
		if !synthetic && n > 0 && !force {
			st.Close()
			return nil, nil, fmt.Errorf("%s holds %d real data values: refusing to replace it with demo data (use another --db or --force)", g.db, n)
		}
		err = st.Clear(ctx)
		st.Close()
		if err != nil {
			return nil, nil, err
		}
	} else if g.db != "" {
		if _, err := os.Stat(g.db); err == nil {
			st, err := store.Open(ctx, g.db, g.log)
			if err != nil {
				return nil, nil, fmt.Errorf("%s exists and cannot be opened (use another --db): %w", g.db, err)
			}
			synthetic := st.Synthetic(ctx)
			n, _ := st.CountValues(ctx)
			st.Close()
			if !synthetic && n > 0 && !force {
				return nil, nil, fmt.Errorf("%s holds %d real data values: refusing to replace it with demo data (use another --db or --force)", g.db, n)
			}
			for _, f := range []string{g.db, g.db + ".wal"} {
				if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
					return nil, nil, err
				}
			}
		}
	}
	st, err := store.Open(ctx, g.db, g.log)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*catalog.Catalog, *store.Store, error) {
		st.Close()
		return nil, nil, err
	}
	if err := st.SetMeta(ctx, "synthetic", "true"); err != nil {
		return fail(err)
	}
	c, err := catalog.Open(ctx, st, g.log)
	if err != nil {
		return fail(err)
	}
	ms, err := method.Builtin()
	if err != nil {
		return fail(err)
	}
	d, err := demo.Generate(c.Hierarchy(), ms, opt)
	if err != nil {
		return fail(err)
	}
	if err := st.SaveGroups(ctx, d.Groups); err != nil {
		return fail(err)
	}
	if err := st.SaveOrgUnits(ctx, d.OrgUnits); err != nil {
		return fail(err)
	}
	if err := c.ReloadHierarchy(ctx); err != nil {
		return fail(err)
	}
	sum, err := st.ImportValues(ctx, d.Values, store.ImportOptions{Actor: "demo", Source: "demo", Format: "synthetic"})
	if err != nil {
		return fail(err)
	}
	if err := st.SetMeta(ctx, "demo_seed", strconv.FormatUint(opt.Seed, 10)); err != nil {
		return fail(err)
	}
	g.log.Info("demo data", "org_units", len(d.OrgUnits), "values", sum.Imported)
	tick, done := progress(g.stderr, "расчёт")
	n, err := c.Recompute(ctx, tick)
	done()
	if err != nil {
		return fail(err)
	}
	g.log.Info("computed", "results", n)
	return c, st, nil
}
