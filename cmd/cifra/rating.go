package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
)

// defaultMethodology is the built-in healthcare rating.
const defaultMethodology = "health-digital-maturity"

type resultFlags struct {
	method string
	period string
}

func (f *resultFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.method, "method", defaultMethodology, "methodology id")
	cmd.Flags().StringVar(&f.period, "period", "", "period id, e.g. 2020 or 2020Q4 (default: the latest computed)")
}

// load reads a stored result, defaulting to the latest period.
func (f *resultFlags) load(ctx context.Context, c *catalog.Catalog) (*rating.Result, error) {
	if _, ok := c.Methodology(f.method); !ok {
		return nil, fmt.Errorf("unknown methodology %q (see 'cifra methodology list')", f.method)
	}
	p := f.period
	if p == "" {
		ps, err := c.Periods(ctx, f.method)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, fmt.Errorf("no computed results for %s: import data and run 'cifra compute', or run 'cifra demo'", f.method)
		}
		p = ps[len(ps)-1]
	}
	r, err := c.Result(ctx, f.method, p)
	if errors.Is(err, catalog.ErrNoResult) {
		ps, _ := c.Periods(ctx, f.method)
		return nil, fmt.Errorf("%w (computed periods: %v)", err, ps)
	}
	return r, err
}

func newRatingCmd(g *globals) *cobra.Command {
	var rf resultFlags
	var format, out string
	cmd := &cobra.Command{
		Use:   "rating",
		Short: "Print the league table of a methodology for a period",
		Example: `  cifra rating --period 2020 --format table
  cifra rating --period 2020 --format json
  cifra rating --method cross-sector-index --period 2020Q4 --format xlsx --out index.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, st, err := openCatalog(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := rf.load(cmd.Context(), c)
			if err != nil {
				return err
			}
			return writeResult(g.stdout, out, format, r, c.Hierarchy())
		},
	}
	rf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json, csv, xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}

// writeResult renders a league table in a format to a file or stdout.
func writeResult(stdout io.Writer, out, format string, r *rating.Result, h *orgunit.Hierarchy) error {
	return writeLeague(stdout, out, format, r, h, nil)
}

// writeLeague is writeResult with rank intervals of an uncertainty analysis
// (ur may be nil).
func writeLeague(stdout io.Writer, out, format string, r *rating.Result, h *orgunit.Hierarchy, ur *index.UncertaintyResult) error {
	rows := report.League(r, h)
	if ur != nil {
		report.AttachUncertainty(rows, r, ur)
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case "table":
		err = report.WriteTable(&buf, r, h)
		if err == nil && ur != nil {
			err = writeIntervals(&buf, r, rows, ur)
		}
	case "json":
		err = report.WriteLeagueJSON(&buf, rows)
	case "csv":
		err = report.WriteLeagueCSV(&buf, r, rows)
	case "xlsx":
		if out == "" {
			return errors.New("--format xlsx needs --out FILE")
		}
		err = report.WriteLeagueXLSX(&buf, r, rows)
	default:
		return fmt.Errorf("--format %q: want table, json, csv or xlsx", format)
	}
	if err != nil {
		return err
	}
	if out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// writeIntervals prints the index's rank intervals after the league table.
func writeIntervals(w io.Writer, r *rating.Result, rows []report.LeagueRow, ur *index.UncertaintyResult) error {
	fmt.Fprintf(w, "\nНеопределённость места (%d розыгрышей):\n", ur.Draws)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Единица\tМесто\tМедиана\tИнтервал 5–95 %%\t\n")
	for _, lr := range rows {
		if u := lr.Nodes[r.Root].Uncertainty; u != nil && u.Nominal > 0 {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d–%d\t\n", lr.Name, u.Nominal, u.Median, u.P05, u.P95)
		}
	}
	return tw.Flush()
}
