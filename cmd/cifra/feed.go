package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/feed"
	"github.com/cifra-health/cifra/internal/feedmeasure"
	"github.com/cifra-health/cifra/internal/pathway"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/slots"
	"github.com/cifra-health/cifra/internal/store"
)

func init() {
	extraCommands = append(extraCommands, newFeedCmd)
}

func newFeedCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Scheduling feeds: slots, bookings, visits, ЭМД (FHIR NDJSON, Bundle, CSV)",
		Long: `Loads the hospital systems' scheduling feeds — FHIR R4 Schedule, Slot,
Appointment, Encounter, DocumentReference and ServiceRequest resources as bulk
NDJSON, Bundles or single resources, or the CSV layouts of docs/feed-csv.md —
and turns them into availability, booking, ЭМД and patient-path measures.`,
	}
	cmd.AddCommand(newFeedLoadCmd(g), newFeedValuesCmd(g), newFeedSlotsCmd(g), newFeedPathCmd(g))
	return cmd
}

func newFeedLoadCmd(g *globals) *cobra.Command {
	var snapshot, memLimit string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "load FILE...",
		Short: "Load feed files, each atomically; a file loaded before is skipped",
		Long: `Loads each file whole or not at all. A bad record stops the load of its
file with the file, line and field, and the command exits 2; files before it
stay loaded. Loading the same content again changes nothing (files are
recognised by SHA-256).

A slot file is a snapshot of the schedule horizon taken at one time: --snapshot
if given, else the Bundle's meta.lastUpdated (or timestamp), else the file's
modification time. A FHIR Bulk Data manifest (the JSON an $export writes
beside its NDJSON files) loads the files it lists, found in its folder, at
its transactionTime. Resources whose medical organisation cannot be resolved
are loaded and reported as unmapped.`,
		Example: `  cifra feed load Slot.ndjson Schedule.ndjson --snapshot 2026-11-23T06:00:00Z
  cifra feed load bundle.json appointments.csv
  cifra feed load export/manifest.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			opt := store.FeedOptions{Actor: actor()}
			if snapshot != "" {
				t, err := feed.ParseTime([]byte(snapshot))
				if err != nil {
					return fmt.Errorf("--snapshot: %w", err)
				}
				opt.Snapshot = t
			}
			st, err := store.Open(ctx, g.db, g.log)
			if err != nil {
				return err
			}
			defer st.Close()
			if memLimit != "" {
				// DuckDB spills beyond this; it keeps big loads' memory bounded.
				if err := st.SetMemoryLimit(ctx, memLimit); err != nil {
					return fmt.Errorf("--memory-limit: %w", err)
				}
			}
			// A Bulk Data manifest stands for the files it lists, taken at
			// its transactionTime unless --snapshot says otherwise.
			type job struct {
				name string
				at   time.Time
			}
			var jobs []job
			for _, name := range args {
				files, at, ok, err := readManifest(name)
				if err != nil {
					return exitError{code: 2, err: fmt.Errorf("nothing loaded from %s: %w", name, err)}
				}
				if !ok {
					jobs = append(jobs, job{name, opt.Snapshot})
					continue
				}
				if !opt.Snapshot.IsZero() {
					at = opt.Snapshot
				}
				for _, f := range files {
					jobs = append(jobs, job{f, at})
				}
			}
			var sums []store.FeedSummary
			for _, j := range jobs {
				name := j.name
				opt := opt
				opt.Snapshot = j.at
				tick, done := progress(g.stderr, name)
				opt.Progress = func(read, size int64) { tick(int(read>>10), int(max(size>>10, 1))) }
				sum, err := st.LoadFeedFile(ctx, name, opt)
				done()
				if err != nil {
					var re *feed.RecordError
					if errors.As(err, &re) {
						return exitError{code: 2, err: fmt.Errorf("nothing loaded from %s: %w", name, err)}
					}
					return fmt.Errorf("nothing loaded from %s: %w", name, err)
				}
				sums = append(sums, sum)
				if !asJSON {
					printFeedSummary(g.stdout, sum)
				}
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(sums)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&snapshot, "snapshot", "", "snapshot time of slot files (FHIR dateTime, e.g. 2026-11-23T09:00:00+03:00)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summaries as JSON")
	cmd.Flags().StringVar(&memLimit, "memory-limit", "512MB", "DuckDB memory limit for the load (empty: DuckDB's default, 80% of RAM)")
	return cmd
}

func printFeedSummary(w io.Writer, s store.FeedSummary) {
	if s.Skipped {
		fmt.Fprintf(w, "%s: already loaded (%.12s…), nothing changed\n", s.File, s.SHA256)
		return
	}
	var parts []string
	for _, t := range feed.Types {
		if n := s.Stats.Records[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", t, n))
		}
	}
	rate := ""
	if secs := s.Elapsed.Seconds(); secs > 0 {
		rate = fmt.Sprintf(", %.0f records/s", float64(s.Stats.Total())/secs)
	}
	fmt.Fprintf(w, "%s: loaded %d records (%s), snapshot %s, in %s%s\n", s.File, s.Stats.Total(), strings.Join(parts, ", "),
		s.Snapshot.Format(time.RFC3339), s.Elapsed.Round(time.Millisecond), rate)
	var un []string
	for _, t := range feed.Types {
		if n := s.Stats.Unmapped[t]; n > 0 {
			un = append(un, fmt.Sprintf("%s %d", t, n))
		}
	}
	if len(un) > 0 {
		fmt.Fprintf(w, "  unmapped to a medical organisation: %s (e.g. %s)\n", strings.Join(un, ", "), strings.Join(s.Stats.UnmappedKeys, "; "))
	}
	if len(s.Stats.Ignored) > 0 {
		var ig []string
		for t, n := range s.Stats.Ignored {
			ig = append(ig, fmt.Sprintf("%s %d", t, n))
		}
		sort.Strings(ig)
		fmt.Fprintf(w, "  other resource types ignored: %s\n", strings.Join(ig, ", "))
	}
}

func newFeedValuesCmd(g *globals) *cobra.Command {
	var periodID string
	var dryRun, noRecompute bool
	cmd := &cobra.Command{
		Use:   "values --period PERIOD",
		Short: "Turn the feed's measures into data values of the rating for a period",
		Long: `Computes, per medical organisation, the data elements the feed measures —
slots_total, slots_epgu, third_slot_days, appointments_total,
appointments_remote, cases_completed, cases_with_emd, emd_delay_median — for
the period and imports them as data values (source "feed"), then recomputes
the ratings.`,
		Example: `  cifra feed values --period 2020Q4`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			p, err := period.Parse(periodID)
			if err != nil {
				return fmt.Errorf("--period: %w", err)
			}
			c, st, err := openCatalog(ctx, g)
			if err != nil {
				return err
			}
			defer st.Close()
			vals, err := feedmeasure.Values(ctx, st, p)
			if err != nil {
				return err
			}
			// Accepted data and closed periods keep their values: the
			// feed's measures fill in around them.
			sum, err := st.ImportValues(ctx, vals, store.ImportOptions{Actor: actor(), Source: "feed", Format: "feed", DryRun: dryRun, SkipLocked: true})
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "feed values for %s: %d new, %d updated, %d unchanged", p, sum.Imported, sum.Updated, sum.Ignored)
			if sum.Locked > 0 {
				fmt.Fprintf(g.stdout, ", %d left as accepted (locked)", sum.Locked)
			}
			fmt.Fprintln(g.stdout)
			if dryRun || noRecompute || sum.Imported+sum.Updated == 0 {
				return nil
			}
			tick, done := progress(g.stderr, "пересчёт")
			_, err = c.Recompute(ctx, tick)
			done()
			return err
		},
	}
	cmd.Flags().StringVar(&periodID, "period", "", "period (e.g. 2020Q4)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change, write nothing")
	cmd.Flags().BoolVar(&noRecompute, "no-recompute", false, "do not recompute the ratings")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func newFeedSlotsCmd(g *globals) *cobra.Command {
	var snapshot string
	var byRegion, alerts bool
	var norm int
	cmd := &cobra.Command{
		Use:   "slots",
		Short: "Print slot availability of a snapshot by МО and specialty (or region), or the alerts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := store.Open(ctx, g.db, g.log)
			if err != nil {
				return err
			}
			defer st.Close()
			snaps, err := st.FeedSnapshots(ctx)
			if err != nil {
				return err
			}
			if len(snaps) == 0 {
				return errors.New("no slot snapshots loaded")
			}
			at := snaps[len(snaps)-1]
			if snapshot != "" {
				if at, err = feed.ParseTime([]byte(snapshot)); err != nil {
					return fmt.Errorf("--snapshot: %w", err)
				}
				found := false
				for _, t := range snaps {
					found = found || t.Equal(at)
				}
				if !found {
					return fmt.Errorf("--snapshot: no slot snapshot at %s (latest %s)", at.Format(time.RFC3339), snaps[len(snaps)-1].Format(time.RFC3339))
				}
			}
			h, err := st.Hierarchy(ctx)
			if err != nil {
				return err
			}
			var group func(slots.Post) string
			if byRegion {
				group = func(p slots.Post) string {
					if r, ok := h.RegionOf(p.OrgUnit); ok {
						return r.Code + "|" + p.Specialty
					}
					return "(unmapped)|" + p.Specialty
				}
			}
			if alerts {
				av, err := st.FeedAvailability(ctx, at, h, nil)
				if err != nil {
					return err
				}
				list := slots.Alerts(av, norm)
				fmt.Fprintf(g.stdout, "snapshot %s: %d first-contact specialties with no free slot within %d day(s)\n", at.Format(time.RFC3339), len(list), norm)
				for _, a := range list {
					name := a.OrgUnit
					if u, ok := h.Get(a.OrgUnit); ok {
						name = a.OrgUnit + " " + u.Label()
					}
					wait := "no free slot in the horizon"
					if a.NextFreeDays >= 0 {
						wait = fmt.Sprintf("first free slot in %d days", a.NextFreeDays)
					}
					fmt.Fprintf(g.stdout, "  %s  %s (%s): %s\n", name, a.Specialty, slots.FirstContact[a.Specialty], wait)
				}
				return nil
			}
			av, err := st.FeedAvailability(ctx, at, h, group)
			if err != nil {
				return err
			}
			keys := make([]string, 0, len(av))
			for k := range av {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			tw := tabwriter.NewWriter(g.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(g.stdout, "snapshot %s\n", at.Format(time.RFC3339))
			fmt.Fprintln(tw, "unit\tspecialty\tslots\tfree\tЕПГУ %\tfree/1000\thorizon d\t3rd next d\tposts\topen %\t")
			for _, k := range keys {
				a := av[k]
				unit, sp, _ := strings.Cut(k, "|")
				if unit == "" {
					unit = "(unmapped)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%.2f\t%d\t%.1f\t%d\t%.1f\t\n", unit, sp, a.Total, a.Free, a.EPGUShare*100,
					a.FreePer1000, a.HorizonDays, a.ThirdNextMedian, a.Posts, a.PostsOpenShare*100)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&snapshot, "snapshot", "", "snapshot time (default: the latest)")
	cmd.Flags().BoolVar(&byRegion, "by-region", false, "group by region and specialty")
	cmd.Flags().BoolVar(&alerts, "alerts", false, "list first-contact specialties of МО with no free slot within --norm days")
	cmd.Flags().IntVar(&norm, "norm", slots.FirstContactNormDays, "days within which a first-contact doctor must have a free slot")
	return cmd
}

func newFeedPathCmd(g *globals) *cobra.Command {
	var from, to, asOf string
	var days, top, lostLimit int
	cmd := &cobra.Command{
		Use:   "path",
		Short: "Print the patient's path after booking: funnel, times, variants, flows, lost cases",
		Long: `Builds the event log (a case is a booking episode: booked, cancelled,
visit, ЭМД created, ЭМД registered, referral, next booking) of the
appointments created in [--from, --to) and prints the funnel, the time
between steps (median, p90), the most frequent variants, the
directly-follows graph and the lost cases as of --as-of: booked with no
visit, visit with no ЭМД after --days, referral with no booking within --days.`,
		Example: `  cifra feed path --from 2020-10-01 --to 2020-12-01 --days 3`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var a, b, at time.Time
			var err error
			for _, f := range []struct {
				name, v string
				t       *time.Time
			}{{"--from", from, &a}, {"--to", to, &b}, {"--as-of", asOf, &at}} {
				if f.v == "" {
					continue
				}
				if *f.t, err = feed.ParseTime([]byte(f.v)); err != nil {
					return fmt.Errorf("%s: %w", f.name, err)
				}
			}
			st, err := store.Open(ctx, g.db, g.log)
			if err != nil {
				return err
			}
			defer st.Close()
			recs, err := st.FeedPathway(ctx, a, b)
			if err != nil {
				return err
			}
			cases := pathway.Build(recs.Appointments, recs.Encounters, recs.Documents, recs.Referrals)
			if at.IsZero() {
				for _, c := range cases {
					for _, e := range c.Events {
						if e.Time.After(at) {
							at = e.Time
						}
					}
				}
			}
			w := g.stdout
			fmt.Fprintf(w, "%d cases\n\nFunnel\n", len(cases))
			for _, s := range pathway.Funnel(cases, pathway.DefaultFunnel) {
				fmt.Fprintf(w, "  %-15s %9d  %5.1f %%\n", s.Activity, s.Cases, s.Conversion*100)
			}
			fmt.Fprintln(w, "\nTime between steps, days (median, p90, n)")
			for _, p := range [][2]pathway.Activity{{pathway.Booked, pathway.Visit}, {pathway.Visit, pathway.EMDCreated},
				{pathway.Visit, pathway.EMDRegistered}, {pathway.Referral, pathway.NextBooking}} {
				d := pathway.Between(cases, p[0], p[1])
				fmt.Fprintf(w, "  %-15s → %-15s %6.2f %6.2f %9d\n", p[0], p[1], d.Median, d.P90, d.N)
			}
			if e := pathway.MeasureEMD(cases, nil)[""]; e != nil {
				fmt.Fprintf(w, "\nЭМД: visits %d, with an ЭМД %.1f %%, registered in РЭМД %.1f %%, delay to registration median %.2f d, p90 %.2f d, within a day %.1f %%\n",
					e.Visits, e.WithEMDShare*100, e.RegisteredShare*100, e.DelayMedian, e.DelayP90, e.WithinDay*100)
			}
			fmt.Fprintln(w, "\nVariants")
			for _, v := range pathway.Variants(cases, top) {
				fmt.Fprintf(w, "  %9d  %s\n", v.Cases, v)
			}
			fmt.Fprintln(w, "\nDirectly follows")
			for _, e := range pathway.DirectlyFollows(cases) {
				fmt.Fprintf(w, "  %-15s → %-15s %9d\n", e.From, e.To, e.Cases)
			}
			lost := pathway.LostCases(cases, at, days)
			counts := map[pathway.LostKind]int{}
			for _, l := range lost {
				counts[l.Kind]++
			}
			fmt.Fprintf(w, "\nLost cases as of %s (grace %d days): booked, no visit %d; visit, no ЭМД %d; referral, no booking %d\n",
				at.Format(time.RFC3339), days, counts[pathway.LostNoVisit], counts[pathway.LostNoEMD], counts[pathway.LostNoBooking])
			for i, l := range lost {
				if i == lostLimit {
					fmt.Fprintf(w, "  … %d more\n", len(lost)-lostLimit)
					break
				}
				fmt.Fprintf(w, "  %-20s %s  %s  patient %s  since %s\n", l.Kind, l.Case.ID, l.Case.OrgUnit, l.Case.Patient, rufmt.DateTime(l.Since))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first booking time (FHIR date/time)")
	cmd.Flags().StringVar(&to, "to", "", "end of the booking window, exclusive")
	cmd.Flags().StringVar(&asOf, "as-of", "", "time the lost cases are judged at (default: the last event)")
	cmd.Flags().IntVar(&days, "days", 3, "days of grace for ЭМД and referrals")
	cmd.Flags().IntVar(&top, "top", 10, "variants to show")
	cmd.Flags().IntVar(&lostLimit, "lost", 20, "lost cases to list")
	return cmd
}
