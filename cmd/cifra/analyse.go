package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
	"github.com/cifra-health/cifra/internal/rufmt"
)

// regionCode resolves --region (ISO code, ОКАТО or name) to a unit code.
func regionCode(h *orgunit.Hierarchy, s string) (string, error) {
	if u, ok := h.Lookup(s); ok {
		return u.Code, nil
	}
	return "", fmt.Errorf("--region %q: такой организационной единицы нет", s)
}

func newExplainCmd(g *globals) *cobra.Command {
	var rf resultFlags
	var region, node, dataFile, unitsFile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Explain a unit's score: raw values, formula, normalised value, weight and contribution",
		Long: `Explains, in Russian, why a region has its score and place: each criterion
against the median of the rated regions, its weight and contribution, each
indicator from its data to its points, and the strongest and weakest
indicators. --json prints the whole tree with unrounded numbers.

Explains a stored result, or with --data (and then --method FILE.yaml,
optionally --units) a methodology run on a file as 'cifra compute' runs it.`,
		Example: `  cifra explain --region RU-TUL
  cifra explain --region "Тульская область" --period 2020 --json
  cifra explain --method my-method.yaml --data values.csv --units units.csv --region AUT`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataFile != "" {
				return explainFile(cmd.Context(), g, rf, dataFile, unitsFile, region, node, asJSON)
			}
			if unitsFile != "" {
				return fmt.Errorf("--units goes with --data")
			}
			c, st, err := openCatalog(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := rf.load(cmd.Context(), c)
			if err != nil {
				return err
			}
			code, err := regionCode(c.Hierarchy(), region)
			if err != nil {
				return err
			}
			ex, err := r.Explain(code, node, 0)
			if err != nil {
				return err
			}
			if !asJSON {
				return writeExplanation(g.stdout, r, ex)
			}
			enc := json.NewEncoder(g.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(ex)
		},
	}
	rf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the whole explanation tree as JSON, numbers unrounded")
	cmd.Flags().StringVar(&region, "region", "", "unit: ISO code, ОКАТО or name (with --data: its code in the file)")
	cmd.Flags().StringVar(&node, "node", "", "tree node (default: the index)")
	cmd.Flags().StringVar(&dataFile, "data", "", "explain a run on this long CSV file (--method is then a YAML file)")
	cmd.Flags().StringVar(&unitsFile, "units", "", "with --data: CSV file of units, code,name,attribute…")
	_ = cmd.MarkFlagRequired("region")
	return cmd
}

// explainFile is explain on a methodology run on file data.
func explainFile(ctx context.Context, g *globals, rf resultFlags, dataFile, unitsFile, region, node string, asJSON bool) error {
	m, err := method.Load(rf.method)
	if err != nil {
		return err
	}
	r, h, err := computeFile(ctx, m, dataFile, unitsFile, rf.period)
	if err != nil {
		return err
	}
	code := region
	if h != nil {
		if code, err = regionCode(h, region); err != nil {
			return err
		}
	}
	ex, err := r.Explain(code, node, 0)
	if err != nil {
		return err
	}
	if !asJSON {
		return writeExplanation(g.stdout, r, ex)
	}
	enc := json.NewEncoder(g.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(ex)
}

func newUncertaintyCmd(g *globals) *cobra.Command {
	var rf resultFlags
	var draws int
	var seed uint64
	var jitter float64
	cmd := &cobra.Command{
		Use:     "uncertainty",
		Short:   "Monte Carlo rank intervals: nominal, median and 5–95 % ranks",
		Example: `  cifra uncertainty --period 2020 --draws 1000 --seed 1`,
		Args:    cobra.NoArgs,
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
			opts := uncertaintyOptions(r, draws, seed, jitter)
			us, err := r.Uncertainty(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if r.Synthetic {
				fmt.Fprintln(g.stdout, report.SyntheticNote)
			}
			tw := tabwriter.NewWriter(g.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "Субъект РФ\tМесто\tМедиана\tИнтервал 5–95 %%\t\n")
			names := map[string]string{}
			for _, u := range r.Units {
				names[u.Code] = u.Name
			}
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d–%d\t\n", names[u.Unit], u.Nominal, u.Median, u.P05, u.P95)
			}
			return tw.Flush()
		},
	}
	rf.register(cmd)
	cmd.Flags().IntVar(&draws, "draws", 0, "number of draws (default: the methodology's, else 1000)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed (same seed, same result)")
	cmd.Flags().Float64Var(&jitter, "weight-jitter", -1, "weights vary within ±x (0.25 = ±25 %; default: the methodology's)")
	return cmd
}

// uncertaintyOptions combines the methodology's defaults with flags (a
// negative or zero flag keeps the default).
func uncertaintyOptions(r *rating.Result, draws int, seed uint64, jitter float64) index.UncertaintyOptions {
	m := r.MethodologyDef()
	u := m.Uncertainty
	opts := index.UncertaintyOptions{Draws: u.Draws, Seed: seed, WeightJitter: u.WeightJitter,
		Normalisations: u.Normalisations, Aggregations: u.Aggregations, Imputations: u.Imputations}
	if draws > 0 {
		opts.Draws = draws
	}
	if opts.Draws == 0 {
		opts.Draws = 1000
	}
	if jitter >= 0 {
		opts.WeightJitter = jitter
	}
	return opts
}

func newWhatIfCmd(g *globals) *cobra.Command {
	var rf resultFlags
	var region string
	cmd := &cobra.Command{
		Use:     "whatif",
		Short:   "Which single indicator, raised to the best in the federal district, gains the most places",
		Example: `  cifra whatif --region RU-IVA --period 2020`,
		Args:    cobra.NoArgs,
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
			code, err := regionCode(c.Hierarchy(), region)
			if err != nil {
				return err
			}
			levers, err := r.WhatIf(code, index.WhatIfOptions{})
			if err != nil {
				return err
			}
			names := map[string]string{}
			for _, in := range r.Indicators {
				names[in.ID] = in.Name
			}
			if r.Synthetic {
				fmt.Fprintln(g.stdout, report.SyntheticNote)
			}
			tw := tabwriter.NewWriter(g.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "Показатель\tСейчас\tЦель\tНовое место\tВыигрыш\t\n")
			for _, l := range levers {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%+d\t\n", names[l.Indicator], rufmt.Number(l.From, 1), rufmt.Number(l.To, 1), l.NewRank, l.Gain)
			}
			return tw.Flush()
		},
	}
	rf.register(cmd)
	cmd.Flags().StringVar(&region, "region", "", "unit: ISO code, ОКАТО or name")
	_ = cmd.MarkFlagRequired("region")
	return cmd
}
