package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/datavalue"
	"github.com/cifra-health/cifra/internal/index"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rating"
	"github.com/cifra-health/cifra/internal/report"
)

func newComputeCmd(g *globals) *cobra.Command {
	var methodFile, dataFile, unitsFile, stagesDir, periodID, format, out string
	var draws int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "compute",
		Short: "Recompute stored ratings, or run a methodology file on a CSV file without a database",
		Long: `Without --data, recomputes every methodology for every period with data in
the database and stores the results.

With --method FILE and --data FILE.csv, runs that methodology on a long CSV
(data_element,period,org_unit,value[,comment]) without touching any database,
so that a methodology can be tried on outside data. Organisation units known
to Cifra (ISO codes, ОКАТО, names) are placed in the hierarchy; if any code is
unknown, every code in the file is ranked as an independent unit.

--units FILE.csv (code,name,attribute…) names the units and gives them
attributes a methodology can group by (impute: {method: group_mean,
group_by: income}; ranks: {within: [income]}). When every unit of the file
is known to Cifra, the attributes are added to the hierarchy's; otherwise the
units of the file are the units ranked, and every code of the data must be
in it.

Every output carries every tree node's score and rank per unit. --stages DIR
writes every intermediate dataset (raw, denominated, imputed, treated,
normalised, aggregated) as CSV. --uncertainty N runs N Monte Carlo draws with
the methodology's uncertainty settings and adds nominal, median and 5–95 %
ranks for every node.`,
		Example: `  cifra compute
  cifra compute --method my-method.yaml --data values.csv --format json
  cifra compute --method asem.yaml --data asem.csv --units asem-units.csv --stages stages/ --uncertainty 1000 --seed 1 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if dataFile == "" && methodFile == "" {
				if unitsFile != "" || stagesDir != "" || draws != 0 {
					return fmt.Errorf("--units, --stages and --uncertainty need --method and --data")
				}
				c, st, err := openCatalog(ctx, g)
				if err != nil {
					return err
				}
				defer st.Close()
				tick, done := progress(g.stderr, "расчёт")
				n, err := c.Recompute(ctx, tick)
				done()
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "computed %d results\n", n)
				return nil
			}
			if dataFile == "" || methodFile == "" {
				return fmt.Errorf("--method and --data go together")
			}
			m, err := method.Load(methodFile)
			if err != nil {
				return err
			}
			r, h, err := computeFile(ctx, m, dataFile, unitsFile, periodID)
			if err != nil {
				return err
			}
			if stagesDir != "" {
				if err := report.WriteStages(stagesDir, r); err != nil {
					return err
				}
			}
			var ur *index.UncertaintyResult
			if draws < 0 {
				return fmt.Errorf("--uncertainty %d: нужно число розыгрышей больше нуля", draws)
			}
			if draws > 0 {
				opts := m.Uncertainty.Options(seed)
				opts.Draws = draws
				if ur, err = r.UncertaintyNodes(ctx, opts, nil); err != nil {
					return err
				}
			}
			return writeLeague(g.stdout, out, format, r, h, ur)
		},
	}
	cmd.Flags().StringVar(&methodFile, "method", "", "methodology YAML file")
	cmd.Flags().StringVar(&dataFile, "data", "", "long CSV file of data values")
	cmd.Flags().StringVar(&unitsFile, "units", "", "CSV file of units: code,name,attribute…")
	cmd.Flags().StringVar(&stagesDir, "stages", "", "write every intermediate dataset as CSV into this directory")
	cmd.Flags().IntVar(&draws, "uncertainty", 0, "Monte Carlo draws for rank intervals of every node (0 = none)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed of --uncertainty (same seed, same result)")
	cmd.Flags().StringVar(&periodID, "period", "", "period to compute (default: the latest with data)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json, csv, xlsx")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}

// fileResolver accepts the methodology's data elements and any org-unit
// code, mapping known codes to their canonical form.
type fileResolver struct {
	des map[string]bool
	h   *orgunit.Hierarchy
}

func (r fileResolver) DataElement(code string) (string, bool) { return code, r.des[code] }

func (r fileResolver) OrgUnit(code string) (string, bool) {
	if u, ok := r.h.Lookup(code); ok {
		return u.Code, true
	}
	return code, code != ""
}

func computeFile(ctx context.Context, m *method.Methodology, dataFile, unitsFile, periodID string) (*rating.Result, *orgunit.Hierarchy, error) {
	h, err := orgunit.Reference()
	if err != nil {
		return nil, nil, err
	}
	res := fileResolver{des: map[string]bool{}, h: h}
	for _, de := range m.DataElements {
		res.des[de.ID] = true
	}
	f, err := os.Open(dataFile)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	batch, err := datavalue.ReadCSV(f, dataFile, res)
	if err != nil {
		return nil, nil, err
	}
	if len(batch.Rejected) > 0 {
		return nil, nil, batch.Rejected
	}
	data := rating.NewDataset(len(batch.Values))
	known := true
	for _, v := range batch.Values {
		if err := data.Add(v.DataElement, v.Period, v.OrgUnit, v.Value); err != nil {
			return nil, nil, err
		}
		if _, ok := h.Get(v.OrgUnit); !ok {
			known = false
		}
	}
	level, err := orgunit.ParseLevel(orDefault(m.UnitLevel, "region"))
	if err != nil {
		return nil, nil, err
	}
	var units *orgunit.AttributeTable
	if unitsFile != "" {
		if units, err = readUnits(unitsFile); err != nil {
			return nil, nil, err
		}
		for _, u := range units.Units {
			if _, ok := h.Lookup(u.Code); !ok {
				known = false
			}
		}
	}
	u := rating.NewUniverse(h)
	switch {
	case known && units != nil:
		if err := h.SetAttributes(units); err != nil {
			return nil, nil, err
		}
	case units != nil:
		// The units of the file are the ones ranked; codes Cifra knows
		// take their canonical form, as the data's do.
		for i := range units.Units {
			if k, ok := h.Lookup(units.Units[i].Code); ok {
				units.Units[i].Code = k.Code
			}
		}
		for _, code := range data.OrgUnits() {
			if _, ok := units.Unit(code); !ok {
				return nil, nil, fmt.Errorf("%s: единицы %q из данных нет в файле единиц %s", dataFile, code, unitsFile)
			}
		}
		u = rating.TableUniverse(units, level)
		h = nil
	case !known:
		u = rating.FlatUniverse(data.OrgUnits(), level)
		h = nil
	}
	var p period.Period
	if periodID != "" {
		if p, err = period.Parse(periodID); err != nil {
			return nil, nil, fmt.Errorf("--period: %w", err)
		}
	} else {
		for _, t := range m.PeriodTypes {
			if ps := data.PeriodsOf(t); len(ps) > 0 {
				p = ps[len(ps)-1]
				break
			}
		}
		if p.IsZero() {
			return nil, nil, fmt.Errorf("%s: no values in a period type of methodology %s", dataFile, m.ID)
		}
	}
	eng := &rating.Engine{Universe: u, Data: data, Methods: map[string]*method.Methodology{m.ID: m}}
	if builtins, err := method.Builtin(); err == nil {
		for _, b := range builtins {
			if _, ok := eng.Methods[b.ID]; !ok {
				eng.Methods[b.ID] = b
			}
		}
	}
	r, err := eng.Compute(ctx, m, p)
	return r, h, err
}

func readUnits(path string) (*orgunit.AttributeTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--units: %w", err)
	}
	defer f.Close()
	return orgunit.ReadAttributes(f, path)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
